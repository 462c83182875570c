"""Binder/JupyterHub parity (issue 12, item 6): Voila as a Jupyter Server extension under a non-root
base_url applies the stepguide template, draws the charts, asks nothing of any other server, and the
console stays clean."""
from __future__ import annotations

import pytest

from dashboard_page import console_problems, new_page, open_dashboard

pytestmark = pytest.mark.browser


def test_voila_server_extension_under_a_base_url(voila_server_extension, browser) -> None:
    base = voila_server_extension
    assert base.endswith("/user/sg-test/")
    origin = base.split("/user/")[0]
    page = new_page(browser, "phone", "dark")
    outside: list[str] = []
    messages: list[tuple[str, str]] = []
    page.on("request", lambda r: None if r.url.startswith((base, "blob:", "data:")) else outside.append(r.url))
    page.on("console", lambda m: messages.append((m.type, m.text)))
    try:
        open_dashboard(page, f"{base}voila/render/notebooks/dashboard.ipynb", "#step2=241")
        page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 8",
                               timeout=60_000)
        src = page.evaluate("document.querySelector('head script#stepguide-plotly').getAttribute('src')")
        assert src == "/user/sg-test/voila/templates/stepguide/static/plotly-basic.min.js?v=basic-4.1.1"  # our template
        assert page.evaluate("document.documentElement.dataset.sgTheme") == "dark"
        assert page.locator(".sg-step2 .widget-readout").text_content() == "241"
        assert outside == [], outside
        assert not any(u.startswith(origin) and not u.startswith(base) for u in outside)
        assert console_problems(messages) == []
    finally:
        page.context.close()
