"""Python-side tests of PlotlyView and how Voila serves its plotly.js (no browser)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import comm
import numpy as np
import pytest
from tornado import httpclient, httpserver, netutil, web

import stepguide as sg
from recording_comm import RecordingComm
from stepguide.charts.builders import FIGURES
from stepguide.charts.figures import cohort_c5_figure
from stepguide.charts.look import DARK, PALETTE
from stepguide.rules.tables import examples, table
from stepguide.serve.hooks import NoDelayKernelWebsocketConnection, VoilaIdentityProvider
from stepguide.serve.project import server_env
from stepguide.ui import front_ends
from stepguide.ui.front_ends import STATIC, module_text
from stepguide.ui.plotly_view import PlotlyView, plotly_js_path, plotly_version, to_figure_dict

ROOT = Path(__file__).resolve().parents[2]


def bar(y: list[float], title: str = "Scores") -> dict[str, Any]:
    return {"data": [{"type": "bar", "x": ["a", "b", "c"], "y": y}], "layout": {"title": {"text": title}}}


@pytest.fixture
def recording(monkeypatch: pytest.MonkeyPatch) -> None:
    """Widgets made in the test talk to a RecordingComm instead of a kernel."""
    monkeypatch.setattr(comm, "create_comm", RecordingComm)


def capture_updates(view: PlotlyView) -> list[dict[str, Any]]:
    """The state-update messages the widget puts on its comm from now on."""
    assert isinstance(view.comm, RecordingComm), "use the `recording` fixture"
    view.comm.sent.clear()
    return view.comm.sent


def test_import_does_not_import_plotly() -> None:
    code = (
        "import sys, stepguide.ui.plotly_view as pv\n"
        "assert 'plotly' not in sys.modules, sorted(m for m in sys.modules if m.startswith('plotly'))\n"
        "pv.PlotlyView({'data': [], 'layout': {}})\n"
        "assert pv.plotly_js_path().is_file()\n"
        "assert 'plotly' not in sys.modules\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env)


def test_plotly_js_located_without_import() -> None:
    path = plotly_js_path()
    assert path.name == "plotly-basic.min.js" and path.stat().st_size > 1_000_000
    assert path.read_bytes()[:200].decode().count("basic") and plotly_version().startswith("basic-")


def test_traits_and_sync_metadata() -> None:
    view = PlotlyView(bar([1, 2, 3]), label="Applicants by band")
    assert view.figure == bar([1, 2, 3])
    assert view.label == "Applicants by band"
    assert view._plotly_version == plotly_version()
    state = view.get_state()
    for key in ("figure", "label", "config", "_plotly_version", "_esm"):
        assert key in state
    assert "voila/templates/stepguide/static/" in state["_esm"] and '"plotly_view.js?v=' in state["_esm"]
    json.dumps(state["figure"], allow_nan=False)


def test_default_figure_is_empty_and_not_shared() -> None:
    a, b = PlotlyView(), PlotlyView()
    assert a.figure == {"data": [], "layout": {}}
    assert a.figure is not b.figure


def test_to_figure_dict_makes_strict_json() -> None:
    spec = {
        "data": [{"type": "scatter", "x": np.arange(3), "y": np.array([1.5, np.nan, np.inf])}],
        "layout": {"title": {"text": "t"}, "xaxis": {"range": (np.int64(0), np.float32(2.5))}},
        "frames": [{"name": dt.date(2026, 1, 2)}],
    }
    out = to_figure_dict(spec)
    assert out["data"][0]["x"] == [0, 1, 2]
    assert out["data"][0]["y"] == [1.5, None, None]
    assert out["layout"]["xaxis"]["range"] == [0, 2.5]
    assert out["frames"] == [{"name": "2026-01-02"}]
    json.dumps(out, allow_nan=False)
    assert to_figure_dict({"data": []}) == {"data": [], "layout": {}}


def test_to_figure_dict_rejects_junk() -> None:
    with pytest.raises(TypeError):
        to_figure_dict(42)
    with pytest.raises(TypeError):
        to_figure_dict({"data": [object()]})


def test_accepts_go_figure_and_to_dict_objects() -> None:
    go = pytest.importorskip("plotly.graph_objects")
    fig = go.Figure(go.Bar(x=["a", "b"], y=[3, 4]), layout={"title": {"text": "From go"}})
    view = PlotlyView(fig)
    assert view.figure["data"][0]["type"] == "bar"
    assert view.figure["layout"]["title"]["text"] == "From go"
    json.dumps(view.figure, allow_nan=False)

    class HasToDict:
        def to_dict(self) -> dict[str, Any]:
            return bar([7, 8, 9])

    view.figure = HasToDict()  # type: ignore[assignment]  # what the trait accepts besides a dict: to_dict()
    assert view.figure == bar([7, 8, 9])


def test_update_sends_one_message_per_change(recording: None) -> None:
    view = PlotlyView(bar([1, 2, 3]))
    sent = capture_updates(view)
    view.update(bar([4, 5, 6]))
    assert [m["method"] for m in sent] == ["update"]
    assert sent[0]["state"]["figure"] == bar([4, 5, 6])
    view.update(bar([4, 5, 6]))  # unchanged: nothing to send
    assert len(sent) == 1


def test_batch_update_sends_one_message(recording: None) -> None:
    view = PlotlyView(bar([1, 2, 3]))
    sent = capture_updates(view)
    with view.batch_update():
        view.update(bar([1, 1, 1]))
        view.update(bar([2, 2, 2], title="Second"))
        view.label = "Now labelled"
        view.config = {"displayModeBar": True}
        assert sent == []
    assert len(sent) == 1
    state = sent[0]["state"]
    assert state["figure"] == bar([2, 2, 2], title="Second")
    assert state["label"] == "Now labelled"
    assert state["config"] == {"displayModeBar": True}


def test_batch_update_applies_in_place_edits_as_one_message(recording: None) -> None:
    view = PlotlyView(bar([1, 2, 3]))
    original = view.figure
    sent = capture_updates(view)
    with view.batch_update() as fig:
        fig["data"][0]["y"] = [9, 9, 9]
        fig["layout"]["title"]["text"] = "Edited"
    assert len(sent) == 1
    assert sent[0]["state"]["figure"]["data"][0]["y"] == [9, 9, 9]
    assert view.figure["layout"]["title"]["text"] == "Edited"
    assert original == bar([1, 2, 3])  # the previous spec was not mutated


def test_batch_update_without_changes_sends_nothing(recording: None) -> None:
    view = PlotlyView(bar([1, 2, 3]))
    sent = capture_updates(view)
    with view.batch_update():
        pass
    assert sent == []


def test_batch_update_prefers_explicit_update_over_draft() -> None:
    view = PlotlyView(bar([1, 2, 3]))
    with view.batch_update() as fig:
        fig["data"][0]["y"] = [0, 0, 0]
        view.update(bar([5, 5, 5]))
    assert view.figure == bar([5, 5, 5])


# --- static route -----------------------------------------------------------


async def _fetch_all(app: web.Application, requests: list[tuple[str, dict[str, str]]]) -> list[httpclient.HTTPResponse]:
    server = httpserver.HTTPServer(app)
    [sock] = netutil.bind_sockets(0, "127.0.0.1")
    server.add_sockets([sock])
    port = sock.getsockname()[1]
    client = httpclient.AsyncHTTPClient()
    try:
        out = []
        for path, headers in requests:
            req = httpclient.HTTPRequest(
                f"http://127.0.0.1:{port}{path}", headers=headers, decompress_response=False
            )
            out.append(await client.fetch(req, raise_error=False))
        return out
    finally:
        server.stop()


def _run(coro):
    """Run a coroutine on a fresh loop in its own thread: sync Playwright may own this thread's loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


