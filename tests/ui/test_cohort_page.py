"""Chapter 6's page without a browser: a file handed to the uploader updates the summary, table, chart and downloads."""
from __future__ import annotations

import subprocess
import sys

from stepguide.cohort import examples_csv, export_csv, read_cohort
from stepguide.rules.tables import examples
from stepguide.ui.pages import guide
from stepguide.ui.pages.cohort_page import CohortDownload, CohortUpload, cohort

ROOM = b"step1,step2,specialty\n228,248,IM\n245,224,IM,extra\n250,252,<script>alert(1)</script>\n"


def _descendants(widget):
    for child in getattr(widget, "children", ()):
        yield child
        yield from _descendants(child)


def parts(box):
    named = (box.upload, box.examples_button, box.message, box.csv_link, box.summary_link, box.summary, box.view,
             box.table)
    assert set(named) <= set(_descendants(box))  # the public parts are the ones on the page
    return named


def test_the_page_starts_with_the_examples_and_offers_both_downloads():
    upload, _, message, csv_link, summary_link, summary, view, table = parts(guide.cohort())
    assert message.value == "" and "Class summary: examples.csv" in summary.value
    assert csv_link.ready and summary_link.ready and csv_link.filename == "examples-judged.csv"
    assert csv_link.content() == export_csv(read_cohort(examples_csv().encode(), name="examples.csv"))
    assert summary_link.content().startswith(b"<!DOCTYPE html>") and summary_link.mime == "text/html"
    assert view.figure["layout"]["meta"]["chart"] == "cohort_c5"
    n = len(examples())
    assert upload.progress == 1.0 and upload.status == f"examples.csv: {n} rows, {n} judged, 0 to fix"


def test_an_uploaded_file_replaces_the_room_and_is_escaped():
    upload, _, message, csv_link, _, summary, view, table = parts(cohort())
    upload.load("Room 2.csv", ROOM)
    assert upload.status == "Room 2.csv: 3 rows, 1 judged, 2 to fix" and message.value == ""
    assert "&lt;script&gt;" in table.value and "<script>" not in table.value + summary.value
    assert "line has 4 fields but the header has 3" in table.value
    assert csv_link.filename == "Room-2-judged.csv"
    assert csv_link.content().decode("utf-8-sig").count("\r\n") == 4  # header and three rows
    assert view.figure["layout"]["meta"]["n"] == 1


def test_a_bad_file_shows_the_reason_and_keeps_the_previous_room():
    upload, _, message, csv_link, _, summary, _, _ = parts(cohort())
    before = summary.value
    upload.load("bad.csv", b"step1,oops\n1,2\n")
    assert message.value.startswith("<p role='alert'><b>Please check the file.</b>") and "oops" in message.value
    assert "Traceback" not in message.value and summary.value == before and csv_link.ready
    assert upload.progress == -1.0 and upload.status == "bad.csv: not read"


def test_the_examples_button_brings_the_examples_back():
    upload, examples_button, _, _, _, summary, _, _ = parts(cohort())
    upload.load("room.csv", ROOM)
    examples_button.click()
    assert "Class summary: examples.csv" in summary.value


def test_limits_reach_the_front_end_and_the_reader():
    upload, _, message, *_ = parts(cohort(max_bytes=2048, max_rows=2))
    assert upload.max_bytes == 2048
    assert upload.too_big == ("{name}: file: {size} is over the limit of 2 KiB; split the class into smaller files "
                              "or delete columns the guide does not read")
    upload.load("big.csv", b"step1,step2,specialty\n" + b"228,248,IM\n" * 3)
    assert "more than 2 student rows" in message.value


def test_progress_reports_after_the_sending_share():
    upload = CohortUpload()
    upload.report(0.0, "Reading")
    assert upload.progress == 0.4 and upload.status == "Reading"
    upload.report(1.0, "Done")
    assert upload.progress == 1.0


def test_a_download_has_nothing_to_save_until_given_something():
    link = CohortDownload("Save", "x.csv", "text/csv")
    assert not link.ready
    link.provide(lambda: b"a,b\r\n", "y.csv")
    assert link.ready and link.filename == "y.csv" and link.content() == b"a,b\r\n"
    link.provide(None)
    assert not link.ready


def test_importing_the_chapters_does_not_load_the_cohort_readers():
    code = ("import sys, stepguide.ui.pages.guide, stepguide.ui.pages.cohort_page; "
            "assert not [m for m in sys.modules if m.startswith(('stepguide.cohort.read', 'stepguide.cohort.report', "
            "'stepguide.ui.cohort_html'))]")
    subprocess.run([sys.executable, "-c", code], check=True)


MESSY = ("USMLE Step 1;Step 2 CK;Specialty;Month;Stage;Credible reason\r\n245;233;IM;Oct;before invites;yes\r\n"
         "250;238;Internal Medicine;Dec;interviewed;no\r\nPass;;peds;Jan;before invites;no\r\n"
         "=cmd;230;IM;Oct;on hold;no\r\n228;248;IM;Oct;x;no;extra\r\n\r\n\"230\";\"\"\"quoted\"\"\";derm;Sep;;no\r\n")


def _page_output(hide_pandas: bool) -> str:
    """The page's summary, table, chart and both downloads for MESSY (UTF-16, as Excel saves "Unicode text")."""
    code = ("import sys\n"
            + ("sys.modules['pandas'] = sys.modules['numpy'] = None\n" if hide_pandas else "")
            + "from stepguide import guide\n"
            f"page = guide.cohort({MESSY.encode('utf-16')!r})\n"
            "print(page.upload.status, page.message.value, page.summary.value, page.table.value, page.view.figure,\n"
            "      page.csv_link.content(), page.summary_link.content(), guide.cohort_example(), sep='\\n')\n"
            "print([m for m in ('pandas', 'numpy') if sys.modules.get(m) is not None])\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def test_without_pandas_a_class_file_is_judged_in_the_page_as_with_it() -> None:
    """The in-browser edition has no pandas (nor numpy): chapter 6 reads, judges and exports a class file there too,
    to the same summary, table, chart and downloads."""
    without, with_pandas = _page_output(hide_pandas=True), _page_output(hide_pandas=False)
    assert without.rsplit("\n", 2)[-2] == "[]" and with_pandas.rsplit("\n", 2)[-2] == "['pandas', 'numpy']"
    assert without.rsplit("\n", 2)[0] == with_pandas.rsplit("\n", 2)[0]
    assert without.startswith("class.csv: 6 rows, 3 judged, 3 to fix") and "&quot;quoted&quot;" in without
