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
      if (r.left < -0.5 || r.right > W + 0.5) problems.push(`${hook}: ${el.className || el.tagName} spans ${r.left}-${r.right} of ${W}`);
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


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_inputs_fit_and_page_is_accessible(server, browser, size, theme) -> None:
    page = new_page(browser, size, theme)
    messages: list[tuple[str, str]] = []
    page.on("console", lambda m: messages.append((m.type, m.text)))
    try:
        open_dashboard(page, server.url)
        assert page.evaluate("document.documentElement.dataset.sgTheme") == theme
        found = page.evaluate(GEOMETRY)
        assert found["problems"] == []
        assert found["small"] == []
        assert not found["overflow"], "the page scrolls sideways"
        page.wait_for_function(
            "t => document.querySelector('.sg-chart-c5 .stepguide-plotly-view').dataset.theme === t", arg=theme)
        assert serious_axe_violations(page) == []
        assert console_problems(messages) == []
    finally:
        page.context.close()


def test_touch_keyboard_and_theme_toggle_on_a_phone(server, browser) -> None:
    """Thumb and keyboard both work at 390 px, and the toggle re-themes page and charts at once."""
    from playwright.sync_api import expect

    page = new_page(browser, "phone", "light")
    try:
        open_dashboard(page, server.url)
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
        page.locator(".sg-prior-fail .widget-label-basic").tap()
        expect(page.locator(".sg-prior-fail input")).to_be_checked()

        toggle = page.get_by_role("button", name="Dark theme")
        expect(toggle).to_have_attribute("aria-pressed", "false")
        toggle.tap()
        expect(toggle).to_have_attribute("aria-pressed", "true")
        assert page.evaluate("document.documentElement.dataset.sgTheme") == "dark"
        page.wait_for_function("() => [...document.querySelectorAll('.sg-chart-c5 .stepguide-plotly-view')]"
                               ".every(v => v.dataset.theme === 'dark')")
        paper = page.evaluate("document.querySelector('.sg-chart-c5 .js-plotly-plot')._fullLayout.paper_bgcolor")
        assert paper != "#FFFFFF" and paper.lower() not in ("#ffffff", "white", "rgb(255, 255, 255)")
        page.reload()
        page.locator(".sg-main[role=main]").wait_for(timeout=60_000)
        assert page.evaluate("document.documentElement.dataset.sgTheme") == "dark"  # the choice is remembered
    finally:
        page.context.close()
