"""The dashboard notebook in a real Voila page, driven by headless Chromium (issue 4).

Moves the Step 2 CK slider with the keyboard and by typing into its readout,
checks the verdict cards, the C5 highlight, the F2 path and the email draft
against ``sg.assess``, downloads the email and the plan, copies the email,
drives the failed-exam and listed-as-planned inputs and runs axe-core, at a
desktop and a phone width. (The README's screenshots come from ``make screenshot``, not from the tests.)
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

import stepguide as sg
from dashboard_page import serious_axe_violations, type_into_readout, wait_for_state
from stepguide.rules.bands import band_rows
from stepguide.rules.words import label
from stepguide.ui.plan import NO_EMAIL_TITLE, interview_answer

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "dashboard.ipynb"
START: dict[str, Any] = {"step1": 228, "step2": 248, "specialty": "Internal Medicine", "month": "Oct"}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(voila_server):
    return voila_server(NOTEBOOK)


def open_dashboard(page, url: str, viewport: dict[str, int] | None = None) -> None:
    """Open the page in START's month (it starts in today's month otherwise) and wait until it shows it."""
    page.set_viewport_size(viewport or {"width": 1400, "height": 1000})
    page.goto(url + f"#month={START['month']}")
    page.locator(".sg-chart-c5 .js-plotly-plot").wait_for(timeout=60_000)
    page.wait_for_function("() => document.querySelector('.sg-main[role=main]')")
    page.wait_for_function("m => new URLSearchParams(location.hash.slice(1)).get('month') === m"
                           " && document.querySelector('.sg-month select').value === 'October'",
                           arg=START["month"], timeout=60_000)


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

    # Typing into the readout: 224 is flat against 228 (a 4-point dip is noise), below the usual range: no email.
    type_into_readout(page, "sg-step2", 224)
    third = sg.assess(**{**START, "step2": 224})
    assert (third.trend, third.email) == ("flat", "none")
    wait_for_state(page, third)
    expect(page.locator(".sg-chart-f4")).to_be_hidden()  # a dip inside the error never lights F4
    expect(draft).to_contain_text(NO_EMAIL_TITLE)
    expect(page.locator(".sg-download")).to_be_hidden()

    # Export my plan: a Markdown download holding the current verdict.
    with page.expect_download() as info:
        page.locator(".sg-export a").click()
    assert info.value.suggested_filename == "step2ck-plan.md"
    plan = Path(info.value.path()).read_text(encoding="utf-8")
    assert plan.startswith("# My Step 2 CK plan")
    assert f"**Score trend:** {third.trend_label} ({third.delta:+d} points)" in plan
    assert f"**What the score is worth:** {third.value_label}" in plan
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
        arg=json.dumps(list(drop.paths["F4"].nodes), separators=(",", ":")))
    expect(page.locator(".sg-drop")).to_contain_text(interview_answer()[0])
    expect(page.locator(".sg-reading")).to_contain_text(label("reading", drop.reading))
    assert serious_axe_violations(page) == []


def test_failed_exam_listed_planned_and_differences(server, page) -> None:
    """The new inputs drive the page as assess says, and the articles' disagreements are shown where they apply."""
    from playwright.sync_api import expect

    open_dashboard(page, server.url)
    wait_for_state(page, sg.assess(**START))
    expect(page.locator(".sg-prior-fail")).to_have_count(0)
    draft = page.locator(".sg-email-draft")

    type_into_readout(page, "sg-step2", 238)
    page.locator(".sg-failed-exam select").select_option(label=label("failed_exam", "step2"))
    retake = sg.assess(**{**START, "step2": 238, "failed_exam": "step2"})
    assert retake.template == "E5"
    wait_for_state(page, retake)
    expect(draft).to_contain_text("Template E5")
    expect(draft).to_contain_text("retake")

    page.locator(".sg-failed-exam select").select_option(label=label("failed_exam", "none"))
    page.locator(".sg-listed-planned input[type=checkbox]").check()
    planned = sg.assess(**{**START, "step2": 238, "listed_planned": True})
    wait_for_state(page, planned)
    expect(draft).to_contain_text(f"Template {planned.template}")
    expect(draft).not_to_contain_text("retake")
    page.locator(".sg-listed-planned input[type=checkbox]").uncheck()

    before = sg.assess(**{**START, "step2": 238})  # October: doc A's 'late' and doc B's 'early' season (K9) only
    wait_for_state(page, before)
    box = page.locator(".sg-differ")
    for d in before.differences:
        expect(box).to_contain_text(d.topic)
    differ = sg.assess(**{**START, "step1": 240, "step2": 236})
    new = {d.topic for d in differ.differences} - {d.topic for d in before.differences}
    assert new  # the drop brings a disagreement of its own
    for topic in new:
        expect(box).not_to_contain_text(topic)
    type_into_readout(page, "sg-step1", 240)
    type_into_readout(page, "sg-step2", 236)
    wait_for_state(page, differ)
    expect(box).to_contain_text("Where the articles differ")
    for d in differ.differences:
        expect(box).to_contain_text(d.topic)
        expect(box).to_contain_text(d.decision)
    assert serious_axe_violations(page) == []


