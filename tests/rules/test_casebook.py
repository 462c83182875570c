"""The case book (data/casebook.csv): situations the articles settle, run through every public door.

Each case gives the inputs, what the articles say the verdicts are (an allowed set
``a|b`` where they are vague), the checklist actions that must and must not appear,
and where in which article to find the passage (doc, section, a short cue).
A failure prints the case, the cue and the field that differs.
"""
from __future__ import annotations

import pandas as pd
import pytest

import stepguide as sg
from casebook_cases import CASES, case_today
from casebook_cases import case_kwargs as kwargs
from stepguide.ui.plan import plan_markdown

VERDICTS = ("trend", "value", "reading", "email", "template")


def where(case: dict[str, str]) -> str:
    return f"case {case['case']} (doc {case['doc']}, '{case['section']}', cue: \"{case['cue']}\")"


def allowed(cell: str) -> set[str]:
    return set(cell.split("|")) if cell else {""}


def test_casebook_is_big_enough_and_well_formed() -> None:
    assert len(CASES) >= 80
    assert len({c["case"] for c in CASES}) == len(CASES)
    for c in CASES:
        assert c["doc"] in ("A", "B", "C"), where(c)
        assert c["section"] and c["cue"], where(c)
        assert len(c["cue"].split()) <= 8, f"{where(c)}: a cue is at most 8 words"


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_case_through_assess_and_draft(case: dict[str, str]) -> None:
    a = sg.assess(**kwargs(case), today=case_today(case))
    got = {"trend": a.trend or "", "value": a.value or "", "reading": a.reading or "", "email": a.email,
           "template": a.template or ""}
    for field in VERDICTS:
        if field == "template" and not case["template"] and case["email"] != "none":
            continue  # the case does not settle which template
        assert got[field] in allowed(case[field]), f"{where(case)}: {field} is {got[field]!r}, " \
                                                    f"expected {case[field]!r}"
    actions = {x.action for x in a.actions}
    for must in filter(None, case["must"].split("|")):
        assert must in actions, f"{where(case)}: checklist lacks {must!r} (has {sorted(actions)})"
    for must_not in filter(None, case["must_not"].split("|")):
        assert must_not not in actions, f"{where(case)}: checklist must not say {must_not!r}"
    draft = sg.draft_email(a)
    assert draft.send == (a.template is not None), where(case)
    if draft.send:
        assert draft.template == a.template
    plan = plan_markdown(a, draft)  # every word the student takes away: inputs, dates, why, checklist, email
    for words in filter(None, case["says"].split("|")):
        assert words in plan, f"{where(case)}: the plan does not say {words!r}"


def test_casebook_through_assess_frame() -> None:
    frame = pd.DataFrame([kwargs(c) for c in CASES])
    out = sg.assess_frame(frame)
    assert out["error"].isna().all(), out.loc[out["error"].notna(), "error"].tolist()
    for case, (_, row) in zip(CASES, out.iterrows(), strict=True):
        one = sg.assess(**kwargs(case))
        for field in ("trend", "value", "reading", "email", "template"):
            cell = row[field]
            assert (None if cell is None or cell != cell else cell) == getattr(one, field), \
                f"{where(case)}: assess_frame's {field} differs from assess"
