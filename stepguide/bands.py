"""The score bands behind words like "low Step 1" or "strong Step 2 CK", phrased for a reader.

The guide shows these next to its verdicts so nobody has to trust a fuzzy word:
each row is a band of ``score_bands.csv`` in numbers *for the reader's
specialty*, with the reason it sits there; ``yours`` marks the band the rules
put the reader in (read from the verdict, never re-decided here).
"""
from __future__ import annotations

from typing import NamedTuple

from .assessment import Assessment
from .scores import Band, bands

MEASURES = {"step1": "Step 1", "step2": "Step 2 CK", "step2_r8": "Step 2 CK", "delta": "Step 2 CK minus Step 1"}


class BandRow(NamedTuple):
    measure: str
    band: str
    range: str
    reason: str
    yours: bool


def _range(b: Band) -> str:
    sign = "+" if b.measure == "delta" else ""
    if b.hi is None:
        return f"{sign}{b.lo} or more"
    if b.lo is None or b.lo <= 1:
        return f"{b.hi} or less"
    return f"{b.lo}–{b.hi}"


def _yours(b: Band, a: Assessment) -> bool:
    v = a.verdict
    return {"step1": v.step1_band == b.band, "step2": v.step2_band == b.band,
            "step2_r8": v.very_high, "delta": v.big_jump}[b.measure]


def band_rows(a: Assessment, specialty: str | None = None) -> list[BandRow]:
    """Every band in numbers for the reader's specialty (or ``specialty``), ``yours`` where the rules placed them.

    The verdict's bands are for the reader's own specialty, so another specialty's table marks nothing.
    """
    name = specialty or a.profile.specialty
    own = name == a.profile.specialty
    out = []
    for measure in MEASURES:
        for b in bands(measure, name):
            out.append(BandRow(MEASURES[measure], b.label, _range(b), b.reason, own and _yours(b, a)))
    return out
