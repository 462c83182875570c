"""The rules engine: one validated :class:`Profile` in, one typed :class:`Verdict` out.

Plain Python over the ``data/`` tables (no numpy, no pandas), so one person's
assessment costs microseconds and the same code runs anywhere Python does.
Every verdict is keyed on stable IDs (trend ``down10``, value ``mild_liability``,
email ``targeted``); labels live in data and are looked up only for display.
The decisions themselves are first-match tables: ``value_rules.csv`` (C3),
``helps_rules.csv`` (R5/R8), ``email_decision.csv`` (R6/F2/F3) and
``template_choice.csv`` (E2-E7).
"""
from __future__ import annotations

from functools import cache
from typing import NamedTuple

from stepguide.rules.decision import decision_table
from stepguide.rules.inputs import Profile, passing_score
from stepguide.rules.scores import Band, band_of, bands, threshold, trend_of
from stepguide.rules.tables import Row, season, specialties, table

DROPS = ("down5", "down10")  # R1 buckets that are a real drop; a 1-4 point dip is inside the error (flat)
WHOLE_RANGE = ("range", "bar")  # Step 2 CK bands inside the specialty's usual range
VALUE_KEYS = ("step1_kind", "trend", "s1_band", "s2_band")
HELPS_KEYS = ("failed", "drop", "s2_band", "s1_band", "step1_kind", "value", "trend", "failed_step1", "retake",
              "planned", "img", "late", "big_jump", "very_high", "similar")
_PLANNED = HELPS_KEYS.index("planned")  # where "ERAS listed it as planned" sits in a helps key
EMAIL_KEYS = ("phase", "stage", "score", "helps", "requires_step2", "context")
TEMPLATE_KEYS = ("email", "score", "retake", "helps_rule", "stage", "redemption")
REDEMPTION_RULES = ("redemption", "big_rise")  # helps_rules rows that make E3 the right note
_YN = {True: "yes", False: "no"}  # the tables spell booleans yes/no; a lookup, as this runs once per cohort row


class Verdict(NamedTuple):
    """What the rules concluded, as typed facts (IDs, numbers, booleans) for every view and table."""

    trend: str | None            # R1 bucket id (trend_buckets.csv), None without a numeric Step 1
    delta: int | None            # Step 2 CK minus Step 1
    step1_band: str | None       # low / average / high for the specialty (score_bands.csv)
    step2_band: str | None       # fail / below / range / bar for the specialty
    value: str | None            # C3 id (charts.csv), None while Step 2 CK is pending
    value_score: int | None      # 0-5 on the C3 scale
    value_rule: str | None       # value_rules.csv row id
    drop: bool                   # a real drop (5+ points below a numeric Step 1)
    drop_size: int | None        # points lost, for a real drop
    in_usual_range: bool | None  # Step 2 CK at or above the specialty's usual-range floor
    reading: str | None          # R12: blip / signal / problem, for a real drop
    explain_drop: bool           # R13: a credible reason worth two or three sentences
    context: bool                # R4: a fail or a major drop with a credible reason (one note allowed)
    failed: bool                 # this Step 2 CK is under the passing score for its exam date
    late: bool                   # R9/R8: the score came out from October on
    phase: str                   # season.csv phase of the month
    similar: bool                # R3: a solid Step 1 and a similar Step 2 CK
    big_jump: bool               # R8: 20+ points above Step 1
    very_high: bool              # R8: 250 or more
    helps: str                   # yes / no / pending
    helps_rule: str | None       # helps_rules.csv row id (which R5/R8 case, or why not)
    planned_would_help: bool     # ticking "ERAS listed it as planned" would make the score worth an email
    email: str                   # email_decision.csv decision id
    email_rule: str              # email_decision.csv row id
    template: str | None         # E2-E7, None for no email
    template_part: str | None    # which part of the template (E5 retake/step1, E6 before/posted)
    c1_profile: str | None       # C1 bar id
    conflicts: tuple[str, ...]   # conflicts.csv ids where the articles differ for this person


