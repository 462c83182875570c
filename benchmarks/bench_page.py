"""Page-load benchmark for the Voila dashboard: time to interactive, websocket bytes, kernel RSS, cold start.

    .venv/bin/python benchmarks/bench_page.py                      # empty notebook, project vs stock config
    .venv/bin/python benchmarks/bench_page.py --notebook notebooks/dashboard.ipynb --runs 10
    .venv/bin/python benchmarks/bench_page.py --configs project --warm --no-save

For each config, this starts a real standalone Voila on 127.0.0.1 with a
preheated pool of one kernel, waits until that kernel has executed the
notebook, then loads the page ``--runs`` times in headless Chromium. Each run
uses a fresh browser context (empty HTTP cache) unless ``--warm`` is given.

Configs:
  project  the repository's voila.json (cwd = repo root), as ``make dashboard`` runs it
  stock    Voila's defaults (cwd = an empty temp dir) plus ``--preheat_kernel=True
           --pool_size=1``, so both configs serve from a preheated kernel

Interactive: the first animation frame (``performance.now()``, in ms from
navigation start) at which all of these hold:
  a. Voila has revealed the output (``#loading`` removed, ``#rendered_cells``
     displayed). Voila does this once every cell has streamed and the theme
     has loaded.
  b. The kernel websocket has delivered ``kernel_info_reply``, so the widget
     manager's kernel connection is live and widget events reach Python.
  c. Every widget-view output in the served HTML has mounted a view (an
     ``.jp-OutputArea-output`` that contains ``.jupyter-widgets``).
  d. At least P plotly charts have drawn (``.js-plotly-plot`` with a ``.main-svg``),
     and every displayed ``.js-plotly-plot`` has. P comes from ``--plots``; by
     default an unmeasured calibration load counts the charts once no new
     chart has appeared for 3 s, because charts can draw well after the
     widgets mount.
  e. Each ``--ready-selector`` has at least one visible match.
For an empty notebook, c to e hold trivially, so interactive = max(a, b).
A raf loop in the page records when each condition first held, and the
reported time is the latest of those, so the polling from Python adds no delay.

Per run it also records: HTTP bytes (Resource Timing transferSize, which with
a cold cache is what went over the wire, and the labextensions share of it);
websocket payload bytes sent and received from navigation until the page
closes (``--settle`` seconds after interactive); and the RSS/USS/PSS of the
page's kernel (found through the process tree) at close.

Cold path (``--cold-runs``, project config only): a second Voila with
``--preheat_kernel=False`` serves the page over plain HTTP with no browser.
Kernel start -> executed is the time from the kernel process's creation to the
end of the HTML response. Voila ends the response once it has executed every
cell. This is the wait a visitor gets when the pool is empty, and roughly how
long the pool takes to refill.

Prints a table and appends one JSON record per invocation to
benchmarks/results/page.json (a JSON list).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from testing.voila import VoilaProcess, load_voila_config, start_voila, visitor_cookie  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
RESULTS = ROOT / "benchmarks" / "results" / "page.json"
STOCK_ARGS = ("--preheat_kernel=True", "--pool_size=1")
# Chrome DevTools network emulation (throughput in bytes/s, latency in ms).
NETWORKS = {
    "wifi": {"latency": 20, "downloadThroughput": 30e6 / 8, "uploadThroughput": 15e6 / 8},
    "slow": {"latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 0.75e6 / 8},
}

# Runs before any page script: wraps WebSocket to spot kernel_info_reply, and
# starts a raf loop that records the first time each readiness condition holds.
INIT_SCRIPT = r"""
(() => {
  const B = window.__bench = {
    kernelReadyAt: null, shownAt: null, selectorsAt: null,
    widgetMounts: [], plotDrawn: [], selectors: [],
  };
  try { performance.setResourceTimingBufferSize(5000); } catch (e) {}
  const Native = window.WebSocket;
  const dec = new TextDecoder('utf-8');
  const seen = (data) => {
    if (B.kernelReadyAt !== null) return;
    let s = null;
    if (typeof data === 'string') s = data.slice(0, 4096);
    else if (data instanceof ArrayBuffer) s = dec.decode(new Uint8Array(data, 0, Math.min(data.byteLength, 4096)));
    if (s && s.includes('"kernel_info_reply"')) B.kernelReadyAt = performance.now();
  };
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); this.addEventListener('message', (ev) => seen(ev.data)); }
  };
  const mounted = new WeakSet(), drawn = new WeakSet();
  const displayed = (el) => el.getClientRects().length > 0;
  const tick = () => {
    const now = performance.now();
    if (B.shownAt === null) {
      const cells = document.getElementById('rendered_cells');
      if (cells && !document.getElementById('loading') && getComputedStyle(cells).display !== 'none') B.shownAt = now;
    }
    for (const out of document.querySelectorAll('.jp-OutputArea-output')) {
      if (!mounted.has(out) && out.querySelector('.jupyter-widgets')) { mounted.add(out); B.widgetMounts.push(now); }
    }
    for (const plot of document.querySelectorAll('.js-plotly-plot')) {
      if (!drawn.has(plot) && plot.querySelector('.main-svg')) { drawn.add(plot); B.plotDrawn.push(now); }
    }
    if (B.selectorsAt === null && B.selectors.length) {
      const ok = B.selectors.every((sel) => [...document.querySelectorAll(sel)].some(displayed));
      if (ok) B.selectorsAt = now;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""

# Python waits on this; the timing comes from the raf loop above.
READY_PREDICATE = r"""
([expectedViews, expectedPlots, selectors]) => {
  const B = window.__bench;
  B.selectors = selectors;
  if (B.shownAt === null || B.kernelReadyAt === null) return false;
  if (B.widgetMounts.length < expectedViews) return false;
  if (B.plotDrawn.length < expectedPlots) return false;
  const plots = [...document.querySelectorAll('.js-plotly-plot')].filter((p) => p.getClientRects().length > 0);
  if (!plots.every((p) => p.querySelector('.main-svg'))) return false;
  if (selectors.length && B.selectorsAt === null) return false;
  return true;
}
"""

METRICS_SCRIPT = r"""
() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const sum = (xs, f) => xs.reduce((a, x) => a + (f(x) || 0), 0);
  const ext = res.filter((r) => r.name.includes('/voila/labextensions/'));
  return {
    responseEnd: nav.responseEnd, domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
    httpBytes: (nav.transferSize || 0) + sum(res, (r) => r.transferSize),
    httpDecodedBytes: (nav.decodedBodySize || 0) + sum(res, (r) => r.decodedBodySize),
    extBytes: sum(ext, (r) => r.transferSize), extDecodedBytes: sum(ext, (r) => r.decodedBodySize),
    requests: res.length + 1, extRequests: ext.length,
    kernelId: JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId,
    bench: window.__bench,
  };
}
"""


def empty_notebook(folder: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "empty.ipynb"
    nbformat.write(nb, path)
    return path


def expected_widget_views(html: str) -> int:
    """Count widget-view outputs among the outputs Voila embedded in the page."""
    import re

    blocks = re.findall(r'<script type="application/vnd\.voila\.cell-output\+json">(.*?)</script>', html, re.S)
    return sum(b.count("application/vnd.jupyter.widget-view+json") for b in blocks)


def kernel_memory(server: VoilaProcess, kernel_id: str) -> dict[str, float]:
    proc = server.kernel_processes().get(kernel_id)
    if proc is None:
        return {}
    m = proc.memory_full_info()
    mib = 2**20
    return {"rss_mib": m.rss / mib, "uss_mib": m.uss / mib, "pss_mib": getattr(m, "pss", 0) / mib}


def count_plots(server: VoilaProcess, browser, *, timeout: float, quiet: float = 3.0) -> int:
    """Calibration load (not measured): how many plotly charts the page draws once it has settled.

    Charts can appear well after the widgets mount (e.g. plotly.js loads
    lazily), so a measured run must wait for this many drawn charts.
    """
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(INIT_SCRIPT)
        response = page.goto(server.url, wait_until="commit", timeout=timeout * 1000)
        expected = expected_widget_views(response.text())
        page.wait_for_function(READY_PREDICATE, arg=[expected, 0, []], polling=50, timeout=timeout * 1000)
        last, since = -1, time.monotonic()
        deadline = time.monotonic() + timeout
        while time.monotonic() - since < quiet and time.monotonic() < deadline:
            n = page.evaluate("window.__bench.plotDrawn.length")
            if n != last:
                last, since = n, time.monotonic()
            time.sleep(0.25)
        kernel_id = page.evaluate(
            "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
        page.close(run_before_unload=True)
    finally:
        context.close()
    settle_server(server, kernel_id)
    return last


def measure_page(server: VoilaProcess, context, *, selectors: list[str], settle: float, timeout: float,
                 network: str | None = None, cpu_throttle: float = 1.0, expected_plots: int = 0) -> dict:
    page = context.new_page()
    ws_bytes = {"sent": 0, "received": 0, "frames": 0}

    def on_ws(ws):
        def count(kind):
            def inner(payload):
                n = len(payload.encode()) if isinstance(payload, str) else len(payload)
                ws_bytes[kind] += n
                ws_bytes["frames"] += 1
            return inner
        ws.on("framesent", count("sent"))
        ws.on("framereceived", count("received"))

    page.on("websocket", on_ws)
    page.add_init_script(INIT_SCRIPT)
    if network or cpu_throttle > 1:
        cdp = context.new_cdp_session(page)
        if network:
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", {"offline": False, **NETWORKS[network]})
        if cpu_throttle > 1:
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu_throttle})
    response = page.goto(server.url, wait_until="commit", timeout=timeout * 1000)
    html = response.text()  # resolves when Voila has streamed the whole page
    expected = expected_widget_views(html)
    page.wait_for_function(READY_PREDICATE, arg=[expected, expected_plots, selectors], polling=50,
                           timeout=timeout * 1000)
    page.wait_for_load_state("load")
    m = page.evaluate(METRICS_SCRIPT)
    b = m.pop("bench")
    parts = {"shown": b["shownAt"], "kernel_ready": b["kernelReadyAt"]}
    if expected:
        parts["widgets_mounted"] = sorted(b["widgetMounts"])[expected - 1]
    if expected_plots:
        parts["plots_drawn"] = sorted(b["plotDrawn"])[expected_plots - 1]
    if selectors:
        parts["selectors"] = b["selectorsAt"]
    tti = max(parts.values())
    if expected_plots:  # the first chart (not part of interactive): with the inputs, the first screen's end
        parts["first_plot"] = min(b["plotDrawn"])
    page.wait_for_timeout(settle * 1000)
    mem = kernel_memory(server, m["kernelId"])
    page.close(run_before_unload=True)
    return {
        "tti_ms": tti,
        "parts_ms": parts,
        "response_end_ms": m["responseEnd"],
        "dom_content_loaded_ms": m["domContentLoaded"],
        "load_ms": m["load"],
        "http_bytes": m["httpBytes"],
        "http_decoded_bytes": m["httpDecodedBytes"],
        "labext_bytes": m["extBytes"],
        "labext_decoded_bytes": m["extDecodedBytes"],
        "requests": m["requests"],
        "labext_requests": m["extRequests"],
        "ws_sent_bytes": ws_bytes["sent"],
        "ws_received_bytes": ws_bytes["received"],
        "ws_frames": ws_bytes["frames"],
        "widget_views": expected,
        "plots": len(b["plotDrawn"]),
        "kernel_id": m["kernelId"],
        **{f"kernel_{k}": v for k, v in mem.items()},
    }


def settle_server(server: VoilaProcess, leaked: str | None) -> None:
    """Between runs: make sure the last page's kernel is gone and the pool is full and idle again."""
    deadline = time.monotonic() + 10
    while leaked and leaked in server.kernel_processes() and time.monotonic() < deadline:
        time.sleep(0.1)
    if leaked and leaked in server.kernel_processes():
        # The stock config leaks it (voila#1458); remove it so runs stay independent.
        server.shutdown_kernel(leaked)
    server.wait_for_kernel_count(server.pool_size, timeout=60)
    server.wait_quiescent()


def run_config(name: str, notebook: Path, args: argparse.Namespace, browser, workdir: Path) -> dict:
    extra: tuple[str, ...]
    if name == "project":
        cwd, extra = ROOT, ()
    else:
        cwd, extra = workdir / "stock-cwd", STOCK_ARGS
        cwd.mkdir(exist_ok=True)
    server = start_voila(notebook, *extra, cwd=cwd, log_path=workdir / f"voila-{name}.log")
    runs, leaks = [], 0
    try:
        server.wait_quiescent()
        import psutil

        server_rss = psutil.Process(server.proc.pid).memory_info().rss / 2**20
        expected_plots = count_plots(server, browser, timeout=args.timeout) if args.plots is None else args.plots
        print(f"  {name}: waiting for {expected_plots} drawn plotly chart(s) per page", file=sys.stderr)
        shared = browser.new_context() if args.warm else None
        for i in range(args.runs):
            context = shared or browser.new_context()
            try:
                r = measure_page(server, context, selectors=args.ready_selector, settle=args.settle,
                                 timeout=args.timeout, network=args.network, cpu_throttle=args.cpu_throttle,
                                 expected_plots=expected_plots)
            finally:
                if shared is None:
                    context.close()
            time.sleep(0.5)
            if r["kernel_id"] in server.kernel_processes():
                time.sleep(2)
                leaks += r["kernel_id"] in server.kernel_processes()
            runs.append(r)
            print(f"  {name} run {i + 1}/{args.runs}: interactive {r['tti_ms']:.0f} ms", file=sys.stderr)
            settle_server(server, r["kernel_id"])
        if shared is not None:
            shared.close()
    finally:
        server.stop()
    return {"config": name, "voila_args": list(extra), "server_rss_mib": server_rss, "plots": expected_plots,
            "kernels_leaked_after_close": leaks, "runs": runs, "summary": summarize(runs)}


def cold_path(notebook: Path, n: int, workdir: Path) -> dict:
    """Kernel start -> notebook executed, with preheating off (a visitor arriving to an empty pool)."""
    server = start_voila(notebook, "--preheat_kernel=False", cwd=ROOT, log_path=workdir / "voila-cold.log")
    results = []
    try:
        for _ in range(n):
            before = set(server.kernel_processes())
            spawned: dict[str, float] = {}
            done = threading.Event()

            def watch(before: set[str] = before, spawned: dict[str, float] = spawned,
                      done: threading.Event = done) -> None:
                # psutil's create_time() is only accurate to the boot-time second, so poll instead.
                while not done.is_set() and not spawned:
                    for kid in server.kernel_processes():
                        if kid not in before:
                            spawned[kid] = time.perf_counter()
                    time.sleep(0.005)

            watcher = threading.Thread(target=watch, daemon=True)
            t_req = time.perf_counter()
            watcher.start()
            with urllib.request.urlopen(server.url, timeout=300) as r:
                r.read()
                visitor = visitor_cookie(r.headers)
            t_end = time.perf_counter()
            done.set()
            watcher.join()
            (kid, t_spawn), = spawned.items()
            mem = server.kernel_processes()[kid].memory_info().rss / 2**20
            results.append({
                "request_to_html_ms": (t_end - t_req) * 1000,
                "kernel_start_to_executed_ms": (t_end - t_spawn) * 1000,
                "kernel_rss_mib": mem,
            })
            status = server.shutdown_kernel(kid, visitor)
            assert status == 204, status
            server.wait_for_kernel_count(0, timeout=30)
            print(f"  cold run: kernel start -> executed {results[-1]['kernel_start_to_executed_ms']:.0f} ms",
                  file=sys.stderr)
    finally:
        server.stop()
    keys = results[0].keys() if results else []
    return {"runs": results, "summary": {k: _stats([r[k] for r in results]) for k in keys}}


def _stats(values: list[float | None]) -> dict[str, float]:
    xs = [x for x in values if x is not None]
    if not xs:
        return {}
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "n": len(xs)}


def summarize(runs: list[dict]) -> dict:
    keys = ["tti_ms", "response_end_ms", "load_ms", "http_bytes", "labext_bytes", "labext_requests",
            "ws_sent_bytes", "ws_received_bytes", "kernel_rss_mib", "kernel_uss_mib", "kernel_pss_mib"]
    out = {k: _stats([r.get(k) for r in runs]) for k in keys}
    out["shown_ms"] = _stats([r["parts_ms"].get("shown") for r in runs])
    out["kernel_ready_ms"] = _stats([r["parts_ms"].get("kernel_ready") for r in runs])
    out["widgets_mounted_ms"] = _stats([r["parts_ms"].get("widgets_mounted") for r in runs])
    out["plots_drawn_ms"] = _stats([r["parts_ms"].get("plots_drawn") for r in runs])
    return out


def _fmt_bytes(n: float) -> str:
    return f"{n / 2**20:.2f} MiB" if n >= 2**20 else f"{n / 1024:.1f} KiB"


def print_table(record: dict) -> None:
    rows = [("", *[c["config"] for c in record["configs"]])]

    def row(label, key, fmt):
        vals = []
        for c in record["configs"]:
            s = c["summary"].get(key) or {}
            vals.append(fmt(s["median"]) + f"  [{fmt(s['min'])}..{fmt(s['max'])}]" if s else "-")
        rows.append((label, *vals))

    ms = lambda x: f"{x:.0f} ms"  # noqa: E731
    mib = lambda x: f"{x:.1f} MiB"  # noqa: E731
    row("interactive (median [min..max])", "tti_ms", ms)
    row("  Voila output shown", "shown_ms", ms)
    row("  kernel_info_reply", "kernel_ready_ms", ms)
    row("  widgets mounted", "widgets_mounted_ms", ms)
    row("  charts drawn", "plots_drawn_ms", ms)
    row("HTML response end", "response_end_ms", ms)
    row("load event", "load_ms", ms)
    row("HTTP bytes (transfer)", "http_bytes", _fmt_bytes)
    row("  of which labextensions", "labext_bytes", _fmt_bytes)
    row("  labextension requests", "labext_requests", lambda x: f"{x:.0f}")
    row("websocket sent", "ws_sent_bytes", _fmt_bytes)
    row("websocket received", "ws_received_bytes", _fmt_bytes)
    row("kernel RSS", "kernel_rss_mib", mib)
    row("kernel USS", "kernel_uss_mib", mib)
    rows.append(("voila server RSS", *[f"{c['server_rss_mib']:.0f} MiB" for c in record["configs"]]))
    rows.append(("kernels leaked on close", *[str(c["kernels_leaked_after_close"]) for c in record["configs"]]))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    print(f"\n{record['notebook']}  ({record['runs_per_config']} runs, {'warm' if record['warm'] else 'cold'} "
          f"browser cache, network {record['network'] or 'loopback'}, cpu x{record['cpu_throttle']:g})")
    for r in rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)))
    cold = record.get("cold_path")
    if cold and cold["summary"]:
        s = cold["summary"]
        print(f"cold path (no preheat, {s['kernel_start_to_executed_ms']['n']} runs): "
              f"kernel start -> executed {s['kernel_start_to_executed_ms']['median']:.0f} ms, "
              f"request -> full HTML {s['request_to_html_ms']['median']:.0f} ms, "
              f"kernel RSS {s['kernel_rss_mib']['median']:.1f} MiB")


