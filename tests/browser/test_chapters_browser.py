"""Every guide chapter served by Voila as a non-coder would open it: it renders, draws, and passes axe-core."""
from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
CHAPTERS = sorted(p.name for p in NOTEBOOKS.glob("0*.ipynb"))
PHONE = {"width": 390, "height": 844}
FITS = """w => [...document.querySelectorAll('.js-plotly-plot .main-svg')].every(s => {
  if (s.getBoundingClientRect().right <= w + 1) return true;
  for (let box = s.parentElement; box; box = box.parentElement) {
    const scrolls = ["auto", "scroll"].includes(getComputedStyle(box).overflowX);
    if (scrolls) return box.tabIndex >= 0 && box.getBoundingClientRect().right <= w + 1;
  }
  return false;
})"""


def _serious(page) -> list[tuple[str, str]]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page).response
    return [(v["id"], v["impact"]) for v in results["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_renders_and_is_accessible(name, voila_server, page) -> None:
    server = voila_server(NOTEBOOKS / name)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server.url)
    page.locator(".jupyter-widgets").first.wait_for(timeout=60_000)
    if name != "00_start_here.ipynb":  # the index chapter has no chart
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    text = page.inner_text("body")
    assert "Traceback" not in text
    assert _serious(page) == []
    # The same page on a phone: the charts shrink to fit and the page needs no sideways scrolling; a flow diagram,
    # too wide to read at 390 px, keeps its width in a box of its own that fits, scrolls and takes keyboard focus.
    page.set_viewport_size(PHONE)
    if name != "00_start_here.ipynb":
        page.wait_for_function(FITS, arg=PHONE["width"], timeout=10_000)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{name}: {overflow} px wider than a phone"
    assert _serious(page) == []
    server.stop()  # one Voila per chapter: free its kernel before the next one starts
