"""Lost connection (issue 12, item 7): kill the page's kernel and the page says so in one line, greys the
verdicts, shows no broken-link icons, and "Reload with my inputs" brings the same situation back.

On the same page (issue 19, items 8 and 10): a kernel stopped with SIGSTOP keeps its websocket, yet the page
says within a few seconds that the guide is not answering, greys the results, and clears when SIGCONT wakes
it; and when the server itself is killed, the banner stops saying "trying to reconnect" and says the server
is not coming back, with "Reload with my inputs"."""
from __future__ import annotations

import json
import time
from contextlib import suppress

import psutil
import pytest

from dashboard_page import NOTEBOOK, input_values, new_page, open_dashboard

pytestmark = pytest.mark.browser


def test_killed_kernel_is_said_plainly_and_reload_keeps_the_inputs(voila_server, browser) -> None:
    from playwright.sync_api import expect

    server = voila_server(NOTEBOOK)
    page = new_page(browser, "phone")
    orphans: list[psutil.Process] = []
    try:
        open_dashboard(page, server.url, "#step1=221&step2=239&month=Nov")
        page.wait_for_function("() => location.hash.includes('step2=239')")
        banner = page.locator(".sg-banner")
        expect(banner).to_be_hidden()
        kernel_id = json.loads(page.locator("#jupyter-config-data").text_content())["kernelId"]
        kernel = server.kernel_processes()[kernel_id]

        kernel.suspend()  # SIGSTOP: the websocket stays open, nothing answers
        try:
            start = time.monotonic()
            expect(banner).to_contain_text("The guide is not answering", timeout=15_000)
            noticed = time.monotonic() - start
            page.wait_for_function("() => document.querySelector('.sg-main').classList.contains('sg-offline')")
            assert page.evaluate("document.querySelector('.sg-inputs').inert") is True
        finally:
            kernel.resume()  # SIGCONT
        expect(banner).to_be_hidden(timeout=15_000)
        assert page.evaluate("document.querySelector('.sg-main').classList.contains('sg-offline')") is False
        print(f"a stopped kernel was noticed after {noticed:.1f} s")
        assert noticed < 8, f"the page took {noticed:.1f} s to notice a stopped kernel"

        kernel.kill()

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

        orphans = list(server.kernel_processes().values())  # kernels run in sessions of their own
        server.proc.kill()  # the server is gone for good (kill -9): reconnecting cannot work
        start = time.monotonic()
        expect(banner).to_contain_text("server is not coming back", timeout=30_000)
        print(f"a killed server was called gone after {time.monotonic() - start:.1f} s")
        expect(banner.get_by_role("button", name="Reload with my inputs")).to_be_visible()
        assert "step2=239" in page.url, "the reload keeps the inputs in the URL fragment"
    finally:
        page.context.close()
        for kernel in orphans:
            with suppress(psutil.NoSuchProcess):
                kernel.kill()
