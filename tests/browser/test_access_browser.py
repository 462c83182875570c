"""Usable by everyone (issue 18, WCAG 2.2 AA): what axe-core cannot check, checked in a real browser.

One dashboard, at 1366 px walked by the keyboard in the light theme and checked again in the dark one (every
stop shows a focus ring of at least 2 px and 3:1 against what is behind it; "What the words mean" opens from a
real button; Score / Pass / Fail say whether they are pressed; a verdict change is announced once, a slider step
that leaves the verdict as it was not at all), then narrowed to 390 px (slider handles are 44 px touch targets;
no chart's text overlaps its source line, legend or "You are here" mark, or runs off the chart). Then, without a
server: a chart in a page whose JupyterLab theme is dark draws dark, and the static site's front page opened from
a file says how to serve it (test_static_browser.py follows a built page from file:// to it).
A4 printing is checked with the rest of the print view, in test_print_browser.py.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import stepguide as sg
from dashboard_page import NOTEBOOK, new_page, open_dashboard
from stepguide.charts.look import DARK, PALETTE, YOU_ARE_HERE
from stepguide.rules.words import label
from stepguide.ui.plan import verdict_line
from stepguide.ui.plotly_view import plotly_js_path

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SITUATION: dict[str, Any] = dict(step1=228, step2=243, specialty="Internal Medicine", month="Oct")
FRAGMENT = "#step1=228&step2=243&specialty=Internal%20Medicine&month=Oct"

# The focused element: what kind of control it is, its focus ring's width and contrast against what is behind it:
# the nearest ancestor with an opaque background whose box holds the whole ring (drawn outside the element), so a
# slider's thin track under part of the handle's ring does not count as its background.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const rgba = (c) => { const m = /rgba?\\(([^)]*)\\)/.exec(c || ''); if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[\\s,/]+/).filter(Boolean).map(Number); return [r, g, b, a]; };
  const lum = ([r, g, b]) => [r, g, b]
    .map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => { const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05); };
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  const reach = (parseFloat(s.outlineOffset) || 0) + (parseFloat(s.outlineWidth) || 0);
  let behind = null;
  for (let n = el.parentElement; n && !behind; n = n.parentElement) {
    const c = rgba(getComputedStyle(n).backgroundColor);
    const b = n.getBoundingClientRect();
    const holds = b.left <= r.left - reach && b.right >= r.right + reach
      && b.top <= r.top - reach && b.bottom >= r.bottom + reach;
    if (c && c[3] > 0.5 && holds) behind = c;
  }
  behind ||= rgba(getComputedStyle(document.documentElement).backgroundColor) || [255, 255, 255, 1];
  let width = 0, colour = null;
  if (s.outlineStyle !== 'none') { width = parseFloat(s.outlineWidth) || 0; colour = rgba(s.outlineColor); }
  if (!width && s.boxShadow !== 'none') {  // a ring drawn as a box-shadow: its spread is its width
    const m = /(rgba?\\([^)]*\\))\\s+0px\\s+0px\\s+0px\\s+([\\d.]+)px/.exec(s.boxShadow);
    if (m) { colour = rgba(m[1]); width = parseFloat(m[2]); }
  }
  const kind = el.matches('.sg-disclosure-button') ? 'disclosure' : el.matches('.widget-toggle-button') ? 'toggle'
    : el.matches('[role=slider]') ? 'slider' : el.matches('.widget-readout') ? 'readout'
    : el.matches('select') ? 'select'
    : el.matches('input[type=checkbox]') ? 'checkbox' : el.matches('input, textarea') ? 'text field'
    : el.matches('a[href]') ? 'link' : el.matches('button') ? 'button' : el.tagName.toLowerCase();
  return {kind, width, contrast: colour ? ratio(colour, behind) : 0, id: el.outerHTML.slice(0, 90)};
}"""

