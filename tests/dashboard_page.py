"""Helpers shared by the dashboard's browser tests (open the page, run axe-core, read the console)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import stepguide as sg
from stepguide.rules.words import label

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "dashboard.ipynb"
VIEWPORTS = {"phone": (390, 844), "tablet": (768, 1024), "desktop": (1366, 900)}
# Voila 0.5.13's own widget manager (@voila-dashboards/widgets-manager8) was built against @jupyterlab 4.5.10
# but its page bundles 4.2.5; no release of Voila 0.5 pairs them (see CHANGELOG.md). Anything else is a failure.
VOILA_OWN_SKEW = ("(required ^4.5.10)", "(required ^6.5.10)", "(required ^7.5.10)",
                  "No satisfying version (^4.5.10) of shared module @jupyterlab/outputarea")


def new_page(browser: Any, size: str = "desktop", theme: str = "light", **options: Any) -> Any:
    """A page in a fresh context at one of :data:`VIEWPORTS`, with ``prefers-color-scheme`` = ``theme``."""
    width, height = VIEWPORTS[size]
    phone = size == "phone"
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=theme,
                                  has_touch=phone, is_mobile=phone, **options)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def open_dashboard(page: Any, url: str, fragment: str = "") -> None:
    """Go to the dashboard and wait until it is live: the situation link is in the URL and C5 is drawn."""
    page.goto(url + fragment)
    page.locator(".sg-main[role=main]").wait_for(timeout=60_000)
    page.wait_for_function("() => location.hash.includes('step2=')", timeout=60_000)
    page.locator(".sg-chart-c5 .js-plotly-plot .main-svg").first.wait_for(state="attached", timeout=60_000)


def serious_axe_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page).response
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


def console_problems(messages: list[tuple[str, str]]) -> list[str]:
    """Console warnings and errors, less Voila's own known version skew."""
    return [f"{kind}: {text}" for kind, text in messages
            if kind in ("warning", "error") and not any(s in text for s in VOILA_OWN_SKEW)]


def input_values(page: Any) -> dict[str, str]:
    """What the page shows for each ``sg-*`` input: readout text, selected option, active toggle, checkbox."""
    return page.evaluate("""() => {
        const out = {};
        for (const box of document.querySelectorAll('.sg-inputs [class*="sg-"], .sg-flags [class*="sg-"]')) {
            const hook = [...box.classList].find(c => c.startsWith('sg-'));
            const readout = box.querySelector('.widget-readout');
            const select = box.querySelector('select');
            const active = box.querySelector('.widget-toggle-button.mod-active');
            const check = box.querySelector('input[type=checkbox]');
            out[hook] = readout ? readout.textContent.trim() : select ? select.value
                      : active ? active.textContent.trim() : check ? String(check.checked) : null;
        }
        return out;
    }""")


def chart_meta(page, key: str) -> dict[str, Any]:
    return page.evaluate(
        "sel => { const el = document.querySelector(sel); return el && el._fullLayout ? el._fullLayout.meta : null }",
        f".sg-chart-{key} .js-plotly-plot")


def wait_for_state(page, a: sg.Assessment) -> None:
    """Wait until the page shows ``a``: trend card, C5 highlight, F2 path and the email decision."""
    from playwright.sync_api import expect

    expect(page.locator(".sg-email")).to_contain_text(label("email", a.email))
    if a.trend:
        expect(page.locator(".sg-trend")).to_contain_text(f"{a.trend_label} ({a.delta:+d} points)")
    if a.value:
        expect(page.locator(".sg-value")).to_contain_text(a.value_label)
    page.wait_for_function(
        """([trend, path]) => {
            const meta = sel => { const el = document.querySelector(sel);
                                  return el && el._fullLayout && el._fullLayout.meta; };
            const c5 = meta('.sg-chart-c5 .js-plotly-plot'), f2 = meta('.sg-chart-f2 .js-plotly-plot');
            return c5 && f2 && c5.highlight_id === trend && JSON.stringify(f2.path) === JSON.stringify(path);
        }""", arg=[a.trend, list(a.paths["F2"].nodes)], timeout=15_000)
    c5 = chart_meta(page, "c5")
    assert (c5["highlight_id"], c5["highlight"]) == (a.trend, a.trend_label)
    assert chart_meta(page, "f2")["path"] == list(a.paths["F2"].nodes)


def type_into_readout(page, hook: str, value: int) -> None:
    readout = page.locator(f".{hook} .widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(str(value))
    page.keyboard.press("Enter")
