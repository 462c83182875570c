"""Presenter mode (issue 12, item 5) at 1920x1080: the inputs on top, one verdict and one chart per
screen in large type, driven by the same model as the dashboard."""
from __future__ import annotations

import pytest

import stepguide as sg
from dashboard_page import ROOT, serious_axe_violations
from stepguide.rules.words import label

pytestmark = pytest.mark.browser


def test_one_verdict_and_one_chart_per_screen_readable_from_the_back(voila_server, browser) -> None:
    from playwright.sync_api import expect

    from stepguide.ui.pages.presenter import SCREENS

    server = voila_server(ROOT / "notebooks" / "presenter.ipynb")
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    try:
        page.goto(server.url)
        page.locator(".sg-presenter[role=main]").wait_for(timeout=60_000)
        page.locator(".sg-screen-trend .js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
        for number, (card, _chart, _) in enumerate(SCREENS):
            shown = page.evaluate("""() => [...document.querySelectorAll('.sg-screen')]
                .filter(s => s.getClientRects().length).map(s => [
                  s.querySelectorAll('.sg-card').length, s.querySelectorAll('.stepguide-plotly-view').length])""")
            assert shown == [[1, 1]], (card, shown)
            screen = page.locator(f".sg-screen-{card}")
            verdict = screen.locator(".sg-verdict")
            expect(verdict).to_be_visible()
            assert float(verdict.evaluate("e => getComputedStyle(e).fontSize").rstrip("px")) >= 40
            box = screen.locator(".stepguide-plotly-view").bounding_box()
            assert box["y"] + box["height"] <= 1080 + 1, (card, box)  # the whole chart on the screen
            page.wait_for_function(
                "sel => { const p = document.querySelector(sel + ' .js-plotly-plot');"
                " return p && p._fullLayout && p._fullLayout.font.size >= 18 }", arg=f".sg-screen-{card}")
            assert page.locator(".sg-step2 .widget-readout").bounding_box()["y"] < box["y"]  # inputs on top
            if number < len(SCREENS) - 1:
                page.locator(".sg-next button, button.sg-next").first.click()
        # Same model: a slider move shows on the current screen and on the first one.
        readout = page.locator(".sg-step2 .widget-readout")
        readout.click()
        page.keyboard.press("Control+A")
        page.keyboard.type("232")
        page.keyboard.press("Enter")
        a = sg.assess(step1=228, step2=232, specialty="Internal Medicine", month="Oct")
        expect(page.locator(".sg-email")).to_contain_text(label("email", a.email))
        for _ in SCREENS[1:]:
            page.locator(".sg-previous button, button.sg-previous").first.click()
        expect(page.locator(".sg-screen-trend .sg-verdict")).to_contain_text(a.trend_label)
        assert serious_axe_violations(page) == []
    finally:
        context.close()
