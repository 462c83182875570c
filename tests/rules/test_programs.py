"""My programs, in the rules layer: one program's fields, the plan for a list and the data it comes from."""
from __future__ import annotations

import itertools
import string
from datetime import date

import pytest

import stepguide as sg
from stepguide.rules.articles import glossary, ids_in
from stepguide.rules.flows import words as flow_words
from stepguide.rules.inputs import MONTHS, STAGES
from stepguide.rules.programs import (
    ACTIONS,
    DRAFT_FIELDS,
    FIELDS,
    FLAGS,
    MAX_NAME,
    STATUSES,
    Program,
    ProgramPlan,
    action_label,
    make_program,
    plan_programs,
    rule_row,
    sample_programs,
    status_label,
    status_stage,
)
from stepguide.rules.tables import examples, table

OCT = date(2026, 10, 5)
WORKSHOP = dict(step1=230, step2=248, specialty="Internal Medicine", month="Oct", stage="before invites")


def one(status: str = "applied", **flags) -> Program:
    return make_program("City Hospital Internal Medicine", status, **flags)


# ---------------------------------------------------------------- the data

def test_statuses_and_actions_are_the_datas():
    assert tuple(table("program_statuses").col("status")) == STATUSES
    assert tuple(r["id"] for r in table("program_words") if r["group"] == "action") == ACTIONS
    assert {r["action"] for r in table("program_rules")} == set(ACTIONS)
    assert {r["id"] for r in table("program_words") if r["group"] == "field"} == set(FIELDS)
    assert [status_stage(s) for s in STATUSES] == ["before invites", "before invites", "interviewed", "on hold",
                                                    None, None]
    assert status_label("on hold") == "On hold / waitlisted" and action_label("eras_only") == "ERAS only"


def test_every_rule_row_gives_a_sentence_resting_on_article_ids():
    a = sg.assess(**WORKSHOP, today=OCT)
    words = flow_words(a.profile, a.cycle)
    for r in table("program_rules"):
        text = str(r["reason"]).format(**words)
        assert "{" not in text and text.endswith((".", ")")), r["id"]
        assert ids_in(r["source"]) and all(i in glossary() for i in ids_in(r["source"])), r["id"]
        if r["action"] == "email_when_posted" and r["posted_template"]:
            assert r["posted_part"], r["id"]


def test_every_sentence_of_program_words_fills_in():
    fields = {name for _, name, _, _ in string.Formatter().parse(" ".join(table("program_words").col("text")))
              if name}
    assert fields <= {"today", "template", "cycle", "program", "size", "limit", "rows", "field", "allowed", "where",
                      "columns", "encoding", "separator", "ok", "bad", "count", "line", "got", "want", "problem",
                      "value", "first", "length", "char"}


# ---------------------------------------------------------------- one program

@pytest.mark.parametrize("typed, status", [("Waitlisted", "on hold"), ("on-hold", "on hold"), ("INVITED", "invited"),
                                           ("Interview offered", "invited"), ("on_hold", "on hold"),
                                           ("Withdrew", "withdrawn"), ("  applied ", "applied"),
                                           ("Invited to interview", "invited")])
def test_a_status_is_read_from_its_id_label_or_alias(typed, status):
    assert one(typed).status == status


@pytest.mark.parametrize("typed, flag", [("yes", True), ("Y", True), ("x", True), ("✓", True), ("1", True), (1, True),
                                         ("", False), ("no", False), (None, False), ("FALSE", False), (False, False)])
def test_a_flag_takes_the_words_a_spreadsheet_holds(typed, flag):
    assert one(top_choice=typed).top_choice is flag


@pytest.mark.parametrize("typed", ["2026-11-12", "November 12, 2026", "Nov 12 2026", "12 November 2026",
                                   "12 Nov 2026", date(2026, 11, 12)])
def test_an_interview_date_in_words_or_iso(typed):
    assert one("interviewed", interview_date=typed).interview_date == date(2026, 11, 12)


