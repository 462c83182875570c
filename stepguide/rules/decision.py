"""First-match decision tables: the rows of a ``data/*.csv`` read top to bottom, the first that fits wins.

This is how a person would apply the articles' rules by hand, and it keeps the
rules in data: a cell holds ``*`` (anything), one value, or ``a|b`` (either).
Booleans are spelled ``yes``/``no`` in the tables.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from operator import itemgetter
from typing import Any

from stepguide.rules.tables import Row, table


def yes_no(flag: bool) -> str:
    """A flag as the decision tables spell it."""
    return "yes" if flag else "no"


class DecisionTable:
    """One CSV compiled once: per row, the (column, allowed values) tests that are not ``*``."""

    def __init__(self, name: str, keys: Sequence[str]) -> None:
        self.name, self.keys = name, tuple(keys)
        rows = table(name)
        if rows and "order" in rows[0]:
            rows = rows.sorted_by("order")
        self.rows: tuple[Row, ...] = tuple(rows)
        missing = [k for k in self.keys if self.rows and k not in self.rows[0]]
        if missing:
            raise KeyError(f"{name}.csv has no column(s) {missing}")
        self._tests = tuple(
            tuple((i, frozenset(str(r[k]).split("|"))) for i, k in enumerate(self.keys) if str(r[k]) != "*")
            for r in self.rows)
        self._memo: dict[tuple[str, ...], Row] = {}  # the key space is small: each answer is worked out once
        getter = itemgetter(*self.keys)
        self._key = (lambda facts: (getter(facts),)) if len(self.keys) == 1 else getter  # facts hold text values

    def key_of(self, facts: Mapping[str, Any]) -> tuple[str, ...]:
        """The table's key columns of ``facts``, in order (facts hold text values)."""
        return self._key(facts)

    def first(self, facts: Mapping[str, Any]) -> Row:
        """The first row whose every test holds for ``facts`` (values compared as text)."""
        return self.first_key(self._key(facts))

    def first_key(self, key: tuple[str, ...]) -> Row:
        """:meth:`first` for a key already laid out as :meth:`key_of` gives it."""
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = self._scan(key)
        return hit

    def _scan(self, key: tuple[str, ...]) -> Row:
        for row, tests in zip(self.rows, self._tests, strict=True):
            if all(key[i] in allowed for i, allowed in tests):
                return row
        raise LookupError(f"{self.name}: no rule matches {dict(zip(self.keys, key, strict=True))}")

    def all(self, facts: Mapping[str, Any]) -> list[Row]:
        """Every row that holds (for tables that list independent conditions, not a decision)."""
        key = self._key(facts)
        return [row for row, tests in zip(self.rows, self._tests, strict=True)
                if all(key[i] in allowed for i, allowed in tests)]


@cache
def decision_table(name: str, keys: tuple[str, ...]) -> DecisionTable:
    return DecisionTable(name, keys)
