"""Turn what a person typed or picked into a clean :class:`Profile`, or say exactly what is wrong.

Every error is a ``ValueError`` whose message starts with the field name and
says what is allowed, so the dashboard can show it as it is.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

from .data import int_fact, specialty_aliases

APPLICANTS = ("US MD", "US DO", "IMG")
STAGES = ("before invites", "interviewed", "on hold", "after rank lists")
STAGE_ALIASES = {"waitlisted": "on hold", "on-hold": "on hold", "waitlist": "on hold"}
STEP1_WORDS = ("Pass", "Fail")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july",
               "august", "september", "october", "november", "december")
FLAGS = ("requires_step2", "prior_fail", "other_concerns", "credible_reason")
DEFAULTS = {"month": "Sep", "applicant": "US MD", "stage": "before invites",
            "requires_step2": False, "prior_fail": False,
            "other_concerns": False, "credible_reason": False}


@dataclass(frozen=True)
class Profile:
    """One applicant, already validated and spelled the canonical way."""

    step1: int | str
    step2: int | None
    specialty: str
    month: str = "Sep"
    applicant: str = "US MD"
    stage: str = "before invites"
    requires_step2: bool = False
    prior_fail: bool = False
    other_concerns: bool = False
    credible_reason: bool = False

    @property
    def step1_numeric(self) -> bool:
        return isinstance(self.step1, int)


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and value.strip() == "")


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


def parse_step1(value: object) -> int | str:
    lo, hi = _score_range()
    if isinstance(value, str) and value.strip().lower() in ("pass", "fail"):
        return value.strip().capitalize()
    if _as_int(value) is None:
        raise ValueError(f"step1: expected a score from {lo} to {hi}, or 'Pass' or 'Fail', got {value!r}")
    return _score("step1", value)


def parse_step2(value: object) -> int | None:
    if _is_missing(value):
        return None
    lo, hi = _score_range()
    if _as_int(value) is None:
        raise ValueError(f"step2: expected a score from {lo} to {hi}, or None if it is not out yet, got {value!r}")
    return _score("step2", value)


def parse_specialty(value: object) -> str:
    key = " ".join(str(value).split()).lower() if isinstance(value, str) else None
    names = specialty_aliases()
    if key in names:
        return names[key]
    allowed = ", ".join(sorted(set(names.values())))
    raise ValueError(f"specialty: {value!r} is not a known specialty or alias; choose one of: {allowed}")


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


def _choice(field: str, value: object, allowed: tuple[str, ...], aliases: dict[str, str] | None = None) -> str:
    if isinstance(value, str):
        key = " ".join(value.split()).lower()
        key = (aliases or {}).get(key, key)
        for option in allowed:
            if option.lower() == key:
                return option
    raise ValueError(f"{field}: expected one of {', '.join(repr(a) for a in allowed)}, got {value!r}")


def _flag(field: str, value: object) -> bool:
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    raise ValueError(f"{field}: expected True or False, got {value!r}")


def make_profile(step1: object, step2: object, specialty: object, month: object = DEFAULTS["month"],
                 applicant: object = DEFAULTS["applicant"], stage: object = DEFAULTS["stage"],
                 requires_step2: object = False, prior_fail: object = False,
                 other_concerns: object = False, credible_reason: object = False) -> Profile:
    """Validate every field; raise ``ValueError`` naming the first bad one."""
    return Profile(
        step1=parse_step1(step1),
        step2=parse_step2(step2),
        specialty=parse_specialty(specialty),
        month=parse_month(month),
        applicant=_choice("applicant", applicant, APPLICANTS),
        stage=_choice("stage", stage, STAGES, STAGE_ALIASES),
        requires_step2=_flag("requires_step2", requires_step2),
        prior_fail=_flag("prior_fail", prior_fail),
        other_concerns=_flag("other_concerns", other_concerns),
        credible_reason=_flag("credible_reason", credible_reason),
    )
