"""Chapter 6 in Voila as an adviser uses it: upload a file (in chunks, with progress), read the table, download.

The page is built with a 600 KB limit so that one test file needs three chunks and another is over
the limit; what the browser sends is watched on the websocket, so "refused before sending" is measured.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

LIMIT = 600_000
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def room_file() -> bytes:
    rows = ["Step 1;USMLE Step 2 CK;Specialty applying;Month"]  # semicolons and spreadsheet headers
    rows += ["228;248;IM;Oct", "245;224;IM;Dec;oops", "=HYPERLINK(\"http://x\");250;IM;Oct"]
    rows += ["250;252;Internal Medicine;Nov"] * 9_000  # ~560 KB in UTF-16: three chunks (256 KiB at most)
    return "\r\n".join(rows).encode("utf-16")  # Excel's "Unicode text" is UTF-16 with a BOM


@pytest.fixture(scope="module")
def notebook(make_notebook):
    return make_notebook(["from stepguide.ui.pages.cohort_page import cohort\n"
                          f"cohort(max_bytes={LIMIT})"], name="advisers")


def open_page(page, voila_server, notebook, width):
    page.set_viewport_size(WIDTHS[width])
    sent: list[int] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(len(payload))))
    page.goto(voila_server(notebook).url)
    page.locator(".sg-cohort-upload input[type=file]").wait_for(state="attached", timeout=90_000)
    status = page.locator(".sg-cohort-upload .sg-status")
    status.filter(has_text="examples.csv: ").wait_for(timeout=60_000)
    return status, sent


def choose(page, name: str, data: bytes) -> None:
    page.set_input_files(".sg-cohort-upload input[type=file]",
                         files=[{"name": name, "mimeType": "text/csv", "buffer": data}])


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_upload_table_and_downloads(width, voila_server, notebook, page, tmp_path):
    status, sent = open_page(page, voila_server, notebook, width)
    data = room_file()
    assert 2 * 256 * 1024 < len(data) < LIMIT
    before = len(sent)
    choose(page, "room.csv", data)
    status.filter(has_text="room.csv: 9,003 rows, 9,001 judged, 2 to fix").wait_for(timeout=120_000)
    chunks = [n for n in sent[before:] if n > 20_000]
    assert len(chunks) == 3 and max(chunks) < 256 * 1024 + 4096  # sent in pieces, never in one message
    assert page.locator(".sg-cohort-upload progress").evaluate("p => [p.hidden, p.value]") == [False, 1]

    table = page.locator(".sg-cohort-rows table")
    assert table.locator("tbody tr").count() == 200
    first = table.locator("tbody tr").first.inner_text()
    assert first.startswith("3") and "line has 5 fields but the header has 4" in first
    assert "Showing 200 of 9,003 rows" in page.locator(".sg-cohort-rows").inner_text()
    summary = page.locator(".sg-cohort-summary").inner_text()
    assert "Read as UTF-16 LE, semicolon-separated" in summary and "'Specialty applying' as specialty" in summary

    with page.expect_download() as info:
        page.get_by_role("button", name="Download the judged table (CSV)").click()
    download = info.value
    assert download.suggested_filename == "room-judged.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    assert len(rows) == 9_003 and rows[2]["step1"] == "'=HYPERLINK(\"http://x\")"
    assert rows[1]["error"].startswith("line has 5 fields") and rows[0]["value_label"] == "Strong asset"

    with page.expect_download() as info:
        page.get_by_role("button", name="Download the one-page summary (to print)").click()
    summary_file = Path(info.value.path()).read_text(encoding="utf-8")
    assert summary_file.startswith("<!DOCTYPE html>") and "@media print" in summary_file
    assert page.get_by_role("link", name="Save room-summary.html").is_visible()

    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1  # nothing wider than a phone screen: the table scrolls in its own box
    note = page.locator(".sg-cohort-summary .sg-note").first.bounding_box()
    assert note["x"] >= 0 and note["x"] + note["width"] <= WIDTHS[width]["width"]  # text wraps, is not cut off
    assert "Traceback" not in page.inner_text("body")
    assert serious_violations(page) == []  # with the judged table shown, at this width


def serious_violations(page) -> list[tuple[str, str]]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page).response
    return [(v["id"], v["impact"]) for v in results["violations"] if v["impact"] in ("serious", "critical")]


def test_a_file_over_the_limit_is_refused_before_anything_is_sent(voila_server, notebook, page):
    status, sent = open_page(page, voila_server, notebook, "desktop")
    before = len(sent)
    big = b"step1,step2,specialty\n" + b"228,248,IM\n" * 60_000  # ~660 KB
    choose(page, "big.csv", big)
    refused = status.filter(has_text=f"big.csv: file: {round(len(big) / 1024)} KiB is over the limit of "
                                     f"{round(LIMIT / 1024)} KiB; split the class")
    refused.wait_for(timeout=10_000)
    assert page.locator(".sg-cohort-upload progress").evaluate("p => p.hidden")
    choose(page, "small.csv", b"step1,step2,specialty\n228,248,IM\n")  # then a small one goes through
    status.filter(has_text="small.csv: 1 row").wait_for(timeout=60_000)
    assert sum(sent[before:]) < 50_000  # the big file never went over the websocket
    assert serious_violations(page) == []
