"""The dashboard at phone, tablet and desktop widths, light and dark (issue 12, items 1, 2 and 8).

Every input control and its value must lie inside the viewport, labels wrap instead of ending in "…",
touch targets are at least 44 px, axe-core finds nothing serious in either theme, the charts follow
the theme, and the console holds no warning or error of ours.
"""
from __future__ import annotations

import pytest

from dashboard_page import NOTEBOOK, VIEWPORTS, console_problems, new_page, open_dashboard, serious_axe_violations

pytestmark = pytest.mark.browser

# For each input row: the parts that must be fully visible, and the ones that are touch targets.
GEOMETRY = """() => {
  const W = document.documentElement.clientWidth;
  const rows = document.querySelectorAll(
    '.sg-example, .sg-inputs [class*="sg-"], .sg-flags [class*="sg-"], .sg-tools button');
  const problems = [], targets = [];
  const ctx = document.createElement('canvas').getContext('2d');
  for (const row of rows) {
    const hook = [...row.classList].find(c => c.startsWith('sg-')) || row.textContent.trim();
    const parts = row.matches('button') ? [row] : row.querySelectorAll(
      '.widget-label, .widget-label-basic, select, .slider-container, .widget-readout, .widget-toggle-button, input');
    for (const el of parts) {
      const r = el.getBoundingClientRect();
      if (!r.width || getComputedStyle(el).display === 'none') continue;
      if (r.left < -0.5 || r.right > W + 0.5)
        problems.push(`${hook}: ${el.className || el.tagName} spans ${r.left}-${r.right} of ${W}`);
      if (el.matches('.widget-label, .widget-label-basic span') && el.scrollWidth > el.clientWidth + 1)
        problems.push(`${hook}: label cut off`);
      if (el.matches('select')) {
        const style = getComputedStyle(el);
        ctx.font = `${style.fontSize} ${style.fontFamily}`;
        const text = el.options[el.selectedIndex].text;
        if (ctx.measureText(text).width + 30 > r.width) problems.push(`${hook}: "${text}" does not fit its select`);
      }
      if (el.matches('select, .widget-readout, .widget-toggle-button, .widget-label-basic, input[type=text], button'))
        targets.push([hook, el.className || el.tagName, r.height, r.width]);
    }
  }
  for (const area of document.querySelectorAll('.sg-inputs .noUi-touch-area')) {
    const r = area.getBoundingClientRect();
    targets.push(['slider handle', 'noUi-touch-area', r.height, r.width]);
  }
  return {problems, small: targets.filter(([, , h, w]) => h < 44 || w < 44).map(t => t.join(' ')),
          overflow: document.documentElement.scrollWidth > W + 1};
}"""


@pytest.fixture(scope="module")
def server(voila_server):
    return voila_server(NOTEBOOK)


def check_layout_and_accessibility(page, theme: str) -> None:
    assert page.evaluate("document.documentElement.dataset.sgTheme") == theme
    found = page.evaluate(GEOMETRY)
    assert found["problems"] == []
    assert found["small"] == []
    assert not found["overflow"], "the page scrolls sideways"
    page.wait_for_function("t => [...document.querySelectorAll('.sg-main .stepguide-plotly-view[data-renders]')]"
                           ".every(v => v.dataset.theme === t)", arg=theme)
    assert serious_axe_violations(page) == []


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_inputs_fit_and_page_is_accessible_in_both_themes(server, browser, size) -> None:
    """Light first; then the system switches to dark and the page (charts included) follows it live."""
    page = new_page(browser, size, "light")
    messages: list[tuple[str, str]] = []
    page.on("console", lambda m: messages.append((m.type, m.text)))
    try:
        open_dashboard(page, server.url)
        check_layout_and_accessibility(page, "light")
        page.emulate_media(color_scheme="dark")
        page.wait_for_function("() => document.documentElement.dataset.sgTheme === 'dark'")
        check_layout_and_accessibility(page, "dark")
        assert console_problems(messages) == []
        if size == "phone":
            touch_keyboard_and_toggle(page)
    finally:
        page.context.close()


def touch_keyboard_and_toggle(page) -> None:
    """Thumb and keyboard both work at 390 px, and the toggle re-themes page and charts at once."""
    from playwright.sync_api import expect

    readout = page.locator(".sg-step2 .widget-readout")
    page.locator(".sg-step2 [role=slider]").focus()
    page.keyboard.press("ArrowRight")
    expect(readout).to_have_text("249")
    readout.tap()
    page.keyboard.press("Control+A")
    page.keyboard.type("236")
    page.keyboard.press("Enter")
    expect(readout).to_have_text("236")
    page.wait_for_function("() => location.hash.includes('step2=236')")
    page.locator(".sg-step1-mode .widget-toggle-button", has_text="Pass").tap()
    expect(page.locator(".sg-step1 .noUi-target")).to_have_attribute("disabled", "true")
    page.locator(".sg-listed-planned .widget-label-basic").tap()
    expect(page.locator(".sg-listed-planned input")).to_be_checked()

    # The system is dark now; the toggle picks light, and the choice outlives a reload.
    toggle = page.get_by_role("button", name="Dark theme")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    toggle.tap()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("document.documentElement.dataset.sgTheme") == "light"
    page.wait_for_function("() => [...document.querySelectorAll('.sg-chart-c5 .stepguide-plotly-view')]"
                           ".every(v => v.dataset.theme === 'light')")
    paper = page.evaluate("document.querySelector('.sg-chart-c5 .js-plotly-plot')._fullLayout.paper_bgcolor")
    assert paper.lower() in ("#ffffff", "#fff", "white", "rgb(255, 255, 255)")
    toggle.tap()
    page.wait_for_function("() => document.querySelector('.sg-chart-c5 .stepguide-plotly-view').dataset.theme"
                           " === 'dark'")
    paper = page.evaluate("document.querySelector('.sg-chart-c5 .js-plotly-plot')._fullLayout.paper_bgcolor")
    assert paper.lower() not in ("#ffffff", "#fff", "white", "rgb(255, 255, 255)")
    page.emulate_media(color_scheme="light")  # a saved choice wins over the system
    page.reload()
    page.locator(".sg-main[role=main]").wait_for(timeout=60_000)
    assert page.evaluate("document.documentElement.dataset.sgTheme") == "dark"
