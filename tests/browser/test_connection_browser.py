"""Lost connection (issue 12, item 7): kill the page's kernel and the page says so in one line, greys the
verdicts, shows no broken-link icons, and "Reload with my inputs" brings the same situation back."""
from __future__ import annotations

import json

import pytest

from dashboard_page import NOTEBOOK, input_values, new_page, open_dashboard

pytestmark = pytest.mark.browser


def test_killed_kernel_is_said_plainly_and_reload_keeps_the_inputs(voila_server, browser) -> None:
    from playwright.sync_api import expect

    server = voila_server(NOTEBOOK)
    page = new_page(browser, "phone")
    try:
        open_dashboard(page, server.url, "#step1=221&step2=239&month=Nov")
        page.wait_for_function("() => location.hash.includes('step2=239')")
        banner = page.locator(".sg-banner")
        expect(banner).to_be_hidden()
        kernel_id = json.loads(page.locator("#jupyter-config-data").text_content())["kernelId"]
        server.kernel_processes()[kernel_id].kill()

        expect(banner).to_be_visible(timeout=30_000)
        expect(banner).to_contain_text("connection to the guide was lost")
        page.wait_for_function("() => document.querySelector('.sg-main').classList.contains('sg-offline')")
        assert page.evaluate("getComputedStyle(document.querySelector('.sg-cards')).opacity") == "0.45"
        assert page.evaluate("document.querySelector('.sg-inputs').inert") is True
        icons = page.evaluate("""() => [...document.querySelectorAll('.jupyter-widgets-disconnected')]
            .filter(el => !['none', 'normal', ''].includes(getComputedStyle(el, '::before').content)).length""")
        assert icons == 0

        page.get_by_role("button", name="Reload with my inputs").click()
        page.wait_for_function("() => !document.querySelector('.sg-main.sg-offline')", timeout=60_000)
        page.locator(".sg-main[role=main]").wait_for(timeout=60_000)
        page.wait_for_function(
            "() => (document.querySelector('.sg-step2 .widget-readout') || {}).textContent === '239'", timeout=60_000)
        shown = input_values(page)
        assert (shown["sg-step1"], shown["sg-step2"], shown["sg-month"]) == ("221", "239", "November")
        expect(page.locator(".sg-banner")).to_be_hidden()
    finally:
        page.context.close()
