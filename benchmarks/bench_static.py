"""The static edition beside the Voila dashboard, in one run: time to interactive, bytes, tab memory, site size.

    .venv/bin/python benchmarks/bench_static.py [--runs 3] [--site _site] [--baseline OTHER_SITE] [--no-save]

Both are served on loopback the way their make targets serve them: ``_site/`` by Python's http.server
(``make static-serve``; built first if ``--site`` is missing), the dashboard by standalone Voila with the
project's voila.json (``make dashboard``). Each run starts a new headless Chromium with a new profile (empty disk
cache, as a first-time visitor has) and visits:

* **first**: navigation -> interactive, i.e. the dashboard's main region is there, the C5 chart is drawn and
  the situation link is in the address (the kernel has answered: a slider would now update the page);
* **repeat**: the same page again in the same browser (its disk cache warm), timed the same way.

Bytes = every response's body and headers as Chromium counted them (page, web worker and service worker:
``requestfinished`` on the context), uncompressed on both servers; **gzip** = what the same static files
weigh gzipped (level 6), as most static hosts send them. Tab memory = USS of all of Chromium's processes
with the page open, less the same browser on about:blank (the Pyodide worker lives in the tab's renderer).
``--baseline`` measures a second build of the site in the same run, interleaved with the first (e.g. the
build of main's checkout, to give a change's before and after under the same machine load) as config
``baseline``. Appends a record to ``benchmarks/results/static.json``.
"""
from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from testing.static_site import BLOCK_OUTSIDE, DASHBOARD, StaticServer, build_site  # noqa: E402
from testing.voila import start_voila  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_page import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "static.json"
READY = """() => document.querySelector('.sg-main[role=main]')
    && document.querySelector('.sg-chart-c5 .js-plotly-plot .main-svg')
    && location.hash.includes('step2=')"""


def tree_uss(pid: int) -> int:
    """USS of a process and all its descendants, in bytes."""
    total = 0
    root = psutil.Process(pid)
    for proc in [root, *root.children(recursive=True)]:
        with suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += proc.memory_full_info().uss
    return total


def browser_pid() -> int:
    """Chromium's main process: the descendant of this process running a chromium binary without ``--type=``."""
    for child in psutil.Process().children(recursive=True):
        try:
            cmdline = child.cmdline()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        if cmdline and Path(cmdline[0]).name == "chromium" and not any(arg.startswith("--type=") for arg in cmdline):
            return child.pid
    raise RuntimeError("Chromium's main process not found")


def visit(page: Any, url: str, seen: list[int]) -> dict[str, float]:
    """Open url and wait until interactive; ms since navigation start and bytes counted meanwhile."""
    seen.clear()
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function(READY, timeout=180_000, polling=50)
    wall = (time.perf_counter() - start) * 1000
    page_ms = page.evaluate("() => performance.now()")
    return {"interactive_ms": round(min(wall, page_ms), 1), "bytes": sum(seen), "requests": len(seen)}


def one_run(url: str, blocked: bool) -> dict[str, Any]:
    """A new browser profile (its disk cache empty): first visit, tab memory, repeat visit."""
    with sync_playwright() as p, tempfile.TemporaryDirectory(prefix="bench-static-profile-") as profile:
        args = [*CHROMIUM_ARGS, BLOCK_OUTSIDE] if blocked else CHROMIUM_ARGS
        context = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, args=args,
                                                       viewport={"width": 1366, "height": 900})
        page = context.pages[0] if context.pages else context.new_page()
        page.goto("about:blank")
        pid = browser_pid()
        empty = tree_uss(pid)
        seen: list[int] = []

        def count(request: Any) -> None:
            sizes = request.sizes()
            seen.append(sizes["responseBodySize"] + sizes["responseHeadersSize"])

        context.on("requestfinished", count)
        first = visit(page, url, seen)
        first["tab_mib"] = round((tree_uss(pid) - empty) / 2**20, 1)
        first["js_heap_mib"] = round(page.evaluate("() => performance.memory.usedJSHeapSize") / 2**20, 1)
        page.goto("about:blank")
        repeat = visit(page, url, seen)
        context.close()
    return {"first": first, "repeat": repeat}