# Every chart's text, line by line, that meets its source line, its legend or its "You are here" mark (an arrow's
# label, or on a phone the line of a category label that says it); and any text that runs off the chart.
CHART_TEXT = """(here) => {
  const meets = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5
    && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const out = {};
  for (const plot of document.querySelectorAll('.sg-main .js-plotly-plot')) {
    if (!plot.getClientRects().length) continue;
    const key = [...plot.closest('[class*="sg-chart-"]').classList].find((c) => c.startsWith('sg-chart-'));
    const svg = plot.querySelector('svg.main-svg').getBoundingClientRect();
    const lines = [...plot.querySelectorAll('svg text')]
      .flatMap((t) => { const l = t.querySelectorAll('tspan.line'); return l.length ? [...l] : [t]; })
      .filter((t) => t.textContent.trim() && t.getBoundingClientRect().width);
    const marks = [];
    for (const g of plot.querySelectorAll('.annotation')) {
      const a = plot._fullLayout.annotations[+g.getAttribute('data-index')];
      if (a && ['source', 'you-are-here'].includes(a.name)) marks.push([a.name, g]);
    }
    for (const t of lines) {
      if (t.closest('.xtick, .ytick') && t.textContent.includes(here)) marks.push(['you-are-here', t]);
    }
    for (const l of plot.querySelectorAll('.legend')) marks.push(['legend', l]);
    const problems = [];
    for (const [name, el] of marks) {
      for (const t of lines) {
        if (!el.contains(t) && !t.contains(el) && meets(el.getBoundingClientRect(), t.getBoundingClientRect()))
          problems.push(`"${t.textContent.slice(0, 40)}" overlaps the ${name}`);
      }
    }
    for (const t of lines) {
      const r = t.getBoundingClientRect();
      if (r.left < svg.left - 1 || r.right > svg.right + 1 || r.top < svg.top - 1 || r.bottom > svg.bottom + 1)
        problems.push(`"${t.textContent.slice(0, 40)}" runs off the chart`);
    }
    out[key] = {marks: marks.map(([name]) => name), problems};
  }
  return out;
}"""


@pytest.fixture(scope="module")
def server(voila_server):
    return voila_server(NOTEBOOK)


def walk_the_keyboard(page, theme: str) -> set[str]:
    """Tab through the whole page from the top; every stop shows a ring of >= 2 px at >= 3:1. The kinds met."""
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    kinds: set[str] = set()
    first = None
    for _ in range(400):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop is None or stop["id"] == first:
            break
        first = first or stop["id"]
        kinds.add(stop["kind"])
        assert stop["width"] >= 2, f"{theme}: {stop['kind']} {stop['id']} has a {stop['width']} px focus ring"
        assert stop["contrast"] >= 3, f"{theme}: {stop['kind']} {stop['id']} focus ring at {stop['contrast']:.2f}:1"
    else:
        pytest.fail("the keyboard walk never ended")
    return kinds


# One control of each kind, for the second theme (the first walks them all).
KINDS = {"disclosure": ".sg-disclosure-button", "toggle": ".widget-toggle-button", "slider": "[role=slider]",
         "readout": ".widget-readout", "select": "select", "checkbox": "input[type=checkbox]",
         "text field": "input[type=text], textarea", "link": "a[href]", "button": "button.sg-button"}


def rings_of_each_kind(page, theme: str) -> None:
    """After a key press (so the browser shows focus as for the keyboard), each kind's first control focused."""
    page.keyboard.press("Tab")
    stops = page.evaluate(f"""(kinds) => {{ const measure = {FOCUSED};
        return Object.entries(kinds).map(([kind, sel]) => {{
          const el = [...document.querySelectorAll('.sg-main :is(' + sel + ')')].find((e) => e.getClientRects().length);
          if (!el) return {{kind, width: 0, contrast: 0, id: 'none on the page'}};
          el.focus();
          return {{...measure(), kind}};
        }}); }}""", KINDS)
    assert len(stops) == len(KINDS)
    for stop in stops:
        assert stop["width"] >= 2 and stop["contrast"] >= 3, f"{theme}: {stop}"


def live_changes(page) -> int:
    return page.evaluate("() => window.__sgLiveChanges")


