"""The rules engine: one validated :class:`Profile` in, one typed :class:`Verdict` out.

Plain Python over the ``data/`` tables (no numpy, no pandas), so one person's
assessment costs microseconds and the same code runs anywhere Python does.
Every verdict is keyed on stable IDs (trend ``down10``, value ``mild_liability``,
email ``targeted``); labels live in data and are looked up only for display.
The decisions themselves are first-match tables: ``value_rules.csv`` (C3),
``helps_rules.csv`` (R5/R8), ``email_decision.csv`` (R6/F2/F3) and
``template_choice.csv`` (E2-E7).

The engine has two halves of facts, what the scores say (:func:`scores_of`) and the rest of the
person's situation (:func:`situation_of`), and :func:`decide` turns a pair into a verdict;
:func:`classify` composes them for one person, :mod:`stepguide.rules.batch` for a whole class,
where each distinct half and pair is worked out once.
"""
from __future__ import annotations

from functools import cache
from operator import itemgetter
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


def _reading(sc: Scores, st: Situation) -> str | None:
    """R11/R12: blip, signal or problem, for a real drop only."""
    if sc.trend not in DROPS:
        return None
    if st.other_concerns or sc.step2_band == "fail":  # a fail is a worry of its own, never "noticed, then set aside"
        return "problem"
    relied_on_bump = sc.step1_band in ("low", "average")
    heavy = (sc.trend == "down10" and sc.weight_rank >= 3) or (sc.trend == "down5" and sc.weight_rank >= 4)
    return "signal" if sc.step2_band == "below" or relied_on_bump or heavy else "blip"


def _c1(sc: Scores) -> str | None:
    s1_band, s2_band = sc.step1_band, sc.step2_band
    if sc.step1_kind != "score":
        return "pass_fail"
    if s2_band == "bar" and s1_band in ("low", "average"):
        return s1_band
    if s1_band == "high" and s2_band is not None and (s2_band in ("below", "fail") or sc.drop):
        return "high_weak"
    return None


_CONFLICT_KEYS = ("late", "helps", "value", "drop", "s2_band", "phase", "stage", "similar", "very_high", "img",
                  "trend", "big_jump", "planned", "score")
_conflict_key = itemgetter(*_CONFLICT_KEYS)
_conflict_memo: dict[tuple[str, ...], tuple[str, ...]] = {}


def _conflicts(f: Row, v_email_rule: str, v_email: str) -> tuple[str, ...]:
    """conflicts.csv rows whose situation applies (their ``when`` ids are defined here, once); each
    combination of the facts they read is worked out once."""
    key = (*_conflict_key(f), v_email_rule, v_email)
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


# The inputs each half of the engine reads (every input is in exactly one; tests/rules/test_rules.py checks it).
SCORE_INPUTS = ("step1", "step2", "specialty", "step2_exam")
SITUATION_INPUTS = ("month", "applicant", "stage", "failed_exam", "requires_step2", "listed_planned",
                    "other_concerns", "credible_reason")


class Scores(NamedTuple):
    """What the two scores say for one specialty (R1-R3 and the bands): a few hundred combinations in a class."""

    step1_kind: str              # "score", or "pass"/"fail" in the pass/fail era
    trend: str | None
    step1_band: str | None
    step2_band: str | None
    pending: bool                # Step 2 CK is not out yet
    drop: bool
    failed: bool
    big_jump: bool
    very_high: bool
    similar: bool
    weight_rank: int             # how much the specialty weighs the score (t4_specialty_weight.csv), for R12


class Situation(NamedTuple):
    """Everything else about the person, as the rules read it: the month as its season facts, the applicant
    as IMG or not."""

    late: bool                   # the month's scores come out late (season.csv late_score)
    phase: str
    stage: str
    img: bool
    failed_exam: str
    requires_step2: bool
    listed_planned: bool
    other_concerns: bool
    credible_reason: bool


def scores_of(step1: int | str, step2: int | None, specialty: str, step2_exam: str) -> Scores:
    """The score half of the engine, for validated inputs (as :class:`Profile` holds them)."""
    s1 = step1 if isinstance(step1, int) else None
    delta = step2 - s1 if s1 is not None and step2 is not None else None
    trend = trend_of(delta)
    s1_b = band_of("step1", s1, specialty)
    s2_b = band_of("step2", step2, specialty, passing_score(step2_exam))  # 214 or 218 by the exam's date
    s1_band, s2_band = (s1_b.band if s1_b else None), (s2_b.band if s2_b else None)
    return Scores(
        step1_kind="score" if s1 is not None else str(step1).lower(), trend=trend, step1_band=s1_band,
        step2_band=s2_band, pending=step2 is None, drop=trend in DROPS, failed=s2_band == "fail",
        big_jump=delta is not None and delta >= threshold("delta", "big_jump"),
        very_high=step2 is not None and step2 >= threshold("step2_r8", "very_high"),
        similar=s1_band == "high" and delta is not None and _similar().holds(delta),
        weight_rank=specialties()[specialty]["weight_rank"])


