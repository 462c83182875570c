"""Websocket bytes and update round trips: PlotlyView vs ipywidgets.HTML vs go.FigureWidget.

Serves three tiny notebooks (6 charts each) from one standalone Voila on a
loopback port and drives them with headless Chromium.  A round trip is:
click an ipywidgets Button in the page -> Python callback changes the widget
-> the DOM shows the new value (title text and first bar's path), timed in
the page with a MutationObserver.

    .venv/bin/python benchmarks/bench_plotly_view.py [--updates 50] [--no-figurewidget]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]

COMMON = '''
import math
import ipywidgets as w

def spec(n, k=0):
    xs = list(range(200, 281, 2))
    ys = [round(1000 * math.exp(-((x - 245 - k) / 15) ** 2) + 60 * (n % 5), 1) for x in xs]
    return {
        "data": [
            {"type": "bar", "x": xs, "y": ys, "name": "Applicants", "marker": {"color": "#4c72b0"}},
            {"type": "scatter", "mode": "lines", "x": xs, "y": [y * 0.8 for y in ys], "name": "Matched"},
        ],
        "layout": {
            "title": {"text": f"n={n}"}, "height": 320,
            "xaxis": {"title": {"text": "Step 2 CK score"}}, "yaxis": {"title": {"text": "Applicants"}},
            "shapes": [{"type": "line", "x0": 250, "x1": 250, "y0": 0, "y1": 1, "yref": "paper"}],
            "margin": {"t": 48, "r": 16, "b": 48, "l": 56},
        },
    }

state = {"label": 0, "chart": 0}
label = w.HTML("n=0")
label.add_class("bench-label")
bump_label = w.Button(description="Bump label")
bump_chart = w.Button(description="Bump chart")

def on_label(_):
    state["label"] += 1
    label.value = f"n={state['label']}"

bump_label.on_click(on_label)
'''

PLOTLY_VIEW = COMMON + '''
from stepguide.ui.plotly_view import PlotlyView

charts = [PlotlyView(spec(0, k), label=f"Chart {k}") for k in range(6)]
charts[0].add_class("bench-chart")

def on_chart(_):
    state["chart"] += 1
    charts[0].update(spec(state["chart"]))

bump_chart.on_click(on_chart)
w.VBox([bump_label, bump_chart, label, *charts])
'''

FIGURE_WIDGET = COMMON + '''
import plotly.graph_objects as go

charts = [go.FigureWidget(spec(0, k)) for k in range(6)]
box0 = w.Box([charts[0]])
box0.add_class("bench-chart")

def on_chart(_):
    state["chart"] += 1
    new = spec(state["chart"])
    with charts[0].batch_update():
        charts[0].data[0].y = new["data"][0]["y"]
        charts[0].data[1].y = new["data"][1]["y"]
        charts[0].layout.title.text = new["layout"]["title"]["text"]

bump_chart.on_click(on_chart)
w.VBox([bump_label, bump_chart, label, box0, *charts[1:]])
'''

# Times one click -> DOM change in the page; resolves with milliseconds.
ROUND_TRIP_JS = """
async ({button, selector, expect, bar}) => {
  const btn = [...document.querySelectorAll("button")].find(b => b.textContent.trim() === button);
  const barPath = () => bar ? document.querySelector(bar)?.getAttribute("d") : null;
  const barBefore = barPath();
  const done = () => {
    const el = document.querySelector(selector);
    return el !== null && el.textContent.trim() === expect && (!bar || barPath() !== barBefore);
  };
  return await new Promise((resolve, reject) => {
    const t0 = performance.now();
    const obs = new MutationObserver(() => {
      if (done()) { obs.disconnect(); clearTimeout(timer); resolve(performance.now() - t0); }
    });
    const timer = setTimeout(() => { obs.disconnect(); reject(new Error("timeout " + expect)); }, 10000);
    obs.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
    btn.click();
  });
}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_voila(root: Path, nodelay: bool) -> tuple[subprocess.Popen, str]:
    port = free_port()
    from stepguide.serve.project import server_env

    env = server_env()  # this checkout first, its template's made files current
    env["JUPYTER_CONFIG_DIR"] = str(root / "config")
    with open(root / "voila.log", "wb") as log:  # the server keeps its own copy
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "voila", str(root), "--no-browser", f"--port={port}",
                "--Voila.ip=127.0.0.1", "--Voila.port_retries=0",
                "--Voila.identity_provider_class=stepguide.serve.hooks.VoilaIdentityProvider",
                *(["--Voila.kernel_websocket_connection_class=stepguide.serve.hooks.NoDelayKernelWebsocketConnection"]
                  if nodelay else []),
            ],
            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "voila/templates/stepguide/static/plotly-basic.min.js", timeout=2).close()
            return proc, url
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((root / "voila.log").read_text(errors="replace")) from None
            time.sleep(0.1)


