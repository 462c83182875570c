"""Situation links (issue 12, item 3): the inputs round-trip through the URL fragment, a hostile
fragment is dropped field by field with a notice shown as text, and the back button steps back."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from dashboard_page import NOTEBOOK, input_values, new_page, open_dashboard

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(voila_server):
    return voila_server(NOTEBOOK)


def situation() -> tuple[dict[str, str], dict[str, str]]:
    """A value for every input of the dashboard (none the default, derived from its inputs mapping),
    and what the page should show for each."""
    from stepguide.ui.pages.dashboard import Dashboard

    dash = Dashboard()
    chosen: dict[str, str] = {}
    shown: dict[str, str] = {}
    for key, widget in dash.inputs.items():
        if hasattr(widget, "options"):
            pairs = [o if isinstance(o, tuple) else (str(o), o) for o in widget.options]
            label, value = pairs[-1] if pairs[-1][1] != widget.value else pairs[0]
            if key == "step1_mode":  # keep both sliders in play
                label, value = "Score", "Score"
            chosen[key], shown[key] = str(value), label
        elif isinstance(widget.value, bool):
            chosen[key], shown[key] = ("no", "false") if key == "step2_pending" else ("yes", "true")
        else:
            chosen[key] = shown[key] = str(widget.value - 17)
    return chosen, shown


def fragment(values: dict[str, str]) -> str:
    return "#" + "&".join(f"{k}={quote(v)}" for k, v in values.items())


def test_a_link_reopens_every_input_and_back_steps_back(server, browser) -> None:
    from playwright.sync_api import expect

    values, expected = situation()
    page = new_page(browser, "phone")
    try:
        open_dashboard(page, server.url, fragment(values))
        page.wait_for_function("v => location.hash.includes('step1=' + v)", arg=values["step1"])
        shown = input_values(page)
        for key in values:
            assert shown["sg-" + key.replace("_", "-")] == expected[key], key
        assert page.evaluate("location.hash").lstrip("#") == fragment(values).lstrip("#")
        assert "?" not in page.url  # the situation never reaches the server: the preheated pool serves it
        expect(page.locator(".sg-notice")).to_be_empty()

        # Two separate key presses (two gestures), then back: the page steps back to the first one, then to the link.
        readout = page.locator(".sg-step2 .widget-readout")
        first = int(values["step2"])
        page.locator(".sg-step2 [role=slider]").focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("n => location.hash.includes('step2=' + n)", arg=first + 1)
        page.keyboard.press("ArrowRight")
        page.wait_for_function("n => location.hash.includes('step2=' + n)", arg=first + 2)
        page.go_back()
        expect(readout).to_have_text(str(first + 1))
        page.go_back()
        expect(readout).to_have_text(str(first))

        # Copy link: the URL with the fragment.
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        page.get_by_role("button", name="Copy link to this situation").click()
        expect(page.locator(".sg-link .sg-status")).to_have_text("Link copied.")
        assert page.evaluate("navigator.clipboard.readText()") == page.url
    finally:
        page.context.close()


def test_a_hostile_fragment_is_dropped_field_by_field(server, browser) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, "desktop")
    dialogs: list[str] = []

    def refuse(dialog: Any) -> None:  # an alert() the hostile fragment managed to run
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    hostile = ("#step1=231&step2=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&specialty=%3Cscript%3Ealert(2)%3C%2Fscript%3E"
               "&month=Nov&applicant=IMG&prior_fail=maybe&__proto__=1&step2_pending=no")
    try:
        open_dashboard(page, server.url, hostile)
        notice = page.locator(".sg-notice")
        expect(notice).to_contain_text("step2")
        text = notice.inner_text()
        for name in ("step2", "specialty", "prior_fail", "__proto__"):
            assert name in text
        assert "<img" in text  # shown as text...
        assert page.locator(".sg-main img, .sg-main script").count() == 0  # ...never as markup
        shown = input_values(page)
        assert (shown["sg-step1"], shown["sg-month"], shown["sg-applicant"]) == ("231", "November", "IMG")
        assert shown["sg-step2"] == "248" and shown["sg-specialty"] == "Internal Medicine"  # left as they were
        page.wait_for_function("() => !location.hash.includes('%3C') && location.hash.includes('step1=231')")
        assert dialogs == []
        assert "Traceback" not in page.locator(".sg-main").inner_text()
    finally:
        page.context.close()


def test_a_quick_run_of_slider_steps_is_written_once(server, browser) -> None:
    """Each URL write costs the browser ~10 ms of CPU: a run of slider steps is written once it settles,
    as one history entry (back returns to before the run), not one per step."""
    from playwright.sync_api import expect

    page = new_page(browser, "desktop")
    try:
        open_dashboard(page, server.url)
        readout = page.locator(".sg-step2 .widget-readout")
        start, entries = int(readout.inner_text()), page.evaluate("history.length")
        page.locator(".sg-step2 [role=slider]").focus()
        for n in range(start - 1, start - 5, -1):  # four steps, each one shown before the next (as in bench_slider)
            page.keyboard.press("ArrowLeft")
            expect(page.locator(".sg-why")).to_contain_text(f"Step 2 CK {n} ")
        page.wait_for_function("n => new URLSearchParams(location.hash.slice(1)).get('step2') === String(n)",
                               arg=start - 4)
        assert page.evaluate("history.length") - entries == 1
        page.go_back()
        expect(readout).to_have_text(str(start))
    finally:
        page.context.close()
