"""PlotlyView in real Voila pages, driven by headless Chromium.

Uses the session ``browser``/``page`` fixtures of tests/conftest.py (one
Playwright per session: sync Playwright cannot nest).  Voila is started here
with explicit options and a private config dir, so the test checks this
module's pieces, not the project's voila.json.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
WS_BUDGET = 500_000
PLOTLY_JS = "voila/templates/stepguide/static/plotly-basic.min.js"  # our template's static file

NOTEBOOK_SOURCE = '''
import ipywidgets as w
from stepguide.ui.plotly_view import PlotlyView

def spec(n):
    return {
        "data": [{"type": "bar", "x": ["A", "B", "C"], "y": [n, 2 * n, 10 - n]}],
        "layout": {"title": {"text": f"Round {n}"}, "height": 320, "yaxis": {"range": [0, 12]}},
    }

view = PlotlyView(spec(1), label="Applicants by score band")
untitled = PlotlyView({"data": [{"type": "scatter", "y": [1, 3, 2]}],
                       "layout": {"title": {"text": "Fallback <b>title</b>"}, "height": 240}})
toolbar = PlotlyView(spec(3), label="With mode bar", config={"displayModeBar": True})
state = {"n": 1}
button = w.Button(description="Next round")

def step(_):
    state["n"] += 1
    view.update(spec(state["n"]))

button.on_click(step)

def marked(n):
    return {
        "data": [{"type": "bar", "x": ["A", "B", "C"], "y": [3, 5, 4]}],
        "layout": {"height": 260, "yaxis": {"range": [0, 6]}, "meta": {"mark": n},
                   "shapes": [{"type": "line", "xref": "x", "yref": "paper", "x0": n, "x1": n, "y0": 0, "y1": 1}],
                   "annotations": [{"text": f"mark {n}", "x": n, "y": 5.5, "showarrow": False}]},
    }

marker = PlotlyView(marked(0), label="Moving mark")
move = w.Button(description="Move the mark")
move.on_click(lambda _: marker.update(marked(marker.figure["layout"]["meta"]["mark"] + 1)))
w.VBox([button, view, untitled, toolbar, move, marker])
'''


def _env(tmp: Path) -> dict[str, str]:
    from stepguide.serve.project import server_env

    # this checkout first on PYTHONPATH, and its template (plotly.js and the charts' front end in its static folder,
    # made current) before an installed copy
    env = server_env()
    # A private config dir keeps a developer's own config out of the test.
    env["JUPYTER_CONFIG_DIR"] = str(tmp / "config")
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_notebook(path: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(NOTEBOOK_SOURCE)]
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def voila_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    pytest.importorskip("playwright.sync_api")
    tmp = tmp_path_factory.mktemp("voila")
    _write_notebook(tmp / "chart.ipynb")
    port = _free_port()
    env = _env(tmp)
    with open(tmp / "voila.log", "wb") as log:  # the server keeps its own copy
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "voila", "chart.ipynb", "--no-browser",
                f"--port={port}", "--Voila.ip=127.0.0.1", "--Voila.port_retries=0",
                "--Voila.identity_provider_class=stepguide.serve.hooks.VoilaIdentityProvider",
                "--Voila.kernel_websocket_connection_class=stepguide.serve.hooks.NoDelayKernelWebsocketConnection",
            ],
            cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_for(url + PLOTLY_JS, proc, tmp / "voila.log")
        yield url
    finally:
        _stop(proc)


def _wait_for(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log.read_text(errors="replace")) from None
            time.sleep(0.1)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def _bar_paths(page) -> list[str]:
    return page.eval_on_selector_all(
        ".stepguide-plotly-view >> nth=0 >> .trace.bars .point path", "els => els.map(e => e.getAttribute('d'))"
    )


def test_renders_updates_and_stays_small(voila_url: str, page) -> None:
    ws_bytes = {"sent": 0, "received": 0}

    def count(kind: str):
        def on_frame(payload: str | bytes) -> None:
            ws_bytes[kind] += len(payload.encode() if isinstance(payload, str) else payload)

        return on_frame

    def on_ws(ws) -> None:
        ws.on("framesent", count("sent"))
        ws.on("framereceived", count("received"))

    page.on("websocket", on_ws)
    with page.expect_response(lambda r: PLOTLY_JS in r.url) as resp_info:
        page.goto(voila_url)
    resp = resp_info.value
    assert resp.status == 200
    max_age = re.search(r"max-age=(\d+)", resp.headers["cache-control"])
    assert max_age and int(max_age[1]) >= 365 * 24 * 3600  # ?v=<version>: a long cache
    assert resp.headers.get("etag")

    charts = page.locator(".stepguide-plotly-view")
    charts.nth(0).locator(".main-svg").first.wait_for(timeout=20_000)
    charts.nth(1).locator(".main-svg").first.wait_for(timeout=20_000)
    assert charts.nth(0).get_attribute("role") == "img"
    assert charts.nth(0).get_attribute("aria-label") == "Applicants by score band"
    assert charts.nth(1).get_attribute("aria-label") == "Fallback title"
    charts.nth(2).locator(".main-svg").first.wait_for(timeout=20_000)
    # Real mode-bar buttons may not sit inside role="img".
    assert charts.nth(2).get_attribute("role") == "figure"
    assert charts.nth(2).get_by_role("button", name="Download plot as a PNG").count() == 1
    assert charts.nth(2).get_by_role("button", name="Share chart...").count() == 0
    box = charts.nth(0).bounding_box()
    assert box and box["height"] >= 320 and box["width"] > 600

    # Responsive: the plot follows its container's width, down to a phone's.
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function(
        "() => { const s = document.querySelector('.stepguide-plotly-view .main-svg');"
        " return s && s.getBoundingClientRect().width <= 390; }",
        timeout=5_000,
    )
    page.set_viewport_size({"width": 1280, "height": 720})

    before = _bar_paths(page)
    assert len(before) == 3
    renders = int(charts.nth(0).get_attribute("data-renders") or 0)  # the phone width above redrew it too
    page.get_by_role("button", name="Next round").click()
    charts.nth(0).locator(".gtitle", has_text="Round 2").wait_for(timeout=10_000)
    # data-renders counts Plotly.react calls that have finished.
    page.wait_for_function("(n) => +document.querySelector('.stepguide-plotly-view').dataset.renders > n", arg=renders)
    assert charts.nth(0).locator(".gtitle").text_content() == "Round 2"
    after = _bar_paths(page)
    assert len(after) == 3 and after != before

    # One plotly.js per page: only one <script> tag, however many charts.
    assert page.locator(f"script[src*='{PLOTLY_JS}']").count() == 1

    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=".stepguide-plotly-view")
    bad = [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, results.generate_report()

    total = ws_bytes["sent"] + ws_bytes["received"]
    assert 0 < total < WS_BUDGET, ws_bytes


def test_a_style_sheet_that_arrives_after_the_first_draw_rescales_the_chart(voila_url: str, page) -> None:
    """The page's style sheets are linked by the widgets' loaders, so one can land after a chart's first draw (the
    presenter's ``--sg-chart-scale: 1.5`` did, in CI): the chart takes the new scale when it arrives."""
    page.goto(voila_url)
    plot = ".stepguide-plotly-view .js-plotly-plot"
    page.locator(plot).first.locator(".main-svg").first.wait_for(timeout=20_000)
    height = page.evaluate(f"() => document.querySelector('{plot}')._fullLayout.height")
    page.evaluate("""() => document.head.appendChild(Object.assign(document.createElement('link'),
        { rel: 'stylesheet', href: 'data:text/css,:root{--sg-chart-scale:1.5}' }))""")
    page.wait_for_function(f"want => document.querySelector('{plot}')._fullLayout.height >= want",
                           arg=height * 1.5 - 1, timeout=10_000)  # the chart's height follows the scale


