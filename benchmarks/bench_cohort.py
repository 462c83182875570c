"""Reading and judging an adviser's class file: time and extra memory for 10,000 and 200,000 rows (issue 11).

Budget: 200,000 rows read and judged in <= 2 s with <= 100 MiB extra. The reading part
(:func:`stepguide.cohort.parse_cohort`: decode, separator, headers, records) is timed apart from the
judging part (:func:`stepguide.cohort.judge_cohort`: :class:`stepguide.rules.batch.Judge` in chunks, each
distinct input, score combination and situation worked out once), because the rules engine is its own work.
``plain`` is ``read_cohort`` the way the in-browser edition runs it, without pandas (the csv module reads the
records), here in CPython. Baselines, run the same way in the same invocation:

* ``pandas``: ``pd.read_csv(dtype=object)`` alone on the same bytes (the least any reader costs);
* ``main``: what ``read_cohort_csv`` did before issue 11 (one ``read_csv`` and one ``assess_frame``),
  which rejects the whole file at the first malformed row, so it runs on clean files only;
* ``rowwise``: the judging half as it was before issue 20: one ``classify(make_profile(...))`` per distinct
  raw row (what ``assess_frame`` did), on the same parsed rows as ``judge``.

Each measurement runs in a fresh Python process that reads the file from disk, warms up on a
10-row file, then times one call. Extra memory is the process's peak RSS during the call minus
its RSS just before: the kernel's high-water mark (``VmHWM``) is reset through
``/proc/self/clear_refs`` right before the call, so every temporary copy counts and nothing before.

    python benchmarks/bench_cohort.py [--rows 10000 200000] [--runs 3] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

KINDS = {
    "clean": "UTF-8, comma, every row good",
    "messy": "UTF-16 + tab (Excel 'Unicode text'), spreadsheet headers, 1% malformed rows, 1% bad values",
    "quoted": "UTF-8, every field in quotes",
}
STEPS = ("pandas", "main", "parse", "rowwise", "judge", "total", "plain", "export")
# the ratio each step is shown against
BASELINE = {"parse": "pandas", "judge": "rowwise", "total": "main", "plain": "total"}


def make_file(rows: int, kind: str, seed: int = 11) -> bytes:
    """A class file of ``rows`` students with every input column, as an adviser's spreadsheet would save it."""
    from stepguide.rules.frame import INPUT_COLUMNS
    from stepguide.rules.inputs import FLAGS

    rng = random.Random(seed)
    choices = {"specialty": ["IM", "Internal Medicine", "derm", "peds", "General Surgery", "EM", "psych", "Radiology",
                             "FM"],
               "month": ["Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb"],
               "stage": ["before invites", "interviewed", "on hold"], "applicant": ["US MD", "US DO", "IMG"],
               "failed_exam": ["none", "none", "none", "step1", ""],
               "step2_exam": ["", "", "", "from", "before", "2025-08-12"],
               **{f: ["false", "false", "true"] for f in FLAGS}}
    header = list(INPUT_COLUMNS)
    if kind == "messy":
        header[:3] = ["USMLE Step 1", "USMLE Step 2 CK", "Specialty applying"]
    sep = "\t" if kind == "messy" else ","
    lines = [sep.join(header)]
    for i in range(rows):
        step1 = rng.choice(["Pass", str(rng.randint(200, 265))])
        step2 = rng.choice(["", str(rng.randint(205, 270)), str(rng.randint(205, 270))])
        fields = [step1, step2] + [rng.choice(choices[c]) for c in INPUT_COLUMNS[2:]]
        if kind == "messy" and i % 100 == 37:
            fields.append("stray")  # one field too many
        if kind == "messy" and i % 100 == 71:
            fields[0] = "2400"  # out of range
        if kind == "quoted":
            fields = [f'"{f}"' for f in fields]
        lines.append(sep.join(fields))
    text = "\r\n".join(lines) + "\r\n"
    return text.encode("utf-16") if kind == "messy" else text.encode("utf-8")


