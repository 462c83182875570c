"""My programs: for each program on a student's list, what to do today and which note to send.

The articles say *whom* to write to (top choices, programs that mention Step 2 CK, ties; programs
that interviewed or hold you; in February only programs that require the score; never programs that
turned you down). :func:`plan_programs` applies that to each program of a list through the engine
that decides the page's verdict: ``email_decision.csv`` is read again with the program's own stage
(from its status, ``program_statuses.csv``) and its own requirement, everything else (the month's
phase, whether the score helps, a credible reason) coming from the assessment; ``template_choice.csv``
then picks the program's note. What that means for one program, including where the articles are
silent, is the first-match table ``program_rules.csv``, whose ``note`` column says which reading was
chosen and why. Nothing here decides in code what a table can say.

    a = sg.assess(step1=230, step2=248, specialty="IM", month="Oct")
    for plan in plan_programs(a, sample_programs()):
        print(plan.program.name, plan.action, plan.reason, plan.rules, plan.template)
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from stepguide.rules.articles import ids_in
from stepguide.rules.assessment import Assessment
from stepguide.rules.cells import looks_like_formula
from stepguide.rules.classify import EMAIL_KEYS, REDEMPTION_RULES, TEMPLATE_KEYS
from stepguide.rules.cycles import Cycle
from stepguide.rules.decision import DecisionTable, decision_table, yes_no
from stepguide.rules.email import USER_FIELDS, EmailDraft, draft_template
from stepguide.rules.flows import words as flow_words
from stepguide.rules.inputs import MONTHS, long_date
from stepguide.rules.tables import Row, is_missing, table

STATUSES = ("applied", "invited", "interviewed", "on hold", "rejected", "withdrawn")  # program_statuses.csv
ACTIONS = ("email_now", "email_when_posted", "eras_only", "leave_alone")  # program_words.csv, group action
NOTE_ACTIONS = ("email_now", "email_when_posted")  # the actions that advise a note
FLAGS = ("top_choice", "tie", "requires_step2", "mentions_step2")
FIELDS = ("name", "status", *FLAGS, "contact_email", "interview_date")
PROGRAM_KEYS = ("verdict", "verdict_rule", "phase", "program_rule", "program_email", "score", "status",
                *FLAGS, "template", "part")  # program_rules.csv's decision columns
DRAFT_FIELDS = tuple(f for f in USER_FIELDS if f not in ("program", "interview_date"))  # the student's, not a program's

# Limits of one program's fields (the list's own limits are in stepguide.cohort.programs).
MAX_NAME = 200    # characters: the longest NRMP program names are about half of it
MAX_EMAIL = 254   # characters: the longest address SMTP carries (RFC 5321)
YES = frozenset({"yes", "y", "true", "1", "x", "✓", "✔"})
NO = frozenset({"no", "n", "false", "0", ""})
MARKUP = ("<", ">")
DATE_FORMATS = ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y")
EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")


# ---------------------------------------------------------------- words and statuses

@cache
def _words() -> dict[tuple[str, str], str]:
    return {(str(r["group"]), str(r["id"])): str(r["text"]) for r in table("program_words")}


def word(group: str, key: str, **values: object) -> str:
    """A sentence or label of ``program_words.csv`` (``group`` action, field, hint, export or message), filled in."""
    text = _words()[(group, key)]
    return text.format(**values) if values else text


def action_label(action: str) -> str:
    """"Email now", "ERAS only"...: the words for an action id."""
    return word("action", action)


@cache
def _statuses() -> dict[str, Row]:
    rows = table("program_statuses").by("status")
    if tuple(rows) != STATUSES:
        raise ValueError(f"program_statuses.csv: the statuses must be {STATUSES}, in that order; got {tuple(rows)}")
    return rows


def status_label(status: str) -> str:
    return str(_statuses()[status]["label"])


def status_stage(status: str) -> str | None:
    """The stage the email rules read for a program of this status (None: never a note)."""
    stage = _statuses()[status]["stage"]
    return None if stage is None else str(stage)


@cache
def _status_lookup() -> dict[str, str]:
    out: dict[str, str] = {}
    for status, row in _statuses().items():
        for name in (status, str(row["label"]), *str(row["aliases"]).split("|")):
            out.setdefault(_plain(name), status)
    return out


def _plain(text: str) -> str:
    return " ".join(text.replace("_", " ").split()).lower()


# ---------------------------------------------------------------- one program's fields

def _shown(value: object) -> str:
    """A value quoted for a message, cut short (the page escapes it; a message never carries a whole cell)."""
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text)


def parse_name(value: object) -> str:
    """The program's name as plain text: one line, no markup, no formula start, at most :data:`MAX_NAME`."""
    if is_missing(value):
        raise ValueError(word("message", "name_blank"))
    text = str(value)
    if _has_control(text.replace("\t", " ").replace("\n", " ")):
        raise ValueError(word("message", "name_control", value=_shown(text)))
    text = " ".join(text.split())
    if len(text) > MAX_NAME:
        raise ValueError(word("message", "name_long", length=len(text), limit=MAX_NAME))
    for char in MARKUP:
        if char in text:
            raise ValueError(word("message", "name_markup", value=_shown(text), char=repr(char)))
    if looks_like_formula(text):
        raise ValueError(word("message", "name_formula", value=_shown(text), char=repr(text[0])))
    return text


