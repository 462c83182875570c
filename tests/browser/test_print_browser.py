"""Keep and print (issue 12, item 4): each chart saves as PNG and SVG, and the browser's print view is
a clean 1-3 page plan (inputs, verdict, why, checklist, email and the two key charts) without widgets;
on A4 no chart is split between sheets (issue 18)."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

import stepguide as sg
from dashboard_page import NOTEBOOK, new_page, open_dashboard
from stepguide.rules.words import label

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(voila_server):
    return voila_server(NOTEBOOK)


def test_charts_download_as_png_and_svg_and_the_plan_prints(server, browser) -> None:
    from pypdf import PdfReader

    page = new_page(browser, "desktop", "dark", accept_downloads=True)
    try:
        open_dashboard(page, server.url, "#step1=228&step2=248&specialty=Internal%20Medicine&month=Oct")
        name = page.locator(".sg-chart-c5 .stepguide-plotly-view").get_attribute("aria-label")
        png = page.get_by_role("button", name=f'Download "{name}" as PNG')
        svg = page.get_by_role("button", name=f'Download "{name}" as SVG')
        with page.expect_download() as info:
            png.click()
        assert info.value.suggested_filename.endswith(".png")
        assert Path(info.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        with page.expect_download() as info:
            svg.click()
        assert info.value.suggested_filename.endswith(".svg")
        drawing = Path(info.value.path()).read_text(encoding="utf-8")
        assert drawing.startswith("<svg") and "You are here" in drawing
        assert "#1d232a" not in drawing.lower()  # saved in light colours, whatever the screen theme

        # Print (in the dark theme on screen): the two key charts redraw light for paper, then go back.
        pdf = page.pdf(format="Letter", print_background=True)
        page.wait_for_function("() => document.querySelector('.sg-chart-c5 .stepguide-plotly-view')"
                               ".dataset.theme === 'dark'")
        a4 = page.pdf(format="A4", print_background=True)
    finally:
        page.context.close()
    # On A4 no chart is split between two sheets: its heading, its drawing's title and its source line share one.
    sheets = [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(a4)).pages]
    for key in ("c5", "matched"):
        spec = sg.charts.figure_for(sg.assess(step1=228, step2=248, specialty="Internal Medicine", month="Oct"), key)
        source = next(a["text"] for a in spec["layout"]["annotations"] if a["name"] == "source")
        parts = (label("chart", key), spec["layout"]["title"]["text"][:30], " ".join(source.split()[:3]))
        on = {part: [i for i, text in enumerate(sheets) if part in text] for part in parts}
        assert all(len(found) == 1 for found in on.values()) and len({found[0] for found in on.values()}) == 1, on
    reader = PdfReader(io.BytesIO(pdf))
    assert 1 <= len(reader.pages) <= 4, len(reader.pages)  # the plan, its readings of the season and its sources
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    a = sg.assess(step1=228, step2=248, specialty="Internal Medicine", month="Oct")
    assert a.value_label is not None
    for wanted in ("Your situation", "Step 2 CK score", "248", "The verdict", a.value_label, "Why, step by step",
                   "Your checklist", "The email", "Subject:",
                   "How your trend compares with other applicants", "Against matched applicants in your specialty"):
        assert wanted in text, wanted
    for chrome in ("Copy link", "Try an example", "Dark theme", "Export my plan", "PNG", "What to do next",
                   "Who an unsent score hurts most", "Fill in your details"):
        assert chrome not in text, chrome