def measure_page(context, url: str, updates: int, with_label: bool) -> dict:
    page = context.new_page()
    ws = {"bytes": 0}
    http = {"bytes": 0, "plotly_lab_ext": 0}

    def on_frame(payload) -> None:
        ws["bytes"] += len(payload.encode() if isinstance(payload, str) else payload)

    def on_ws(sock) -> None:
        sock.on("framesent", on_frame)
        sock.on("framereceived", on_frame)

    def on_finished(request) -> None:
        size = request.sizes()["responseBodySize"]
        http["bytes"] += size
        if "labextensions/jupyterlab-plotly" in request.url:
            http["plotly_lab_ext"] += size

    page.on("websocket", on_ws)
    page.on("requestfinished", on_finished)
    t0 = time.perf_counter()
    page.goto(url, timeout=60_000)
    page.wait_for_function(
        "[...document.querySelectorAll('.js-plotly-plot')].filter(d => d.querySelector('.main-svg')).length >= 6",
        timeout=60_000,
    )
    load_s = time.perf_counter() - t0
    page.wait_for_load_state("networkidle")
    load_ws = ws["bytes"]

    def run(button: str, selector: str, bar: str | None) -> list[float]:
        """Click ``button`` repeatedly; done when ``selector`` reads n=i (and the first bar moved)."""
        times = []
        for i in range(1, updates + 6):
            args = {"button": button, "selector": selector, "expect": f"n={i}", "bar": bar}
            ms = page.evaluate(ROUND_TRIP_JS, args)
            if i > 5:  # first 5 are warm-up
                times.append(ms)
        return times

    before = ws["bytes"]
    chart = run("Bump chart", ".bench-chart .gtitle", ".bench-chart .trace.bars .point path")
    per_update_ws = (ws["bytes"] - before) / (updates + 5)
    label = run("Bump label", ".bench-label .widget-html-content", None) if with_label else []
    page.close()
    return {"load_s": load_s, "load_ws": load_ws, "http": http, "chart": chart, "label": label,
            "per_update_ws": per_update_ws}


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=50)
    parser.add_argument("--nagle", action="store_true",
                        help="keep Nagle's algorithm on the kernel websocket (Voila's default)")
    parser.add_argument("--no-figurewidget", action="store_true", help="skip the go.FigureWidget baseline")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-plotly-view-") as tmp:
        root = Path(tmp)
        pages = {"PlotlyView": PLOTLY_VIEW}
        if not args.no_figurewidget:
            pages["go.FigureWidget"] = FIGURE_WIDGET
        for name, source in pages.items():
            nb = nbformat.v4.new_notebook()
            nb.cells = [nbformat.v4.new_code_cell(source)]
            nbformat.write(nb, root / f"{name.replace('.', '_')}.ipynb")
        proc, base = start_voila(root, nodelay=not args.nagle)
        results = {}
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for i, name in enumerate(pages):
                    context = browser.new_context()
                    url = f"{base}voila/render/{name.replace('.', '_')}.ipynb"
                    results[name] = measure_page(context, url, args.updates, with_label=(i == 0))
                    if name == "PlotlyView":  # second visit: plotly.min.js should come from cache
                        results["PlotlyView (2nd visit)"] = measure_page(context, url, 1, with_label=False)
                    context.close()
                browser.close()
        finally:
            proc.terminate()
            proc.wait(10)

    print(f"Voila standalone, 6 charts per page, {args.updates} timed updates (after 5 warm-up), headless Chromium\n")
    print(f"{'page':<24}{'load s':>8}{'ws load KB':>12}{'ws/update KB':>14}{'HTTP KB':>10}"
          f"{'of which jupyterlab-plotly KB':>31}")
    for name, r in results.items():
        print(f"{name:<24}{r['load_s']:>8.2f}{r['load_ws'] / 1e3:>12.1f}{r['per_update_ws'] / 1e3:>14.2f}"
              f"{r['http']['bytes'] / 1e3:>10.0f}{r['http']['plotly_lab_ext'] / 1e3:>31.0f}")
    print(f"\n{'update round trip (ms)':<34}{'median':>8}{'p95':>8}{'min':>8}{'max':>8}")
    rows = [("ipywidgets.HTML label", results["PlotlyView"]["label"]),
            ("PlotlyView (Plotly.react)", results["PlotlyView"]["chart"])]
    if "go.FigureWidget" in results:
        rows.append(("go.FigureWidget batch_update", results["go.FigureWidget"]["chart"]))
    for name, times in rows:
        print(f"{name:<34}{statistics.median(times):>8.1f}{pct(times, 95):>8.1f}{min(times):>8.1f}{max(times):>8.1f}")


if __name__ == "__main__":
    main()
