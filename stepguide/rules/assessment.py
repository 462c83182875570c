"""``assess``: one applicant in, one immutable verdict out, with the reasons it gives."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date
from functools import cache
from types import MappingProxyType
from typing import Any, Never

from stepguide.rules.actions import Action, can_still_be_done, checklist
from stepguide.rules.classify import Verdict, classify, email_row, helps_row, value_row
from stepguide.rules.cycles import Cycle, cycle_for
from stepguide.rules.flows import FlowPath, paths_for, season_reason
from stepguide.rules.flows import words as flow_words
from stepguide.rules.inputs import (
    FIELDS,
    Applicant,
    FailedExam,
    Month,
    Profile,
    Stage,
    Step1Result,
    Step2Exam,
    exam_date_matters,
    make_profile,
    passing_score,
    passing_words,
)
from stepguide.rules.published import words as published_words
from stepguide.rules.scores import bands, threshold, trend_edges, trend_labels
from stepguide.rules.tables import Row, int_fact, specialties, table
from stepguide.rules.words import label


@dataclass(frozen=True)
class TraceItem:
    """One rule that fired: its inventory ID, the reason in plain words, and which verdict it explains.

    ``topic`` is one of pending, trend, value, reading, helps, timing, email, differ, profile.
    """

    rule: str
    reason: str
    topic: str = ""


@dataclass(frozen=True)
class Difference:
    """A place where the articles disagree for this person: both readings and the guide's decision."""

    id: str
    topic: str
    reading_1: str
    reading_2: str
    decision: str
    reason: str


@dataclass(frozen=True)
class Assessment:
    """The profile, the typed verdict, the specialty's reference points and everything said about them.

    ``cycle`` is the application cycle whose dates the reasons and checklist state (see :mod:`stepguide.rules.cycles`);
    ``passing`` the Step 2 CK passing score for the exam's date (``profile.step2_exam``).
    """

    profile: Profile
    verdict: Verdict
    tier: str
    tier_label: str
    step2_bar: int
    usual_floor: int
    step1_mean: int
    matched_mean: int | None
    passing: int
    actions: tuple[Action, ...]
    trace: tuple[TraceItem, ...]
    paths: Mapping[str, FlowPath]
    differences: tuple[Difference, ...]
    cycle: Cycle

    # The verdict's facts, for readers of one assessment.
    trend = property(lambda self: self.verdict.trend)
    delta = property(lambda self: self.verdict.delta)
    value = property(lambda self: self.verdict.value)
    value_score = property(lambda self: self.verdict.value_score)
    reading = property(lambda self: self.verdict.reading)
    email = property(lambda self: self.verdict.email)
    template = property(lambda self: self.verdict.template)
    helps = property(lambda self: self.verdict.helps)
    phase = property(lambda self: self.verdict.phase)
    c1_profile = property(lambda self: self.verdict.c1_profile)

    @property
    def exam_date_matters(self) -> bool:
        """The score passes under one standard and fails under the other: the page asks for the exam date."""
        return exam_date_matters(self.profile.step2)

    @property
    def trend_label(self) -> str | None:
        return trend_labels()[self.trend] if self.trend else None

    @property
    def value_label(self) -> str | None:
        return _c3_labels()[self.value] if self.value else None

    @property
    def sem_band(self) -> tuple[int, int] | None:
        """The score give or take one standard error of measurement."""
        if self.profile.step2 is None:
            return None
        sem = int_fact("sem")
        return self.profile.step2 - sem, self.profile.step2 + sem

    @property
    def vs_matched(self) -> int | None:
        """Points above (+) or below (-) the specialty's matched-applicant mean."""
        if self.profile.step2 is None or self.matched_mean is None:
            return None
        return self.profile.step2 - self.matched_mean

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)
               if f.name not in ("profile", "verdict", "paths", "actions", "trace", "differences", "cycle")}
        out.update(asdict(self.profile))
        out.update({k: (list(v) if isinstance(v, tuple) else v) for k, v in self.verdict._asdict().items()})
        out["actions"] = [asdict(a) for a in self.actions]
        out["trace"] = [asdict(t) for t in self.trace]
        out["differences"] = [asdict(d) for d in self.differences]
        out["paths"] = {k: {"nodes": list(v.nodes), "note": v.note} for k, v in self.paths.items()}
        out["sem_band"] = list(self.sem_band) if self.sem_band else None
        out["vs_matched"] = self.vs_matched
        out["cycle"] = {"name": self.cycle.name, "current": self.cycle.current}
        return out


@cache
def _c3_labels() -> dict[str, str]:
    return {r["id"]: r["label"] for r in table("charts") if r["chart"] == "C3"}


@cache
def _wording() -> dict[str, Row]:
    return table("wording").by("id")


def assess(step1: int | Step1Result, step2: int | None, specialty: str, month: Month | int = "Sep",
           applicant: Applicant = "US MD", stage: Stage = "before invites", failed_exam: FailedExam = "none",
           requires_step2: bool = False, listed_planned: bool = False, other_concerns: bool = False,
           credible_reason: bool = False, step2_exam: Step2Exam | date = "from", *, today: date | None = None,
           **unknown: Never) -> Assessment:
    """Assess one applicant; raises :class:`~stepguide.rules.inputs.InputError` (a ``ValueError``) naming the field
    for bad input.

    The inputs are :class:`~stepguide.rules.inputs.Profile`'s fields, in its order and with its defaults (a test
    holds them equal). The types are the canonical values; other spellings a person types ("IM", "October",
    "waitlisted", "pass") are read too. ``step2`` None means not out yet; ``step2_exam`` ("from" or "before" the
    passing-score change, or the exam date) matters only for a score of 214-217; ``today`` (default: the real
    date) picks the application cycle whose dates the texts state. Any other keyword is refused: by the type
    checker, and at run time with an ``InputError`` (a retired one says what replaced it).
    """
    given = locals()  # the inputs by name (read before any other local is made)
    profile = make_profile(**{name: given[name] for name in FIELDS}, **unknown)
    return assess_profile(profile, today)