def test_phone_width(server, page) -> None:
    """At 390 px the inputs, the verdict and the email stay on screen: no sideways scrolling."""
    from playwright.sync_api import expect

    open_dashboard(page, server.url, PHONE)
    wait_for_state(page, sg.assess(**START))
    for hook in ("sg-step2", "sg-specialty", "sg-failed-exam", "sg-listed-planned", "sg-email"):
        box = page.locator(f".{hook}").first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, hook
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    type_into_readout(page, "sg-step2", 238)
    wait_for_state(page, sg.assess(**{**START, "step2": 238}))
    expect(page.locator(".sg-email-draft")).to_be_visible()
    assert serious_axe_violations(page) == []


def test_plotly_js_fetched_once_from_the_page_head(server, page) -> None:
    """The stepguide Voila template starts the plotly.js download early (the charts reuse it), the nine charts
    share one fetched front end (plotly_view.js), and the page asks nothing of the internet (the lab template's
    CDN stylesheets are dropped). The visit, and the pool kernel started for the next one, add no warning or
    error to the server's log (voila.json's QuietLogFilter, the lean kernel launcher): what is left there is
    worth reading."""
    server.wait_quiescent()
    logged = len(server.log_text())
    fetched: list[str] = []
    outside: list[str] = []  # a workshop network may have no internet: the page must not need it
    page.on("request", lambda r: fetched.append(r.url) if "stepguide/static/plotly" in r.url else None)
    page.on("request", lambda r: None if r.url.startswith((server.url, "blob:", "data:")) else outside.append(r.url))
    refused: list[str] = []
    page.on("response", lambda r: refused.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    open_dashboard(page, server.url)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 8")
    assert refused == []
    # This page's kernel is its visitor's: the harness must not ask for it (a stranger's request is refused and
    # logged, as it should be, and would be the harness's line, not the visit's).
    server.visitors_kernels.add(json.loads(page.locator("#jupyter-config-data").text_content())["kernelId"])
    assert page.evaluate("() => !!document.querySelector('head script#stepguide-plotly')")
    assert sorted(url.split("?")[0].rsplit("/", 1)[1] for url in fetched) == ["plotly-basic.min.js", "plotly_view.js"]
    assert outside == []
    deadline = time.monotonic() + 60
    while "is filled with" not in server.log_text()[logged:]:  # the pool's kernel for the next visitor
        assert time.monotonic() < deadline, server.log_text()[logged:]
        time.sleep(0.2)
    server.wait_quiescent()  # ... has run the notebook
    noise = [line for line in server.log_text()[logged:].splitlines()
             if re.search(r"\b(WARNING|ERROR|CRITICAL)\b|Traceback", line)]
    assert noise == []


def test_score_bands_are_shown_with_yours_marked(server, page) -> None:
    """Fuzzy words are numbers the user can see: the band table opens from the verdict and marks this person."""
    open_dashboard(page, server.url)
    page.locator(".sg-bands-box").get_by_text("What the words mean").click()
    table = page.locator(".sg-bands table")
    table.wait_for(state="visible")
    marked = [row.inner_text() for row in table.locator("tr").all() if "← you" in row.inner_text()]
    yours = [r for r in band_rows(sg.assess(**START)) if r.yours]
    assert len(marked) == len(yours) == 3  # Step 1 228, Step 2 CK 248 in IM, +20
    for row, band in zip(marked, yours, strict=True):
        assert band.band in row and band.range in row
    assert any("216–234" in r for r in marked)  # IM: a Step 1 of 228 is under the matched mean of 235 (2020)
    assert serious_axe_violations(page) == []