def append_result(record: dict, path: Path = RESULTS) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(path.read_text()) if path.exists() and path.read_text().strip() else []
    data.append(record)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=1) + "\n")
    tmp.replace(path)


def environment() -> dict:
    import voila

    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=10, cwd=ROOT).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    return {"python": platform.python_version(), "voila": voila.__version__, "cpus": os.cpu_count(),
            "machine": platform.machine(), "chromium": out([CHROMIUM, "--version"]),
            "git": out(["git", "rev-parse", "--short", "HEAD"])}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notebook", type=Path, help="notebook to serve (default: an empty notebook in a temp dir)")
    ap.add_argument("--runs", type=int, default=5, help="page loads per config (default 5)")
    ap.add_argument("--configs", default="project,stock", help="comma list of project,stock (default both)")
    ap.add_argument("--warm", action="store_true", help="reuse one browser context (warm HTTP cache)")
    ap.add_argument("--settle", type=float, default=1.0, help="seconds to stay on the page after interactive")
    ap.add_argument("--ready-selector", action="append", default=[],
                    help="CSS selector that must have a visible match before the page counts as interactive")
    ap.add_argument("--network", choices=sorted(NETWORKS), help="emulate a network: wifi (30 Mbit/s, "
                    "20 ms) or slow (1.6 Mbit/s, 150 ms); default: unthrottled loopback")
    ap.add_argument("--cpu-throttle", type=float, default=1.0, help="CPU slowdown factor for the page, e.g. 4")
    ap.add_argument("--plots", type=int, help="drawn plotly charts that make the page interactive (default: "
                    "counted by one unmeasured calibration load that waits until no new chart appears for 3 s)")
    ap.add_argument("--cold-runs", type=int, default=3, help="cold-path (no preheat) runs; 0 to skip")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for a page")
    ap.add_argument("--no-save", action="store_true", help="do not append to benchmarks/results/page.json")
    args = ap.parse_args(argv)

    if not os.path.exists(CHROMIUM):
        print(f"Chromium not found at {CHROMIUM}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    with tempfile.TemporaryDirectory(prefix="bench-page-") as tmp:
        workdir = Path(tmp)
        notebook = args.notebook.resolve() if args.notebook else empty_notebook(workdir)
        record = {
            "benchmark": "page",
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "notebook": str(args.notebook) if args.notebook else "<empty notebook>",
            "runs_per_config": args.runs, "warm": args.warm, "settle_s": args.settle,
            "network": args.network, "cpu_throttle": args.cpu_throttle,
            "ready_selectors": args.ready_selector,
            "project_config": load_voila_config(),
            "env": environment(),
            "configs": [],
        }
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for name in configs:
                    print(f"config {name} ...", file=sys.stderr)
                    record["configs"].append(run_config(name, notebook, args, browser, workdir))
            finally:
                browser.close()
        if args.cold_runs:
            print("cold path ...", file=sys.stderr)
            record["cold_path"] = cold_path(notebook, args.cold_runs, workdir)
    print_table(record)
    if not args.no_save:
        append_result(record)
        print(f"appended to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
