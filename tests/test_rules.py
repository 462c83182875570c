"""Table-driven tests for rules R1-R15, including every worked example of the documents."""
import pytest

import stepguide as sg
from stepguide.flows import path_edges

IM = "Internal Medicine"


# (step1, step2, specialty, expected trend, delta, value, reading) — the documents' worked examples.
WORKED_EXAMPLES = [
    (205, 245, IM, "Up 15+", 40, "Strong asset", None),          # doc A redemption arc (R2, R15)
    (220, 238, IM, "Up 15+", 18, "Mild asset", None),            # doc A borderline Step 1, improvement
    (222, 231, IM, "Up 5-14", 9, "Mild asset", None),            # doc A "not spectacular" rise
    (228, 248, IM, "Up 15+", 20, "Strong asset", None),          # doc B trajectory example (R2)
    (240, 245, IM, "Up 5-14", 5, "Mild asset", None),            # doc B R3 neutral-or-mild
    (250, 252, IM, "Flat (±4)", 2, "Neutral", None),             # doc B R3 neutral-or-mild
    (245, 224, IM, "Down 10+", -21, "Major liability", "signal"),  # doc B R4 liability
    (250, 230, IM, "Down 10+", -20, "Major liability", "signal"),  # doc B R4 liability
    (252, 245, IM, "Down 5-9", -7, "Mild liability", "blip"),     # doc C: 245 is still strong
    (220, 250, IM, "Up 15+", 30, "Strong asset", None),          # doc B FAQ: strong signal of growth
]


@pytest.mark.parametrize("step1,step2,specialty,trend,delta,value,reading", WORKED_EXAMPLES)
def test_worked_examples(step1, step2, specialty, trend, delta, value, reading):
    a = sg.assess(step1=step1, step2=step2, specialty=specialty, month="Oct")
    assert (a.trend, a.delta, a.value, a.reading) == (trend, delta, value, reading)
    assert a.value_score == {"Strong asset": 5, "Mild asset": 3, "Neutral": 2,
                             "Mild liability": 1, "Major liability": 0}[value]


@pytest.mark.parametrize("delta,label", [
    (-40, "Down 10+"), (-10, "Down 10+"), (-9, "Down 5-9"), (-5, "Down 5-9"), (-4, "Flat (±4)"),
    (0, "Flat (±4)"), (4, "Flat (±4)"), (5, "Up 5-14"), (14, "Up 5-14"), (15, "Up 15+"), (60, "Up 15+"),
])
def test_r1_trend_bucket_edges(delta, label):
    a = sg.assess(step1=230, step2=230 + delta, specialty=IM)
    assert a.trend == label and a.delta == delta


@pytest.mark.parametrize("step1", ["Pass", "pass", "FAIL", "Fail"])
def test_r1_no_trend_without_numeric_step1(step1):
    a = sg.assess(step1=step1, step2=250, specialty=IM)
    assert a.trend is None and a.delta is None and a.reading is None


def test_no_verdicts_before_step2_is_out():
    a = sg.assess(step1=230, step2=None, specialty=IM)
    assert (a.trend, a.delta, a.value, a.value_score, a.reading) == (None, None, None, None, None)
    assert a.template is None and a.email == "none"
    assert [x.action for x in a.actions][0] == "pending_wait"


# R2: the tier bars — a weak Step 1 and Step 2 CK exactly at / just under the bar.
@pytest.mark.parametrize("specialty,bar", [
    ("Dermatology", 250), ("ortho", 250), ("ENT", 250), ("plastics", 250), ("neurosurgery", 250),
    ("Ophthalmology", 250), ("EM", 245), ("anesthesia", 245), ("radiology", 245), ("gen surg", 245),
    ("IM", 240), ("OB/GYN", 240), ("peds", 240), ("FM", 240), ("psych", 240), ("PM&R", 240),
])
def test_r2_tier_bar(specialty, bar):
    assert sg.assess(step1="Pass", step2=bar, specialty=specialty).value == "Strong asset"
    assert sg.assess(step1="Pass", step2=bar - 1, specialty=specialty).value != "Strong asset"
    assert sg.assess(step1=210, step2=bar, specialty=specialty).value == "Strong asset"
    assert sg.assess(step1=210, step2=bar, specialty=specialty).step2_bar == bar


@pytest.mark.parametrize("step1,step2,value", [
    ("Pass", 248, "Strong asset"),      # Pass and nothing else impressive: Step 2 CK is the proof (R2)
    ("Pass", 238, "Neutral"),           # inside IM's usual range (mean 250 - SD 15 = 235) but under the bar
    ("Pass", 234, "Mild liability"),    # below IM's usual range (R4)
    ("Pass", 217, "Major liability"),   # under the passing score 218
    ("Fail", 240, "Strong asset"),      # a prior fail and now a solid pass (R5)
    (236, 246, "Mild asset"),           # solid Step 1, modest rise
    (236, 256, "Strong asset"),         # solid Step 1, rise of 15+ past the bar
    (270, 258, "Mild liability"),       # big drop but still above the bar (R11: less harm)
    (232, 230, "Mild liability"),       # flat but below IM's usual range (R4)
])
def test_r2_r3_r4_value(step1, step2, value):
    assert sg.assess(step1=step1, step2=step2, specialty=IM).value == value


