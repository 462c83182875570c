"""Email drafts: the right template, filled in, short, and never sent when the rules say no."""
import re

import pytest

import stepguide as sg
from stepguide.rules.email import PLACEHOLDERS
from stepguide.rules.tables import table

CASES = [  # (inputs, template, part of the template)
    (dict(step1=228, step2=248, month="Oct"), "E3", "main"),
    (dict(step1="Pass", step2=255, month="Oct"), "E2", "main"),
    (dict(step1="Pass", step2=255, month="Dec", stage="interviewed"), "E4", "main"),
    (dict(step1="Pass", step2=242, month="Dec", stage="interviewed", failed_exam="step2"), "E5", "retake"),
    (dict(step1="Fail", step2=245, month="Dec", stage="interviewed"), "E5", "step1"),
    (dict(step1=205, step2=240, month="Nov", stage="interviewed", failed_exam="step1"), "E5", "step1"),
    (dict(step1="Pass", step2=None, month="Jan", stage="interviewed", requires_step2=True), "E6", "before"),
    (dict(step1=250, step2=230, month="Dec", stage="on hold", requires_step2=True), "E6", "posted"),
    (dict(step1=240, step2=210, month="Dec", stage="interviewed", credible_reason=True), "E7", "main"),
    (dict(step1=250, step2=232, month="Dec", stage="interviewed", credible_reason=True), "E7", "main"),
]
TYPED = dict(name="Ana Diaz", aamc_id="12345678", program="City Hospital IM", director="Okafor",
             interview_date="Nov 12", test_date="Jan 5", expected_date="Feb 1", reason="its clinic",
             context="I was in hospital for two weeks before the exam", recovery="I earned honours on my sub-I")


@pytest.mark.parametrize("kw,template,part", CASES)
def test_draft_fills_the_chosen_template(kw, template, part):
    a = sg.assess(specialty="IM", **kw)
    d = sg.draft_email(a, **TYPED)
    assert (a.template, a.verdict.template_part) == (template, part)
    assert d.send and d.template == template
    row = table("email_templates").where(template=template, part=part)[0]
    assert d.why == row["use_when"]
    assert "Ana Diaz" in d.subject and "12345678" in d.subject  # E1: searchable subject
    assert "{" not in d.subject + d.body
    if a.profile.step2 is not None:
        assert d.body.count(str(a.profile.step2)) == 1  # the number, stated once
    sentences = [s for s in re.split(r"(?<=[.!?])\s", d.body.split("\n\n", 1)[1].rsplit("\n\n", 1)[0]) if s.strip()]
    assert len(sentences) <= 4  # E1: short, no essay


@pytest.mark.parametrize("kw,template,part", CASES)
def test_draft_states_only_what_the_inputs_say(kw, template, part):
    a = sg.assess(specialty="IM", **kw)
    text = sg.draft_email(a, **TYPED).as_text()
    p = a.profile
    numbers = set(re.findall(r"\b\d{3}\b", text))
    assert numbers <= {str(p.step1), str(p.step2)}, numbers  # no score the person did not enter
    assert ("retake" in text.lower()) == p.step2_is_retake  # "retake" only when an earlier Step 2 CK failed
    assert (str(p.step1) in text) == (template == "E3")  # only the redemption note compares with Step 1
    if template == "E7":
        assert TYPED["context"] in text and TYPED["recovery"] in text
    else:
        assert TYPED["context"] not in text


def test_context_note_keeps_its_blanks_visible():
    a = sg.assess(step1=240, step2=210, specialty="IM", month="Dec", stage="interviewed", credible_reason=True)
    d = sg.draft_email(a, name="Ana Diaz")
    assert d.template == "E7"
    assert "[the reason, in one factual sentence]" in d.body and "[what shows you have recovered" in d.body
    assert "Ana Diaz" in d.subject


def test_typed_text_is_tidied_not_interpreted():
    a = sg.assess(step1="Pass", step2=255, specialty="IM", month="Oct")
    d = sg.draft_email(a, name="  Ana   {step1} Diaz ", program="")
    assert "Ana {step1} Diaz" in d.subject  # braces typed by a person stay text, never a placeholder
    assert "[program]" in d.body  # an empty field is a visible blank


def test_blanks_stay_visible_rather_than_guessed():
    d = sg.draft_email(sg.assess(step1="Pass", step2=255, specialty="IM", month="Oct"))
    assert "[your name]" in d.body + d.subject and "[AAMC ID]" in d.body + d.subject


def test_no_email_says_why():
    a = sg.assess(step1=250, step2=230, specialty="IM", month="Oct")
    d = sg.draft_email(a)
    assert a.email == "none" and a.template is None
    assert not d.send and d.subject == "" and d.body == ""
    assert d.why == next(t.reason for t in a.trace if t.topic == "email")
    assert len(d.why) > 20 and d.as_text() == f"No email: {d.why}"


def test_templates_use_only_known_placeholders():
    for row in table("email_templates"):
        used = set(re.findall(r"{(\w+)}", row["subject"] + row["body"]))
        assert used <= set(PLACEHOLDERS), row["template"]


def test_every_template_choice_has_a_template():
    rows = {(r["template"], r["part"]) for r in table("email_templates")}
    chosen = {(r["template"], r["part"]) for r in table("template_choice") if r["template"]}
    assert chosen == rows
