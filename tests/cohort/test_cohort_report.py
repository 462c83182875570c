"""What the adviser takes away: tallies by verdict, specialty and month, rows to act on, a safe CSV, a printable
page."""
from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stepguide import charts
from stepguide.cohort import (
    attention,
    by_month,
    by_specialty,
    examples_csv,
    export_csv,
    export_table,
    neutralise,
    read_cohort,
    trend_shares,
    verdict_counts,
)
from stepguide.cohort.report import FORMULA_STARTS, verdict_words
from stepguide.rules.tables import chart_values, table
from stepguide.ui.cohort_html import rows_html, summary_html

ROOM = """step1,step2,specialty,month,stage,requires_step2,other_concerns
228,248,IM,Oct,before invites,false,false
245,224,Internal Medicine,Dec,interviewed,false,false
245,224,IM,Dec,interviewed,false,true
Pass,,peds,Jan,interviewed,true,false
400,250,IM,Oct,before invites,false,false
250,252,<script>alert(1)</script>,Oct,before invites,false,false
=HYPERLINK("http://x"),250,IM,Oct,before invites,false,false
@SUM(A1),-3,+derm,Oct,-interviewed,false,false
"""
TODAY = datetime.date(2026, 11, 24)


@pytest.fixture(scope="module")
def room():
    return read_cohort(ROOM.encode(), name="room.csv")


def test_tallies_count_judged_rows_only(room):
    counts = verdict_counts(room)
    assert counts["value"].to_dict() == {"strong": 1, "major_liability": 2, "—": 1}
    assert counts["email"].to_dict() == {"targeted": 1, "none": 2, "requires_step2": 1}
    shares = trend_shares(room)
    assert list(shares) == chart_values("C5").col("id") and shares["down10"] == pytest.approx(66.7)


def test_by_specialty_folds_aliases_and_follows_c3(room):
    grid = by_specialty(room)
    assert grid.index.tolist() == ["Internal Medicine", "Pediatrics"]
    assert grid.loc["Internal Medicine", "Students"] == 3 and grid.loc["Internal Medicine", "major_liability"] == 2
    assert list(grid.columns[1:6]) == chart_values("C3").col("id")
    assert grid.loc["Pediatrics", "—"] == 1


def test_by_month_is_in_season_order(room):
    grid = by_month(room)
    assert grid.index.tolist() == ["Oct", "Dec", "Jan"] and grid["Students"].sum() == len(room.judged)
    assert grid.loc["Jan", "requires_step2"] == 1


def test_without_a_month_column_the_default_month_is_shown():
    grid = by_month(read_cohort(b"step1,step2,specialty\n228,248,IM\n"))
    assert grid.index.tolist() == ["Sep"]


def test_attention_lists_rows_to_fix_first_then_students_to_talk_to(room):
    todo = attention(room)
    kinds = todo["kind"].tolist()
    assert kinds == sorted(kinds, key=["Fix this row", "Talk it through"].index)
    assert todo.loc[todo["kind"] == "Fix this row", "line"].tolist() == [6, 7, 8, 9]
    talk = todo[todo["kind"] == "Talk it through"]
    assert talk["line"].tolist() == [3, 4]
    rules = {r["value"]: r["why"] for r in table("cohort_attention")}
    assert rules["problem"] in talk["why"].iloc[1] and rules["major_liability"] in talk["why"].iloc[0]


def test_attention_rules_name_real_verdict_columns(room):
    rules = table("cohort_attention")
    assert set(rules.col("column")) <= set(room.rows.columns)
    words = verdict_words()
    for rule in rules:  # every rule names a verdict the engine gives (its id), so it can fire
        assert rule["column"] == "explain_drop" or str(rule["value"]) in words[rule["column"]], rule


# ---------------------------------------------------------------- formula injection

