"""The lean engine's cost: one ``assess``, ``assess_frame`` on N rows, and a kernel running the dashboard.

    .venv/bin/python benchmarks/bench_engine.py              # all three, prints a table, appends results/engine.json
    .venv/bin/python benchmarks/bench_engine.py --rows 50000 --no-save

* ``assess``: best of 7 passes over 2,000 varied profiles (µs per call), beside a baseline of
  ``make_profile`` alone (validation only) timed the same way in the same run.
* ``assess_frame``: wall time for N random rows (seeded), best of 3, beside building the same
  DataFrame (the baseline every DataFrame API pays).
* kernel: a fresh ipykernel started with jupyter_client, then the dashboard notebook's cells
  executed; time from start request to the last cell's reply, and the kernel's USS (psutil)
  afterwards, beside an empty notebook in the same run (best of --kernels runs each).
"""
from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _profiles(n: int, seed: int = 1) -> list[dict]:
    from stepguide.rules.inputs import APPLICANTS, FAILED_EXAMS, FLAGS, MONTHS, STAGES
    from stepguide.rules.tables import specialties

    rng, names = random.Random(seed), sorted(specialties())
    return [{"step1": rng.choice([rng.randint(180, 280), rng.randint(180, 280), "Pass", "Fail"]),
             "step2": rng.choice([rng.randint(190, 285), rng.randint(190, 285), None]),
             "specialty": rng.choice(names), "month": rng.choice(MONTHS), "applicant": rng.choice(APPLICANTS),
             "stage": rng.choice(STAGES), "failed_exam": rng.choice(FAILED_EXAMS),
             **{f: rng.random() < 0.3 for f in FLAGS}} for _ in range(n)]


def bench_assess(n: int = 2000, passes: int = 7) -> dict:
    import stepguide as sg
    from stepguide.rules.inputs import make_profile

    rows = _profiles(n)
    sg.assess(**rows[0])

    def best(fn) -> float:
        times = []
        for _ in range(passes):
            t = time.perf_counter()
            for kw in rows:
                fn(**kw)
            times.append((time.perf_counter() - t) / n * 1e6)
        return min(times)

    return {"assess_us": round(best(sg.assess), 1), "make_profile_us": round(best(make_profile), 1)}


def bench_frame(rows: int, passes: int = 3) -> dict:
    import pandas as pd

    import stepguide as sg

    data = _profiles(rows, seed=2)
    build, judge = [], []
    for _ in range(passes):
        t = time.perf_counter()
        df = pd.DataFrame(data)
        build.append(time.perf_counter() - t)
        t = time.perf_counter()
        sg.assess_frame(df)
        judge.append(time.perf_counter() - t)
    return {"rows": rows, "assess_frame_s": round(min(judge), 3), "dataframe_build_s": round(min(build), 3)}


def _kernel_run(cells: list[str]) -> tuple[float, float]:
    import psutil
    from jupyter_client.manager import start_new_kernel
    from jupyter_client.provisioning import LocalProvisioner

    t = time.perf_counter()
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(ROOT / "notebooks"))
    try:
        for code in cells:
            reply = kc.execute_interactive(code, timeout=120, output_hook=lambda msg: None)
            assert reply["content"]["status"] == "ok", reply["content"]
        elapsed = time.perf_counter() - t
        provisioner = km.provisioner
        assert isinstance(provisioner, LocalProvisioner), provisioner  # a kernel on this machine: it has a pid
        uss = psutil.Process(provisioner.pid).memory_full_info().uss / 2**20
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return elapsed, uss


def bench_kernel(runs: int) -> dict:
    nb = json.loads((ROOT / "notebooks" / "dashboard.ipynb").read_text())
    cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    dash = [_kernel_run(cells) for _ in range(runs)]
    empty = [_kernel_run(["pass"]) for _ in range(runs)]
    return {"kernel_dashboard_s": round(min(d[0] for d in dash), 3),
            "kernel_empty_s": round(min(e[0] for e in empty), 3),
            "kernel_dashboard_uss_mib": round(statistics.median(d[1] for d in dash), 1),
            "kernel_empty_uss_mib": round(statistics.median(e[1] for e in empty), 1)}


def main() -> None:
    from testing.results import run_cli

    run_cli(__doc__, "engine", {"rows": 50_000, "kernels": 3},
            lambda args: {**bench_assess(), **bench_frame(args.rows), **bench_kernel(args.kernels)})


if __name__ == "__main__":
    main()
