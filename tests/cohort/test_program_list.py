"""Reading a program list (typed, pasted or uploaded) and taking the plan away: CSV, Markdown and a calendar.

Hostile lists (markup, formulas, 10,000 rows, binary bytes) are refused or named row by row, and nothing
in them runs in the exports.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

import stepguide as sg
from stepguide.cohort.program_report import CSV_COLUMNS, programs_csv, programs_ics, programs_markdown, programs_rows
from stepguide.cohort.programs import (
    MAX_BYTES,
    MAX_PROGRAMS,
    accepted_headers,
    programs_text,
    read_programs,
    sample_programs_text,
)
from stepguide.rules.cells import FORMULA_STARTS
from stepguide.rules.cycles import DATED
from stepguide.rules.email import EmailDraft
from stepguide.rules.programs import FIELDS, make_program, plan_programs, sample_programs

OCT = date(2026, 10, 5)
HEADER = "Program\tStatus\tTop choice\n"


def workshop_plans():
    a = sg.assess(step1=230, step2=248, specialty="IM", month="Oct", today=OCT)
    return a, plan_programs(a, sample_programs())


# ---------------------------------------------------------------- reading

def test_the_sample_list_loads_in_one_click_and_reads_back():
    read = read_programs(sample_programs_text())
    assert read.programs == sample_programs() and not read.problems and not read.ignored
    assert read.lines == tuple(range(2, 14)) and read.separator == ","
    assert read.notes() == ["Read as UTF-8, comma-separated: 12 programs, 12 read, 0 to fix."]


def test_a_spreadsheet_paste_with_other_headers_and_columns_of_its_own():
    paste = ("Program name\tApplication status\tFavorite\tConnection\tNeeds Step 2 CK\tScore cutoff\tE-mail\t"
             "Interview\tDeadline\tMy notes\n"
             "St. Mary's Hospital, IM\tWaitlisted\tyes\t\tx\t\tpd@stmarys.example.org\t\tOct 1\t=call them\n"
             "\n"
             "Lakeshore IM\tinterviewed\t\t✓\t\tyes\t\tNovember 12, 2026\n")  # trailing cells left out: blank
    read = read_programs(paste)
    assert read.separator == "\t" and read.blank_lines == 1 and not read.problems
    first, second = read.programs
    assert (first.name, first.status, first.top_choice, first.requires_step2) == (
        "St. Mary's Hospital, IM", "on hold", True, True)
    assert (second.tie, second.mentions_step2, second.interview_date) == (True, True, date(2026, 11, 12))
    assert read.ignored == ("Deadline", "My notes")
    assert "Columns the guide does not read, ignored: 'Deadline', 'My notes'." in read.notes()
    assert dict(read.headers)["E-mail"] == "contact_email"


@pytest.mark.parametrize("encode", [lambda t: t.encode("utf-8-sig"),
                                    lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
                                    lambda t: t.encode("cp1252"), lambda t: t.replace("\n", "\r\n").encode()])
def test_a_file_in_the_encodings_spreadsheets_save(encode):
    read = read_programs(encode("Program;Status\nHôpital Général IM;applied\n"))
    assert read.programs[0].name == "Hôpital Général IM" and read.separator == ";"


def test_bad_rows_are_named_by_line_and_field_and_the_rest_is_read():
    read = read_programs(HEADER + "Good IM\tapplied\tyes\n"
                                  "Maybe IM\tmaybe\tperhaps\n"
                                  "\tapplied\t\n"
                                  "good im\tinvited\t\n"
                                  "St. Mary's, IM\tapplied\tno\textra\n")
    assert [p.name for p in read.programs] == ["Good IM"] and read.bad_lines == (3, 4, 5, 6)
    messages = [p.message for p in read.problems]
    assert messages[0].startswith("line 3: status: 'maybe' is not a status; choose one of: applied, invited")
    assert messages[1] == "line 3: top_choice: expected yes or no (blank means no), got 'perhaps'"
    assert messages[2] == "line 4: name: blank; type the program's name"
    assert messages[3] == "line 5: name: 'good im' is already on line 2; list each program once"
    assert messages[4].startswith("line 6: has 4 fields but the header has 3: a value with a tab inside needs quotes")
    assert [p.field for p in read.problems] == ["status", "top_choice", "name", "name", "line"]
    assert read.notes()[0] == "Read as UTF-8, tab-separated: 5 programs, 1 read, 4 to fix."


def test_a_quoted_cell_keeps_its_comma_and_its_line():
    read = read_programs('Program,Status\n"St. Mary\'s, IM",applied\n"Two\nline name",rejected\nLast IM,nope\n')
    assert [p.name for p in read.programs] == ["St. Mary's, IM", "Two line name"]
    assert read.problems[0].line == 5


@pytest.mark.parametrize("text, says", [
    ("", "file: is empty"), ("\n\n  \n", "file: is empty"),
    ("Hospital\tWhere\nA\tapplied\n", "file: no column gives the program's name; the first line must name the columns"),
    ("Program\tTop\nA\tyes\n", "file: no column gives the program's status"),
    ("Program\tStatus\tApplication status\nA\tapplied\tapplied\n",
     "file: columns 2 'Status' and 3 'Application status' both mean status; keep only one of them"),
])
def test_a_list_that_cannot_be_read_says_why(text, says):
    with pytest.raises(ValueError) as e:
        read_programs(text)
    assert str(e.value).startswith(says)
    if "no column" in says:
        assert "Program name" in str(e.value) and "status (or 'Application status'" in str(e.value)


# ---------------------------------------------------------------- hostile lists

def test_markup_and_formulas_are_named_row_by_row():
    read = read_programs(HEADER + "<img src=x onerror=alert(1)>\tapplied\tyes\n"
                                  "=HYPERLINK(\"http://evil\",\"x\")\tapplied\t\n"
                                  "+cmd|' /C calc'!A0\tapplied\t\n"
                                  "@SUM(1+1)*cmd\tapplied\t\n"
                                  "Fine IM\t=1+1\t\n"
                                  "Fine IM 2\tapplied\t-2+3\n")
    assert not read.programs
    assert [p.field for p in read.problems] == ["name", "name", "name", "name", "status", "top_choice"]
    assert "contains '<', which no program name has" in read.problems[0].message
    assert all("starts with" in p.message and "formula" in p.message for p in read.problems[1:4])


def test_ten_thousand_rows_are_refused_with_the_limit():
    rows = "".join(f"P{i}\tapplied\n" for i in range(10_000))
    with pytest.raises(ValueError, match=f"file: more than {MAX_PROGRAMS} program rows \\(10,000\\)"):
        read_programs("Program\tStatus\n" + rows)
    assert len(read_programs("Program\tStatus\n" + rows[:rows.index(f"P{MAX_PROGRAMS}\t")]).programs) == MAX_PROGRAMS


@pytest.mark.parametrize("raw, says", [
    (b"\x00\x01\x02binary\x00\xff" * 50, "file: contains NUL bytes, so it is not a text file"),
    (b"PK\x03\x04" + bytes(range(256)), "file: this is a spreadsheet workbook (.xlsx or .ods), not a CSV"),
    (b"\xd0\xcf\x11\xe0" + bytes(64), "file: this is an old Excel workbook (.xls)"),
    (bytes(range(1, 256)) * 4, "file: no column gives the program's name"),
    (b"Program,Status\n" + b"A" * (MAX_BYTES + 1), "file: 512 KiB is over the limit of 512 KiB for a program list"),
    (b"Program,Status\n" + b"A" * 200_000 + b",applied\n", "file: line 2 cannot be read as a table"),
])
def test_binary_bytes_workbooks_and_giant_files_are_refused(raw, says):
    with pytest.raises(ValueError) as e:
        read_programs(raw)
    assert str(e.value).startswith(says)


cells = st.one_of(st.sampled_from(["applied", "on hold", "yes", "", "=1+1", "<b>", "x@y.org", "2026-11-12", '"']),
                  st.text(max_size=12))


@given(st.one_of(st.binary(max_size=3000), st.text(max_size=3000),
                 st.lists(st.lists(cells, min_size=1, max_size=5), max_size=30).map(
                     lambda rows: "Program\tStatus\tTop\n" + "\n".join("\t".join(r) for r in rows))))
def test_any_input_is_read_or_refused_and_every_line_is_accounted_for(source):
    try:
        read = read_programs(source)
    except ValueError as e:
        assert str(e).startswith("file:"), e
        return
    assert not set(read.lines) & set(read.bad_lines)
    assert all(p.message.startswith(f"line {p.line}: ") for p in read.problems)
    assert all(not p.name.startswith(FORMULA_STARTS) and "<" not in p.name for p in read.programs)


# ---------------------------------------------------------------- exports

def test_the_csv_export_is_the_plan_and_reads_back_as_the_list():
    _, plans = workshop_plans()
    data = programs_csv(plans)
    assert data.startswith(codecs.BOM_UTF8) and b"\r\n" in data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["action"] for r in rows] == [p.action for p in plans]
    assert rows[0]["why"] == plans[0].reason and rows[0]["rules"] == "R6|R9|T2" and rows[0]["template"] == "E3"
    assert "Lakeshore University Internal Medicine" in rows[0]["body"] and rows[0]["due"] == "2026-10-05"
    again = read_programs(data)
    assert again.programs == sample_programs() and not again.problems
    assert set(again.ignored) == {"action", "what_to_do", "why", "rules", "template", "due", "subject", "body"}
    assert programs_text(sample_programs(), "\t").splitlines()[0].split("\t")[0] == "Program"


def test_no_exported_cell_starts_like_a_formula():
    _, plans = workshop_plans()
    hostile = replace(plans[0], reason="=HYPERLINK(\"http://evil\")", rules=("+R6",),
                      draft=EmailDraft(True, "E3", "@SUM(A1)", "-2+3\n=cmd", "x"))
    for row in programs_rows([hostile, *plans])[1:]:
        assert not [c for c in row if isinstance(c, str) and c.startswith(FORMULA_STARTS)], row
    cells = list(csv.reader(io.StringIO(programs_csv([hostile]).decode("utf-8-sig"), newline="")))[1]
    assert cells[FIELDS.index("name")] == plans[0].program.name
    assert cells[CSV_COLUMNS.index("why")] == "'=HYPERLINK(\"http://evil\")"
    assert cells[CSV_COLUMNS.index("body")] == "'-2+3\n'=cmd"  # a reader out of step starts a cell there


def test_the_markdown_export_renders_nothing_from_the_list():
    a, _ = workshop_plans()
    tricky = make_program("St. Mary's | [x](javascript:alert(1)) *bold* ```code``` #1 & Co", "applied", top_choice=True)
    (plan,) = plan_programs(a, [tricky])
    text = programs_markdown([plan], today=OCT)
    row = next(line for line in text.splitlines() if line.startswith("| St."))
    assert len(re.findall(r"(?<!\\)\|", row)) == 8  # seven cells: the name's | is escaped
    assert "](" not in row.replace("\\](", "") and "\\[x\\]" in row and "\\*bold\\*" in row and "&amp; Co" in row
    fence = next(line for line in text.splitlines() if line.startswith("```"))
    assert fence == "````text"  # longer than the name's own backticks: the draft stays literal
    assert "## What the IDs mean" in text and "**R6" in text and "**E3" in text
    assert programs_markdown([], today=OCT).count("No note to send") == 1


def test_the_calendar_holds_the_cycles_dates_and_the_days_to_send():
    a, plans = workshop_plans()
    ics = programs_ics(plans, a.cycle)
    assert ics == programs_ics(plans, a.cycle)  # the same plan, the same file
    lines = ics.decode("utf-8").split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    text = ics.decode("utf-8").replace("\r\n ", "")  # unfolded
    assert text.count("BEGIN:VEVENT") == len(DATED) + sum(p.due is not None for p in plans)
    assert "DTSTART;VALUE=DATE:20270303" in text and "Rank" in text  # the cycle's rank-list deadline
    assert "(to be confirmed)" in text  # 2026-27's dates are best readings
    assert "SUMMARY:Send the Step 2 CK note to Lakeshore University Internal Medicine" in text
    assert text.count("DTSTART;VALUE=DATE:20261005") == 5


def test_calendar_text_is_escaped():
    a, _ = workshop_plans()
    (plan,) = plan_programs(a, [make_program("Smith, Jones; Back\\slash IM", "applied", top_choice=True)])
    text = programs_ics([plan], a.cycle).decode("utf-8").replace("\r\n ", "")
    assert "SUMMARY:Send the Step 2 CK note to Smith\\, Jones\\; Back\\\\slash IM" in text


def test_reading_and_exporting_need_no_pandas():
    """The in-browser edition has no pandas or numpy: the list, the plan and the exports run without them."""
    code = ("import sys; sys.modules['pandas'] = None; sys.modules['numpy'] = None\n"
            "import stepguide as sg\n"
            "from stepguide.cohort.programs import read_programs, sample_programs_text\n"
            "from stepguide.cohort.program_report import CSV_COLUMNS, programs_csv, programs_ics, programs_markdown\n"
            "from stepguide.rules.programs import plan_programs\n"
            "a = sg.assess(step1=230, step2=248, specialty='IM', month='Oct')\n"
            "plans = plan_programs(a, read_programs(sample_programs_text()).programs)\n"
            "print(len(programs_csv(plans)) > 0, len(programs_markdown(plans)) > 0, "
            "len(programs_ics(plans, a.cycle)) > 0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "True"]


def test_every_field_has_accepted_headers():
    assert set(accepted_headers()) == set(FIELDS) and all(accepted_headers().values())
