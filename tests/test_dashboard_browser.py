"""The dashboard notebook in a real Voila page, driven by headless Chromium (issue 4).

Moves the Step 2 CK slider with the keyboard and by typing into its readout,
checks the verdict cards, the C5 highlight, the F2 path and the email draft
against ``sg.assess``, downloads the email and the plan, copies the email,
runs axe-core. (The README's screenshots come from ``make screenshot``, not from the tests.)
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import stepguide as sg
from stepguide.plan import EMAIL_LABELS, NO_EMAIL_TITLE, READING_LABELS, interview_answer

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "dashboard.ipynb"
START = {"step1": 228, "step2": 248, "specialty": "Internal Medicine", "month": "Oct"}


@pytest.fixture(scope="module")
def server(voila_server):
    return voila_server(NOTEBOOK)


def open_dashboard(page, url: str) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(url)
    page.locator(".sg-chart-c5 .js-plotly-plot").wait_for(timeout=60_000)
    page.wait_for_function("() => document.querySelector('.sg-main[role=main]')")


def chart_meta(page, key: str) -> dict[str, Any]:
    return page.evaluate(
        "sel => { const el = document.querySelector(sel); return el && el._fullLayout ? el._fullLayout.meta : null }",
        f".sg-chart-{key} .js-plotly-plot")


def wait_for_state(page, a: sg.Assessment) -> None:
    """Wait until the page shows ``a``: trend card, C5 highlight, F2 path and the email decision."""
    from playwright.sync_api import expect

    expect(page.locator(".sg-email")).to_contain_text(EMAIL_LABELS[a.email])
    if a.trend:
        expect(page.locator(".sg-trend")).to_contain_text(f"{a.trend} ({a.delta:+d} points)")
    expect(page.locator(".sg-value")).to_contain_text(a.value)
    page.wait_for_function(
        """([trend, path]) => {
            const meta = sel => { const el = document.querySelector(sel);
                                  return el && el._fullLayout && el._fullLayout.meta; };
            const c5 = meta('.sg-chart-c5 .js-plotly-plot'), f2 = meta('.sg-chart-f2 .js-plotly-plot');
            return c5 && f2 && c5.highlight === trend && JSON.stringify(f2.path) === JSON.stringify(path);
        }""", arg=[a.trend, list(a.paths["F2"])], timeout=15_000)
    assert chart_meta(page, "c5")["highlight"] == a.trend
    assert chart_meta(page, "f2")["path"] == list(a.paths["F2"])


def type_into_readout(page, hook: str, value: int) -> None:
    readout = page.locator(f".{hook} .widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(str(value))
    page.keyboard.press("Enter")


def serious_axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page).response
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


def test_live_updates_downloads_and_copy(server, page) -> None:
    open_dashboard(page, server.url)
    first = sg.assess(**START)
    wait_for_state(page, first)
    draft = page.locator(".sg-email-draft")
    assert "Template E3" in draft.inner_text()

    # Keyboard on the slider handle: ten steps left, 248 -> 238.
    handle = page.locator(".sg-step2 [role=slider]")
    assert handle.get_attribute("aria-label") == "Step 2 CK score"
    handle.focus()
    for _ in range(10):
        page.keyboard.press("ArrowLeft")
    second = sg.assess(**{**START, "step2": 238})
    assert (second.trend, second.template) != (first.trend, first.template)
    wait_for_state(page, second)
    from playwright.sync_api import expect

    expect(draft).to_contain_text(f"Template {second.template}")
    expect(draft).to_contain_text("238")

    # The email: a real .txt download and a working copy button.
    page.locator(".sg-field-name input").fill("Jordan <b>Lee</b>")
    expected = sg.draft_email(second, name="Jordan <b>Lee</b>")
    expect(draft).to_contain_text("Jordan <b>Lee</b>")  # shown as text, not markup
    assert page.locator(".sg-email-draft b").count() == 0
    with page.expect_download() as info:
        page.locator(".sg-download a").click()
    assert info.value.suggested_filename == "step2ck-email.txt"
    assert Path(info.value.path()).read_text(encoding="utf-8") == expected.as_text()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.locator(".sg-copy button").click()
    expect(page.locator(".sg-copy .sg-status")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == expected.as_text()

    # Typing into the readout: 224 is flat against 228, below the usual range: no email.
    type_into_readout(page, "sg-step2", 224)
    third = sg.assess(**{**START, "step2": 224})
    wait_for_state(page, third)
    expect(draft).to_contain_text(NO_EMAIL_TITLE)
    expect(page.locator(".sg-download")).to_be_hidden()

    # Export my plan: a Markdown download holding the current verdict.
    with page.expect_download() as info:
        page.locator(".sg-export a").click()
    assert info.value.suggested_filename == "step2ck-plan.md"
    plan = Path(info.value.path()).read_text(encoding="utf-8")
    assert plan.startswith("# My Step 2 CK plan")
    assert f"**Score trend:** {third.trend} ({third.delta:+d} points)" in plan
    assert f"**What the score is worth:** {third.value}" in plan
    assert NO_EMAIL_TITLE in plan
    assert "Traceback" not in page.locator(".sg-main").inner_text()


def test_drop_and_accessibility(server, page) -> None:
    from playwright.sync_api import expect

    open_dashboard(page, server.url)
    wait_for_state(page, sg.assess(**START))
    page.wait_for_function(
        "() => [...document.querySelectorAll('.sg-main .stepguide-plotly-view')]"
        ".filter(e => e.offsetParent).every(e => Number(e.dataset.renders || 0) > 0)")
    assert serious_axe_violations(page) == []

    # A drop: F4 and the interview answer appear, and the page stays accessible.
    expect(page.locator(".sg-chart-f4")).to_be_hidden()
    type_into_readout(page, "sg-step1", 250)
    type_into_readout(page, "sg-step2", 230)
    drop = sg.assess(**{**START, "step1": 250, "step2": 230})
    wait_for_state(page, drop)
    expect(page.locator(".sg-chart-f4")).to_be_visible()
    page.wait_for_function(
        "path => { const el = document.querySelector('.sg-chart-f4 .js-plotly-plot');"
        " return el && el._fullLayout && JSON.stringify(el._fullLayout.meta.path) === path }",
        arg=json.dumps(list(drop.paths["F4"]), separators=(",", ":")))
    expect(page.locator(".sg-drop")).to_contain_text(interview_answer()[0])
    expect(page.locator(".sg-reading")).to_contain_text(READING_LABELS[drop.reading])
    assert serious_axe_violations(page) == []


def test_plotly_js_fetched_once_from_the_page_head(server, page) -> None:
    """The stepguide Voila template starts the plotly.js download early (the charts reuse it) and asks
    nothing of the internet (the lab template's CDN stylesheets are dropped)."""
    fetched: list[str] = []
    outside: list[str] = []  # a workshop network may have no internet: the page must not need it
    page.on("request", lambda r: fetched.append(r.url) if "stepguide/static/plotly" in r.url else None)
    page.on("request", lambda r: None if r.url.startswith((server.url, "blob:", "data:")) else outside.append(r.url))
    open_dashboard(page, server.url)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 8")
    assert page.evaluate("() => !!document.querySelector('head script#stepguide-plotly')")
    assert len(fetched) == 1, fetched
    assert outside == []


def test_score_bands_are_shown_with_yours_marked(server, page) -> None:
    """Fuzzy words are numbers the user can see: the band table opens from the verdict and marks this person."""
    open_dashboard(page, server.url)
    page.locator(".sg-bands-box").get_by_text("What the words mean").click()
    table = page.locator(".sg-bands table")
    table.wait_for(state="visible")
    marked = [row.inner_text() for row in table.locator("tr").all() if "← you" in row.inner_text()]
    assert any("average" in r and "215–234" in r for r in marked)  # Step 1 228
    assert any("strong" in r for r in marked) and any("big jump" in r for r in marked)  # 248 in IM, +20
    assert serious_axe_violations(page) == []
