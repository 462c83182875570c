"""``assess``: one applicant in, one immutable verdict out, with the reasons it gives."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from types import MappingProxyType
from typing import Any, Mapping

from .actions import Action, checklist
from .classify import classify, columns_from_profiles
from .data import int_fact, season, specialties
from .flows import f1_path, f2_path, f3_path, f4_path
from .inputs import DEFAULTS, Profile, make_profile


@dataclass(frozen=True)
class TraceItem:
    """One rule that fired: its inventory ID, the reason in plain words, and which verdict it explains.

    ``topic`` is one of "pending", "trend", "value", "reading", "helps", "timing", "email", "profile".
    """

    rule: str
    reason: str
    topic: str = ""


@dataclass(frozen=True)
class Assessment:
    profile: Profile
    trend: str | None
    delta: int | None
    value: str | None
    value_score: int | None
    reading: str | None
    explain_drop: bool
    email: str
    template: str | None
    helps: str
    phase: str
    c1_profile: str | None
    tier: str
    step2_bar: int
    usual_floor: int
    matched_mean: int | None
    actions: tuple[Action, ...]
    trace: tuple[TraceItem, ...]
    paths: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

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
        skip = ("profile", "paths", "actions", "trace")
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in skip}
        out.update(asdict(self.profile))
        out["actions"] = [asdict(a) for a in self.actions]
        out["trace"] = [asdict(t) for t in self.trace]
        out["paths"] = {k: list(v) for k, v in self.paths.items()}
        out["sem_band"] = list(self.sem_band) if self.sem_band else None
        out["vs_matched"] = self.vs_matched
        return out


def _int_or_none(x: float) -> int | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else int(x)


def assess(step1: object, step2: object, specialty: object, month: object = DEFAULTS["month"],
           applicant: object = DEFAULTS["applicant"], stage: object = DEFAULTS["stage"],
           requires_step2: object = False, prior_fail: object = False,
           other_concerns: object = False, credible_reason: object = False) -> Assessment:
    """Assess one applicant; raises ``ValueError`` naming the field for bad input."""
    profile = make_profile(step1, step2, specialty, month, applicant, stage,
                           requires_step2, prior_fail, other_concerns, credible_reason)
    return assess_profile(profile)


def assess_profile(profile: Profile) -> Assessment:
    raw = classify(columns_from_profiles([profile]))
    r = {k: v[0] for k, v in raw.items()}
    r["failed"] = profile.step2 is not None and profile.step2 < int_fact("step2_passing_current")
    helps = r["helps"] == "yes"
    out = profile.step2 is not None
    spec = specialties().loc[profile.specialty]
    paths = {
        "F1": f1_path(out, out and profile.step2 >= spec["usual_floor"]),
        "F2": f2_path(out, r["phase"], profile.stage, helps),
        "F3": f3_path(out, r["phase"], helps),
        "F4": f4_path(bool(r["drop"]), bool(r["competitive_after_drop"])),
    }
    return Assessment(
        profile=profile,
        trend=r["trend"],
        delta=_int_or_none(r["delta"]),
        value=r["value"],
        value_score=_int_or_none(r["value_score"]),
        reading=r["reading"],
        explain_drop=bool(r["explain_drop"]),
        email=str(r["email"]),
        template=r["template"],
        helps=str(r["helps"]),
        phase=str(r["phase"]),
        c1_profile=r["c1_profile"],
        tier=str(spec["tier"]),
        step2_bar=int(spec["step2_bar"]),
        usual_floor=int(spec["usual_floor"]),
        matched_mean=_int_or_none(float(spec["matched_mean_step2"])),
        actions=checklist(profile, r),
        trace=tuple(_trace(profile, r, spec)),
        paths=MappingProxyType(paths),
    )


def _trace(p: Profile, r: dict[str, Any], spec: Any) -> list[TraceItem]:
    """Why each verdict came out as it did, in the order a reader needs it."""
    t: list[TraceItem] = []
    add = lambda rule, reason, topic: t.append(TraceItem(rule, reason, topic))  # noqa: E731
    bar, floor = int(spec["step2_bar"]), int(spec["usual_floor"])
    tier_label = str(spec["label"]).lower()
    if p.step2 is None:
        add("R14", "Your Step 2 CK is not out yet, so there is no trend or value to judge; "
                   "when it posts, release it whatever it is.", "pending")
    elif r["trend"] is not None:
        d = int(r["delta"])
        add("R1", f"Step 2 CK {p.step2} minus Step 1 {p.step1} is {d:+d} points: the '{r['trend']}' bucket.", "trend")
    else:
        add("R1", f"Step 1 is '{p.step1}', so there is no numeric trend: Step 2 CK {p.step2} is your number.", "trend")
    if r["failed"]:
        add("R4", f"{p.step2} is under the Step 2 CK passing score of {int_fact('step2_passing_current')}: "
                  "a major liability.", "value")
    elif r["value"] is not None:
        add(_value_rule(r["value"]), _value_reason(p, r, bar, floor, tier_label), "value")
    if r["reading"] is not None:
        add("R12", _reading_reason(r["reading"]), "reading")
        add("R11", f"A drop weighs more in competitive fields and when Step 2 CK falls below the bar "
                   f"({bar} for {p.specialty}); {p.specialty}'s Step 2 CK weight is {spec['t4_weight'].lower()}.", "reading")
        add("R13", "You have a clear, credible, contained reason: explain it briefly with evidence of recovery."
            if r["explain_drop"] else
            "Without a clear, credible, contained reason, do not explain the drop; answer honestly if asked.",
            "reading")
        add("R14", "Release the score anyway: hiding or delaying it looks evasive.", "reading")
    if p.step2 is not None and not r["failed"]:
        add("R5", _helps_reason(p, r), "helps")
    add("R6", str(season().loc[p.month, "reason"]), "timing")
    add(str(r["email_source"]).split("|")[0], str(r["email_reason"]), "email")
    if not p.step1_numeric:
        add("R15", "Pass/fail-era applicants are among those an unsent Step 2 CK hurts most: it is your only number.", "profile")
    elif r["c1_profile"] is not None and r["c1_profile"].startswith(("Low", "Average")):
        add("R15", "A low or average Step 1 with a stronger Step 2 CK is a profile an unsent score hurts most.", "profile")
    if p.applicant == "IMG":
        add("R15", "IMGs rely most on numbers: make sure every program sees this score.", "profile")
    return t


def _value_rule(value: str) -> str:
    return {"Strong asset": "R2", "Mild asset": "R3", "Neutral": "R3"}.get(value, "R4")


def _value_reason(p: Profile, r: dict[str, Any], bar: int, floor: int, tier: str) -> str:
    v = r["value"]
    head = f"{v}: "
    if not p.step1_numeric:
        if v == "Strong asset":
            return head + f"with Step 1 '{p.step1}', a Step 2 CK of {p.step2} reaches the {tier} bar of {bar}."
        if v == "Neutral":
            return head + f"{p.step2} is in {p.specialty}'s usual range (from {floor}) but under the {tier} bar of {bar}."
        return head + f"{p.step2} is below {p.specialty}'s usual range (from {floor})."
    d = int(r["delta"])
    if v == "Strong asset":
        why = "a weaker Step 1" if r["step1_band"] in ("low", "average") else "a rise of 15+"
        return head + f"{p.step2} reaches the {tier} bar of {bar} after {why} ({d:+d})."
    if v == "Mild asset":
        return head + f"a real rise ({d:+d}) that is not yet a clear asset (bar {bar})."
    if v == "Neutral":
        return head + f"about the same as Step 1 ({d:+d}) and inside the usual range: expected data."
    if d <= -5:
        return head + f"a clear drop ({d:+d}) from Step 1" + (f", ending below the bar of {bar}." if p.step2 < bar else ".")
    return head + f"{p.step2} is below {p.specialty}'s usual range (from {floor})."


def _reading_reason(reading: str) -> str:
    return {
        "blip": "Programs will likely see this drop as a blip: noticed, then set aside.",
        "signal": "Programs may read this drop as a signal that changes where you rank.",
        "problem": "With other concerns in the file, a drop can look like a pattern: a problem to offset now.",
    }[reading]


def _helps_reason(p: Profile, r: dict[str, Any]) -> str:
    if r["helps"] == "yes":
        if r["value"] == "Strong asset":
            return "The score clearly changes how you are judged: worth telling programs directly."
        if r["prior_fail_any"]:
            return "A solid pass after a fail is news programs should hear."
        return "A real improvement plus a reason to send it directly (R8: late score, 20+ points, 250+, or IMG)."
    return "The score does not clearly change how programs judge you: ERAS is the place for it."
