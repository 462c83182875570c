"""One vocabulary: every user-facing label, hint and option wording, read once from ``data/labels.csv``.

Views, the Markdown export and the email fields all ask here, so a label is
defined in exactly one place and keyed by a stable id.
"""
from __future__ import annotations

from functools import cache

from stepguide.rules.tables import table


@cache
def _groups() -> dict[str, dict[str, tuple[str, str, str]]]:
    out: dict[str, dict[str, tuple[str, str, str]]] = {}
    for r in table("labels"):
        out.setdefault(r["group"], {})[str(r["id"])] = (str(r["label"]), r["hint"] or "", str(r["source"]))
    return out


def label(group: str, key: str) -> str:
    """The words shown for ``key`` of ``group`` (e.g. ``label("stage", "on hold")``)."""
    return _groups()[group][key][0]


def hint(group: str, key: str) -> str:
    """A placeholder or tooltip for ``key`` ('' if none)."""
    return _groups()[group][key][1]


def source(group: str, key: str) -> str:
    """Where ``key``'s words come from (e.g. a chart heading's inventory ID, which the page shows as a badge)."""
    return _groups()[group][key][2]


def options(group: str) -> list[tuple[str, str]]:
    """(label, id) pairs in the table's order, as ipywidgets' ``options`` takes them."""
    return [(lab, key) for key, (lab, _, _) in _groups()[group].items()]


def ids(group: str) -> tuple[str, ...]:
    return tuple(_groups()[group])
