"""Text a spreadsheet will not run: the one definition of a formula-like cell, for every export and input check.

A cell starting with ``= + - @``, a tab, a carriage return or NUL is run as a formula by Excel, LibreOffice
or Google Sheets (OWASP, "CSV Injection"); exports prefix it with ``'`` and the inputs refuse names that start so.
"""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")


def neutralise(value: object) -> object:
    """A text cell a spreadsheet would run as a formula gets a leading ``'``; anything else is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
