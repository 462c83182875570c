"""The personal checklist: rows of ``data/actions.csv`` whose condition holds, in order."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from .data import table
from .inputs import Profile


@dataclass(frozen=True)
class Action:
    action: str
    text: str
    source: str


Facts = Mapping[str, Any]

CONDITIONS: dict[str, Callable[[Profile, Facts], bool]] = {
    "always": lambda p, r: True,
    "step2_out": lambda p, r: p.step2 is not None,
    "step2_pending": lambda p, r: p.step2 is None,
    "step2_fail": lambda p, r: r["value"] == "Major liability" and r["failed"],
    "step2_out_img": lambda p, r: p.step2 is not None and p.applicant == "IMG",
    "step2_out_not_img": lambda p, r: p.step2 is not None and p.applicant != "IMG",
    "step2_out_in_season": lambda p, r: p.step2 is not None and r["phase"] in ("early", "late", "pre-rank"),
    "late_score": lambda p, r: bool(r["late_score"]),
    "email_targeted": lambda p, r: r["email"] == "targeted",
    "email_interviewed": lambda p, r: r["email"] == "interviewed",
    "email_requires_step2": lambda p, r: r["email"] == "requires_step2",
    "email_none_out": lambda p, r: r["email"] == "none" and p.step2 is not None,
    "pass_fail_era": lambda p, r: not p.step1_numeric,
    "drop": lambda p, r: r["drop"],
    "drop_competitive": lambda p, r: r["drop"] and r["competitive_after_drop"],
    "drop_not_competitive": lambda p, r: r["drop"] and not r["competitive_after_drop"],
    "explain_drop": lambda p, r: r["drop"] and r["explain_drop"],
    "no_explain_drop": lambda p, r: r["drop"] and not r["explain_drop"],
}


@cache
def _rules() -> tuple[tuple[Callable[[Profile, Facts], bool], Action], ...]:
    """actions.csv in order, each row paired with its condition (checked once, on first use)."""
    rows = table("actions").sort_values("order")
    unknown = set(rows["when"]) - set(CONDITIONS)
    if unknown:
        raise KeyError(f"actions.csv uses unknown conditions: {sorted(unknown)}")
    return tuple((CONDITIONS[r.when], Action(r.action, r.text, r.source)) for r in rows.itertuples())


def checklist(profile: Profile, facts: Facts) -> tuple[Action, ...]:
    """Ordered actions for this person; ``facts`` are the scalar verdicts from classify."""
    return tuple(action for applies, action in _rules() if applies(profile, facts))
