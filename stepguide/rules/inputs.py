"""The inputs, each defined once, and the parser that turns what a person typed or picked into a :class:`Profile`.

:class:`Profile` is the definition: a field's type says what it holds (a ``Literal`` lists the allowed values),
its default is the default, and its metadata says how a typed, picked or uploaded value is read. Its label and
help are the ``field`` rows of ``labels.csv`` under the same name. :data:`SPEC` (one :class:`Field` per input,
for the parser, the widgets and the errors), ``FIELDS``, ``DEFAULTS``, ``FLAGS`` and :func:`make_profile` are
derived from it; :func:`stepguide.assess` spells the same inputs as its typed signature, and a test holds the
two equal.

A value that cannot be read raises :class:`InputError`, a ``ValueError`` that names the field and says in words
what it takes, so a page can show it as it is.
"""
from __future__ import annotations

import functools
import inspect
import numbers
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, Literal, cast, get_args, get_origin, get_type_hints

from stepguide.rules import words
from stepguide.rules.published import edition, passing_publication
from stepguide.rules.tables import fact, int_fact, is_missing, season_months, specialties, specialty_aliases

Step1Result = Literal["Pass", "Fail"]  # Step 1 in the pass/fail era (a three-digit score is an int)
Month = Literal["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
Applicant = Literal["US MD", "US DO", "IMG"]
Stage = Literal["before invites", "interviewed", "on hold", "after rank lists"]
# Which earlier exam attempt failed: the wording of every draft and checklist line depends on it.
FailedExam = Literal["none", "step1", "step2"]
# When this Step 2 CK was taken, against the day USMLE raised its passing score (exam_facts.csv
# step2_passing_change_date: 214 before it, 218 from it). It decides pass or fail only for a score between
# the two (see exam_date_matters), so only then is it asked; an ISO date or a datetime.date is taken too.
Step2Exam = Literal["from", "before"]

MONTHS: tuple[Month, ...] = get_args(Month)
APPLICANTS: tuple[Applicant, ...] = get_args(Applicant)
STAGES: tuple[Stage, ...] = get_args(Stage)
FAILED_EXAMS: tuple[FailedExam, ...] = get_args(FailedExam)
STEP2_EXAMS: tuple[Step2Exam, ...] = get_args(Step2Exam)
MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july",
               "august", "september", "october", "november", "december")
STAGE_ALIASES = {"waitlisted": "on hold", "on-hold": "on hold", "waitlist": "on hold"}
FAILED_EXAM_ALIASES = {"no": "none", "step 1": "step1", "step 2": "step2", "step 2 ck": "step2", "step2ck": "step2"}
STEP2_EXAM_ALIASES = {"after": "from", "on or after": "from", "from the change": "from", "before the change": "before"}
# old keyword -> the input now; what to do instead is wording.csv's ``input_retired_<old keyword>``
_RETIRED = {"prior_fail": "failed_exam"}


def retired() -> dict[str, str]:
    """Each retired keyword and the message that says what replaced it ("failed_exam: say which exam...")."""
    return {old: f"{now}: {words.say(f'input_retired_{old}')}" for old, now in _RETIRED.items()}


class InputError(ValueError):
    """A value an input cannot take: ``field`` names the input, ``allowed`` says in words what it takes, ``value``
    is what was given.

    ``str(error)`` is one line, ``"<field>: <problem>"``, where ``problem`` is "expected <allowed>, got <value>"
    (wording.csv's ``input_expected``; each ``allowed`` is a wording.csv sentence too) unless a clearer one is
    given; a page reads the attributes instead (it names the field by its label).
    """

    def __init__(self, field: str, allowed: str, value: object, *, problem: str | None = None) -> None:
        self.field, self.allowed, self.value = field, allowed, value
        self.problem = problem if problem is not None else words.say("input_expected", allowed=allowed,
                                                                     value=repr(value))
        super().__init__(f"{field}: {self.problem}")

    def __reduce__(self) -> tuple[Any, ...]:  # pickle and copy rebuild it from its parts, not from the message
        return functools.partial(InputError, problem=self.problem), (self.field, self.allowed, self.value)


