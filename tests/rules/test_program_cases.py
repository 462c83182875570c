"""The program case book: each article passage about whom to write to, run through ``plan_programs``.

A case is one student (the page's inputs) and one program (its status and what the student knows of
it), the action and note the articles lead to, and where to find the passage (doc, section, cue).
A failure prints the case, the cue and what differs.
"""
from __future__ import annotations

import pytest

from program_cases import CASES, NAME, case_assessment, case_program
from stepguide.rules.programs import ACTIONS, STATUSES, plan_programs
from stepguide.rules.tables import table


def where(case: dict[str, str]) -> str:
    return f"case {case['case']} (doc {case['doc']}, '{case['section']}', cue: \"{case['cue']}\")"


def test_the_program_case_book_is_well_formed_and_covers_every_rule():
    assert len(CASES) >= 40 and len({c["case"] for c in CASES}) == len(CASES)
    for c in CASES:
        assert c["doc"] in ("A", "B", "C") and c["section"] and c["cue"], where(c)
        assert len(c["cue"].split()) <= 8, f"{where(c)}: a cue is at most 8 words"
    assert {c["program_status"] for c in CASES} == set(STATUSES)
    assert {c["action"] for c in CASES} == set(ACTIONS)
    assert {c["doc"] for c in CASES} == {"A", "B", "C"}
    guard = {"cap_none"}  # never reached: see test_programs.test_every_rule_row_is_reached_but_the_guard
    assert {c["rule"] for c in CASES} == set(table("program_rules").col("id")) - guard


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_program_case_through_plan_programs(case):
    a = case_assessment(case)
    (plan,) = plan_programs(a, [case_program(case)])
    assert plan.action == case["action"], f"{where(case)}: action {plan.action!r} ({plan.rule}: {plan.reason})"
    assert (plan.template or "") == case["template"], f"{where(case)}: template {plan.template!r}"
    if case["rule"]:
        assert plan.rule == case["rule"], f"{where(case)}: decided by {plan.rule!r}"
    assert plan.reason and plan.rules, where(case)
    if plan.action == "email_now":
        assert plan.draft is not None and plan.draft.template == plan.template, where(case)
        assert NAME in plan.draft.body, where(case)
        if case["program_interview_date"] and plan.template == "E4":
            assert plan.program.interview_date.strftime("%B") in plan.draft.subject + plan.draft.body, where(case)
    else:
        assert plan.draft is None, where(case)
