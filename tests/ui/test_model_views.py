"""The model and its views at their public seams: drive the model (or a control), read what a view shows."""
from __future__ import annotations

import html

import pytest

import stepguide as sg
from stepguide.rules.inputs import SPEC, score_range
from stepguide.rules.words import label
from stepguide.ui import render, views
from stepguide.ui.controls import ProfileControls
from stepguide.ui.model import GuideModel
from stepguide.ui.plan import cards


def test_one_change_is_one_assessment():
    m = GuideModel()
    seen = []
    m.observe(lambda change: seen.append(change.new), names="assessment")
    assert m.set(step1=245, step2=224, month="Dec", stage="interviewed")
    assert len(seen) == 1
    assert m.assessment == sg.assess(**m.values)


def test_a_rejected_change_keeps_the_assessment_and_names_the_field():
    m = GuideModel()
    before = m.assessment
    assert not m.set(step2=400)
    assert m.error.startswith("step2:") and "1 to 300" in m.error
    assert m.input_error.field == "step2" and m.error == str(m.input_error)  # the field as data, not in a string
    assert m.input_error.allowed == "a whole-number score from 1 to 300" and m.input_error.value == 400
    assert m.assessment is before and m.values["step2"] == 248
    assert m.set(step2=230) and m.error == "" and m.input_error is None


def test_the_error_line_shows_again_after_it_was_hidden():
    """Shown is "" (the page's own display), never None: the in-browser kernel drops a None from its update."""
    m = GuideModel()
    line = views.error_line(m)
    assert line.layout.display == "none" and line.value == ""
    for _ in range(2):
        m.set(step1=0)
        assert line.layout.display == "" and "1 to 300" in line.value and 'role="alert"' in line.value
        m.set(step1=230)
        assert line.layout.display == "none" and line.value == ""
    m.error = "Something else went wrong."  # a page's own message: no input named
    assert line.layout.display == "" and "Something else went wrong." in line.value and m.input_error is None


def test_typing_redrafts_without_reassessing():
    m = GuideModel()
    before = m.assessment
    m.type_text(name="Ana <Diaz>", program="City")
    assert m.assessment is before
    assert "Ana <Diaz>" in m.draft.body and m.draft == sg.draft_email(before, name="Ana <Diaz>", program="City")
    with pytest.raises(TypeError, match="unknown text field"):
        m.type_text(nickname="x")


def test_cards_and_why_follow_the_model_and_escape_typed_text():
    m = GuideModel()
    verdict, why = views.VerdictCards(m), views.why_list(m)
    m.set(step1=250, step2=230, specialty="derm")
    for c in cards(m.assessment):
        assert html.escape(c.verdict) in verdict.cards[c.key].value
    assert html.escape(m.assessment.trace[0].reason, quote=True) in why.value
    email = views.EmailPanel(m)
    m.type_text(name="<script>alert(1)</script>")
    assert "<script>" not in email.email_draft.value


def test_chart_panel_redraws_only_what_changed_and_hides_f4_without_a_drop():
    m = GuideModel()
    panel = views.ChartPanel(m, ("c2", "f4"), {"c2": "Timing", "f4": "After a drop"}, shown_if={"f4": views.had_drop})
    assert panel.boxes["f4"].layout.display == "none"
    before = panel.views["c2"].figure
    m.set(step1=250, step2=236)  # same month: C2 is the same chart
    assert panel.views["c2"].figure == before and panel.boxes["f4"].layout.display != "none"
    m.set(month="Dec")
    assert panel.views["c2"].figure != before


def test_email_panel_shows_tools_only_when_there_is_an_email():
    m = GuideModel()
    email = views.EmailPanel(m)
    assert m.draft.send and email.email_tools.layout.display != "none" and email.copy.text
    m.set(step1=240, step2=245)  # doc B's similar score: ERAS only
    assert not m.draft.send and email.email_tools.layout.display == "none" and email.copy.text == ""
    assert render.esc(m.draft.why) in email.email_draft.value


def test_controls_write_to_the_model_and_follow_it_back():
    m = GuideModel()
    c = ProfileControls(m)
    c.inputs["step1_mode"].value = "Pass"
    assert m.values["step1"] == "Pass" and c.inputs["step1"].disabled
    m.set(step1=231, stage="on hold", failed_exam="step2")
    assert (c.inputs["step1_mode"].value, c.inputs["step1"].value) == ("Score", 231)
    assert c.inputs["stage"].value == "on hold" and c.inputs["failed_exam"].value == "step2"
    c.inputs["step2_pending"].value = True
    assert m.values["step2"] is None and m.assessment.helps == "pending"
    assert c.inputs["failed_exam"].description == label("field", "failed_exam")


def test_each_control_is_made_from_its_field():
    c = ProfileControls(GuideModel())
    for f in SPEC:
        widget = c.inputs[f.name]
        assert widget.description == f.label
        if f.kind == "choice":
            assert list(widget.options) == f.options()
        if f.kind == "flag":
            assert isinstance(widget.value, bool)
    assert (c.inputs["step2"].min, c.inputs["step2"].max) == score_range()
