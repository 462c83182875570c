"""The widgets' front ends in ``stepguide/ui/static``: each widget loads its own file, and ``tests/js`` passes.

``tests/js/*.test.mjs`` are node's own unit tests of the modules' pure functions (``node --test``); this file
runs them, so ``make test`` does.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import anywidget
import pytest

from stepguide.ui.connection import ConnectionBanner
from stepguide.ui.front_ends import MODULES, SHEETS, STATIC, module_text, version
from stepguide.ui.pages.cohort_page import CohortDownload, CohortUpload
from stepguide.ui.pages.dashboard import Dashboard
from stepguide.ui.plotly_view import PlotlyView
from stepguide.ui.theme import ThemeToggle
from stepguide.ui.url_state import SituationLink
from stepguide.ui.widgets import CopyButton, Disclosure, DownloadLink, PageLandmark

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node")


def _text(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("widget, module, sheets", [
    (ThemeToggle, "theme.js", ()), (ConnectionBanner, "connection.js", ()), (PageLandmark, "page_landmark.js", ()),
    (CohortUpload, "cohort.js", ("cohort.css",)), (CohortDownload, "cohort.js", ("cohort.css",)),
    (Disclosure, "disclosure.js", ()), (CopyButton, "copy_button.js", ()), (SituationLink, "url_state.js", ()),
    (DownloadLink, "download_link.js", ()), (PlotlyView, "plotly_view.js", ()),
    (Dashboard, "page_landmark.js", ("guide.css", "dashboard.css")),
])
def test_a_widget_sends_a_loader_of_its_front_end_which_the_server_serves(
        widget: type[anywidget.AnyWidget] | type[Dashboard], module: str, sheets: tuple[str, ...]) -> None:
    """Each widget's ``_esm`` imports its one module from the template's static folder by hash (fetched once per
    page, whatever the number of widgets), after linking its style sheets; it sends no style sheet itself."""
    made = Dashboard().landmark if widget is Dashboard else None  # the dashboard's page setup, as the page has it
    loader = str(made._esm if made else widget._esm)  # type: ignore[union-attr]
    assert len(loader) < 1500
    assert f'new URL("{module}?v={version(module)}", folder)' in loader
    assert "voila/templates/stepguide/static/`" in loader
    assert "export default (await import(" in loader
    linked = re.findall(r'"sg-sheet-[\w-]+", "([\w.-]+)\?v=(\w+)"', loader)
    assert linked == [(name, version(name)) for name in sheets]
    assert not str(getattr(made or widget, "_css", ""))


@pytest.mark.parametrize("module, parts", [
    ("copy_button.js", ("clipboard.js", "edits.js", "copy_button.js")),
    ("url_state.js", ("clipboard.js", "edits.js", "url_state.js")), ("disclosure.js", ("edits.js", "disclosure.js")),
    ("download_link.js", ("download_link.js",)), ("plotly_view.js", ("edits.js", "plotly_view.js")),
    ("page_edits.js", ("edits.js", "page_edits.js")), ("theme.js", ("theme.js",)),
])
def test_joined_modules_put_their_helpers_first(module: str, parts: tuple[str, ...]) -> None:
    assert module_text(module) == "\n".join(_text(name) for name in parts)


def test_every_module_is_used_and_keeps_a_default_export() -> None:
    used = {"plotly_view.js", "theme.js", "connection.js", "page_landmark.js", "download_link.js", "cohort.js",
            "page_edits.js",
            "copy_button.js", "url_state.js", "clipboard.js", "edits.js", "front_end_loader.js", "disclosure.js"}
    assert {p.name for p in STATIC.glob("*.js")} == used
    assert {part for parts in MODULES.values() for part in parts} == used - {"front_end_loader.js"}
    for name in used - {"clipboard.js", "edits.js", "front_end_loader.js"}:
        assert "export default { " in _text(name), name
    assert {p.name for p in STATIC.glob("*.css")} == set(SHEETS)


@pytest.mark.skipif(NODE is None, reason="node is not installed: the front-end unit tests (tests/js) need it "
                                         "(.ci/run installs npm, which brings node)")
def test_front_end_unit_tests_pass() -> None:
    assert NODE is not None
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "js").glob("*.test.mjs"))
    assert files
    run = subprocess.run([NODE, "--test", *files], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    assert "# fail 0" in run.stdout and "# pass 0" not in run.stdout