def test_keyboard_focus_pressed_expanded_the_polite_verdict_and_the_phone(server, browser) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, "desktop", "light")
    try:
        open_dashboard(page, server.url, FRAGMENT)
        # Every control is reached by Tab and shows its ring; in the dark theme (the system switching) too.
        assert set(KINDS) <= walk_the_keyboard(page, "light")
        page.emulate_media(color_scheme="dark")
        page.wait_for_function("() => document.documentElement.dataset.sgTheme === 'dark'")
        rings_of_each_kind(page, "dark")

        # "What the words mean": a real button, Enter and Space open and close it.
        button = page.get_by_role("button", name=label("section", "bands"))
        assert button.evaluate("b => b.tagName") == "BUTTON"
        table = page.locator(".sg-bands-box table")
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(table).to_be_hidden()
        button.focus()
        page.keyboard.press("Enter")
        expect(button).to_have_attribute("aria-expanded", "true")
        expect(table).to_be_visible()
        assert page.locator(f"#{button.get_attribute('aria-controls')} table").count() == 1
        page.keyboard.press("Space")
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(table).to_be_hidden()

        # The verdict, in one polite line: a slider step that leaves it as it was says nothing, a step that
        # changes it says it once.
        same, changed = (verdict_line(sg.assess(**{**SITUATION, "step2": s})) for s in (244, 242))
        now = verdict_line(sg.assess(**SITUATION))
        assert same == now != changed  # 243 -> 244 keeps "Up 15+", 242 is "Up 5-14"
        live = page.locator(".sg-page-helper [role=status][aria-live=polite]")
        expect(live).to_have_text(now)
        live.evaluate("el => { window.__sgLiveChanges = 0; new MutationObserver(() => window.__sgLiveChanges++)"
                      ".observe(el, {childList: true, characterData: true, subtree: true}); }")
        handle, trend = page.locator(".sg-step2 [role=slider]"), page.locator(".sg-trend")
        handle.focus()
        page.keyboard.press("ArrowRight")
        expect(trend).to_contain_text("+16 points")
        assert live_changes(page) == 0
        page.keyboard.press("ArrowLeft")
        expect(trend).to_contain_text("+15 points")
        page.keyboard.press("ArrowLeft")
        expect(trend).to_contain_text("+14 points")
        expect(live).to_have_text(changed)
        assert live_changes(page) == 1

        # Score / Pass / Fail say which one is pressed, and follow the keyboard.
        toggles = page.locator(".sg-step1-mode .widget-toggle-button")
        expect(toggles).to_have_count(3)
        assert [toggles.nth(i).get_attribute("aria-pressed") for i in range(3)] == ["true", "false", "false"]
        toggles.nth(1).focus()
        page.keyboard.press("Enter")
        expect(toggles.nth(1)).to_have_attribute("aria-pressed", "true")
        expect(toggles.nth(0)).to_have_attribute("aria-pressed", "false")
        expect(live).to_have_text(verdict_line(sg.assess(**{**SITUATION, "step1": "Pass", "step2": 242})))

        # The same page on a 390 px phone: every chart is laid out again for the width.
        drawn = page.evaluate("() => [...document.querySelectorAll('.sg-main .stepguide-plotly-view[data-renders]')]"
                              ".map((v) => Number(v.dataset.renders))")
        assert len(drawn) >= 8  # the keyboard walk went past every chart
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_function("(before) => [...document.querySelectorAll("
                               "'.sg-main .stepguide-plotly-view[data-renders]')]"
                               ".every((v, i) => Number(v.dataset.renders) > before[i])", arg=drawn)
        # Slider handles: 24 px to see, a 44 px square to press (README: every control is at least 44 x 44 px).
        for hook in ("sg-step1", "sg-step2"):
            handle = page.locator(f".{hook} [role=slider]")
            handle.scroll_into_view_if_needed()
            box = handle.bounding_box()
            cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            hits = page.evaluate("([x, y, hook]) => [[-21, -21], [21, -21], [-21, 21], [21, 21]].map(([dx, dy]) => "
                                 "!!document.elementFromPoint(x + dx, y + dy)?.closest(`.${hook} [role=slider]`))",
                                 [cx, cy, hook])
            assert hits == [True] * 4, f"{hook}: a corner of the 44 px square around the handle misses it"
        readout = page.locator(".sg-step2 .widget-readout")
        before = int(readout.inner_text())
        page.mouse.move(cx + 20, cy - 20)  # the step 2 handle, grabbed at the corner of its touch target
        page.mouse.down()
        page.mouse.move(cx + 80, cy - 20, steps=5)
        page.mouse.up()
        page.wait_for_function("([el, n]) => Number(el.textContent) > n", arg=[readout.element_handle(), before])

        # Every chart drawn, then its text read line by line.
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_function("() => [...document.querySelectorAll('.sg-main .stepguide-plotly-view')]"
                               ".filter((v) => v.getClientRects().length).every((v) => v.dataset.renders)")
        charts = page.evaluate(CHART_TEXT, YOU_ARE_HERE)
        assert {"sg-chart-c5", "sg-chart-c3", "sg-chart-matched", "sg-chart-f2"} <= set(charts)
        assert {key: found["problems"] for key, found in charts.items() if found["problems"]} == {}
        assert all("source" in found["marks"] for found in charts.values())
        # Step 1 is a pass now: C5 has no trend to mark; the others mark the reader's column or row.
        assert all("you-are-here" in charts[f"sg-chart-{key}"]["marks"] for key in ("c1", "c3", "c4", "matched"))
        # A flow diagram keeps its width and scrolls sideways in its own box, which the keyboard can reach.
        flow = page.locator(".sg-chart-f2 .stepguide-plotly-view")
        assert flow.evaluate("b => b.scrollWidth > b.clientWidth && b.tabIndex === 0")
        assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    finally:
        page.context.close()