def parse_status(value: object) -> str:
    """A status id of :data:`STATUSES`, from the id, its label or an alias (``program_statuses.csv``)."""
    key = _plain(value) if isinstance(value, str) else None
    if key in _status_lookup():
        return _status_lookup()[key]
    allowed = ", ".join(f"{s} ({status_label(s)})" if status_label(s).lower() != s else s for s in STATUSES)
    raise ValueError(word("message", "status", value=_shown(value), allowed=allowed))


def parse_flag(name: str, value: object) -> bool:
    """True or False, or the words a spreadsheet holds for them (yes/no, y/n, 1/0, x, ✓); blank is no."""
    if isinstance(value, bool):
        return value
    if is_missing(value):
        return False
    key = str(value).strip().lower() if isinstance(value, (str, int)) else None
    if key in YES:
        return True
    if key in NO:
        return False
    raise ValueError(word("message", "flag", field=name, value=_shown(value)))


def parse_email(value: object) -> str | None:
    """An address for the note (blank: none); only the plain ``name@domain`` form, at most :data:`MAX_EMAIL`."""
    if is_missing(value):
        return None
    text = str(value).strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    if len(text) > MAX_EMAIL or not EMAIL.fullmatch(text):
        raise ValueError(word("message", "email", value=_shown(value), limit=MAX_EMAIL))
    return text