TEMPLATE = ROOT / "share/jupyter/voila/templates/stepguide"


def test_every_voila_serves_plotly_js_from_our_template(monkeypatch: pytest.MonkeyPatch) -> None:
    """plotly.js is a static file of our template, served by Voila's own template route (the same handler in
    standalone Voila and in its server extension, under any base URL): ``?v=`` gets a long cache, a revalidation
    a 304."""
    from voila.static_file_handler import TemplateStaticFileHandler

    monkeypatch.setenv("JUPYTER_PATH", str(ROOT / "share" / "jupyter"))
    assert plotly_js_path() == TEMPLATE / "static" / "plotly-basic.min.js"
    app = web.Application([(r"/base/voila/templates/(.*)", TemplateStaticFileHandler)])
    url = f"/base/voila/templates/stepguide/static/plotly-basic.min.js?v={plotly_version()}"
    versioned, unversioned = _run(_fetch_all(app, [(url, {}), (url.split("?")[0], {})]))
    assert versioned.code == 200 and versioned.body == plotly_js_path().read_bytes()
    assert versioned.headers["Content-Type"] in ("application/javascript", "text/javascript")
    assert "max-age=31536000" in versioned.headers["Cache-Control"] or "max-age=315360000" in versioned.headers[
        "Cache-Control"]
    assert "Cache-Control" not in unversioned.headers  # revalidated each time
    [revalidated] = _run(_fetch_all(app, [(url, {"If-None-Match": versioned.headers["Etag"]})]))
    assert revalidated.code == 304 and not revalidated.body