def site_sizes(site: Path, served: list[str]) -> dict[str, Any]:
    """The folder's size by top-level part, and what the dashboard's first visit fetched from it."""
    parts: Counter[str] = Counter()
    for f in site.rglob("*"):
        if f.is_file():
            rel = f.relative_to(site).parts
            part = "/".join(rel[:3]) if rel[0] == "static" else rel[0] if len(rel) > 1 else "(root files)"
            parts[part] += f.stat().st_size
    fetched = sorted({p.split("?")[0].lstrip("/") for p in served})
    files = [site / p for p in fetched if (site / p).is_file()]
    raw = sum(f.stat().st_size for f in files)
    zipped = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)
    biggest = sorted(((f.stat().st_size, str(f.relative_to(site))) for f in files), reverse=True)[:6]
    return {"total_mib": round(sum(parts.values()) / 2**20, 1),
            "by_part_mib": {k: round(v / 2**20, 1) for k, v in parts.most_common(8)},
            "first_visit_files": len(files), "first_visit_mb": round(raw / 1e6, 1),
            "first_visit_gzip_mb": round(zipped / 1e6, 1),
            "largest_fetched": [(name, round(size / 1e6, 2)) for size, name in biggest]}


def summary(runs: list[dict[str, Any]], visit_kind: str, key: str) -> float:
    return round(statistics.median(r[visit_kind][key] for r in runs), 1)


def ratios(runs: list[dict[str, Any]], voila: list[dict[str, Any]]) -> str:
    """Each run's first/repeat ratio to the Voila visits of the same round (the load they shared)."""
    return ", ".join(f"{s['first']['interactive_ms'] / v['first']['interactive_ms']:.1f}/"
                     f"{s['repeat']['interactive_ms'] / v['repeat']['interactive_ms']:.1f}"
                     for s, v in zip(runs, voila, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--site", type=Path, default=ROOT / "_site")
    parser.add_argument("--baseline", type=Path, help="another build of the site, measured in the same run")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    if not (args.site / "index.html").exists():
        build_site(args.site)
    record: dict[str, Any] = {"when": datetime.now(UTC).isoformat(timespec="seconds"),
                              "load_before": round(psutil.getloadavg()[0], 2), "configs": {}}
    with (StaticServer(args.site) as static, StaticServer(args.baseline or args.site) as baseline,
          start_voila(ROOT / "notebooks" / "dashboard.ipynb") as voila):
        urls = {"static": (static.url + DASHBOARD, True), "voila": (voila.url, False)}
        if args.baseline:
            urls["baseline"] = (baseline.url + DASHBOARD, True)
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in urls}
        for _ in range(args.runs):  # interleaved, so machine load hits both alike
            static.requests.clear()
            for name, (url, blocked) in urls.items():
                runs[name].append(one_run(url, blocked))
        # what the last run fetched from the site (its first visit; the repeat came from the cache)
        record["site"] = site_sizes(args.site, [path for path, _ in static.requests])
    record["load_after"] = round(psutil.getloadavg()[0], 2)
    for name, rs in runs.items():
        record["configs"][name] = {"runs": rs, **{f"{kind}_{key}": summary(rs, kind, key)
                                                  for kind in ("first", "repeat")
                                                  for key in ("interactive_ms", "bytes", "requests")},
                                   "tab_mib": summary(rs, "first", "tab_mib"),
                                   "js_heap_mib": summary(rs, "first", "js_heap_mib")}
    v = record["configs"]["voila"]
    print(f"load {record['load_before']} -> {record['load_after']}, {args.runs} runs, medians")
    print(f"{'':8} {'first ms':>9} {'repeat ms':>9} {'first MB':>9} {'repeat MB':>9} {'reqs':>5} {'tab MiB':>8} "
          f"{'JS heap':>8}")
    for name, c in record["configs"].items():
        print(f"{name:8} {c['first_interactive_ms']:9.0f} {c['repeat_interactive_ms']:9.0f} "
              f"{c['first_bytes'] / 1e6:9.1f} "
              f"{c['repeat_bytes'] / 1e6:9.2f} {c['first_requests']:5.0f} {c['tab_mib']:8.0f} {c['js_heap_mib']:8.0f}")
    for name, c in record["configs"].items():
        if name != "voila":
            print(f"ratio {name}/voila: first {c['first_interactive_ms'] / v['first_interactive_ms']:.1f}x, "
                  f"repeat {c['repeat_interactive_ms'] / v['repeat_interactive_ms']:.1f}x "
                  f"(per run: {ratios(c['runs'], v['runs'])})")
    print("site:", json.dumps(record["site"], indent=1))
    if not args.no_save:
        RESULTS.parent.mkdir(exist_ok=True)
        old = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
        RESULTS.write_text(json.dumps([*old, record], indent=1) + "\n")


if __name__ == "__main__":
    main()