@pytest.mark.parametrize("cell,out", [
    ("=1+1", "'=1+1"), ("+derm", "'+derm"), ("-12", "'-12"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("\0x", "'\0x"), ("x=1", "x=1"), ("", ""), ("IM", "IM"), ("'=1", "'=1"),
    (-12, -12), (None, None), (True, True),
])
def test_neutralise(cell, out):
    assert neutralise(cell) == out


def test_the_export_has_no_cell_a_spreadsheet_would_run(room):
    data = export_csv(room)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel shows "Flat (±4)" right
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    assert len(body) == len(room.rows) and header[0] == "line" and header[-2:] == ["attention", "error"]
    numeric = {header.index(c) for c in ("line", "delta", "value_score")}
    for row in body:
        for i, cell in enumerate(row):
            if i in numeric:
                assert cell == "" or re.fullmatch(r"-?\d+", cell)
            else:
                assert not cell.startswith(FORMULA_STARTS), (header[i], cell)
    by_line = {int(r[0]): dict(zip(header, r, strict=True)) for r in body}
    assert by_line[8]["step1"] == "'=HYPERLINK(\"http://x\")"
    assert (by_line[9]["step1"], by_line[9]["step2"], by_line[9]["specialty"], by_line[9]["stage"]) == (
        "'@SUM(A1)", "'-3", "'+derm", "'-interviewed")
    assert by_line[3]["delta"] == "-21"  # a number we computed stays a number
    assert (by_line[3]["value"], by_line[3]["value_label"]) == ("major_liability", "Major liability")
    assert header.index("email_label") == header.index("email") + 1


def test_the_export_keeps_the_files_separator():
    room = read_cohort(b"step1;step2;specialty\n245;224;IM\n")
    text = export_csv(room).decode("utf-8-sig")
    assert text.splitlines()[0].startswith('"line";"step1";"step2";"specialty";') and "\r\n" in text


CELL_TEXT = st.text(st.characters(exclude_characters="\0\r", codec="utf-8"), min_size=1, max_size=10)


@settings(max_examples=60, deadline=None)
@given(st.lists(CELL_TEXT, min_size=1, max_size=8))
def test_property_any_typed_text_comes_back_inert_and_recoverable(values):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["step1", "step2", "specialty", "stage"])
    writer.writerows([["228", "248", "IM", v] for v in values])
    room = read_cohort(buffer.getvalue().encode())
    exported = list(csv.DictReader(io.StringIO(export_csv(room).decode("utf-8-sig"), newline="")))
    assert len(exported) == len(values)
    for row, value in zip(exported, values, strict=True):
        assert not row["stage"].startswith(FORMULA_STARTS)
        assert row["stage"] == neutralise(value) and row["stage"].replace("'", "") == value.replace("'", "")
        assert not row["error"].startswith(FORMULA_STARTS)


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_a_formula_inside_a_cell_is_neutralised_and_quoted_whatever_the_separator(sep):
    """Issue 19, item 9: ``x,=cmd|' /C calc'!A0,y`` in a tab or semicolon file came out unquoted, so a spreadsheet
    splitting on commas ran ``=cmd|...``; `` =1+1`` passed too. Every reading of the export finds neither."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep).writerows([["step1", "step2", "specialty", "stage"],
                                                 ["228", "248", "x,=cmd|' /C calc'!A0,y", " =1+1"]])
    text = export_csv(read_cohort(buffer.getvalue().encode())).decode("utf-8-sig")
    assert f"{sep}\"x,'=cmd|' /C calc'!A0,y\"{sep}" in text and f"{sep}\"' =1+1\"{sep}" in text
    for reading in (",", ";", "\t"):
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=reading):
            assert not [c for c in row if re.match(r"\s*[=+@]", c) or re.match(r"\s*-\D", c)], (reading, row)


def test_export_table_does_not_change_the_room(room):
    before = room.rows["step1"].tolist()
    export_table(room)
    assert room.rows["step1"].tolist() == before


# ---------------------------------------------------------------- the printable page

def test_summary_is_one_escaped_printable_page(room):
    page = summary_html(room, today=TODAY)
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page and "@page" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Made on 2026-11-24" in page and "Class summary: room.csv" in page
    order = [page.index(s) for s in ("Rows needing attention first", "By value of the score", "By email decision",
                                     "Trends next to the article", "By specialty", "By month the score comes out")]
    assert order == sorted(order)
    for row in chart_values("C5"):
        assert re.search(rf"<td>{re.escape(row['label'])}</td><td class=num>{row['value']:g}%</td>", page)
    assert "<td>Major liability</td><td class=num>2</td>" in page  # words for readers, not ids
    assert "Read as UTF-8, comma-separated: 8 rows, 4 judged, 4 to fix." in page


def test_summary_lists_at_most_a_page_of_rows_and_points_to_the_csv():
    body = "step1,step2,specialty\n" + "400,250,IM\n" * 40
    page = summary_html(read_cohort(body.encode()), today=TODAY)
    assert page.count("Fix this row") == 15 and "…and 25 more: every one is in the CSV" in page


def test_rows_html_shows_rows_needing_attention_first_and_says_when_it_cuts(room):
    page = rows_html(room, limit=3)
    lines = re.findall(r"<td class=num>(\d+)</td>", page)
    assert lines == ["6", "7", "8"] and "Showing 3 of 8 rows" in page
    assert "&lt;script&gt;" in rows_html(room) and "<script>" not in rows_html(room)


def test_examples_room_and_its_figure_follow_the_data():
    room = read_cohort(examples_csv().encode())
    shares = trend_shares(room)
    spec = charts.cohort_c5_figure(shares, int(room.judged["trend"].notna().sum()))
    assert spec["data"][0]["y"] == chart_values("C5").col("value")
    assert spec["data"][1]["y"] == list(shares.values()) and abs(sum(shares.values()) - 100) < 0.5