def test_the_page_and_the_widget_ask_for_the_same_plotly_js() -> None:
    """The template's early ``<script>`` and the widget's own loader name one URL, so the browser fetches it once
    and keeps it (``?v=`` is the bundle's version line)."""
    early = re.search(r'<script id="stepguide-plotly"[^>]* src="\{\{ resources.base_url \}\}([^"]+)"',
                      (TEMPLATE / "index.html.j2").read_text())
    assert early, "the template's early plotly.js <script>"
    assert early[1] == f"voila/templates/stepguide/static/plotly-basic.min.js?v={plotly_version()}"
    assert "`${baseUrl()}voila/templates/stepguide/static/plotly-basic.min.js${version ?" in (
        STATIC / "plotly_view.js").read_text()


def test_the_front_ends_are_the_templates_static_files_named_by_their_hash() -> None:
    """Every chart imports one module, the template's static ``plotly_view.js`` (edits.js + plotly_view.js), and
    every other widget its own file beside it, style sheets likewise; the template includes the preloads of the
    charts' module and the dashboard's first screen under the same ``?v=`` (their hashes). A server started from
    this clone (``server_env``) finds them all current, made from ``static/``: git keeps none of them."""
    server_env()
    for name in (*front_ends.MODULES, *front_ends.SHEETS, front_ends.GLOSSARY):
        assert (TEMPLATE / "static" / name).read_text(encoding="utf-8") == module_text(name), name
    assert (TEMPLATE / front_ends.PRELOADS).read_text(encoding="utf-8") == front_ends.preloads()
    assert f"{{% include '{front_ends.PRELOADS}' ignore missing %}}" in (TEMPLATE / "index.html.j2").read_text()
    assert module_text("plotly_view.js") == "\n".join(
        (STATIC / name).read_text(encoding="utf-8") for name in ("edits.js", "plotly_view.js"))
    url = f"voila/templates/stepguide/static/plotly_view.js?v={front_ends.version('plotly_view.js')}"
    assert f'<link rel="modulepreload" href="{{{{ resources.base_url }}}}{url}">' in front_ends.preloads()
    assert 'plotly_view.js?v=' + front_ends.version("plotly_view.js") + '"' in PlotlyView()._esm
    assert front_ends.version("plotly_view.js") != front_ends.version("theme.js")
    tracked = subprocess.run(["git", "ls-files", str(TEMPLATE)], capture_output=True, text=True, cwd=ROOT).stdout
    assert "static/plotly_view.js" not in tracked and front_ends.PRELOADS not in tracked