CHILD = r'''
import gc, io, json, re, sys, time
import psutil
import pandas as pd
from stepguide.cohort import export_csv, judge_cohort, parse_cohort, read_cohort
from stepguide.rules.frame import assess_frame
from stepguide.rules.inputs import FLAGS

def main_reader(data):  # read_cohort_csv as it was on main before issue 11
    frame = pd.read_csv(io.StringIO(data.decode("utf-8-sig")), dtype=str, keep_default_na=False)
    frame.columns = [c.strip().lower() for c in frame.columns]
    for flag in FLAGS:
        if flag in frame.columns:
            frame[flag] = frame[flag].map(lambda v: {"true": True, "false": False, "": False}.get(v.strip().lower(), v))
    frame["step2"] = frame["step2"].map(lambda v: None if v.strip() == "" else v)
    return assess_frame(frame)

def rowwise(inputs):  # the judging half before issue 20: one assess per distinct raw row
    from stepguide.rules.classify import classify
    from stepguide.rules.frame import RESULT_COLUMNS
    from stepguide.rules.inputs import InputError, make_profile
    cache, out, names = {}, [], list(inputs)
    for key in zip(*(inputs[c] for c in names)):
        hit = cache.get(key)
        if hit is None:
            try:
                v = classify(make_profile(**dict(zip(names, key))))
                hit = tuple(getattr(v, c) for c in RESULT_COLUMNS)
            except InputError as exc:
                hit = str(exc)
            cache[key] = hit
        out.append(hit)
    return out

step, path = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
warm = b"step1,step2,specialty\n228,248,IM\n" * 10
read_cohort(warm); main_reader(warm); export_csv(read_cohort(warm)); pd.read_csv(io.BytesIO(warm), dtype=object)
prepared = parse_cohort(data) if step in ("judge", "rowwise") else read_cohort(data) if step == "export" else None
def high_water():
    return int(re.search(r"VmHWM:\s+(\d+) kB", open("/proc/self/status").read()).group(1)) * 1024

gc.collect()
with open("/proc/self/clear_refs", "w") as fh:
    fh.write("5")  # reset the peak to the current RSS
rss = psutil.Process().memory_info().rss
peak_before = high_water()
start, cpu_start = time.perf_counter(), time.process_time()
if step == "parse":
    out = parse_cohort(data); rows = len(out.lines)
elif step == "judge":
    out = judge_cohort(prepared); rows = len(out)
elif step == "plain":
    out = judge_cohort(parse_cohort(data, fast=False)); rows = len(out)
elif step == "rowwise":
    out = rowwise(prepared.inputs); rows = len(out)
elif step == "total":
    out = read_cohort(data); rows = len(out)
elif step == "pandas":
    out = pd.read_csv(io.BytesIO(data), dtype=object, keep_default_na=False); rows = len(out)
elif step == "main":
    out = main_reader(data); rows = len(out)
elif step == "export":
    out = export_csv(prepared); rows = len(prepared)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
peak = high_water()
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "extra_mib": (peak - rss) / 2**20, "rows": rows,
                  "clean_peak": peak_before <= rss + 2**20}))
'''


def run_child(step: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, step, str(path)], capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"{step} on {path.name} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def steps_for(kind: str) -> tuple[str, ...]:
    if kind != "messy":
        return STEPS
    return tuple(s for s in STEPS if s not in ("main", "pandas"))  # main refuses malformed rows and UTF-16


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 200_000])
    parser.add_argument("--kinds", nargs="+", default=list(KINDS), choices=list(KINDS))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--steps", nargs="+", default=list(STEPS), choices=list(STEPS))
    parser.add_argument("--json", type=Path, help="also write every run to this file")
    args = parser.parse_args()
    results = []
    load = os.getloadavg()[0]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {load:.1f}; {args.runs} runs, "
          "each a fresh process; seconds: median (fastest), CPU seconds: median, extra memory: largest")
    print(f"{'rows':>8} {'kind':<7} {'MB':>5} {'step':<7} {'seconds':>16} {'CPU s':>6} {'extra MiB':>10}  "
          "ratio (medians)")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            for kind in args.kinds:
                path = Path(tmp) / f"{kind}-{rows}.csv"
                path.write_bytes(make_file(rows, kind))
                medians = {}
                for step in [s for s in steps_for(kind) if s in args.steps]:
                    runs = [run_child(step, path) for _ in range(args.runs)]
                    assert all(r["clean_peak"] for r in runs), f"{step}: peak before the call exceeds its RSS"
                    seconds = statistics.median(r["seconds"] for r in runs)
                    extra = max(r["extra_mib"] for r in runs)
                    medians[step] = seconds
                    base = BASELINE.get(step)
                    ratio = f"{seconds / medians[base]:.2f}x {base}" if base in medians else ""
                    fastest = min(r["seconds"] for r in runs)
                    cpu = statistics.median(r["cpu_seconds"] for r in runs)
                    print(f"{rows:>8} {kind:<7} {path.stat().st_size / 1e6:>5.1f} {step:<7} {seconds:>7.3f} "
                          f"({fastest:6.3f}) {cpu:>6.3f} {extra:>10.1f}  {ratio}")
                    results.append({"rows": rows, "kind": kind, "bytes": path.stat().st_size, "step": step,
                                    "runs": runs, "median_seconds": seconds, "max_extra_mib": extra})
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