def test_charts_follow_a_dark_jupyterlab_and_the_static_site_says_how_to_serve_it(browser, tmp_path) -> None:
    """No server: PlotlyView's module in a page marked as JupyterLab's (dark, then light); the site's front page
    written by deploy/static/build_site.py and opened from a file."""
    import importlib.util

    page = browser.new_page()
    try:
        page.set_content('<html><body data-jp-theme-light="false"><div id="chart"></div></body></html>')
        page.add_script_tag(path=str(plotly_js_path()))
        figure = sg.charts.figure_for(sg.assess(**SITUATION), "c5")
        palette = {key: [light, DARK[key]] for key, light in PALETTE.items() if DARK[key] != light}
        page.evaluate("""async ([source, figure, palette]) => {
            const url = URL.createObjectURL(new Blob([source], {type: 'text/javascript'}));
            const view = (await import(url)).default;
            const values = {figure, label: 'C5', config: {}, downloads: false, _plotly_version: '', _palette: palette};
            const model = {get: (k) => values[k], on() {}, off() {}};
            view.render({model, el: document.getElementById('chart')});
        }""", [(ROOT / "stepguide" / "ui" / "static" / "plotly_view.js").read_text(encoding="utf-8"), figure, palette])
        plot = ".stepguide-plotly-view"
        page.wait_for_function(f"() => document.querySelector('{plot}')?.dataset.theme === 'dark'")
        assert page.evaluate("() => document.querySelector('.js-plotly-plot')._fullLayout.paper_bgcolor").lower() \
            == palette["background"][1].lower()
        page.evaluate("() => document.body.setAttribute('data-jp-theme-light', 'true')")  # the Lab turns light
        page.wait_for_function(f"() => document.querySelector('{plot}').dataset.theme === 'light'")

        spec = importlib.util.spec_from_file_location("build_site", ROOT / "deploy" / "static" / "build_site.py")
        assert spec and spec.loader
        build_site = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(build_site)
        build_site.write_landing(tmp_path, 12.0)
        page.goto((tmp_path / "index.html").as_uri())
        note = page.locator("#from-file")
        assert note.is_visible() and note.get_attribute("role") == "alert"
        assert all(command in note.inner_text() for command in build_site.SERVE.values())
        assert page.evaluate("() => needsServing('file:') && !needsServing('http:') && !needsServing('https:')")
    finally:
        page.close()