def parse_interview_date(value: object) -> date | None:
    """A day (blank: none): a ``date``, ``2026-11-12`` or the month in words; never an ambiguous 11/12/2026."""
    if is_missing(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = " ".join(str(value).replace(",", ", ").split()).replace(" ,", ",")
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(word("message", "date", value=_shown(value)))


def _flag_parser(name: str) -> Callable[[object], Any]:
    return lambda value: parse_flag(name, value)


PARSERS: dict[str, Callable[[object], Any]] = {
    "name": parse_name, "status": parse_status, "contact_email": parse_email,
    "interview_date": parse_interview_date, **{f: _flag_parser(f) for f in FLAGS}}


@dataclass(frozen=True)
class Program:
    """One program of a student's list, validated (build it with :func:`make_program` from what was typed).

    ``status`` is one of :data:`STATUSES`; the flags say what the student knows of the program.
    """

    name: str
    status: str
    top_choice: bool = False
    tie: bool = False
    requires_step2: bool = False
    mentions_step2: bool = False
    contact_email: str | None = None
    interview_date: date | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            parse_status(self.status)  # raises, naming the allowed statuses
        for flag in FLAGS:
            if not isinstance(getattr(self, flag), bool):
                raise ValueError(word("message", "flag", field=flag, value=_shown(getattr(self, flag))))
        if parse_name(self.name) != self.name:
            raise ValueError(f"name: {self.name!r} is not in its plain form; build the program with make_program")
        if self.contact_email is not None and parse_email(self.contact_email) != self.contact_email:
            raise ValueError(word("message", "email", value=_shown(self.contact_email), limit=MAX_EMAIL))
        if self.interview_date is not None and type(self.interview_date) is not date:
            raise ValueError(word("message", "date", value=_shown(self.interview_date)))


def make_program(name: object, status: object, top_choice: object = False, tie: object = False,
                 requires_step2: object = False, mentions_step2: object = False, contact_email: object = None,
                 interview_date: object = None) -> Program:
    """Validate every field; raise ``ValueError`` naming the first bad one (the message says what is allowed)."""
    given = {"name": name, "status": status, "top_choice": top_choice, "tie": tie, "requires_step2": requires_step2,
             "mentions_step2": mentions_step2, "contact_email": contact_email, "interview_date": interview_date}
    return Program(**{f: PARSERS[f](given[f]) for f in FIELDS})


SAMPLE_EXAMPLE = "my_programs"  # the examples.csv row (12 programs, October, score up 18) whose list is the sample


@cache
def sample_programs() -> tuple[Program, ...]:
    """The workshop's list (``sample_programs.csv``): 12 fictional programs for "October, score up 18"."""
    return tuple(make_program(**{f: r[f] for f in FIELDS}) for r in table("sample_programs"))


# ---------------------------------------------------------------- the plan

@dataclass(frozen=True)
class ProgramPlan:
    """What to do for one program, and why.

    ``action`` is one of :data:`ACTIONS`; ``reason`` one sentence from ``program_rules.csv`` (row ``rule``),
    resting on the inventory IDs ``rules``; ``decision`` the ``email_decision.csv`` row for this program
    (None for a program that turned you down or that you left). Where a note is advised, ``template``
    and ``part`` name it and ``draft`` is filled in for this program (None for a note that waits for the
    score); ``due`` is the day to send it (``email_now`` only).
    """

    program: Program
    action: str
    reason: str
    rules: tuple[str, ...]
    rule: str
    decision: str | None
    template: str | None = None
    part: str | None = None
    draft: EmailDraft | None = None
    due: date | None = None
    note: str = field(default="", repr=False)  # the row's reading of the articles, where they are silent

    @property
    def advises_note(self) -> bool:
        return self.action in NOTE_ACTIONS

    @property
    def action_label(self) -> str:
        return action_label(self.action)


@cache
def _program_table() -> DecisionTable:
    return decision_table("program_rules", PROGRAM_KEYS)


@cache
def _rule_rows() -> dict[str, Row]:
    return table("program_rules").by("id")


def _due(cycle: Cycle, month: str) -> date:
    """The day a note is due for a score out in ``month``: today, or the month's first day if it is still ahead."""
    number = MONTHS.index(month) + 1
    first = date(cycle.starts.year + (1 if number <= 3 else 0), number, 1)
    return first if first > cycle.today else cycle.today


def plan_programs(assessment: Assessment, programs: Iterable[Program], *,
                  details: Mapping[str, str | None] | None = None) -> tuple[ProgramPlan, ...]:
    """One :class:`ProgramPlan` per program, in the list's order; pure (nothing is stored or looked up outside data).

    ``details`` fills the student's own blanks of the drafts (``name``, ``aamc_id``, ``test_date``...:
    :data:`DRAFT_FIELDS`); a blank left out stays a visible [bracket], so a draft never states a fact the
    student did not give. The program's name and interview date come from the program.
    """
    a, given = assessment, dict(details or {})
    unknown = set(given) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"plan_programs: details {sorted(unknown)} are not the student's fields "
                        f"({', '.join(DRAFT_FIELDS)})")
    p, v = a.profile, a.verdict
    score = "pending" if p.step2 is None else "out"
    shared = {"phase": v.phase, "score": score, "helps": v.helps, "context": yes_no(v.context),
              "verdict": v.email, "verdict_rule": v.email_rule, "retake": yes_no(p.step2_is_retake),
              "helps_rule": v.helps_rule or "none",
              "redemption": yes_no(p.step1_numeric and v.helps_rule in REDEMPTION_RULES)}
    engine = decision_table("email_decision", EMAIL_KEYS)
    templates = decision_table("template_choice", TEMPLATE_KEYS)
    reasons: dict[str, str] = {}
    words: dict[str, object] = {}
    due = _due(a.cycle, p.month)
    out = []
    for program in programs:
        stage = status_stage(program.status)
        facts = {**shared, "status": program.status, "stage": stage or "",
                 **{f: yes_no(getattr(program, f)) for f in FLAGS}}
        decision = template = part = None
        facts.update(program_rule="", program_email="", template="", part="")
        if stage is not None:
            row = engine.first(facts)
            chosen = templates.first({**facts, "email": row["email"]})
            decision, template, part = str(row["id"]), chosen["template"], chosen["part"]
            facts.update(program_rule=decision, program_email=str(row["email"]), template=template or "",
                         part=part or "")
        rule = _program_table().first(facts)
        action = str(rule["action"])
        if action == "email_when_posted":
            template, part = rule["posted_template"], rule["posted_part"]
        elif action != "email_now":
            template = part = None
        if rule["id"] not in reasons:
            text = str(rule["reason"])
            if "{" in text:
                words = words or dict(flow_words(p, a.cycle))
                text = text.format(**words)
            reasons[rule["id"]] = text
        draft = None
        if action == "email_now" and template:
            when = program.interview_date
            draft = draft_template(a, template, part or "main", program=program.name,
                                   interview_date=long_date(when) if when else None, **given)
        out.append(ProgramPlan(program=program, action=action, reason=reasons[rule["id"]], rules=ids_in(rule["source"]),
                               rule=str(rule["id"]), decision=decision, template=template, part=part, draft=draft,
                               due=due if action == "email_now" else None, note=str(rule["note"] or "")))
    return tuple(out)


def rule_row(plan: ProgramPlan) -> Row:
    """The ``program_rules.csv`` row that decided ``plan`` (its note says how the articles were read)."""
    return _rule_rows()[plan.rule]