@pytest.mark.parametrize("field, value, says", [
    ("status", "maybe", "status: 'maybe' is not a status; choose one of: applied, invited (Invited to interview)"),
    ("status", None, "status: 'None' is not a status"),
    ("top_choice", "maybe", "top_choice: expected yes or no (blank means no), got 'maybe'"),
    ("tie", 2, "tie: expected yes or no"),
    ("interview_date", "11/12/2026",
     "interview_date: '11/12/2026' is not a date; write it as YYYY-MM-DD or with the month in words"),
    ("interview_date", "soon", "interview_date: 'soon' is not a date"),
    ("contact_email", "coordinator at hospital", "contact_email: 'coordinator at hospital' is not an email address"),
    ("contact_email", "<a@b.org>", "contact_email: '<a@b.org>' is not an email address"),
    ("contact_email", "=HYPERLINK(\"x\")@a.org", "contact_email:"),
    ("contact_email", "a@" + "b" * 250 + ".org", "at most 254 characters"),
    ("name", "", "name: blank; type the program's name"),
    ("name", "<script>alert(1)</script>", "name: '<script>alert(1)</script>' contains '<', which no program name has"),
    ("name", "=HYPERLINK(\"http://x\")", "name: '=HYPERLINK(\"http://x\")' starts with '=', which a spreadsheet"),
    ("name", "@SUM(A1)", "starts with '@'"),
    ("name", "City\x00Hospital", "invisible control character"),
    ("name", "City\u202eHospital", "invisible control character"),
    ("name", "x" * (MAX_NAME + 1), f"name: {MAX_NAME + 1} characters, over the limit of {MAX_NAME}"),
])
def test_a_bad_field_is_named_with_what_is_allowed(field, value, says):
    kw = {"name": "City Hospital", "status": "applied", field: value}
    with pytest.raises(ValueError) as e:
        make_program(**kw)
    assert str(e.value).startswith(f"{field}:") and says in str(e.value)


def test_a_name_is_kept_as_plain_text_on_one_line():
    p = make_program("  St. Mary's   Hospital\t& Medical Center (IM) ", "applied",
                     contact_email="mailto:pd@x.example.org")
    assert p.name == "St. Mary's Hospital & Medical Center (IM)" and p.contact_email == "pd@x.example.org"
    with pytest.raises(ValueError, match="status"):
        Program("City Hospital", "pending")
    with pytest.raises(ValueError, match="top_choice"):
        Program("City Hospital", "applied", top_choice="yes")
    with pytest.raises(ValueError, match="interview_date"):
        Program("City Hospital", "interviewed", interview_date="2026-11-12")
    with pytest.raises(ValueError, match="contact_email"):
        Program("City Hospital", "applied", contact_email="javascript:alert(1)")


def test_the_sample_list_is_the_workshop_example():
    sample = sample_programs()
    assert len(sample) == 12 and len({p.name for p in sample}) == 12
    assert {p.status for p in sample} == set(STATUSES) - {"interviewed"}
    label, kw = examples()["my_programs"]
    a = sg.assess(**kw, today=OCT)
    assert "12 programs, October, score up 18" in label and a.delta == 18 and a.profile.month == "Oct"


# ---------------------------------------------------------------- the plan

def test_the_workshop_plan():
    a = sg.assess(**WORKSHOP, today=OCT)
    plans = plan_programs(a, sample_programs(), details={"name": "Jordan Lee", "aamc_id": "12345678"})
    got = {p.program.name.split()[0]: (p.action, p.template) for p in plans}
    assert got == {
        "Lakeshore": ("email_now", "E3"), "Riverside": ("email_now", "E3"), "Harbor": ("email_now", "E3"),
        "Valley": ("email_now", "E3"), "Summit": ("eras_only", None), "Pinecrest": ("eras_only", None),
        "Northgate": ("eras_only", None), "Eastbrook": ("eras_only", None), "Cedar": ("email_now", "E3"),
        "Westfield": ("eras_only", None), "Bayview": ("leave_alone", None), "Meadowlands": ("leave_alone", None)}
    notes = [p for p in plans if p.action == "email_now"]
    assert all(p.due == OCT for p in notes) and all(p.due is None for p in plans if p not in notes)
    for p in notes:
        assert p.program.name in p.draft.body and "Jordan Lee" in p.draft.body and "12345678" in p.draft.subject
        assert "[your name]" not in p.draft.body and "[last name]" in p.draft.body  # not given: stays a blank
    assert [p.program for p in plans] == list(sample_programs())
    assert plan_programs(a, sample_programs()) == plan_programs(a, sample_programs())  # pure


def test_the_plan_follows_the_sliders():
    later = plan_programs(sg.assess(**{**WORKSHOP, "month": "Feb"}, today=OCT), sample_programs())
    assert {p.action for p in later} == {"eras_only", "leave_alone"}  # none interviewed, none required and interviewed
    weak = plan_programs(sg.assess(**{**WORKSHOP, "step2": 221}, today=OCT), sample_programs())
    assert {p.action for p in weak} == {"eras_only", "leave_alone"}
    assert {p.rule for p in weak} >= {"not_helps", "not_helps_required", "rejected", "withdrawn"}


