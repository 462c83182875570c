"""Turn what a person typed or picked into a clean :class:`Profile`, or say exactly what is wrong.

Every error is a ``ValueError`` whose message starts with the field name and
says what is allowed, so the dashboard can show it as it is.
"""
from __future__ import annotations

import functools
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from stepguide.rules.tables import fact, int_fact, is_missing, specialty_aliases
from stepguide.rules.published import edition, passing_publication

APPLICANTS = ("US MD", "US DO", "IMG")
STAGES = ("before invites", "interviewed", "on hold", "after rank lists")
STAGE_ALIASES = {"waitlisted": "on hold", "on-hold": "on hold", "waitlist": "on hold"}
STEP1_WORDS = ("Pass", "Fail")
FAILED_EXAM_ALIASES = {"no": "none", "step 1": "step1", "step 2": "step2", "step 2 ck": "step2", "step2ck": "step2"}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july",
               "august", "september", "october", "november", "december")
# Which earlier exam attempt failed: the wording of every draft and checklist line depends on it.
FAILED_EXAMS = ("none", "step1", "step2")
# When this Step 2 CK was taken, against the day USMLE raised its passing score (exam_facts.csv
# step2_passing_change_date: 214 before it, 218 from it). It decides pass or fail only for a score between
# the two (see exam_date_matters), so only then is it asked; an ISO date or a datetime.date is taken too.
STEP2_EXAMS = ("from", "before")
STEP2_EXAM_ALIASES = {"after": "from", "on or after": "from", "from the change": "from", "before the change": "before"}
FLAGS = ("requires_step2", "listed_planned", "other_concerns", "credible_reason")
FIELDS = ("step1", "step2", "specialty", "month", "applicant", "stage", "failed_exam", *FLAGS, "step2_exam")
DEFAULTS = {"month": "Sep", "applicant": "US MD", "stage": "before invites", "failed_exam": "none",
            **{flag: False for flag in FLAGS},
            # Unasked, a 214-217 is read against 218, as a fail: if that is wrong, a student who passed is sent
            # to their score report (which says "pass") and to this one question. The other default would, when
            # wrong, tell a student who failed that they passed: no retake plan, emails about a failed attempt.
            # (An exam before the change is also over 17 months old for anyone applying in 2026-27.)
            "step2_exam": "from"}
RETIRED = {"prior_fail": "failed_exam: say which exam was failed, 'step1' or 'step2' (a Step 2 CK retake), "
                         "instead of prior_fail"}


@dataclass(frozen=True)
class Profile:
    """One applicant, already validated and spelled the canonical way."""

    step1: int | str
    step2: int | None
    specialty: str
    month: str = "Sep"
    applicant: str = "US MD"
    stage: str = "before invites"
    failed_exam: str = "none"
    requires_step2: bool = False
    listed_planned: bool = False
    other_concerns: bool = False
    credible_reason: bool = False
    step2_exam: str = "from"

    @property
    def step1_numeric(self) -> bool:
        return isinstance(self.step1, int)

    @property
    def failed_step1(self) -> bool:
        """Step 1 was failed at some attempt (its result reads 'Fail', or the applicant said so)."""
        return self.step1 == "Fail" or self.failed_exam == "step1"

    @property
    def step2_is_retake(self) -> bool:
        """An earlier Step 2 CK attempt failed, so the score entered is the retake."""
        return self.failed_exam == "step2"


_MISS = object()


def _remembered(parse: Callable[..., Any]) -> Callable[..., Any]:
    """Parse each distinct (type, value) once: a class list repeats the same few spellings thousands of times.

    Only successful parses are kept (a bad value raises its message every time); unhashable values are parsed.
    """
    seen: dict[tuple[Any, ...], Any] = {}

    @functools.wraps(parse)
    def run(*args: Any) -> Any:
        key = (*args[:-1], type(args[-1]), args[-1])
        try:
            hit = seen.get(key, _MISS)
        except TypeError:
            return parse(*args)
        if hit is _MISS:
            hit = parse(*args)
            if len(seen) < 50_000:
                seen[key] = hit
        return hit

    return run


def long_date(day: date) -> str:
    """A day as the guide writes it: "September 23, 2026" (US order, as AAMC, NRMP and USMLE write theirs)."""
    return f"{MONTH_NAMES[day.month - 1].capitalize()} {day.day}, {day.year}"


def passing_change() -> date:
    """The first exam day the higher Step 2 CK passing score applies to (exam_facts.csv)."""
    return date.fromisoformat(fact("step2_passing_change_date"))


def passing_score(step2_exam: str) -> int:
    """The Step 2 CK passing score for an exam taken ``step2_exam`` ("from" or "before") the change."""
    return int_fact("step2_passing_from_2025_07_01" if step2_exam == "from" else "step2_passing_from_2022_07_01")


def exam_date_matters(step2: int | None) -> bool:
    """Whether the exam date decides pass or fail: a score that passes the old standard but not the new one."""
    return step2 is not None and passing_score("before") <= step2 < passing_score("from")


def passing_words() -> dict[str, str]:
    """The passing standards as words for texts and option labels: {change_date}, {passing_old}, {passing_new}
    and {passing_editions} (the two USMLE announcements, as publications.csv cites them)."""
    old, new = passing_score("before"), passing_score("from")
    return {"change_date": long_date(passing_change()), "passing_old": str(old), "passing_new": str(new),
            "passing_editions": "; ".join(edition(passing_publication(score)) for score in (old, new))}