@cache
def _value_scores() -> dict[str, int]:
    return {r["id"]: int(r["value"]) for r in table("charts") if r["chart"] == "C3"}


@cache
def _rule_rows(name: str) -> dict[str, Row]:
    return {r["id"]: r for r in table(name)}


@cache
def _similar() -> Band:
    """R3's "similar": the delta band doc B's examples (+5, +2) fall in (score_bands.csv delta/similar)."""
    return next(b for b in bands("delta", "Internal Medicine") if b.band == "similar")  # absolute: any specialty


def _reading(p: Profile, trend: str | None, s1_band: str | None, s2_band: str | None, weight: int) -> str | None:
    """R11/R12: blip, signal or problem, for a real drop only."""
    if trend not in DROPS:
        return None
    if p.other_concerns or s2_band == "fail":  # a fail is a worry of its own, never "noticed, then set aside"
        return "problem"
    relied_on_bump = s1_band in ("low", "average")
    heavy = (trend == "down10" and weight >= 3) or (trend == "down5" and weight >= 4)
    return "signal" if s2_band == "below" or relied_on_bump or heavy else "blip"


def _c1(p: Profile, s1_band: str | None, s2_band: str | None, drop: bool) -> str | None:
    if not p.step1_numeric:
        return "pass_fail"
    if s2_band == "bar" and s1_band in ("low", "average"):
        return s1_band
    if s1_band == "high" and s2_band is not None and (s2_band in ("below", "fail") or drop):
        return "high_weak"
    return None


_CONFLICT_KEYS = ("late", "helps", "value", "drop", "s2_band", "phase", "stage", "similar", "very_high", "img",
                  "trend", "big_jump", "planned", "score")
_conflict_memo: dict[tuple[str, ...], tuple[str, ...]] = {}


def _conflicts(f: Row, v_email_rule: str, v_email: str) -> tuple[str, ...]:
    """conflicts.csv rows whose situation applies (their ``when`` ids are defined here, once); each
    combination of the facts they read is worked out once."""
    key = (*(f[k] for k in _CONFLICT_KEYS), v_email_rule, v_email)
    hit = _conflict_memo.get(key)
    if hit is None:
        hit = _conflict_memo[key] = _conflicts_for(f, v_email_rule, v_email)
    return hit


def _conflicts_for(f: Row, v_email_rule: str, v_email: str) -> tuple[str, ...]:
    when = {
        "late_expected": f["late"] == "yes" and f["helps"] == "no" and f["value"] in ("neutral", "mild_asset")
        and f["drop"] == "no" and f["s2_band"] != "below" and v_email == "none"
        and f["phase"] in ("early", "late", "pre-rank") and f["stage"] != "after rank lists",
        "very_high_similar": f["similar"] == "yes" and f["very_high"] == "yes" and f["img"] == "no",
        "drop_still_strong": f["trend"] == "down10" and f["s2_band"] == "bar",
        "early_interviewed": v_email_rule == "early_interviewed",
        "late_before_invites": v_email_rule == "late_before",
        "jump_below_range": f["big_jump"] == "yes" and f["s2_band"] == "below",
        "img_similar": f["img"] == "yes" and f["similar"] == "yes" and f["s2_band"] == "bar",
        "planned_similar": f["planned"] == "yes" and f["similar"] == "yes" and f["helps"] == "no",
        "season_vs_release": f["phase"] == "early" and f["score"] == "out" and f["stage"] != "after rank lists",
    }
    return tuple(r["id"] for r in table("conflicts") if when[r["when"]])