def test_a_made_file_is_replaced_whole_and_a_current_one_left_alone(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    first = front_ends.write_template_files(tmp_path)
    assert {p.relative_to(tmp_path).as_posix() for p in first} == set(front_ends.template_files())
    stale = tmp_path / "static" / "theme.js"
    stale.write_text("old", encoding="utf-8")
    kept = tmp_path / "static" / "guide.css"
    before = kept.stat().st_mtime_ns
    front_ends.write_template_files(tmp_path)
    assert stale.read_text(encoding="utf-8") == module_text("theme.js")
    assert kept.stat().st_mtime_ns == before
    assert not list(tmp_path.rglob("*.part"))


def test_voila_identity_provider_adds_routes_only_for_standalone_voila() -> None:
    """The identity provider mounts the room's routes in standalone Voila, none in a server."""
    from jupyter_server.serverapp import ServerApp
    from voila.app import Voila
    from voila.configuration import VoilaConfiguration

    voila = Voila()
    voila.server_url = "/proxy/"
    voila.voila_configuration = VoilaConfiguration(parent=voila)  # what Voila.initialize() sets up
    routes = [r[0] for r in VoilaIdentityProvider(parent=voila).get_handlers()]
    assert "/proxy/stepguide/room.json" in routes

    routes = [r[0] for r in VoilaIdentityProvider(parent=ServerApp()).get_handlers()]
    assert not any("stepguide" in r for r in routes)


def test_esm_is_small() -> None:
    """The front end is fetched once per page; plotly.js must not be in it (the in-browser kernel sends it).

    (14 kB until issue 18: following JupyterLab's dark theme, a phone's layout and a flow's sideways scroll;
    sent once per chart until issue 20, now fetched once per page.)
    """
    assert len(module_text("plotly_view.js").encode()) < 20_000
    assert "voila/templates/stepguide/static/plotly-basic.min.js" in module_text("plotly_view.js")


# --- the dark theme's colours: one table, data/palette.csv --------------------

COLOUR = re.compile(r"#[0-9A-Fa-f]{6}\b|rgba?\([^)]*\)")


def _colours(value: Any) -> set[str]:
    """Every colour written anywhere in a figure spec."""
    return set(COLOUR.findall(json.dumps(value)))


def test_the_page_gets_the_dark_palette_from_the_table() -> None:
    rows = table("palette")
    assert {r["id"]: r["light"] for r in rows} == PALETTE and {r["id"]: r["dark"] for r in rows} == DARK
    sent = PlotlyView().get_state()["_palette"]
    assert sent == {r["id"]: [r["light"], r["dark"]] for r in rows if r["dark"] != r["light"]}
    assert {"background", "text", "grid", "axis"} <= sent.keys()  # what plotly_view.js gives a figure's defaults
    assert not COLOUR.search((STATIC / "plotly_view.js").read_text(encoding="utf-8"))  # no second colour map there


def test_every_colour_a_chart_draws_is_in_the_table() -> None:
    """So the dark page has a dark counterpart for each (static/plotly_view.js swaps light for dark)."""
    light = set(PALETTE.values())
    drawn: set[str] = set()
    for _, kwargs in examples().values():
        a = sg.assess(**kwargs)
        for build in FIGURES.values():
            drawn |= _colours(build(a))
    drawn |= _colours(cohort_c5_figure({"up": 0.5, "flat": 0.3, "down": 0.2}, 10))
    assert drawn and drawn <= light, sorted(drawn - light)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two opaque colours."""
    low, high = sorted((_luminance(a), _luminance(b)))
    return (high + 0.05) / (low + 0.05)


def test_dark_colours_keep_their_contrast_on_the_dark_paper() -> None:
    checked = {r["id"]: round(_contrast(r["dark"], DARK["background"]), 2)
               for r in table("palette") if r["dark_contrast"] is not None}
    assert {"text", "muted", "highlight", "base"} <= checked.keys()
    assert all(checked[r["id"]] >= r["dark_contrast"] for r in table("palette") if r["id"] in checked), checked


def test_nodelay_connection_turns_off_nagle() -> None:
    from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
    from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

    class Handler(KernelWebsocketHandler):  # only what connect() touches: no application, no request
        def __init__(self) -> None:
            self.nodelay: list[bool] = []

        def set_nodelay(self, value: bool) -> None:
            self.nodelay.append(value)

    class NoKernel(ZMQChannelsWebsocketConnection):
        def connect(self) -> str:  # type: ignore[override]  # stands in for the ZMQ connection, after ours in the MRO
            return "connected"

    class Probe(NoDelayKernelWebsocketConnection, NoKernel):
        pass

    handler = Handler()
    conn = Probe(websocket_handler=handler)
    assert conn.connect() == "connected"
    assert handler.nodelay == [True]