def _score_range() -> tuple[int, int]:
    return int_fact("score_min"), int_fact("score_max")


def _as_int(value: object) -> int | None:
    """An integer if the value is unambiguously one (7, 7.0, "7"), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _score(field: str, value: object) -> int:
    lo, hi = _score_range()
    number = _as_int(value)
    if number is None or not lo <= number <= hi:
        raise ValueError(f"{field}: expected a whole-number score from {lo} to {hi}, got {value!r}")
    return number


@_remembered
def parse_step1(value: object) -> int | str:
    lo, hi = _score_range()
    if isinstance(value, str) and value.strip().lower() in ("pass", "fail"):
        return value.strip().capitalize()
    if _as_int(value) is None:
        raise ValueError(f"step1: expected a score from {lo} to {hi}, or 'Pass' or 'Fail', got {value!r}")
    return _score("step1", value)


@_remembered
def parse_step2(value: object) -> int | None:
    if is_missing(value):
        return None
    lo, hi = _score_range()
    if _as_int(value) is None:
        raise ValueError(f"step2: expected a score from {lo} to {hi}, or None if it is not out yet, got {value!r}")
    return _score("step2", value)


@_remembered
def parse_specialty(value: object) -> str:
    key = " ".join(str(value).split()).lower() if isinstance(value, str) else None
    names = specialty_aliases()
    if key in names:
        return names[key]
    allowed = ", ".join(sorted(set(names.values())))
    raise ValueError(f"specialty: {value!r} is not a known specialty or alias; choose one of: {allowed}")


@_remembered
def parse_month(value: object) -> str:
    number = _as_int(value)
    if number is not None and 1 <= number <= 12:
        return MONTHS[number - 1]
    if isinstance(value, str):
        key = value.strip().lower()
        for abbr, name in zip(MONTHS, MONTH_NAMES):
            if key in (abbr.lower(), name) or (abbr == "Sep" and key == "sept"):
                return abbr
    raise ValueError(f"month: expected a month name (e.g. 'October'), its three-letter "
                     f"abbreviation ('Oct') or a number 1-12, got {value!r}")


_CHOICES: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {  # field -> (allowed, aliases)
    "applicant": (APPLICANTS, {}), "stage": (STAGES, STAGE_ALIASES), "failed_exam": (FAILED_EXAMS, FAILED_EXAM_ALIASES)}


@_remembered
def _choice(field: str, value: object) -> str:
    allowed, aliases = _CHOICES[field]
    if isinstance(value, str):
        key = " ".join(value.split()).lower()
        key = aliases.get(key, key)
        for option in allowed:
            if option.lower() == key:
                return option
    raise ValueError(f"{field}: expected one of {', '.join(repr(a) for a in allowed)}, got {value!r}")


@_remembered
def parse_step2_exam(value: object) -> str:
    """``from``/``before`` (or an alias), or the exam date itself (a ``datetime.date`` or YYYY-MM-DD)."""
    if is_missing(value):
        return str(DEFAULTS["step2_exam"])
    day = value.date() if isinstance(value, datetime) else value if isinstance(value, date) else None
    if isinstance(value, str):
        key = " ".join(value.split()).lower()
        key = STEP2_EXAM_ALIASES.get(key, key)
        if key in STEP2_EXAMS:
            return key
        try:
            day = date.fromisoformat(key)
        except ValueError:
            day = None
    if day is not None:
        return "from" if day >= passing_change() else "before"
    change = passing_change().isoformat()
    raise ValueError(f"step2_exam: expected 'from' (an exam on or after {change}) or 'before' (an exam before "
                     f"{change}), or the exam date as YYYY-MM-DD, got {value!r}")


@_remembered
def _flag(field: str, value: object) -> bool:
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    raise ValueError(f"{field}: expected True or False, got {value!r}")


def make_profile(step1: object, step2: object, specialty: object, month: object = DEFAULTS["month"],
                 applicant: object = DEFAULTS["applicant"], stage: object = DEFAULTS["stage"],
                 failed_exam: object = DEFAULTS["failed_exam"], requires_step2: object = False,
                 listed_planned: object = False, other_concerns: object = False,
                 credible_reason: object = False, step2_exam: object = DEFAULTS["step2_exam"],
                 **retired: object) -> Profile:
    """Validate every field; raise ``ValueError`` naming the first bad one."""
    for name in retired:
        raise ValueError(RETIRED.get(name, f"{name}: not an input; the inputs are {', '.join(FIELDS)}"))
    return Profile(
        step1=parse_step1(step1),
        step2=parse_step2(step2),
        specialty=parse_specialty(specialty),
        month=parse_month(month),
        applicant=_choice("applicant", applicant),
        stage=_choice("stage", stage),
        failed_exam=_choice("failed_exam", "none" if is_missing(failed_exam) else failed_exam),
        requires_step2=_flag("requires_step2", requires_step2),
        listed_planned=_flag("listed_planned", listed_planned),
        other_concerns=_flag("other_concerns", other_concerns),
        credible_reason=_flag("credible_reason", credible_reason),
        step2_exam=parse_step2_exam(step2_exam),
    )
