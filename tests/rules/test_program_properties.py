"""Properties of ``plan_programs`` for any valid student and any list: the articles' limits on whom to write to."""
from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from test_properties import profiles  # the page's inputs, as the verdict's own properties draw them

import stepguide as sg
from stepguide.rules.articles import glossary
from stepguide.rules.programs import ACTIONS, FLAGS, STATUSES, Program, parse_name, plan_programs
from stepguide.rules.tables import table

names = st.builds(lambda place, kind, n: parse_name(f"{place} {kind} {n}"),
                  st.sampled_from(["St. Mary's", "Lakeshore University", "O'Neil & Sons", "Valley (North)", "Ôle"]),
                  st.sampled_from(["Internal Medicine", "Surgery/Prelim", "Pediatrics, Rural"]), st.integers(1, 99))
programs = st.builds(Program, name=names, status=st.sampled_from(STATUSES),
                     **{flag: st.booleans() for flag in FLAGS},
                     interview_date=st.one_of(st.none(), st.dates(date(2026, 9, 1), date(2027, 2, 28))))
lists = st.lists(programs, max_size=12)
days = st.dates(date(2026, 3, 21), date(2027, 3, 19))  # a day of the 2026-27 cycle
RULE_IDS = set(table("program_rules").col("id"))
NOTE_TEMPLATES = {"E2", "E3", "E4", "E5", "E6", "E7"}


def plan(kw, progs, today):
    a = sg.assess(**kw, today=today)
    return a, plan_programs(a, progs, details={"name": "Sam Park"})


@given(profiles, lists, days)
def test_never_a_note_to_a_program_that_turned_you_down_or_that_you_left(kw, progs, today):
    _, plans = plan(kw, progs, today)
    for p in plans:
        if p.program.status in ("rejected", "withdrawn"):
            assert p.action == "leave_alone" and p.draft is None and p.template is None


@given(profiles, lists, days)
def test_no_note_when_the_verdict_says_eras_only_but_to_programs_that_require_the_score(kw, progs, today):
    a, plans = plan(kw, progs, today)
    if a.email == "none":
        assert all(p.program.requires_step2 for p in plans if p.advises_note)


@given(profiles, lists, days)
def test_a_note_only_where_the_same_engine_says_so_for_that_program(kw, progs, today):
    """Never more notes than the verdict's rules allow: each note is a note of email_decision.csv for that program."""
    _, plans = plan(kw, progs, today)
    decisions = table("email_decision").by("id")
    for p in plans:
        if p.action == "email_now":
            assert decisions[p.decision]["email"] != "none", (p.rule, p.decision)
        if p.action == "email_when_posted":
            assert kw["step2"] is None and p.program.requires_step2


@given(profiles, lists, days)
def test_every_rows_reason_names_its_rule(kw, progs, today):
    _, plans = plan(kw, progs, today)
    assert [p.program for p in plans] == progs
    for p in plans:
        assert p.action in ACTIONS and p.rule in RULE_IDS
        assert p.reason and "{" not in p.reason and p.rules and all(i in glossary() for i in p.rules)


@given(profiles, lists, days)
def test_after_rank_lists_nothing_but_eras_only_or_leave_alone(kw, progs, today):
    a, plans = plan(kw, progs, today)
    if a.profile.stage == "after rank lists" or a.profile.month == "Mar":
        assert {p.action for p in plans} <= {"eras_only", "leave_alone"}


@given(profiles, lists, days)
def test_the_note_fits_the_program(kw, progs, today):
    """E4 thanks for an interview the student gave; E5 after a fail and E7's context go only where the articles say;
    a draft names the program and is there exactly for a note to send now."""
    a, plans = plan(kw, progs, today)
    for p in plans:
        status = p.program.status
        assert (p.draft is not None) == (p.action == "email_now")
        assert (p.template is not None) <= p.advises_note and (p.action != "email_now" or p.template in NOTE_TEMPLATES)
        if p.template == "E4":
            assert status == "interviewed"
        if (p.template, p.part) == ("E5", "retake"):
            assert status in ("interviewed", "on hold")
        if p.template == "E7":
            assert status in ("interviewed", "on hold") or p.program.requires_step2 or p.program.top_choice \
                or p.program.tie
        if p.template == "E6":
            assert p.program.requires_step2
        if p.draft is not None:
            assert p.program.name in p.draft.body and p.draft.template == p.template
            if status != "interviewed":
                assert "Thank you again for my interview" not in p.draft.body
            assert p.due is not None and p.due >= min(today, p.due)