# ---------------------------------------------------------------- facts the inputs are read against

def score_range() -> tuple[int, int]:
    """The lowest and highest reportable three-digit score (exam_facts.csv): the parser's and the sliders' limits."""
    return int_fact("score_min"), int_fact("score_max")


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


# ---------------------------------------------------------------- one input

Read = Callable[["Field", object], Any]  # (the field, a raw value) -> its canonical value, or InputError
Offer = Callable[["Field"], list[tuple[str, Any]]]  # the field -> (label, value) options, in the page's order
_MISS = object()


def _labelled(f: Field) -> list[tuple[str, Any]]:
    """The options as labels.csv words them (its group of the field's name), in its order."""
    return words.options(f.name)


@dataclass(frozen=True, eq=False)
class Field:
    """One input as the parser, the widgets and the errors see it (built from :class:`Profile`, see :data:`SPEC`).

    ``kind`` follows the type: ``score`` (it holds an int), ``flag`` (a bool), ``choice`` (only the ``allowed``
    values of its ``Literal``) or ``name`` (free text checked against data: the specialty). ``default`` is
    :data:`REQUIRED` for an input that must be given; ``blank_ok`` means a blank (None, NaN, "") is the default.
    """

    name: str
    kind: Literal["score", "flag", "choice", "name"]
    default: Any
    allowed: tuple[str, ...]  # the values of its Literal, in order (Step 1's words too); () when open
    read: Read
    aliases: Mapping[str, str]
    offer: Offer
    blank_ok: bool
    _seen: dict[tuple[type, object], Any] = field(default_factory=dict, repr=False)

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def label(self) -> str:
        """Its name on every page (labels.csv, group ``field``)."""
        return words.label("field", self.name)

    @property
    def help(self) -> str:
        """Its placeholder or tooltip (labels.csv's hint; '' if none)."""
        return words.hint("field", self.name)

    def options(self) -> list[tuple[str, Any]]:
        """(label, value) pairs in the order a page offers them, as ipywidgets' ``options`` takes them; [] for a
        score or a flag, which have no list to pick from."""
        return self.offer(self) if self.kind in ("choice", "name") else []

    def parse(self, value: object) -> Any:
        """The canonical value for ``value``; :class:`InputError` naming this field if it cannot be one.

        Each distinct (type, value) is read once: a class list repeats the same few spellings thousands of
        times. Only successful reads are kept (a bad value raises every time); unhashable values are just read.
        """
        key = (type(value), value)
        try:
            hit = self._seen.get(key, _MISS)
        except TypeError:
            return self._read(value)
        if hit is _MISS:
            hit = self._read(value)
            if len(self._seen) < 50_000:
                self._seen[key] = hit
        return hit

    def _read(self, value: object) -> Any:
        if self.blank_ok and is_missing(value):
            return self.default
        return self.read(self, value)


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()  # Field.default of an input without one


def _input(read: Read, *, aliases: Mapping[str, str] | None = None, offer: Offer = _labelled,
           blank_ok: bool = False) -> Mapping[str, Any]:
    """A :class:`Profile` field's metadata: how a value is read, its other spellings, the options a page offers
    (default: labels.csv's words for the allowed values), and whether a blank means the default."""
    return {"read": read, "aliases": MappingProxyType(dict(aliases or {})), "offer": offer, "blank_ok": blank_ok}


# ---------------------------------------------------------------- reading one value

