"""One vocabulary: every user-facing word the guide shows, keyed by a stable id.

Labels, hints and option wordings come from ``data/labels.csv`` (:func:`label`);
whole sentences, which may hold ``{placeholders}``, from ``data/wording.csv``
(:func:`say`). Views, the Markdown export and the email fields all ask here, so
a sentence is written in exactly one place, next to its source.
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


@cache
def _sentences() -> dict[str, str]:
    return {str(r["id"]): str(r["text"]) for r in table("wording")}


def say(key: str, **words: object) -> str:
    """The sentence ``key`` of ``data/wording.csv``, its ``{placeholders}`` filled from ``words``."""
    return _sentences()[key].format(**words)


def sentence(key: str) -> str:
    """The sentence ``key`` as written, placeholders unfilled (for a view that fills some of them as markup)."""
    return _sentences()[key]


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
