"""Sources a student can read (issue 16), in a real Voila page: every inventory ID is a button that opens its
plain-words explanation by mouse and keyboard, Escape closes it and gives focus back, a screen reader hears it
as an expandable button, and the Sources section names the three articles. At a phone and a desktop width."""
from __future__ import annotations

from typing import Any

import pytest

from dashboard_page import NOTEBOOK, ROOT, new_page, open_dashboard, serious_axe_violations
from stepguide.rules.articles import articles, glossary

pytestmark = pytest.mark.browser

START_HERE = ROOT / "notebooks" / "00_start_here.ipynb"


@pytest.fixture(scope="module")
def server(voila_server):
    return voila_server(NOTEBOOK)


def _expanded(page: Any, badge: Any) -> bool | None:
    """The button's expanded state as the browser gives it to assistive tech (Chromium's accessibility tree)."""
    badge.evaluate("el => el.setAttribute('data-probe', '1')")
    cdp = page.context.new_cdp_session(page)
    try:
        doc = cdp.send("DOM.getDocument", {"depth": 0})
        node = cdp.send("DOM.querySelector", {"nodeId": doc["root"]["nodeId"], "selector": "[data-probe]"})
        tree = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node["nodeId"], "fetchRelatives": False})
    finally:
        cdp.detach()
        badge.evaluate("el => el.removeAttribute('data-probe')")
    own = tree["nodes"][0]
    props = {p["name"]: p["value"].get("value") for p in own.get("properties", [])}
    assert own["role"]["value"] == "button"
    return props.get("expanded")


def _opens_and_closes(page: Any, badge: Any) -> None:
    """Click, Enter and Space open the badge's explanation (which names its article); Escape and Close shut it,
    and focus goes back to the badge each time."""
    from playwright.sync_api import expect

    item = badge.inner_text().strip()
    e = glossary()[item]
    popover = page.locator(f"[id='{badge.get_attribute('popovertarget')}']")
    name = badge.get_attribute("aria-label")
    assert name.startswith(f"{item}: {e.name}") and e.articles[0].short_name in name
    expect(popover).to_be_hidden()
    assert _expanded(page, badge) is False

    badge.click()  # the mouse
    expect(popover).to_be_visible()
    expect(popover).to_contain_text(e.explanation)
    for a in e.articles:
        expect(popover).to_contain_text(f"the {a.short_name} article")
        expect(popover.get_by_role("link", name=f"the {a.short_name} article")).to_have_attribute("href", a.url)
    assert _expanded(page, badge) is True
    close = popover.get_by_role("button", name="Close")
    expect(close).to_be_focused()  # focus moves into the explanation, so a screen reader reads it out
    box = popover.bounding_box()
    width = page.viewport_size["width"]
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)
    page.keyboard.press("Escape")
    expect(popover).to_be_hidden()
    expect(badge).to_be_focused()

    for key in ("Enter", " "):  # the keyboard, from the badge
        badge.focus()
        page.keyboard.press(key)
        expect(popover).to_be_visible()
        expect(close).to_be_focused()
        page.keyboard.press("Escape")
        expect(popover).to_be_hidden()
        expect(badge).to_be_focused()

    badge.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # on the focused Close button
    expect(popover).to_be_hidden()
    expect(badge).to_be_focused()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_badges_open_by_mouse_and_keyboard_and_the_sources_are_named(server, browser, size) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, size)
    try:
        open_dashboard(page, server.url, "#step1=228&step2=248&specialty=Internal%20Medicine&month=Oct")
        why = page.locator(".sg-why button.sg-rule").first
        expect(why).to_be_visible()
        why.scroll_into_view_if_needed()
        _opens_and_closes(page, why)
        differ = page.locator(".sg-differ button.sg-rule").first  # K9 in October: the two clocks
        differ.scroll_into_view_if_needed()
        _opens_and_closes(page, differ)

        # No bare ID: every badge on the page is a button whose explanation is on the page.
        missing = page.evaluate("""() => [...document.querySelectorAll('.sg-main .sg-rule')]
            .filter(b => b.tagName !== 'BUTTON' || !document.getElementById(b.getAttribute('popovertarget')))
            .map(b => b.textContent)""")
        assert missing == []

        sources = page.locator(".sg-sources")
        for a in articles().values():
            link = sources.get_by_role("link", name=a.title)
            expect(link).to_have_attribute("href", a.url)
            expect(sources).to_contain_text(a.site)
            expect(sources).to_contain_text(a.published)
        expect(sources).to_contain_text("NRMP Charting Outcomes")

        assert serious_axe_violations(page) == []
        why.click()  # and with an explanation open
        expect(page.locator(f"[id='{why.get_attribute('popovertarget')}']")).to_be_visible()
        assert serious_axe_violations(page) == []
    finally:
        page.context.close()


def test_chapter_zero_names_the_sources_and_its_badges_open(voila_server, browser) -> None:
    from playwright.sync_api import expect

    server = voila_server(START_HERE)
    page = new_page(browser, "phone")
    try:
        page.goto(server.url)
        sources = page.locator(".sg-sources")
        expect(sources).to_be_visible(timeout=60_000)
        for a in articles().values():
            expect(sources.get_by_role("link", name=a.title)).to_have_attribute("href", a.url)
        badge = page.locator(".sg-main button.sg-rule").first
        badge.scroll_into_view_if_needed()
        _opens_and_closes(page, badge)
        assert serious_axe_violations(page) == []
    finally:
        page.context.close()
        server.stop()
