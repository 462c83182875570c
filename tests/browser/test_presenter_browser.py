"""Presenter mode (issue 12, item 5) at 1920x1080: the inputs on top, one verdict and one chart per
screen in large type, driven by the same model as the dashboard; last, the workshop example's program plan
(issue 21: "a student with 12 programs, October, score up 18"), one card per program, three a row."""
from __future__ import annotations

import pytest

import stepguide as sg
from dashboard_page import ROOT, serious_axe_violations
from stepguide.rules.programs import SAMPLE_EXAMPLE, plan_programs, sample_programs
from stepguide.rules.tables import examples
from stepguide.rules.words import label

pytestmark = pytest.mark.browser


def test_one_verdict_and_one_chart_per_screen_readable_from_the_back(voila_server, browser) -> None:
    from playwright.sync_api import expect

    from stepguide.ui.pages.presenter import SCREENS, VERDICT_SCREENS

    server = voila_server(ROOT / "notebooks" / "presenter.ipynb")
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    try:
        page.goto(server.url)
        page.locator(".sg-presenter[role=main]").wait_for(timeout=60_000)
        page.locator(".sg-screen-trend .js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
        for card, _chart, _ in VERDICT_SCREENS:
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
            page.locator(".sg-next button, button.sg-next").first.click()

        # The last screen: the workshop example brings its 12 programs, one card each, three a row.
        programs = page.locator(".sg-screen-programs")
        expect(programs).to_be_visible()
        expect(page.locator(".sg-where")).to_contain_text(SCREENS[-1][2])
        text, values = examples()[SAMPLE_EXAMPLE]
        page.locator(".sg-example select").select_option(label=text)
        actions = programs.locator(".sg-program-action strong")
        plans = plan_programs(sg.assess(**values), sample_programs())
        expect(actions).to_have_text([p.action_label for p in plans])
        assert float(actions.first.evaluate("e => getComputedStyle(e).fontSize").rstrip("px")) >= 28
        tops = [programs.locator(".sg-program-card").nth(i).bounding_box()["y"] for i in range(4)]
        assert abs(tops[0] - tops[2]) < 1 and tops[3] > tops[0]  # three a row
        assert serious_axe_violations(page) == []  # this screen's cards, in the presenter's type and colours

        # Same model: a slider move shows on the current screen and on the first one.
        readout = page.locator(".sg-step2 .widget-readout")
        readout.click()
        page.keyboard.press("Control+A")
        page.keyboard.type("232")
        page.keyboard.press("Enter")
        a = sg.assess(**{**values, "step2": 232})
        expect(actions).to_have_text([p.action_label for p in plan_programs(a, sample_programs())])
        previous = page.locator(".sg-previous button, button.sg-previous").first
        previous.click()  # the email screen (a screen not shown is not in the page)
        expect(page.locator(".sg-email")).to_contain_text(label("email", a.email))
        for _ in VERDICT_SCREENS[1:]:
            previous.click()
        expect(page.locator(".sg-screen-trend .sg-verdict")).to_contain_text(a.trend_label)
        assert serious_axe_violations(page) == []
    finally:
        context.close()