def _as_int(value: object) -> int | None:
    """An integer if the value is unambiguously one (7, 7.0, "7"), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and float(value).is_integer():
        return int(float(value))
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _score(f: Field, value: object) -> int:
    lo, hi = score_range()
    number = _as_int(value)
    if number is None or not lo <= number <= hi:
        raise InputError(f.name, words.say("input_score", lo=lo, hi=hi), value)
    return number


def _step1(f: Field, value: object) -> int | str:
    if isinstance(value, str) and value.strip().capitalize() in f.allowed:  # "pass", " Fail "
        return value.strip().capitalize()
    if _as_int(value) is None:
        lo, hi = score_range()
        passed, failed = map(repr, f.allowed)
        raise InputError(f.name, words.say("input_step1", lo=lo, hi=hi, passed=passed, failed=failed), value)
    return _score(f, value)


def _step2(f: Field, value: object) -> int | None:
    if is_missing(value):
        return None
    if _as_int(value) is None:
        lo, hi = score_range()
        raise InputError(f.name, words.say("input_step2", lo=lo, hi=hi), value)
    return _score(f, value)


def _specialty(f: Field, value: object) -> str:
    key = " ".join(value.split()).lower() if isinstance(value, str) else None
    names = specialty_aliases()
    if key in names:
        return names[key]
    allowed = ", ".join(sorted(set(names.values())))
    raise InputError(f.name, words.say("input_specialty", names=allowed), value,
                     problem=words.say("input_specialty_problem", value=repr(value), names=allowed))


def _month(f: Field, value: object) -> str:
    number = _as_int(value)
    if number is not None and 1 <= number <= 12:
        return MONTHS[number - 1]
    if isinstance(value, str):
        key = value.strip().lower()
        for abbr, name in zip(MONTHS, MONTH_NAMES, strict=True):
            if key in (abbr.lower(), name) or (abbr == "Sep" and key == "sept"):
                return abbr
    raise InputError(f.name, words.say("input_month"), value)


def _choice(f: Field, value: object) -> str:
    if isinstance(value, str):
        key = " ".join(value.split()).lower()
        key = f.aliases.get(key, key)
        for option in f.allowed:
            if option.lower() == key:
                return option
    raise InputError(f.name, words.say("input_one_of", options=", ".join(repr(a) for a in f.allowed)), value)


def _step2_exam(f: Field, value: object) -> str:
    """``from``/``before`` (or an alias), or the exam date itself (a ``datetime.date`` or YYYY-MM-DD)."""
    day = value.date() if isinstance(value, datetime) else value if isinstance(value, date) else None
    if isinstance(value, str):
        key = " ".join(value.split()).lower()
        key = f.aliases.get(key, key)
        if key in f.allowed:
            return key
        try:
            day = date.fromisoformat(key)
        except ValueError:
            day = None
    if day is not None:
        return "from" if day >= passing_change() else "before"
    change = passing_change().isoformat()
    raise InputError(f.name, words.say("input_step2_exam", change=change), value)


def _flag(f: Field, value: object) -> bool:
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    raise InputError(f.name, words.say("input_flag"), value)


def _months(f: Field) -> list[tuple[str, Any]]:
    """Every month by its full name, in the application season's order (July first)."""
    names: dict[str, str] = dict(zip(MONTHS, MONTH_NAMES, strict=True))
    return [(names[m].capitalize(), m) for m in season_months()]


def _specialties(f: Field) -> list[tuple[str, Any]]:
    return [(name, name) for name in specialties()]


def _exam_dates(f: Field) -> list[tuple[str, Any]]:
    """labels.csv's words, which name the change day and both passing scores (exam_facts.csv)."""
    said = passing_words()
    return [(text.format(**said), key) for text, key in words.options(f.name)]


# ---------------------------------------------------------------- the definition

@dataclass(frozen=True)
class Profile:
    """One applicant, already validated and spelled the canonical way; its fields are the inputs' one definition."""

    step1: int | Step1Result = field(metadata=_input(_step1))
    step2: int | None = field(metadata=_input(_step2))  # None: not out yet
    specialty: str = field(metadata=_input(_specialty, offer=_specialties))
    month: Month = field(default="Sep", metadata=_input(_month, offer=_months))
    applicant: Applicant = field(default="US MD", metadata=_input(_choice))
    stage: Stage = field(default="before invites", metadata=_input(_choice, aliases=STAGE_ALIASES))
    failed_exam: FailedExam = field(default="none", metadata=_input(_choice, aliases=FAILED_EXAM_ALIASES,
                                                                     blank_ok=True))
    requires_step2: bool = field(default=False, metadata=_input(_flag))
    listed_planned: bool = field(default=False, metadata=_input(_flag))
    other_concerns: bool = field(default=False, metadata=_input(_flag))
    credible_reason: bool = field(default=False, metadata=_input(_flag))
    # Unasked, a 214-217 is read against 218, as a fail: if that is wrong, a student who passed is sent to their
    # score report (which says "pass") and to this one question. The other default would, when wrong, tell a
    # student who failed that they passed: no retake plan, emails about a failed attempt. (An exam before the
    # change is also over 17 months old for anyone applying in 2026-27.)
    step2_exam: Step2Exam = field(default="from", metadata=_input(_step2_exam, aliases=STEP2_EXAM_ALIASES,
                                                                   offer=_exam_dates, blank_ok=True))

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