def test_an_interview_note_names_the_interview_the_student_gave():
    a = sg.assess(**{**WORKSHOP, "month": "Dec", "stage": "interviewed"}, today=OCT)
    given, blank = plan_programs(a, [one("interviewed", interview_date="2026-11-20"), one("interviewed")])
    assert given.template == "E4" and "November 20, 2026" in given.draft.subject + given.draft.body
    assert "[interview date]" in blank.draft.body
    hold = plan_programs(a, [one("on hold")])[0]
    assert hold.template != "E4" and "interview at" in hold.draft.body  # E3: asks for one, thanks for none


def test_details_fill_only_the_students_own_blanks():
    a = sg.assess(**WORKSHOP, today=OCT)
    with pytest.raises(TypeError, match="program"):
        plan_programs(a, [one(top_choice=True)], details={"program": "Other"})
    (p,) = plan_programs(a, [one(top_choice=True)], details={"director": "Patel", "reason": None})
    assert "Dr. Patel" in p.draft.body and set(DRAFT_FIELDS) >= {"name", "aamc_id", "test_date", "expected_date"}


def test_a_note_before_release_is_due_now_and_the_one_after_waits():
    a = sg.assess(step1="Pass", step2=None, specialty="IM", month="Jan", stage="interviewed", requires_step2=True,
                  today=date(2027, 1, 8))
    now, later, quiet = plan_programs(a, [one("interviewed", requires_step2=True), one("applied", requires_step2=True),
                                          one("interviewed")], details={"test_date": "January 2, 2027"})
    assert (now.action, now.template, now.part, now.due) == ("email_now", "E6", "before", date(2027, 1, 8))
    assert "January 2, 2027" in now.draft.body and "[expected date]" in now.draft.subject
    assert (later.action, later.template, later.draft) == ("email_when_posted", None, None)
    assert quiet.action == "eras_only" and quiet.rule == "pending"


@pytest.mark.parametrize("month, today, due", [("Oct", date(2026, 10, 20), date(2026, 10, 20)),
                                               ("Dec", date(2026, 10, 20), date(2026, 12, 1)),
                                               ("Jan", date(2026, 10, 20), date(2027, 1, 1)),
                                               ("Sep", date(2026, 10, 20), date(2026, 10, 20))])
def test_a_note_is_due_today_or_when_its_month_comes(month, today, due):
    a = sg.assess(**{**WORKSHOP, "month": month, "stage": "interviewed"}, today=today)
    assert plan_programs(a, [one("interviewed")])[0].due == due


def test_the_per_program_engine_is_the_verdicts_engine():
    """A program that mirrors the page's stage and flag gets the verdict's own email_decision row and note."""
    mirror = {"before invites": "applied", "interviewed": "interviewed", "on hold": "on hold"}
    for step2, month, stage, req in itertools.product((248, 224, None), ("Sep", "Dec", "Feb"), mirror, (False, True)):
        a = sg.assess(step1=228, step2=step2, specialty="IM", month=month, stage=stage, requires_step2=req,
                      credible_reason=step2 == 224, today=OCT)
        (p,) = plan_programs(a, [one(mirror[stage], requires_step2=req, top_choice=True)])
        assert p.decision == a.verdict.email_rule, (step2, month, stage, req)
        if p.action == "email_now":
            assert (p.template, p.part) == (a.template, a.verdict.template_part), (step2, month, stage, req)


PROFILES = (dict(step1=228, step2=248), dict(step1="Pass", step2=250), dict(step1=245, step2=224),
            dict(step1=240, step2=245), dict(step1="Pass", step2=243, failed_exam="step2"),
            dict(step1="Fail", step2=245), dict(step1=245, step2=224, credible_reason=True),
            dict(step1="Pass", step2=None), dict(step1=226, step2=252, applicant="IMG"))
EVERY_PROGRAM = [one(status, **dict(zip(FLAGS, bits, strict=True)))
                 for status in STATUSES for bits in itertools.product((False, True), repeat=len(FLAGS))]


def _every_plan():
    for kw, month, stage, req in itertools.product(PROFILES, MONTHS, STAGES, (False, True)):
        a = sg.assess(**kw, specialty="IM", month=month, stage=stage, requires_step2=req, today=OCT)
        yield a, plan_programs(a, EVERY_PROGRAM)


def test_every_rule_row_is_reached_but_the_guard():
    reached: set[str] = set()
    for _a, plans in _every_plan():
        reached |= {p.rule for p in plans}
        for p in plans:
            assert isinstance(p, ProgramPlan) and p.action in ACTIONS and p.reason
            assert rule_row(p)["action"] == p.action
    assert set(table("program_rules").col("id")) - reached == {"cap_none"}  # the engine never needs the guard
