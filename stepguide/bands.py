"""The score bands behind words like "low Step 1" or "strong Step 2 CK", phrased for a reader.

The guide shows these next to its verdicts so nobody has to trust a fuzzy word:
each row is a band from ``score_bands.csv`` with its range in numbers and the reason it sits there.
"""
from __future__ import annotations

from typing import NamedTuple

from .assessment import Assessment
from .data import table

MEASURES = {"step1": "Step 1", "step2": "Step 2 CK", "delta": "Step 2 CK minus Step 1"}


class BandRow(NamedTuple):
    measure: str
    band: str
    range: str
    reason: str
    yours: bool


def _range(row: dict, bars: str) -> str:
    lo, hi, rel = row["lo"], row["hi"], row["relative_to"]
    if rel == "tier_bar":
        return f"at or above your tier's bar ({bars})" if lo == 0 else f"under your tier's bar ({bars})"
    if rel == "usual_floor":
        return "under your specialty's usual range (matched mean minus 15)"
    if row["measure"] == "delta":
        return f"+{int(lo)} or more"
    if hi != hi or hi is None:  # NaN: open-ended
        return f"{int(lo)} or more"
    return f"{int(lo)}–{int(hi)}"


def _yours(row: dict, a: Assessment) -> bool:
    p, name = a.profile, row["band"]
    if row["measure"] == "step1":
        return p.step1_numeric and row["lo"] <= p.step1 <= row["hi"]
    if row["measure"] == "delta":
        return a.delta is not None and a.delta >= row["lo"]
    if p.step2 is None:
        return False
    if name == "strong":
        return p.step2 >= a.step2_bar
    if name == "weak":
        return p.step2 < a.step2_bar
    if name == "below usual range":
        return p.step2 < a.usual_floor
    return row["lo"] <= p.step2 <= row["hi"]


def band_rows(a: Assessment | None = None) -> list[BandRow]:
    """Every band in numbers, with ``yours`` set where this person's scores fall."""
    tiers = table("tiers")
    bars = " / ".join(f"{int(b)} {label.lower()}" for b, label in zip(tiers["step2_bar"], tiers["label"]))
    rows = table("score_bands").to_dict("records")
    return [BandRow(MEASURES.get(r["measure"], r["measure"]), r["band"], _range(r, bars), r["reason"],
                    a is not None and bool(_yours(r, a))) for r in rows]
