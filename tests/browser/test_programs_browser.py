"""My programs on the real dashboard (issue 21), at a phone's and a desktop's width: the sample loads as 12 cards,
the actions follow the Step 2 CK slider, the keyboard reaches each note's Copy button and mail link, the mail
link carries the draft's subject and body, the list stays out of the URL, and axe-core finds nothing serious;
every case of the program case book shows on the page as the case book says."""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

import stepguide as sg
from dashboard_page import NOTEBOOK, new_page, open_dashboard, serious_axe_violations, type_into_readout
from stepguide.cohort.program_report import programs_ics
from stepguide.rules.programs import plan_programs, sample_programs
from stepguide.rules.words import label, say

pytestmark = pytest.mark.browser

START: dict[str, Any] = {"step1": 230, "step2": 248, "specialty": "Internal Medicine", "month": "Oct"}
FRAGMENT = "#step1=230&step2=248&specialty=Internal%20Medicine&month=Oct"


@pytest.fixture(scope="module")
def server(voila_server):
    return voila_server(NOTEBOOK)


def _actions(**values: Any) -> list[str]:
    return [p.action_label for p in plan_programs(sg.assess(**{**START, **values}), sample_programs())]


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_my_programs_on_the_dashboard(server, browser, size: str) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, size, "dark" if size == "phone" else "light")  # axe checks both themes' contrast
    try:
        open_dashboard(page, server.url, FRAGMENT)
        page.get_by_role("button", name=label("button", "programs_sample")).click()
        cards = page.locator(".sg-program-card")
        expect(cards).to_have_count(12)
        actions = page.locator(".sg-program-action strong")
        expect(actions).to_have_text(_actions())

        # Phone first: one program per card across the screen; on a desktop, cards side by side; no sideways scroll.
        first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
        assert first is not None and second is not None
        width = page.viewport_size["width"]
        if size == "phone":
            assert second["y"] >= first["y"] + first["height"] - 1 and first["width"] >= width * 0.8
        else:
            assert abs(second["y"] - first["y"]) < 1 and second["x"] > first["x"]
        assert page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1

        # The first program with a note: its mail link carries the draft, percent-encoded.
        want = plan_programs(sg.assess(**START), sample_programs())
        index, plan = next((i, p) for i, p in enumerate(want) if p.draft is not None)
        assert plan.draft is not None
        card = cards.nth(index)
        expect(card.locator(".sg-program-name")).to_have_text(plan.program.name)
        mail = card.locator("a.sg-mailto")
        parts = urlsplit(mail.get_attribute("href") or "")
        query = parse_qs(parts.query, keep_blank_values=True)
        assert parts.scheme == "mailto" and unquote(parts.path) == (plan.program.contact_email or "")
        assert query["subject"] == [plan.draft.subject]
        assert query["body"][0].replace("\r\n", "\n") == plan.draft.body

        # Keyboard: from the note's summary, Tab reaches the Copy button, then the mail link (each named for
        # its program).
        card.locator(".sg-program-note summary").focus()
        page.keyboard.press("Tab")
        copy = card.locator(".sg-program-copy button")
        expect(copy).to_be_focused()
        expect(copy).to_have_accessible_name(say("programs_copy_name", program=plan.program.name))
        page.keyboard.press("Tab")
        expect(mail).to_be_focused()
        assert plan.program.name in (mail.get_attribute("aria-label") or "")

        # The downloads are made when clicked, from the plan shown.
        with page.expect_download() as saved:
            page.get_by_role("button", name=label("button", "programs_ics")).click()
        assert saved.value.suggested_filename == "my-programs.ics"
        a = sg.assess(**START)
        assert Path(saved.value.path()).read_bytes() == programs_ics(plan_programs(a, sample_programs()), a.cycle)

        # The list never reaches the situation link.
        fragment = page.evaluate("() => decodeURIComponent(location.hash)")
        assert not any(p.name in fragment for p in sample_programs())

        assert serious_axe_violations(page) == []

        # The plan follows the slider: 248 -> 200, and back.
        type_into_readout(page, "sg-step2", 200)
        expect(actions).to_have_text(_actions(step2=200))
        assert _actions(step2=200) != _actions()
        expect(page.locator("a.sg-mailto")).to_have_count(0)
        type_into_readout(page, "sg-step2", 248)
        expect(actions).to_have_text(_actions())
    finally:
        page.context.close()


def test_every_program_case_then_a_bad_paste_named_by_line(server, browser) -> None:
    """The program case book through the dashboard (program_pages.py): each of its 28 situations opened through
    the page's situation link with its cases' programs pasted, every card read back and compared with the case
    book and ``plan_programs``. Then, on the same page, a paste with bad lines."""
    from playwright.sync_api import expect

    from program_pages import situations, walk_case_book

    page = new_page(browser, "desktop")
    try:
        open_dashboard(page, server.url, "#" + situations()[0].fragment)
        assert walk_case_book(page, timeout=15_000) == []

        box = page.locator(".sg-program-paste textarea")
        box.fill("Program,Status\nGood One,applied\n<img src=x onerror=alert(1)>,applied\nThird,maybe\n")
        page.get_by_role("button", name=label("button", "programs_read")).click()
        expect(page.locator(".sg-program-card")).to_have_count(1)
        fix = page.locator(".sg-program-fix")
        expect(fix).to_contain_text("line 3: name:")
        expect(fix).to_contain_text("line 4: status:")
        expect(fix).to_contain_text("<img src=x onerror=alert(1)>")  # shown as text, not markup
        assert page.locator(".sg-programs img").count() == 0
    finally:
        page.context.close()

