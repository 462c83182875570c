"""Every guide chapter served by Voila as a non-coder would open it: it renders, draws, and passes axe-core."""
from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
CHAPTERS = sorted(p.name for p in NOTEBOOKS.glob("0*.ipynb"))


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_renders_and_is_accessible(name, voila_server, page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    server = voila_server(NOTEBOOKS / name)
    page.goto(server.url)
    page.locator(".jupyter-widgets").first.wait_for(timeout=60_000)
    if name != "00_start_here.ipynb":  # the index chapter has no chart
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    text = page.inner_text("body")
    assert "Traceback" not in text
    results = Axe().run(page).response
    serious = [(v["id"], v["impact"]) for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    server.stop()  # one Voila per chapter: free its kernel before the next one starts
