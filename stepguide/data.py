"""The guide's single door to ``data/``: every figure and threshold is read here, once.

Rules and charts are data so that a reviewer can check them against the source
documents without reading code. Tables are cached after the first read; treat
the returned frames as read-only.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

_PACKAGED = Path(__file__).parent / "_data"   # inside a built wheel
_CHECKOUT = Path(__file__).parent.parent / "data"  # in a source checkout / editable install
DATA_DIR = _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT


@cache
def table(name: str) -> pd.DataFrame:
    """Return ``data/<name>.csv`` as a DataFrame (read once per process)."""
    path = DATA_DIR / f"{name}.csv"
    if not path.is_file():
        raise FileNotFoundError(f"no data table {name!r} in {DATA_DIR}")
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def table_names() -> list[str]:
    return sorted(p.stem for p in DATA_DIR.glob("*.csv"))


@cache
def fact(key: str) -> str:
    """One exam or cycle fact from ``exam_facts.csv`` as text."""
    facts = table("exam_facts").set_index("key")["value"]
    return str(facts[key])


def int_fact(key: str) -> int:
    return int(fact(key))


@cache
def chart_values(chart: str) -> pd.DataFrame:
    """The label/value rows of one chart (C1..C6) in the document's order."""
    rows = table("charts")
    rows = rows[rows["chart"] == chart].sort_values("order")
    if rows.empty:
        raise KeyError(f"unknown chart {chart!r}")
    return rows.reset_index(drop=True)


@cache
def chart_info(chart: str) -> dict[str, str]:
    info = table("chart_info").set_index("chart")
    return info.loc[chart].to_dict()


@cache
def specialties() -> pd.DataFrame:
    """Specialties joined with their tier's bar and a usual-range floor.

    The floor is the matched mean minus one national SD where a mean is
    published, else the tier's documented fallback (see score_bands.csv).
    """
    spec = table("specialties").merge(table("tiers"), on="tier", how="left", validate="many_to_one",
                                      suffixes=("", "_tier"))
    sd = int_fact("step2_sd")
    spec["usual_floor"] = (spec["matched_mean_step2"] - sd).fillna(spec["fallback_floor"]).astype(int)
    spec["weight_rank"] = spec["t4_weight"].map(_weight_ranks())
    return spec.set_index("specialty", drop=False)


@cache
def _weight_ranks() -> dict[str, int]:
    t4 = table("t4_specialty_weight")
    return dict(zip(t4["weight"], t4["weight_rank"]))


@cache
def specialty_aliases() -> dict[str, str]:
    """Lower-case name or alias -> canonical specialty name."""
    out: dict[str, str] = {}
    for name, aliases in zip(table("specialties")["specialty"], table("specialties")["aliases"]):
        out[name.lower()] = name
        for alias in str(aliases).split("|"):
            out[alias.strip().lower()] = name
    return out


@cache
def band(measure: str, name: str) -> pd.Series:
    rows = table("score_bands")
    hit = rows[(rows["measure"] == measure) & (rows["band"] == name)]
    if hit.empty:
        raise KeyError(f"no band {measure}/{name}")
    return hit.iloc[0]


@cache
def list_items(name: str) -> tuple[tuple[str, str], ...]:
    """One list of ``lists.csv`` (L1-L5, E1, R10, R13, R14, S1) as (text, detail) pairs, in order."""
    rows = table("lists")
    rows = rows[rows["list"] == name].sort_values("order")
    if rows.empty:
        raise KeyError(f"lists.csv has no list {name!r}")
    return tuple((str(t), d if isinstance(d, str) else "") for t, d in zip(rows["text"], rows["detail"]))


@cache
def season() -> pd.DataFrame:
    return table("season").set_index("month", drop=False)


@cache
def examples() -> dict[str, tuple[str, dict[str, object]]]:
    """The documents' worked examples: id -> (label, keyword arguments for ``assess``).

    Workshops start from these so a room can compare cases the articles discuss.
    """
    rows = table("examples")
    inputs = [c for c in rows.columns if c not in ("example", "label", "source")]
    return {r["example"]: (r["label"], {k: (None if pd.isna(r[k]) else r[k]) for k in inputs})
            for r in rows.to_dict("records")}
