"""Email drafts: the right template, filled in, short, and never sent when the rules say no."""
import re

import pytest

import stepguide as sg
from stepguide.data import table
from stepguide.email import PLACEHOLDERS

CASES = [
    (dict(step1=228, step2=248, month="Oct"), "E3"),
    (dict(step1="Pass", step2=255, month="Oct"), "E2"),
    (dict(step1="Pass", step2=255, month="Dec", stage="interviewed"), "E4"),
    (dict(step1="Pass", step2=242, month="Dec", stage="interviewed", prior_fail=True), "E5"),
    (dict(step1="Pass", step2=None, month="Jan", stage="interviewed", requires_step2=True), "E6"),
    (dict(step1=250, step2=230, month="Dec", stage="on hold", requires_step2=True), "E6"),
]


@pytest.mark.parametrize("kw,template", CASES)
def test_draft_fills_the_chosen_template(kw, template):
    a = sg.assess(specialty="IM", **kw)
    d = sg.draft_email(a, name="Ana Diaz", aamc_id="12345678", program="City Hospital IM",
                       director="Okafor", interview_date="Nov 12", test_date="Jan 5",
                       expected_date="Feb 1", reason="its clinic")
    assert d.send and d.template == template
    assert "Ana Diaz" in d.subject and "12345678" in d.subject  # E1: searchable subject
    assert "{" not in d.subject + d.body
    if a.profile.step2 is not None:
        assert d.body.count(str(a.profile.step2)) == 1  # the number, stated once
    sentences = [s for s in re.split(r"(?<=[.!?])\s", d.body.split("\n\n", 1)[1].rsplit("\n\n", 1)[0]) if s.strip()]
    assert len(sentences) <= 4  # E1: short, no essay


def test_blanks_stay_visible_rather_than_guessed():
    d = sg.draft_email(sg.assess(step1="Pass", step2=255, specialty="IM", month="Oct"))
    assert "[your name]" in d.body + d.subject and "[AAMC ID]" in d.body + d.subject


def test_no_email_says_why():
    d = sg.draft_email(sg.assess(step1=250, step2=230, specialty="IM", month="Oct"))
    assert not d.send and d.subject == "" and d.body == ""
    assert len(d.why) > 20 and d.as_text().startswith("No email:")


def test_templates_use_only_known_placeholders():
    for row in table("email_templates").itertuples():
        used = set(re.findall(r"{(\w+)}", row.subject + row.body))
        assert used <= set(PLACEHOLDERS), row.template
