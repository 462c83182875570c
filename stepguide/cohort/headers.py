"""Which header means which input: case, spaces and punctuation ignored; names, labels and aliases accepted.

A header may be the input's name (:data:`stepguide.rules.frame.INPUT_COLUMNS`, the keywords ``assess``
takes), the label the chapters show for it (``data/labels.csv``, group ``field``) or an alias from
``data/cohort_headers.csv`` (what spreadsheets call it). A column the rules gain is accepted here
without a code change; a retired one is refused with what replaced it.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache

from stepguide.rules.frame import INPUT_COLUMNS
from stepguide.rules.inputs import retired as retired_inputs
from stepguide.rules.tables import table
from stepguide.rules.words import options


def header_key(name: str) -> str:
    """How a spreadsheet header is compared: case, spaces and punctuation do not count."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


_key = header_key


def header_lookup(columns: Iterable[str], accepted: Mapping[str, Sequence[str]], source: str) -> dict[str, str]:
    """Header (as ``header_key`` compares it) -> column, from each column's own name and its accepted aliases;
    an alias that would mean two columns is an error in ``source`` (the table the aliases come from)."""
    lookup = {header_key(col): col for col in columns}
    for col, aliases in accepted.items():
        for alias in aliases:
            if lookup.setdefault(header_key(alias), col) != col:
                raise ValueError(f"{source}: {alias!r} would mean both {lookup[header_key(alias)]} and {col}")
    return lookup


@cache
def accepted_headers() -> dict[str, tuple[str, ...]]:
    """Input column -> the other headers that mean it (``data/cohort_headers.csv``), for the page and errors."""
    rows = table("cohort_headers")
    fields = dict(options("field"))  # label -> id
    labels = {key: lab for lab, key in fields.items()}
    named = {col: ([labels[col]] if col in labels else []) + rows.where(column=col).col("header")
             for col in INPUT_COLUMNS}
    return {col: tuple(a for a in dict.fromkeys(aliases) if _key(a) != _key(col)) for col, aliases in named.items()}


@cache
def _header_lookup() -> dict[str, str]:
    return header_lookup(INPUT_COLUMNS, accepted_headers(), "cohort_headers.csv")


def allowed_text() -> str:
    """The accepted headers in one sentence."""
    parts = [col + (f" (or {', '.join(repr(a) for a in aliases)})" if aliases else "")
             for col, aliases in accepted_headers().items()]
    return "; ".join(parts)


def map_headers(names: list[str]) -> list[str | None]:
    """Input column for each header (None for an empty header); unknown or repeated headers are an error."""
    lookup = _header_lookup()
    retired = {_key(old): why for old, why in retired_inputs().items()}
    columns: list[str | None] = []
    unknown = []
    for j, name in enumerate(names, start=1):
        key = _key(name)
        if key in retired:
            raise ValueError(f"file: column {j} {name.strip()!r} is no longer read; use {retired[key]}")
        if not key:
            columns.append(None)
        elif key in lookup:
            columns.append(lookup[key])
        else:
            unknown.append(f"column {j} {name.strip()!r}")
            columns.append(None)
    if unknown:
        raise ValueError(f"file: {', '.join(unknown)} is not a column the guide reads (headers are matched "
                         f"ignoring case, spaces and punctuation). Rename or delete it. It reads: {allowed_text()}")
    for col in dict.fromkeys(c for c in columns if c):
        where = [f"{j} {names[j - 1].strip()!r}" for j, c in enumerate(columns, start=1) if c == col]
        if len(where) > 1:
            raise ValueError(f"file: columns {' and '.join(where)} both mean {col}; keep only one of them")
    return columns
