"""Score bands in numbers, per specialty: what "low Step 1" or "strong Step 2 CK" means for *your* field.

``score_bands.csv`` gives each band as offsets from reference points (the
specialty's matched Step 1 mean, its Step 2 CK usual-range floor, its tier's
bar, the passing score) or as absolute numbers; this module turns them into
closed integer ranges once per specialty and passing score (214 or 218 by the
exam's date), so a lookup is a few comparisons.
"""
from __future__ import annotations

from functools import cache
from typing import NamedTuple

from stepguide.rules.inputs import DEFAULTS, passing_score
from stepguide.rules.published import words
from stepguide.rules.tables import specialties, table


class Band(NamedTuple):
    """One band for one specialty: ``lo``..``hi`` inclusive (None = open-ended)."""

    measure: str
    band: str
    label: str
    lo: int | None
    hi: int | None
    reason: str
    source: str

    def holds(self, value: int) -> bool:
        return (self.lo is None or value >= self.lo) and (self.hi is None or value <= self.hi)


def default_passing() -> int:
    """The passing score when the exam date is not given (see ``DEFAULTS["step2_exam"]`` for why)."""
    return passing_score(str(DEFAULTS["step2_exam"]))


def reference_points(specialty: str, passing: int | None = None) -> dict[str, int]:
    """The numbers bands are measured from, for one specialty (all derived from data/); ``passing`` is the
    Step 2 CK passing score for the exam's date (default: :func:`default_passing`)."""
    spec = specialties()[specialty]
    return {"step1_mean": spec["step1_mean"], "step1_low": spec["step1_low"], "usual_floor": spec["usual_floor"],
            "step2_bar": spec["step2_bar"], "passing": default_passing() if passing is None else passing}


def _edge(offset: int | None, ref: str | None, refs: dict[str, int]) -> int | None:
    if offset is None:
        return None
    return int(offset) + (refs[ref] if ref else 0)


@cache
def bands(measure: str, specialty: str, passing: int | None = None) -> tuple[Band, ...]:
    """Every band of ``measure`` for ``specialty`` (and ``passing``, as for :func:`reference_points`), in the
    table's order; each reason names the specialty's numbers (and the passing score) with their editions."""
    refs = reference_points(specialty, passing)
    said = words(specialty, refs["passing"])
    return tuple(Band(measure, r["band"], r["label"], _edge(r["lo"], r["lo_ref"], refs),
                      _edge(r["hi"], r["hi_ref"], refs), str(r["reason"]).format(**said), r["source"])
                 for r in table("score_bands") if r["measure"] == measure)


def band_of(measure: str, value: int | None, specialty: str, passing: int | None = None) -> Band | None:
    """The band ``value`` falls in (None for no value or no band); ``passing`` as for :func:`reference_points`."""
    if value is None:
        return None
    for b in bands(measure, specialty, passing):
        if b.holds(value):
            return b
    return None


@cache
def threshold(measure: str, name: str) -> int:
    """The lower edge of an absolute band (e.g. ``delta``/``big_jump`` -> 20), for rules and wording."""
    row = table("score_bands").where(measure=measure, band=name)
    if not row or row[0]["lo_ref"]:
        raise KeyError(f"no absolute band {measure}/{name}")
    return int(row[0]["lo"])


@cache
def _trend_rows() -> tuple[tuple[float, float, str], ...]:
    return tuple((float(r["lower_exclusive"]), float(r["upper_inclusive"]), r["id"]) for r in table("trend_buckets"))


def trend_of(delta: int | None) -> str | None:
    """R1: the C5 bucket id of a Step 2 CK minus Step 1 change (None where there is no numeric change)."""
    if delta is None:
        return None
    for lo, hi, bucket in _trend_rows():
        if lo < delta <= hi:
            return bucket
    raise LookupError(f"trend_buckets.csv does not cover a change of {delta}")


@cache
def trend_labels() -> dict[str, str]:
    return {r["id"]: r["label"] for r in table("trend_buckets")}


@cache
def trend_edges() -> dict[str, int]:
    """The R1 edges as words use them: a flat change is up to ``flat_max`` points, a drop starts at ``drop_min``,
    a big drop at ``big_drop`` (all read from trend_buckets.csv)."""
    rows = table("trend_buckets").by("id")
    return {"flat_max": int(rows["flat"]["upper_inclusive"]), "drop_min": -int(rows["down5"]["upper_inclusive"]),
            "big_drop": -int(rows["down10"]["upper_inclusive"])}
