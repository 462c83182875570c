"""Season properties: no page asks for what can no longer be done, in any month, stage or profile.

Doc B's timing sections and its FAQ on certified rank lists, doc A's timeline traps and doc C's flow
(which ends in "submit early" only for an unsent list) say when each step still helps; ``actions.csv``
records that as phases, stages and a purpose per action. These properties hold under hypothesis over
months × stages × profiles, beyond the case book's fixed examples.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import stepguide as sg
from stepguide.rules.actions import can_still_be_done
from stepguide.rules.flows import calendar_terms
from stepguide.rules.inputs import APPLICANTS, FAILED_EXAMS, FLAGS, MONTHS, STAGES
from stepguide.rules.tables import specialties, table
from stepguide.ui.plan import interview_ahead, interview_answer, plan_markdown

settings.register_profile("season", deadline=None, max_examples=200)

SPECIALTIES = sorted(specialties())
near = st.integers(195, 270)  # where the articles' distinctions live (drops, bands, jumps)
profiles = st.fixed_dictionaries({
    "step1": st.one_of(near, near, st.sampled_from(["Pass", "Fail"])),
    "step2": st.one_of(near, near, near, st.none()),
    "specialty": st.sampled_from(SPECIALTIES),
    "month": st.sampled_from(MONTHS),
    "applicant": st.sampled_from(APPLICANTS),
    "stage": st.sampled_from(STAGES),
    "failed_exam": st.sampled_from(FAILED_EXAMS),
    **{flag: st.booleans() for flag in FLAGS},
})

PURPOSE = {r["action"]: r["purpose"] for r in table("actions")}
F4_ACTION = {r["node"]: r["action"] for r in table("flow_nodes") if r["flow"] == "F4" and r["action"]}
URGENT = re.compile(r"\b(today|at once|immediately|right away|each week|this week)\b|\bnow,", re.I)


def over_assessments(test: Callable[[sg.Assessment], None]) -> Callable[..., None]:
    """Run ``test`` on the assessment of every profile hypothesis draws (months × stages × profiles)."""

    @settings(settings.get_profile("season"))
    @given(profiles)
    def run(kw: dict[str, Any]) -> None:
        test(sg.assess(**kw))

    run.__name__, run.__doc__ = test.__name__, test.__doc__
    return run


def ranked(a: sg.Assessment) -> bool:
    """Rank lists are certified: by the calendar (March) or because the student says so."""
    return a.phase == "after-rank" or a.profile.stage == "after rank lists"


def interviews_over(a: sg.Assessment) -> bool:
    return ranked(a) or a.phase == "pre-rank"


def purposes(a: sg.Assessment) -> set[str]:
    return {PURPOSE[x.action] for x in a.actions}


@over_assessments
def test_every_action_is_still_doable_in_its_month_and_stage(a: sg.Assessment) -> None:
    for x in a.actions:
        assert can_still_be_done(x.action, a.phase, a.profile.stage), (x.action, a.phase, a.profile.stage)
    for node in a.paths["F4"].nodes:  # the flow lights no step the checklist has closed
        if node in F4_ACTION:
            assert can_still_be_done(F4_ACTION[node], a.phase, a.profile.stage), (node, a.phase, a.profile.stage)


@over_assessments
def test_after_rank_lists_nothing_builds_a_list_or_prepares_an_interview(a: sg.Assessment) -> None:
    if not ranked(a):
        return
    assert not purposes(a) & {"list_building", "interview_prep", "submit", "letters", "explain", "urgency",
                              "email", "check"}, purposes(a)
    assert not {"broaden", "subi", "submit_early", "letters"} & set(a.paths["F4"].nodes)
    assert not interview_ahead(a)
    draft = sg.draft_email(a, name="Sam")
    assert not draft.send
    assert "interviewer asks" not in plan_markdown(a, draft)


@over_assessments
def test_once_interviews_are_over_nothing_says_submit_early_or_rehearse(a: sg.Assessment) -> None:
    if not interviews_over(a):
        return
    assert not purposes(a) & {"submit", "interview_prep", "list_building"}, purposes(a)
    assert "submit_early" not in a.paths["F4"].nodes
    assert "Submit a broad ERAS list early" not in " ".join(x.text for x in a.actions)


@over_assessments
def test_nothing_urges_speed_out_of_season(a: sg.Assessment) -> None:
    """Between seasons (April to June) and once rank lists are locked, no action says 'today' or 'now'."""
    if a.phase != "off-season" and not ranked(a):
        return
    for x in a.actions:
        assert not URGENT.search(x.text), (x.action, x.text)


@over_assessments
def test_season_words_on_the_page_belong_to_its_month(a: sg.Assessment) -> None:
    """One calendar vocabulary: a page only uses the season and release words of its own month."""
    said = " ".join([*(x.text for x in a.actions), *(t.reason for t in a.trace),
                     *(d.reading_1 + d.reading_2 + d.decision for d in a.differences), a.paths["F4"].note or "",
                     plan_markdown(a, sg.draft_email(a, name="Sam")).split("\n## Sources")[0]])  # not the glossary
    for term in table("calendar"):
        if str(term["words"]) in said:
            assert a.profile.month in str(term["months"]).split("|"), (term["term"], a.profile.month)
    season_term, release_term = calendar_terms(a.profile.month)
    assert season_term["clock"] == "season" and release_term["clock"] == "release"


@given(st.booleans(), st.one_of(st.none(), st.text(min_size=1, max_size=40)))
def test_the_interview_script_fits_the_reason_given(credible, evidence):
    """A credible reason is stated, not owned as a study failure; without one, no cause is invented."""
    lines = interview_answer(evidence, credible)
    parts = {r["text"]: r["reason"] for r in table("interview_script")}
    used = [r for r in table("interview_script") if r["reason"] in ("*", "credible" if credible else "none")]
    assert len(lines) == len(used)
    text = " ".join(lines)
    own = [t for t, reason in parts.items() if reason == "none"]
    stated = [t for t, reason in parts.items() if reason == "credible"]
    def said(texts: list[str]) -> bool:  # a line is said if its words before any placeholder are
        return any(t.split("{")[0] in text for t in texts if t.split("{")[0])

    assert said(stated) == credible and said(own) == (not credible)


@over_assessments
def test_similar_is_only_said_inside_its_band(a: sg.Assessment) -> None:
    band = next(r for r in table("score_bands") if r["measure"] == "delta" and r["band"] == "similar")
    if a.verdict.similar:
        assert a.delta is not None and int(band["lo"]) <= a.delta <= int(band["hi"])
