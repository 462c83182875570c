"""Exports a spreadsheet will not run, whatever it splits on (issue 19, item 9).

A spreadsheet may open a file with a separator other than the file's own (Excel takes the system's list
separator) and may or may not honour the quotes; a cell such as ``x,=cmd|' /C calc'!A0,y`` in a semicolon
or tab file used to come out unquoted and become the cell ``=cmd|...``. Here every file
:func:`write_csv` writes is read back with each separator, with and without quotes, and no cell a
reader gets may look like a formula, unless it is a number we wrote.
"""
from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stepguide.rules.cells import neutralise, write_csv

SEPARATORS = (",", ";", "\t")
# what an attacker would type: separators, quotes, whitespace, every formula start, and a little text
HOSTILE = st.lists(st.sampled_from([*"=+-@,;\t\n\r \"'x1|!", "\u00a0", "cmd", "A0"]), max_size=12).map("".join)
RUNS = re.compile(r"\s*[=+\-@\0]")
NUMBER = re.compile(r'-?\d+(\.\d+)?($|[\s,;"])')  # a number cell, alone or with what a wrong reading fused on


def readings(text: str) -> list[list[str]]:
    """The cells of ``text`` as readers see it: split on each separator, with the quotes honoured or not."""
    cells = []
    for sep in SEPARATORS:
        for quoting in (csv.QUOTE_MINIMAL, csv.QUOTE_NONE):
            cells += list(csv.reader(io.StringIO(text, newline=""), delimiter=sep, quoting=quoting))
    return cells


def runnable(cell: str) -> bool:
    """True if ``cell`` could run as a formula: ``= + - @`` or NUL after any whitespace, and not a number we wrote
    (one read with a wrong separator carries the cells after it)."""
    return bool(RUNS.match(cell)) and not NUMBER.match(cell.lstrip())


@pytest.mark.parametrize("cell,out", [
    (" =1+1", "' =1+1"), ("\t=1", "'\t'=1"), ("\n=1", "\n'=1"), ("\u00a0@SUM(A1)", "'\u00a0@SUM(A1)"),
    ("x,=cmd|' /C calc'!A0,y", "x,'=cmd|' /C calc'!A0,y"), ("a; -2+3", "a; '-2+3"), ('a"=1', "a\"'=1"),
    ("Flat (±4)", "Flat (±4)"), ("x=1", "x=1"), ("'=1", "'=1"), ("", ""),
])
def test_a_formula_start_is_neutralised_first_or_after_a_separator(cell: str, out: str) -> None:
    assert neutralise(cell) == out


def test_an_unchanged_cell_is_the_same_object() -> None:
    cell = "Internal Medicine"
    assert neutralise(cell) is cell


@pytest.mark.parametrize("sep", SEPARATORS)
def test_the_issues_cell_is_one_inert_cell_in_every_reading(sep: str) -> None:
    text = write_csv([["specialty", "delta"], ["x,=cmd|' /C calc'!A0,y", -12]], sep)
    assert '"x,\'=cmd|\' /C calc\'!A0,y"' + sep + "-12" in text  # quoted, neutralised; the number stays a number
    assert not [c for c in sum(readings(text), []) if runnable(c)]


@settings(max_examples=150, deadline=None)
@given(sep=st.sampled_from(SEPARATORS),
       rows=st.lists(st.lists(st.one_of(HOSTILE, st.integers(-999, 999)), min_size=1, max_size=4), min_size=1,
                     max_size=4))
def test_property_no_reading_of_an_export_finds_a_formula(sep: str, rows: list[list[object]]) -> None:
    text = write_csv(rows, sep)
    for cell in sum(readings(text), []):
        assert not runnable(cell), (cell, text)
    in_step = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))  # the file's own separator: as written
    assert in_step == [[str(neutralise(c)) for c in row] for row in rows]
