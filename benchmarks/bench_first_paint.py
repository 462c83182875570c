"""First paint before/after, in one run: navigation → every chart drawn, against an empty Voila page.

    .venv/bin/python benchmarks/bench_first_paint.py                  # before = main, after = HEAD
    .venv/bin/python benchmarks/bench_first_paint.py --before main --after HEAD --rounds 2 --runs 5

Exports both git revisions (``git archive``, nothing in the work tree changes) and runs the *after*
revision's ``benchmarks/bench_page.py`` (the one instrument, copied into both) on each one's
``notebooks/dashboard.ipynb`` (project config, cold browser cache), with that revision's Voila template
first on ``JUPYTER_PATH``. An empty notebook served by the *after* revision's config is the baseline. The
three are interleaved round by round so machine load hits them alike (the machine has 2 shared cores:
compare within one run only). Each bench_page run saves into its own export; this script prints the
medians and the ratios, and appends one record to ``benchmarks/results/first_paint.json``.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "first_paint.json"


def export(rev: str, into: Path) -> Path:
    """The tree of ``rev`` as plain files under ``into``."""
    data = subprocess.run(["git", "archive", "--format=tar", rev], cwd=ROOT, check=True, capture_output=True).stdout
    into.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    if (into / "stepguide" / "ui" / "front_ends.py").is_file():  # the template's made files, which git does not keep
        subprocess.run([sys.executable, "-m", "stepguide.ui.front_ends"], cwd=into, check=True,
                       env={**os.environ, "PYTHONPATH": str(into)}, stdout=subprocess.DEVNULL)
    return into


def bench(tree: Path, notebook: str | None, runs: int) -> list[dict]:
    """Run ``tree``'s own bench_page.py once; return its runs (read back from the export's results file)."""
    results = tree / "benchmarks" / "results" / "page.json"
    before = len(json.loads(results.read_text())) if results.exists() and results.read_text().strip() else 0
    env = {**os.environ, "JUPYTER_PATH": os.pathsep.join(filter(None, [str(tree / "share" / "jupyter"),
                                                                          os.environ.get("JUPYTER_PATH")]))}
    argv = [sys.executable, str(tree / "benchmarks" / "bench_page.py"), "--configs", "project",
            "--runs", str(runs), "--cold-runs", "0"]
    if notebook:
        argv += ["--notebook", str(tree / notebook)]
    subprocess.run(argv, cwd=tree, env=env, check=True, stdout=subprocess.DEVNULL)
    records = json.loads(results.read_text())[before:]
    return [run for record in records for config in record["configs"] for run in config["runs"]]


def median(runs: list[dict[str, Any]], key: str) -> float:
    measured = (r["parts_ms"].get(key) if key in r.get("parts_ms", {}) else r.get(key) for r in runs)
    values: list[float] = [v for v in measured if v is not None]
    if not values:
        raise SystemExit(f"no run measured {key}")
    return statistics.median(values)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", default="main",
                    help="git revision measured as 'before' (default main; use the merge base of a branch)")
    ap.add_argument("--after", default="HEAD", help="git revision measured as 'after' (default HEAD)")
    ap.add_argument("--rounds", type=int, default=2, help="interleaved rounds (default 2)")
    ap.add_argument("--runs", type=int, default=5, help="page loads per bench_page run (default 5)")
    ap.add_argument("--no-save", action="store_true")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-first-paint-") as tmp:
        trees = {"before": export(args.before, Path(tmp) / "before"), "after": export(args.after, Path(tmp) / "after")}
        instrument = trees["after"] / "benchmarks" / "bench_page.py"
        (trees["before"] / "benchmarks" / "bench_page.py").write_bytes(instrument.read_bytes())
        runs: dict[str, list[dict]] = {"empty": [], "before": [], "after": []}
        for n in range(args.rounds):
            for name in ("empty", "before", "after"):
                print(f"round {n + 1}/{args.rounds}: {name} ...", file=sys.stderr)
                tree = trees["after" if name == "empty" else name]
                runs[name] += bench(tree, None if name == "empty" else "notebooks/dashboard.ipynb", args.runs)
    base = median(runs["empty"], "tti_ms")
    summary: dict[str, Any] = {"empty_ms": base}
    print(f"empty Voila page (after's config): {base:.0f} ms")
    for name in ("before", "after"):
        charts, inputs = median(runs[name], "plots_drawn"), median(runs[name], "widgets_mounted")
        total = median(runs[name], "tti_ms")
        # The measure: every input and the verdict (all widgets mounted, kernel connected) and the first chart
        first = statistics.median(max(r["parts_ms"]["widgets_mounted"], r["parts_ms"]["kernel_ready"],
                                      r["parts_ms"]["shown"], r["parts_ms"]["first_plot"]) for r in runs[name])
        summary[name] = {"all_charts_ms": charts, "inputs_live_ms": inputs, "interactive_ms": total,
                         "first_screen_ms": first, "first_screen_ratio": first / base,
                         "all_charts_ratio": charts / base, "inputs_ratio": inputs / base,
                         "plots": statistics.median(r["plots"] for r in runs[name])}
        print(f"{name:6}: inputs live {inputs:.0f} ms ({inputs / base:.2f}x), inputs + verdict + first chart "
              f"{first:.0f} ms ({first / base:.2f}x), every chart drawn {charts:.0f} ms ({charts / base:.2f}x), "
              f"interactive {total:.0f} ms")
    if not args.no_save:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        data = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
        data.append({"date": datetime.now(UTC).isoformat(timespec="seconds"), "before": args.before,
                     "after": args.after, "rounds": args.rounds, "runs": args.runs, "summary": summary,
                     "all_runs": runs})
        RESULTS.write_text(json.dumps(data, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