def test_an_update_that_moves_only_a_mark_keeps_the_data(voila_url: str, page) -> None:
    """A figure arrives over the websocket as new objects; what is equal to the drawn one is kept, so
    Plotly.react moves the line and its label without recomputing (or redrawing) the bars."""
    page.goto(voila_url)
    chart = page.locator(".stepguide-plotly-view", has=page.locator(".main-svg")).filter(
        has_text="mark 0").first
    chart.wait_for(timeout=20_000)
    page.evaluate("""() => { const gd = [...document.querySelectorAll('.js-plotly-plot')]
        .find(p => p._fullLayout && p._fullLayout.meta && p._fullLayout.meta.mark === 0);
        window.__mark = {gd, y: gd.data[0].y, calc: gd.calcdata}; }""")
    page.get_by_role("button", name="Move the mark").click()
    page.wait_for_function("() => window.__mark.gd._fullLayout.meta.mark === 1")
    page.locator('.stepguide-plotly-view[data-renders="2"]', has_text="mark 1").wait_for(timeout=10_000)
    kept = page.evaluate("""() => { const m = window.__mark;
        return {y: m.gd.data[0].y === m.y, calc: m.gd.calcdata === m.calc,
                line: m.gd._fullLayout.shapes[0].x0, text: m.gd.querySelector('.annotation-text').textContent}; }""")
    assert kept == {"y": True, "calc": True, "line": 1, "text": "mark 1"}


def test_shows_message_when_plotly_cannot_load(voila_url: str, page) -> None:
    page.route(f"**/{PLOTLY_JS}*", lambda route: route.abort())
    page.goto(voila_url)
    msg = page.locator(".stepguide-plotly-view", has_text="could not be displayed").first
    msg.wait_for(timeout=20_000)
    assert "Applicants by score band" in msg.inner_text()
    assert msg.get_attribute("role") is None


def test_static_route_revalidates(voila_url: str) -> None:
    """Without ``?v=`` the file is revalidated (ETag, 304); HAProxy compresses it for a room (the workshop)."""
    url = voila_url + PLOTLY_JS
    with urllib.request.urlopen(url) as r:
        etag = r.headers["ETag"]
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(urllib.request.Request(url, headers={"If-None-Match": etag}))
    assert exc.value.code == 304