def situation_of(month: str, applicant: str, stage: str, failed_exam: str, requires_step2: bool,
                 listed_planned: bool, other_concerns: bool, credible_reason: bool) -> Situation:
    """The other half's inputs, for validated inputs (as :class:`Profile` holds them)."""
    row = season()[month]
    return Situation(late=row["late_score"] == "yes", phase=row["phase"], stage=stage, img=applicant == "IMG",
                     failed_exam=failed_exam, requires_step2=requires_step2, listed_planned=listed_planned,
                     other_concerns=other_concerns, credible_reason=credible_reason)


def decide(sc: Scores, st: Situation) -> Verdict:
    """R1-R15 for one person's scores and situation; ``delta`` and ``drop_size`` are left None (they are the
    only numbers of a verdict that are not decided from these facts: :func:`classify` fills them)."""
    pending = sc.pending
    failed_step1 = sc.step1_kind == "fail" or st.failed_exam == "step1"  # Profile.failed_step1
    facts = {
        "step1_kind": sc.step1_kind, "trend": sc.trend or "none", "s1_band": sc.step1_band or "none",
        "s2_band": sc.step2_band or "none", "failed": _YN[sc.failed], "drop": _YN[sc.drop],
        "failed_step1": _YN[failed_step1], "retake": _YN[st.failed_exam == "step2"],  # Profile.step2_is_retake
        "planned": _YN[st.listed_planned], "img": _YN[st.img], "late": _YN[st.late], "big_jump": _YN[sc.big_jump],
        "very_high": _YN[sc.very_high], "similar": _YN[sc.similar], "phase": st.phase, "stage": st.stage,
        "score": "pending" if pending else "out", "requires_step2": _YN[st.requires_step2],
    }
    value_table, helps_table, email_table, template_table = (
        decision_table("value_rules", VALUE_KEYS), decision_table("helps_rules", HELPS_KEYS),
        decision_table("email_decision", EMAIL_KEYS), decision_table("template_choice", TEMPLATE_KEYS))
    value = value_rule = None
    if not pending:
        row = value_table.first(facts)
        value, value_rule = row["value"], row["id"]
    facts["value"] = value or "none"
    helps, helps_rule, planned_would_help = "pending", None, False
    if not pending:
        key = helps_table.key_of(facts)
        row = helps_table.first_key(key)
        helps, helps_rule = row["helps"], row["id"]
        if helps == "no" and not st.listed_planned:
            planned_would_help = helps_table.first_key((*key[:_PLANNED], "yes", *key[_PLANNED + 1:]))["helps"] == "yes"
    context = st.credible_reason and not pending and (sc.failed or sc.trend == "down10")
    facts.update(helps=helps, helps_rule=helps_rule or "none", context=_YN[context])
    email_row = email_table.first(facts)
    facts.update(email=email_row["email"],
                 redemption=_YN[sc.step1_kind == "score" and helps_rule in REDEMPTION_RULES])
    template_row = template_table.first(facts)
    in_range = None if pending else sc.step2_band in WHOLE_RANGE
    return Verdict(
        trend=sc.trend, delta=None, step1_band=sc.step1_band, step2_band=sc.step2_band,
        value=value, value_score=_value_scores()[value] if value else None, value_rule=value_rule,
        drop=sc.drop, drop_size=None, in_usual_range=in_range, reading=_reading(sc, st),
        explain_drop=sc.drop and st.credible_reason and not (sc.trend == "down5" and bool(in_range)),
        context=context, failed=sc.failed, late=st.late and not pending,
        phase=st.phase, similar=sc.similar, big_jump=sc.big_jump, very_high=sc.very_high,
        helps=helps, helps_rule=helps_rule, planned_would_help=planned_would_help,
        email=email_row["email"], email_rule=email_row["id"],
        template=template_row["template"], template_part=template_row["part"],
        c1_profile=_c1(sc),
        conflicts=_conflicts(facts, email_row["id"], email_row["email"]),
    )


def with_delta(v: Verdict, delta: int | None) -> Verdict:
    """``v`` from :func:`decide` with the change in points (Step 2 CK minus a numeric Step 1) filled in."""
    return v if delta is None else v._replace(delta=delta, drop_size=-delta if v.drop else None)


def classify(p: Profile) -> Verdict:
    """Apply R1-R15 to one profile: the two halves' facts, then :func:`decide` (see the module docstring)."""
    v = decide(scores_of(p.step1, p.step2, p.specialty, p.step2_exam),
               situation_of(p.month, p.applicant, p.stage, p.failed_exam, p.requires_step2, p.listed_planned,
                            p.other_concerns, p.credible_reason))
    return with_delta(v, p.step2 - p.step1 if isinstance(p.step1, int) and p.step2 is not None else None)


def email_row(v: Verdict) -> Row:
    """The email_decision.csv row that made the email decision (its reason, flow paths and notes)."""
    return _rule_rows("email_decision")[v.email_rule]


def value_row(v: Verdict) -> Row | None:
    return _rule_rows("value_rules")[v.value_rule] if v.value_rule else None


def helps_row(v: Verdict) -> Row | None:
    return _rule_rows("helps_rules")[v.helps_rule] if v.helps_rule else None
