"""The widgets' front ends in ``stepguide/ui/static``: each widget loads its own file, and ``tests/js`` passes.

``tests/js/*.test.mjs`` are node's own unit tests of the modules' pure functions (``node --test``); this file
runs them, so ``make test`` does.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import anywidget
import pytest

from stepguide.ui.connection import ConnectionBanner
from stepguide.ui.pages.cohort_page import CohortDownload, CohortUpload
from stepguide.ui.plotly_view import PlotlyView, module_text, module_version
from stepguide.ui.theme import ThemeToggle
from stepguide.ui.url_state import SituationLink
from stepguide.ui.widgets import STATIC, CopyButton, Disclosure, DownloadLink, PageLandmark

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node")


def _text(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("widget, esm", [
    (ThemeToggle, "theme.js"), (ConnectionBanner, "connection.js"), (PageLandmark, "page_landmark.js"),
    (CohortUpload, "cohort.js"), (CohortDownload, "cohort.js"), (Disclosure, "disclosure.js"),
])
def test_a_widget_sends_its_own_file(widget: type[anywidget.AnyWidget], esm: str) -> None:
    assert str(widget._esm) == _text(esm)


@pytest.mark.parametrize("widget, parts", [
    (CopyButton, ("clipboard.js", "edits.js", "copy_button.js")), (SituationLink, ("clipboard.js", "url_state.js")),
    (DownloadLink, ("edits.js", "download_link.js")),
])
def test_joined_modules_put_their_helpers_first(widget: type[anywidget.AnyWidget], parts: tuple[str, ...]) -> None:
    assert str(widget._esm) == "\n".join(_text(name) for name in parts)


def test_a_chart_sends_a_loader_of_its_module_which_the_server_serves() -> None:
    """Each chart's ``_esm`` imports the one plotly_view.js (with edits.js in front) from the server, by hash."""
    assert module_text() == _text("edits.js") + "\n" + _text("plotly_view.js")
    assert PlotlyView._esm == _text("plotly_view_loader.js").replace("VERSION", module_version())
    assert len(PlotlyView._esm) < 800
    assert f"voila/templates/stepguide/static/plotly_view.js?v={module_version()}`" in PlotlyView._esm
    assert "export default (await import(" in PlotlyView._esm


def test_the_cohort_widgets_send_their_style_sheet() -> None:
    assert str(CohortUpload._css) == str(CohortDownload._css) == _text("cohort.css")


def test_every_module_is_used_and_keeps_a_default_export() -> None:
    used = {"plotly_view.js", "theme.js", "connection.js", "page_landmark.js", "download_link.js", "cohort.js",
            "page_edits.js",
            "copy_button.js", "url_state.js", "clipboard.js", "edits.js", "plotly_view_loader.js", "disclosure.js"}
    assert {p.name for p in STATIC.glob("*.js")} == used
    for name in used - {"clipboard.js", "edits.js", "plotly_view_loader.js"}:
        assert "export default { " in _text(name), name


@pytest.mark.skipif(NODE is None, reason="node is not installed: the front-end unit tests (tests/js) need it "
                                         "(.ci/run installs npm, which brings node)")
def test_front_end_unit_tests_pass() -> None:
    assert NODE is not None
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "js").glob("*.test.mjs"))
    assert files
    run = subprocess.run([NODE, "--test", *files], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    assert "# fail 0" in run.stdout and "# pass 0" not in run.stdout
