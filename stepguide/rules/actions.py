"""The personal checklist: rows of ``data/actions.csv`` whose condition holds, in order.

Conditions read the typed :class:`~stepguide.rules.classify.Verdict` (IDs and booleans),
never display labels, and each is defined once here by the name the table uses.
Each row also names the season phases and cycle stages in which it can still be
done (``phases``, ``stages``; ``*`` for any): advice for a list that can no longer
change, or for interviews that are over, is never shown.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

from stepguide.rules.classify import Verdict
from stepguide.rules.inputs import Profile
from stepguide.rules.tables import Row, table


@dataclass(frozen=True)
class Action:
    action: str
    text: str
    source: str
    purpose: str = ""  # what kind of step it is (actions.csv ``purpose``): list_building, interview_prep, ...


Condition = Callable[[Profile, Verdict], bool]


def _ranked(p: Profile, v: Verdict) -> bool:
    """Rank lists are certified: the month is past the deadline or the applicant says so."""
    return v.phase == "after-rank" or p.stage == "after rank lists"

IN_SEASON = ("early", "late", "pre-rank")

CONDITIONS: dict[str, Condition] = {
    "always": lambda p, v: True,
    "failed_now": lambda p, v: v.failed,
    "step2_out": lambda p, v: p.step2 is not None,
    "step2_out_before_rank": lambda p, v: p.step2 is not None and not _ranked(p, v),
    "step2_out_after_rank": lambda p, v: p.step2 is not None and _ranked(p, v),
    "step2_pending": lambda p, v: p.step2 is None,
    "step2_pending_no_note": lambda p, v: p.step2 is None and v.email != "requires_step2",
    "step2_out_img": lambda p, v: p.step2 is not None and p.applicant == "IMG",
    "step2_out_not_img": lambda p, v: p.step2 is not None and p.applicant != "IMG",
    "step2_out_in_season": lambda p, v: p.step2 is not None and v.phase in IN_SEASON,
    "in_season_not_required": lambda p, v: v.phase in IN_SEASON and not p.requires_step2
    and p.stage != "after rank lists",
    "late_invites": lambda p, v: v.late and v.phase == "early" and p.stage != "after rank lists",
    "late_ranking": lambda p, v: v.late and v.phase in ("late", "pre-rank") and p.stage in ("interviewed", "on hold"),
    "email_targeted": lambda p, v: v.email == "targeted",
    "email_interviewed": lambda p, v: v.email == "interviewed",
    "email_requires_out": lambda p, v: v.email == "requires_step2" and p.step2 is not None,
    "email_requires_pending": lambda p, v: v.email == "requires_step2" and p.step2 is None,
    "email_context": lambda p, v: v.email == "context",
    "email_after_fail": lambda p, v: v.email in ("targeted", "interviewed")
    and v.helps_rule in ("retake_solid", "fail_step1_solid"),
    "email_late_season": lambda p, v: v.email in ("targeted", "interviewed") and v.phase in ("late", "pre-rank"),
    "email_none_out": lambda p, v: v.email == "none" and p.step2 is not None,
    "step1_pass": lambda p, v: p.step1 == "Pass" and not p.failed_step1,
    "failed_step1": lambda p, v: p.failed_step1,
    "drop": lambda p, v: v.drop,
    "drop_in_range": lambda p, v: v.drop and bool(v.in_usual_range),
    "drop_below_range": lambda p, v: v.drop and not v.in_usual_range,
    "drop_with_concerns": lambda p, v: v.drop and p.other_concerns,
    "explain_drop": lambda p, v: v.explain_drop,
    "no_explain_drop": lambda p, v: v.drop and not v.explain_drop,
}


def _allowed(cell: object) -> frozenset[str] | None:
    """A ``phases``/``stages`` cell as a set of IDs (None for ``*``: any)."""
    text = str(cell)
    return None if text == "*" else frozenset(text.split("|"))


@cache
def _rules() -> tuple[tuple[Condition, frozenset[str] | None, frozenset[str] | None, Row], ...]:
    """actions.csv in order, each row paired with its condition and when it can be done (checked once)."""
    rows = table("actions").sorted_by("order")
    unknown = {r["when"] for r in rows} - set(CONDITIONS)
    if unknown:
        raise KeyError(f"actions.csv uses unknown conditions: {sorted(unknown)}")
    return tuple((CONDITIONS[r["when"]], _allowed(r["phases"]), _allowed(r["stages"]), r) for r in rows)


def can_still_be_done(action: str, phase: str, stage: str) -> bool:
    """Whether an action of actions.csv can still be acted on in this season phase and cycle stage."""
    for _, phases, stages, r in _rules():
        if r["action"] == action:
            return (phases is None or phase in phases) and (stages is None or stage in stages)
    raise KeyError(f"actions.csv has no action {action!r}")


def checklist(profile: Profile, verdict: Verdict, words: Mapping[str, object]) -> tuple[Action, ...]:
    """Ordered actions for this person that can still be done now; ``words`` fills any {placeholder}."""
    return tuple(Action(r["action"], str(r["text"]).format(**words), r["source"], r["purpose"])
                 for applies, phases, stages, r in _rules()
                 if (phases is None or verdict.phase in phases) and (stages is None or profile.stage in stages)
                 and applies(profile, verdict))
