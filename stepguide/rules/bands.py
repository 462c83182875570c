"""The score bands behind words like "low Step 1" or "strong Step 2 CK", phrased for a reader.

The guide shows these next to its verdicts so nobody has to trust a fuzzy word:
each row is a band of ``score_bands.csv`` in numbers *for the reader's
specialty*, with the reason it sits there; ``yours`` marks the band the rules
put the reader in (read from the verdict, never re-decided here).
"""
from __future__ import annotations

from typing import NamedTuple

from stepguide.rules.assessment import Assessment
from stepguide.rules.scores import Band, bands
from stepguide.rules.words import ids, label

MEASURES = {key: label("measure", key) for key in ids("measure")}  # score_bands.csv measure -> its name


class BandRow(NamedTuple):
    measure: str
    band: str
    range: str
    reason: str
    yours: bool


def _range(b: Band) -> str:
    if b.measure == "delta":  # a difference: signed, and a negative floor is a real floor
        if b.hi is None:
            return f"{b.lo:+d} or more"
        return f"{b.lo:+d} to {b.hi:+d}".replace("-", "−") if b.lo is not None else f"{b.hi:+d} or less"
    if b.hi is None:
        return f"{b.lo} or more"
    if b.lo is None or b.lo <= 1:
        return f"{b.hi} or less"
    return f"{b.lo}–{b.hi}"


def _yours(b: Band, a: Assessment) -> bool:
    v = a.verdict
    delta = {"big_jump": v.big_jump, "similar": v.similar}
    return {"step1": v.step1_band == b.band, "step2": v.step2_band == b.band,
            "step2_r8": v.very_high, "delta": delta.get(b.band, False)}[b.measure]


def band_rows(a: Assessment, specialty: str | None = None) -> list[BandRow]:
    """Every band in numbers for the reader's specialty (or ``specialty``), ``yours`` where the rules placed them.

    The verdict's bands are for the reader's own specialty, so another specialty's table marks nothing.
    """
    name = specialty or a.profile.specialty
    own = name == a.profile.specialty
    out = []
    for measure in MEASURES:
        for b in bands(measure, name, a.passing):
            out.append(BandRow(MEASURES[measure], b.label, _range(b), b.reason, own and _yours(b, a)))
    return out
