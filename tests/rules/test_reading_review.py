"""What an independent reading of the pages found, as inputs → outputs, so it stays fixed.

Each test is one finding: the situation (outside the case book when found), the sentence that was
wrong, and what the articles say instead.
"""
from __future__ import annotations

import re

import pytest

import stepguide as sg
from stepguide.rules.tables import table
from stepguide.ui import chapter_text


def yours_rows(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", " ", row) for row in re.findall(r'<tr class="sg-yours">(.*?)</tr>', html, re.S)]


@pytest.mark.parametrize("kw,expected", [
    # doc A, T1: "Pass Step 1, solid Step 2 CK → safe bet" — a failing score is not solid
    (dict(step1="Pass", step2=205, specialty="FM", month="Dec", stage="interviewed"), []),
    (dict(step1="Pass", step2=238, specialty="FM", month="Dec", stage="interviewed"), ["a safe choice"]),
    # "IMG, high Step 2 CK → competitive on numbers" — 222 in IM is not high
    (dict(step1=215, step2=222, specialty="IM", month="Oct", applicant="IMG"), []),
    (dict(step1=215, step2=252, specialty="IM", month="Oct", applicant="IMG"), ["competitive on the numbers",
                                                                               "improving"]),
    (dict(step1="Pass", step2=None, specialty="IM", month="Oct"), ["missing a piece"]),
])
def test_t1_marks_a_with_score_row_only_for_the_score_it_describes(kw, expected):
    a = sg.assess(**kw)
    html = "".join(chapter_text.risk(a, {}, sg.draft_email(a)))
    marked = yours_rows(html)
    assert len(marked) == len(expected)
    for words in expected:
        assert any(words in row for row in marked), (words, marked)


@pytest.mark.parametrize("s1,s2", [(240, 205), (230, 214), (238, 210)])
def test_a_failed_step2_is_never_a_blip(s1, s2):
    a = sg.assess(step1=s1, step2=s2, specialty="FM", month="Oct")
    assert a.verdict.failed and a.reading == "problem"
    assert "blip" not in " ".join(t.reason for t in a.trace)


def test_a_note_before_release_is_not_followed_by_nothing_to_send():
    a = sg.assess(step1="Pass", step2=None, specialty="General Surgery", month="Dec", stage="on hold",
                  requires_step2=True)
    acts = [x.action for x in a.actions]
    assert "email_before_release" in acts and "pending_wait" not in acts
    before_release = next(x.text for x in a.actions if x.action == "email_before_release")
    assert "interviewed you or have you on hold" in before_release


def test_the_context_note_before_invitations_has_someone_to_go_to():
    a = sg.assess(step1=244, step2=231, specialty="OB/GYN", month="Oct", stage="before invites", credible_reason=True)
    text = " ".join(x.text for x in a.actions)
    assert a.email == "context" and "programs that interviewed you" not in text.split("Among them")[0]
    assert "email_context_before" in [x.action for x in a.actions]


@pytest.mark.parametrize("month", ["Dec", "Jan"])
def test_no_new_programs_once_most_invitations_are_out(month):  # doc B: late interview season
    a = sg.assess(step1=250, step2=234, specialty="Neurological Surgery", month=month, stage="interviewed")
    assert not {"safer_programs", "f4_broaden"} & {x.action for x in a.actions}
    assert "broaden" not in a.paths["F4"].nodes


def test_a_jump_out_of_season_is_not_a_reason_to_email_beside_dont_email():
    a = sg.assess(step1=240, step2=262, specialty="Emergency Medicine", month="May")
    said = " ".join(t.reason for t in a.trace)
    assert "a reason to write to programs directly" not in said
    assert "whether that is still possible in May" in said


def test_higher_and_similar_never_name_the_same_rise():
    a = sg.assess(step1=240, step2=246, specialty="IM", month="Dec")
    said = " ".join(t.reason for t in a.trace)
    assert not ("a higher Step 2 CK (+6)" in said and "similar Step 2 CK (+6)" in said)


def test_an_in_range_flat_score_is_not_called_weak():
    a = sg.assess(step1=235, step2=236, specialty="Pediatrics", month="Nov")
    assert a.c1_profile != "high_weak"


def test_no_zero_or_one_points():
    for s2 in (246, 247, 248):  # PM&R's matched mean is 247: '1 point below', 'exactly', '1 point above'
        a = sg.assess(step1="Pass", step2=s2, specialty="PM&R", month="Oct")
        html = "".join(chapter_text.trends(a, {}, sg.draft_email(a)))
        assert " 0 points" not in html and " 1 points" not in html


def test_the_review_sentences_live_in_data():
    texts = " ".join(str(r["text"]) for r in table("actions"))
    assert "short, calm answer" in texts and "two-minute" not in texts