def _atoms(kind: object) -> tuple[object, ...]:
    """A type as the plain types and literal values it admits: ``int | Literal["Pass", "Fail"]`` -> int, Pass, Fail."""
    if get_origin(kind) is Literal:
        return get_args(kind)
    args = get_args(kind)
    return tuple(atom for arg in args for atom in _atoms(arg)) if args else (kind,)


def _field(definition: Any, hint: object) -> Field:
    """The :class:`Field` of one of Profile's fields (``definition``), whose resolved type is ``hint``."""
    atoms = _atoms(hint)
    allowed = tuple(a for a in atoms if isinstance(a, str))
    kind: Literal["score", "flag", "choice", "name"] = (
        "flag" if bool in atoms else "score" if int in atoms else "choice" if allowed else "name")
    default = REQUIRED if definition.default is MISSING else definition.default
    return Field(definition.name, kind, default, allowed, **definition.metadata)


_HINTS = get_type_hints(Profile)
SPEC: tuple[Field, ...] = tuple(_field(f, _HINTS[f.name]) for f in fields(Profile))
FIELD: Mapping[str, Field] = MappingProxyType({f.name: f for f in SPEC})
FIELDS = tuple(FIELD)
DEFAULTS: Mapping[str, Any] = MappingProxyType({f.name: f.default for f in SPEC if not f.required})
FLAGS = tuple(f.name for f in SPEC if f.kind == "flag")


def make_profile(*args: object, **given: object) -> Profile:
    """Read every input (positionally in :data:`FIELDS` order, or by name) into a :class:`Profile`.

    Raises :class:`InputError` naming the first bad or unknown one (a retired keyword says what replaced it).
    """
    if len(args) > len(SPEC):
        raise TypeError(f"make_profile() takes at most {len(SPEC)} positional inputs ({len(args)} given)")
    for name, value in zip(FIELDS, args, strict=False):  # fewer values than inputs: the rest by name or default
        if name in given:
            raise TypeError(f"make_profile() got multiple values for {name!r}")
        given[name] = value
    for name in [name for name in given if name not in FIELD]:  # the first unknown one, as it was given
        if name in _RETIRED:
            now = _RETIRED[name]
            raise InputError(now, words.say("input_instead", now=now, old=name), given[name],
                             problem=words.say(f"input_retired_{name}"))
        names = ", ".join(FIELDS)
        raise InputError(name, words.say("input_unknown_allowed", names=names), given[name],
                         problem=words.say("input_unknown", names=names))
    values: dict[str, Any] = {}
    for f in SPEC:
        if f.name in given:
            values[f.name] = f.parse(given[f.name])
        elif f.required:
            raise TypeError(f"make_profile() missing required input {f.name!r}")
        else:
            values[f.name] = f.default
    return Profile(**values)


make_profile.__signature__ = inspect.Signature(  # type: ignore[attr-defined]  # help() shows the inputs
    [inspect.Parameter(f.name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                       default=inspect.Parameter.empty if f.required else f.default) for f in SPEC],
    return_annotation=Profile)


def parse_step1(value: object) -> int | Step1Result:
    return cast("int | Step1Result", FIELD["step1"].parse(value))


def parse_step2(value: object) -> int | None:
    return cast("int | None", FIELD["step2"].parse(value))


def parse_specialty(value: object) -> str:
    return cast(str, FIELD["specialty"].parse(value))


def parse_month(value: object) -> Month:
    return cast(Month, FIELD["month"].parse(value))


def parse_step2_exam(value: object) -> Step2Exam:
    return cast(Step2Exam, FIELD["step2_exam"].parse(value))