@pytest.mark.parametrize("step1,step2,specialty,other,reading", [
    (252, 245, IM, False, "blip"),                # doc C: 245 still strong for IM
    (252, 245, IM, True, "problem"),              # drop + weak shelves/letters (R12)
    (260, 252, "Dermatology", False, "signal"),   # very-high-weight field notices any clear drop (R11, T4)
    (255, 243, "Pediatrics", False, "blip"),      # whole-applicant field, both above the bar (R11)
    (255, 243, "EM", False, "signal"),            # 10+ drop in a high-weight field
    (230, 226, IM, False, "signal"),              # was counting on a bump to fix a weak Step 1 (R11)
    (250, 238, "Pediatrics", False, "signal"),    # drop leaves the field's comfort zone
    (250, 249, IM, False, "blip"),
    (250, 250, IM, True, None),                   # no drop, no reading
])
def test_r11_r12_reading(step1, step2, specialty, other, reading):
    assert sg.assess(step1=step1, step2=step2, specialty=specialty, other_concerns=other).reading == reading


@pytest.mark.parametrize("credible,explain,action", [(True, True, "explain_drop"), (False, False, "no_explanation")])
def test_r13_explain_only_with_credible_reason(credible, explain, action):
    a = sg.assess(step1=250, step2=235, specialty=IM, credible_reason=credible)
    assert a.explain_drop is explain
    assert action in [x.action for x in a.actions]
    assert sg.assess(step1=240, step2=250, specialty=IM, credible_reason=True).explain_drop is False


def test_r14_always_release_a_lower_score():
    a = sg.assess(step1=250, step2=228, specialty=IM)
    actions = [x.action for x in a.actions]
    assert actions[0] == "release" and "R14" in [t.rule for t in a.trace]


# R5-R9, F2, F3: the email decision for 228 -> 248 IM (clearly helps) by month and stage.
SEASON = ["Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun"]
BEFORE_INVITES = ["none", "none", "targeted", "targeted", "targeted", "targeted", "targeted",
                  "none", "none", "none", "none", "none"]
INTERVIEWED = ["none", "none", "interviewed", "interviewed", "interviewed", "interviewed", "interviewed",
               "none", "none", "none", "none", "none"]
INTERVIEWED_REQUIRED = INTERVIEWED[:7] + ["requires_step2", "none", "none", "none", "none"]


@pytest.mark.parametrize("month,before,interviewed,required", list(zip(SEASON, BEFORE_INVITES, INTERVIEWED,
                                                                       INTERVIEWED_REQUIRED)))
def test_score_out_in_each_month(month, before, interviewed, required):
    kw = dict(step1=228, step2=248, specialty=IM, month=month)
    assert sg.assess(**kw).email == before
    assert sg.assess(**kw, stage="interviewed").email == interviewed
    assert sg.assess(**kw, stage="on hold", requires_step2=True).email == required


@pytest.mark.parametrize("kw,email,template", [
    (dict(step1=228, step2=248, month="Oct"), "targeted", "E3"),                          # redemption
    (dict(step1="Pass", step2=255, month="Oct"), "targeted", "E2"),                       # strong, no concern
    (dict(step1="Pass", step2=255, month="Dec", stage="interviewed"), "interviewed", "E4"),
    (dict(step1="Pass", step2=242, month="Dec", stage="interviewed", prior_fail=True), "interviewed", "E5"),
    (dict(step1="Pass", step2=None, month="Jan", stage="interviewed", requires_step2=True), "requires_step2", "E6"),
    (dict(step1=250, step2=230, month="Dec", stage="interviewed", requires_step2=True), "requires_step2", "E6"),
    (dict(step1=250, step2=230, month="Oct"), "none", None),                             # R7: clearly lower
    (dict(step1=250, step2=252, month="Oct"), "none", None),                             # R3: neutral
    (dict(step1=240, step2=250, month="Oct", stage="after rank lists"), "none", None),   # R6: lists locked
    (dict(step1=240, step2=250, month="Mar"), "none", None),
    (dict(step1=240, step2=250, month="Aug"), "none", None),                             # R9: before programs look
])
def test_email_and_template(kw, email, template):
    a = sg.assess(specialty=IM, **kw)
    assert (a.email, a.template) == (email, template)