def words_for(p: Profile, v: Verdict, cycle: Cycle) -> dict[str, object]:
    """Every number, name and date a reason may mention, from the inputs, data and ``cycle`` only (a published
    number with its edition: ``{passing}`` comes with ``{passing_edition}``, see :mod:`stepguide.rules.published`)."""
    spec = specialties()[p.specialty]
    s1_label = next((b.label for b in bands("step1", p.specialty) if b.band == v.step1_band), "")
    return {
        **published_words(p.specialty, passing_score(p.step2_exam)),  # the passing score of the exam's date
        **flow_words(p, cycle),
        "step1": p.step1, "step2": "" if p.step2 is None else p.step2, "specialty": p.specialty,
        "delta": "" if v.delta is None else f"{v.delta:+d}", "drop": v.drop_size or 0,
        "dip": -v.delta if v.delta is not None and v.delta < 0 else 0,
        "trend_label": trend_labels().get(v.trend or "", ""), "floor": spec["usual_floor"], "bar": spec["step2_bar"],
        "tier": str(spec["tier_label"]).lower(), "step1_mean": spec["step1_mean"],
        "s1_band_label": s1_label, **passing_words(),
        "exam_field": label("field", "step2_exam"),
        "big_jump": threshold("delta", "big_jump"), "very_high": threshold("step2_r8", "very_high"),
        "sem": int_fact("sem"), "weight": str(spec["t4_weight"]).lower(),
        "in_range": "stays inside" if v.in_usual_range else "falls below",
        **trend_edges(),
    }


def assess_profile(profile: Profile, today: date | None = None) -> Assessment:
    """Assess an already validated profile (the pages call this); ``today`` as for :func:`assess`."""
    v = classify(profile)
    spec = specialties()[profile.specialty]
    cycle = cycle_for(today or date.today())
    w = words_for(profile, v, cycle)
    paths = paths_for(profile, email_row(v), v.trend, v.drop, v.in_usual_range, cycle,
                      lambda action: can_still_be_done(action, v.phase, profile.stage))
    differences = tuple(Difference(r["id"], r["topic"], r["reading_1"], r["reading_2"], r["decision"], r["reason"])
                        for r in table("conflicts") if r["id"] in v.conflicts)
    mean2 = spec["matched_mean_step2"]
    return Assessment(
        profile=profile, verdict=v, tier=spec["tier"], tier_label=spec["tier_label"],
        step2_bar=spec["step2_bar"], usual_floor=spec["usual_floor"], step1_mean=spec["step1_mean"],
        matched_mean=None if mean2 is None else int(mean2), passing=passing_score(profile.step2_exam),
        actions=checklist(profile, v, w), trace=tuple(_trace(profile, v, w, differences)),
        paths=MappingProxyType(paths), differences=differences, cycle=cycle)


def _say(key: str, w: Mapping[str, object]) -> str:
    return str(_wording()[key]["text"]).format(**w)


def _first_source(source: str) -> str:
    return source.split("|")[0]


def _trace(p: Profile, v: Verdict, w: Mapping[str, object], differences: tuple[Difference, ...]) -> list[TraceItem]:
    """Why each verdict came out as it did, in the order a reader needs it."""
    t: list[TraceItem] = []

    def add(rule: str, reason: str, topic: str) -> None:
        t.append(TraceItem(rule, reason, topic))

    if p.step2 is None:
        add("R14", _say("pending", w), "pending")
    elif v.trend is not None:
        add("R1", _say("trend", w), "trend")
        if v.trend == "flat" and v.delta is not None and v.delta < 0:
            add("R1", _say("dip_is_flat", w), "trend")
    else:
        add("R1", _say("trend_word", w), "trend")
    row = value_row(v)
    if row is not None:
        add(_first_source(row["source"]), str(row["reason"]).format(**w), "value")
    if exam_date_matters(p.step2):  # 214-217: pass or fail by the exam's date, and which one the guide used
        add("R4", _say(f"passing_{p.step2_exam}", w), "value")
    if v.reading is not None:
        add("R12", _say(f"reading_{v.reading}", w), "reading")
        add("R11", _say("weight", w), "reading")
        add("R12", _say("why_drop", w), "reading")
        if v.explain_drop:
            add("R13", _say("explain", w), "reading")
        elif p.credible_reason:
            add("R13", _say("no_explain_small", w), "reading")
        else:
            add("R13", _say("no_explain", w), "reading")
        add("R14", _say("release", w), "reading")
    help_row = helps_row(v)
    if help_row is not None:
        add(_first_source(help_row["source"]), str(help_row["reason"]).format(**w), "helps")
        if v.planned_would_help and v.phase in ("early", "late"):
            add("R5", _say("planned_hint", w), "helps")
    add("R9", _say("calendar", w), "timing")
    add("R6", season_reason(p.month, w), "timing")
    decision = email_row(v)
    add(_first_source(decision["source"]), str(decision["reason"]).format(**w), "email")
    for d in differences:
        add(d.id, f"{d.topic}: {d.decision} {d.reason}", "differ")
    if p.step1 == "Pass":
        add("R15", _say("profile_pass", w), "profile")
    elif v.c1_profile in ("low", "average"):
        add("R15", _say("profile_weak", w), "profile")
    if p.applicant == "IMG":
        add("R15", _say("profile_img", w), "profile")
    return t
