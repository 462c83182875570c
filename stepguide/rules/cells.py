"""Text a spreadsheet will not run: the one definition of a formula-like cell, for every export and input check.

A cell starting with ``= + - @``, a tab, a carriage return or NUL is run as a formula by Excel, LibreOffice
or Google Sheets (OWASP, "CSV Injection"), and so is one whose first such character comes after spaces
(`` =1+1``: LibreOffice trims them when asked to, Excel's "Text to Columns" does too). Exports prefix such a
cell with ``'`` (:func:`neutralise`) and the inputs refuse names that look so (:func:`looks_like_formula`).

The separator is the other half (issue 19, item 9): a spreadsheet opening a file may split it on a
separator other than the file's own (Excel takes the system's list separator), so ``x,=cmd|...`` in a
semicolon file becomes a cell ``=cmd|...``. Two things hold against it. :func:`write_csv` (and the class
export, with :data:`QUOTING`) puts every text cell in quotes, so a reader splitting on another separator
keeps a cell whole as long as it is in step with the quotes; and :func:`neutralise` also puts a ``'``
before a formula start that follows a separator, a line break or a quote inside the text (``x,'=cmd``),
for a reader that has lost step. A number we computed is written as a number, unquoted.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Final, Literal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
#: Text cells quoted, numbers not: a number we computed (a delta of -12) stays a number in the sheet.
QUOTING: Final[Literal[2]] = csv.QUOTE_NONNUMERIC
#: A formula start after a separator (any of the three), a line break or a quote, and any whitespace: where a
#: spreadsheet splitting on the wrong separator, or out of step with the quotes, would start a new cell.
_INNER_FORMULA = re.compile(r'([,;\t\r\n"]\s*)(?=[=+\-@\0])')


def looks_like_formula(text: str) -> bool:
    """True if a spreadsheet could read ``text`` as a formula: a formula start, first or after leading whitespace."""
    return text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS)


def neutralise(value: object) -> object:
    """A text cell a spreadsheet could run as a formula, whatever it splits on, gets a ``'`` before each formula
    start (first, or after a separator, line break or quote); anything else is returned as it is (the same object)."""
    if not isinstance(value, str):
        return value
    text = _INNER_FORMULA.sub(r"\1'", value)
    if looks_like_formula(text):
        text = "'" + text
    return value if text == value else text


def write_csv(rows: Iterable[Iterable[object]], separator: str = ",", line_end: str = "\r\n") -> str:
    """``rows`` as CSV text that no spreadsheet runs: every cell neutralised, every text cell quoted."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator=line_end, quoting=QUOTING)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return out.getvalue()