@pytest.mark.parametrize("kw,helps", [
    (dict(step1=240, step2=246, month="Sep"), "no"),             # mild asset, no R8 trigger: ERAS only
    (dict(step1=240, step2=246, month="Oct"), "yes"),            # R8: a late test
    (dict(step1=240, step2=246, month="Sep", applicant="IMG"), "yes"),  # R8: IMG relies on numbers
    (dict(step1=236, step2=256, month="Sep"), "yes"),            # strong asset
    (dict(step1=230, step2=239, month="Sep"), "no"),             # R8 needs +20: +9 is not enough
    (dict(step1=215, step2=236, month="Sep"), "yes"),            # R8: 20+ points above Step 1
    (dict(step1=222, step2=231, month="Oct"), "no"),             # late, but under IM's usual range (235)
    (dict(step1=205, step2=230, month="Sep", applicant="IMG"), "no"),  # IMG, but the number is not a draw
])
def test_r5_r8_clearly_helps(kw, helps):
    assert sg.assess(specialty=IM, **kw).helps == helps


def test_img_profile():
    a = sg.assess(step1=225, step2=252, specialty=IM, month="Oct", applicant="IMG")
    assert (a.value, a.email, a.template) == ("Strong asset", "targeted", "E3")
    assert "select_release_img" in [x.action for x in a.actions]
    assert "select_release_us" not in [x.action for x in a.actions]
    assert any(t.rule == "R15" and "IMG" in t.reason for t in a.trace)


def test_retake_after_a_fail():
    a = sg.assess(step1="Fail", step2=241, specialty=IM, month="Nov", stage="interviewed")
    assert (a.value, a.email, a.template) == ("Strong asset", "interviewed", "E5")


def test_failing_step2_is_flagged():
    a = sg.assess(step1=230, step2=210, specialty=IM)
    assert a.value == "Major liability" and a.email == "none"
    assert [x.action for x in a.actions][0] == "fail_retake"


@pytest.mark.parametrize("kw,profile", [
    (dict(step1=205, step2=245), "Low Step 1, strong Step 2 CK"),
    (dict(step1=228, step2=248), "Average Step 1, strong Step 2 CK"),
    (dict(step1="Pass", step2=None), "Pass/Fail Step 1 era"),
    (dict(step1=250, step2=230), "High Step 1, weak Step 2 CK"),
    (dict(step1=240, step2=245), None),
])
def test_r15_c1_profile(kw, profile):
    assert sg.assess(specialty=IM, **kw).c1_profile == profile


@pytest.mark.parametrize("kw,f2,f3,f4", [
    (dict(step1=228, step2=248, month="Oct"), "targeted", "email_top", None),
    (dict(step1=250, step2=252, month="Oct"), "eras_only", "eras_only", None),
    (dict(step1=228, step2=248, month="Dec", stage="on hold"), "email_interviewed", "email_interviewed", None),
    (dict(step1=228, step2=248, month="Feb", stage="interviewed"), "email_interviewed", "email_required", None),
    (dict(step1=228, step2=248, month="Mar"), "no_email", "cycle", None),
    (dict(step1=250, step2=230, month="Oct"), "eras_only", "eras_only", "submit_early"),
    (dict(step1=270, step2=258, month="Oct"), "eras_only", "eras_only", "letters"),
    (dict(step1=245, step2=224, month="Dec", stage="interviewed"), "before_rank", "eras_only", "submit_early"),
])
def test_flow_paths(kw, f2, f3, f4):
    a = sg.assess(specialty=IM, **kw)
    assert a.paths["F2"][-1] == f2 and a.paths["F3"][-1] == f3
    assert (a.paths["F4"][-1] if a.paths["F4"] else None) == f4
    for flow, path in a.paths.items():
        path_edges(flow, path)  # every step is an edge of the flow's data


def test_f1_screening_path():
    assert sg.assess(step1="Pass", step2=None, specialty=IM).paths["F1"][-1] == "low_priority"
    assert sg.assess(step1="Pass", step2=220, specialty=IM).paths["F1"][-2:] == ("cutoff", "low_priority")
    assert sg.assess(step1="Pass", step2=250, specialty=IM).paths["F1"][-1] == "interview_pool"


def test_trace_explains_in_plain_words():
    a = sg.assess(step1=245, step2=224, specialty=IM, month="Oct")
    rules = [t.rule for t in a.trace]
    assert rules[:2] == ["R1", "R4"] and "R12" in rules and "R13" in rules
    assert all(t.reason and t.reason[0].isupper() for t in a.trace)
    topics = {t.topic for t in a.trace}
    assert {"trend", "value", "reading", "timing", "email"} <= topics
    assert len([t for t in a.trace if t.topic == "email"]) == 1  # one decision, one reason


def test_assessment_is_immutable_and_serialisable():
    import dataclasses
    import json
    a = sg.assess(step1=228, step2=248, specialty="IM", month="Oct")
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.value = "Neutral"
    with pytest.raises(TypeError):
        a.paths["F2"] = ()
    d = a.to_dict()
    json.dumps(d)
    assert d["value"] == "Strong asset" and d["specialty"] == IM and d["sem_band"] == [242, 254]
    assert d["vs_matched"] == -2
