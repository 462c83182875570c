"""The guide's single door to ``data/``: every figure, threshold and sentence is read here, once.

Rules and charts are data so that a reviewer can check them against the source
documents without reading code. Tables are read strictly against
``data/schema.csv`` (see :mod:`stepguide.rules.schema`) with the standard ``csv``
module into tuples of plain dicts (read once per process, treat as read-only),
so one person's assessment never imports pandas or numpy. :func:`frame` gives
a DataFrame for the DataFrame APIs and imports pandas only when called.
"""
from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stepguide.rules.schema import DataDir
from stepguide.rules.schema import Row as Row  # re-exported: the rows and tables table() returns
from stepguide.rules.schema import Table as Table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

_PACKAGED = Path(__file__).resolve().parents[1] / "_data"   # inside a built wheel
_CHECKOUT = Path(__file__).resolve().parents[2] / "data"  # in a source checkout / editable install
DATA_DIR = _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT

@cache
def _data_dir() -> DataDir:
    return DataDir(DATA_DIR)


@cache
def table(name: str) -> Table:
    """Return ``data/<name>.csv`` as a :class:`Table` of typed dict rows (read and checked once per process).

    Raises :class:`~stepguide.rules.schema.DataFileError` (file and line) for a file that breaks ``data/schema.csv``.
    """
    return _data_dir().table(name)


def frame(name: str) -> pd.DataFrame:
    """``data/<name>.csv`` as a pandas DataFrame, for DataFrame APIs only (imports pandas)."""
    import pandas as pd

    return pd.DataFrame(list(table(name)))


def has_pandas() -> bool:
    """Whether the DataFrame APIs can run here: the in-browser edition (Pyodide core) carries no pandas."""
    import importlib.util

    try:
        return importlib.util.find_spec("pandas") is not None
    except (ImportError, ValueError):  # e.g. sys.modules["pandas"] = None, the standard way to hide a module
        return False


@cache
def _facts() -> dict[str, str]:
    return {r["key"]: str(r["value"]) for r in table("exam_facts")}


def fact(key: str) -> str:
    """One exam fact from ``exam_facts.csv`` as text (the cycle dates are in ``cycles.csv``: stepguide.rules.cycles)."""
    return _facts()[key]


def int_fact(key: str) -> int:
    return int(fact(key))


@cache
def chart_values(chart: str) -> Table:
    """The label/value rows of one chart (C1..C6) in the document's order."""
    rows = table("charts").where(chart=chart).sorted_by("order")
    if not rows:
        raise KeyError(f"unknown chart {chart!r}")
    return rows


@cache
def chart_info(chart: str) -> Row:
    return table("chart_info").by("chart")[chart]


@cache
def tiers() -> dict[str, Row]:
    return table("tiers").by("tier")


@cache
def specialties() -> dict[str, Row]:
    """Specialty name -> its row joined with its tier and the derived reference points.

    ``usual_floor`` is the matched Step 2 CK mean minus one national SD where a
    mean is published, else the tier's documented fallback; ``step1_mean`` is the
    matched Step 1 mean (or the tier's fallback) and ``step1_low`` that mean
    minus one Step 1 SD (see score_bands.csv for why these are the edges).
    """
    sd2, sd1 = int_fact("step2_sd"), int_fact("step1_sd")
    ranks = {r["weight"]: r["weight_rank"] for r in table("t4_specialty_weight")}
    out: dict[str, Row] = {}
    for r in table("specialties"):
        tier = tiers()[r["tier"]]
        row = dict(r)
        row["tier_label"] = tier["label"]
        row["step2_bar"] = int(tier["step2_bar"])
        mean2 = r["matched_mean_step2"]
        row["usual_floor"] = int(mean2 - sd2) if mean2 is not None else int(tier["fallback_floor"])
        mean1 = r["matched_mean_step1"]
        row["step1_mean"] = int(mean1) if mean1 is not None else int(tier["fallback_step1_mean"])
        row["step1_low"] = row["step1_mean"] - sd1
        row["weight_rank"] = ranks[r["t4_weight"]]
        out[r["specialty"]] = row
    return out


@cache
def specialty_aliases() -> dict[str, str]:
    """Lower-case name or alias -> canonical specialty name."""
    out: dict[str, str] = {}
    for r in table("specialties"):
        out[r["specialty"].lower()] = r["specialty"]
        for alias in str(r["aliases"]).split("|"):
            out[alias.strip().lower()] = r["specialty"]
    return out


@cache
def band(measure: str, name: str) -> Row:
    hit = table("score_bands").where(measure=measure, band=name)
    if not hit:
        raise KeyError(f"no band {measure}/{name}")
    return hit[0]


@cache
def list_items(name: str) -> tuple[tuple[str, str], ...]:
    """One list of ``lists.csv`` (L1-L5, E1, R10, R13, R14, S1) as (text, detail) pairs, in order."""
    rows = table("lists").where(list=name).sorted_by("order")
    if not rows:
        raise KeyError(f"lists.csv has no list {name!r}")
    return tuple((str(r["text"]), r["detail"] or "") for r in rows)


@cache
def season() -> dict[str, Row]:
    """Month abbreviation -> its row of season.csv."""
    return table("season").by("month")


@cache
def season_months() -> tuple[str, ...]:
    """The months in the order of the application season (July first)."""
    return tuple(r["month"] for r in table("season").sorted_by("season_order"))


@cache
def examples() -> dict[str, tuple[str, dict[str, Any]]]:
    """The documents' worked examples: id -> (label, keyword arguments for ``assess``).

    Workshops start from these so a room can compare cases the articles discuss.
    """
    rows = table("examples")
    inputs = [c for c in rows[0] if c not in ("example", "label", "source")]
    return {r["example"]: (r["label"], {k: r[k] for k in inputs}) for r in rows}


def is_missing(value: object) -> bool:
    """None, NaN or blank text: how a table or a form says "nothing here"."""
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and value.strip() == "")