def classify(p: Profile) -> Verdict:
    """Apply R1-R15 to one profile; see the module docstring for the tables involved."""
    spec = specialties()[p.specialty]
    month = season()[p.month]
    s1 = p.step1 if isinstance(p.step1, int) else None  # p.step1_numeric, in a form mypy follows
    s2 = p.step2
    delta = s2 - s1 if s1 is not None and s2 is not None else None
    trend = trend_of(delta)
    s1_b = band_of("step1", s1, p.specialty)
    s2_b = band_of("step2", s2, p.specialty, passing_score(p.step2_exam))  # 214 or 218 by the exam's date
    s1_band, s2_band = (s1_b.band if s1_b else None), (s2_b.band if s2_b else None)
    drop = trend in DROPS
    failed = s2_band == "fail"
    big_jump = delta is not None and delta >= threshold("delta", "big_jump")
    very_high = s2 is not None and s2 >= threshold("step2_r8", "very_high")
    similar = s1_band == "high" and delta is not None and _similar().holds(delta)
    step1_kind = "score" if s1 is not None else str(p.step1).lower()
    facts = {
        "step1_kind": step1_kind, "trend": trend or "none", "s1_band": s1_band or "none", "s2_band": s2_band or "none",
        "failed": _YN[failed], "drop": _YN[drop], "failed_step1": _YN[p.failed_step1],
        "retake": _YN[p.step2_is_retake], "planned": _YN[p.listed_planned], "img": _YN[p.applicant == "IMG"],
        "late": month["late_score"], "big_jump": _YN[big_jump], "very_high": _YN[very_high],
        "similar": _YN[similar], "phase": month["phase"], "stage": p.stage,
        "score": "pending" if s2 is None else "out", "requires_step2": _YN[p.requires_step2],
    }
    value = value_rule = None
    if s2 is not None:
        row = decision_table("value_rules", VALUE_KEYS).first(facts)
        value, value_rule = row["value"], row["id"]
    facts["value"] = value or "none"
    helps, helps_rule, planned_would_help = "pending", None, False
    if s2 is not None:
        helps_table = decision_table("helps_rules", HELPS_KEYS)
        key = helps_table.key_of(facts)
        row = helps_table.first_key(key)
        helps, helps_rule = row["helps"], row["id"]
        if helps == "no" and not p.listed_planned:
            planned_would_help = helps_table.first_key((*key[:_PLANNED], "yes", *key[_PLANNED + 1:]))["helps"] == "yes"
    context = p.credible_reason and s2 is not None and (failed or trend == "down10")
    facts.update(helps=helps, helps_rule=helps_rule or "none", context=_YN[context])
    email_row = decision_table("email_decision", EMAIL_KEYS).first(facts)
    facts.update(email=email_row["email"], redemption=_YN[s1 is not None and helps_rule in REDEMPTION_RULES])
    template_row = decision_table("template_choice", TEMPLATE_KEYS).first(facts)
    in_range = None if s2 is None else s2_band in WHOLE_RANGE
    return Verdict(
        trend=trend, delta=delta, step1_band=s1_band, step2_band=s2_band,
        value=value, value_score=_value_scores()[value] if value else None, value_rule=value_rule,
        drop=drop, drop_size=-delta if drop and delta is not None else None, in_usual_range=in_range,
        reading=_reading(p, trend, s1_band, s2_band, spec["weight_rank"]),
        explain_drop=drop and p.credible_reason and not (trend == "down5" and bool(in_range)),
        context=context, failed=failed, late=month["late_score"] == "yes" and s2 is not None,
        phase=month["phase"], similar=similar, big_jump=big_jump, very_high=very_high,
        helps=helps, helps_rule=helps_rule, planned_would_help=planned_would_help,
        email=email_row["email"], email_rule=email_row["id"],
        template=template_row["template"], template_part=template_row["part"],
        c1_profile=_c1(p, s1_band, s2_band, drop),
        conflicts=_conflicts(facts, email_row["id"], email_row["email"]),
    )


def email_row(v: Verdict) -> Row:
    """The email_decision.csv row that made the email decision (its reason, flow paths and notes)."""
    return _rule_rows("email_decision")[v.email_rule]


def value_row(v: Verdict) -> Row | None:
    return _rule_rows("value_rules")[v.value_rule] if v.value_rule else None


def helps_row(v: Verdict) -> Row | None:
    return _rule_rows("helps_rules")[v.helps_rule] if v.helps_rule else None
