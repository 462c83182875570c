"""Input parsing: every spelling a person might use, and a clear message for the rest."""
import dataclasses

import pytest

import stepguide as sg
from stepguide.rules.frame import INPUT_COLUMNS
from stepguide.rules.inputs import DEFAULTS, FIELDS, FLAGS, Profile, make_profile


@pytest.mark.parametrize("alias,name", [
    ("IM", "Internal Medicine"), ("internal  medicine", "Internal Medicine"), ("EM", "Emergency Medicine"),
    ("OB/GYN", "Obstetrics and Gynecology"), ("obgyn", "Obstetrics and Gynecology"), ("ENT", "Otolaryngology"),
    ("peds", "Pediatrics"), ("FM", "Family Medicine"), ("psych", "Psychiatry"),
    ("PM&R", "Physical Medicine and Rehabilitation"), ("derm", "Dermatology"), ("Ortho", "Orthopaedic Surgery"),
    ("neurosurg", "Neurological Surgery"), ("ophtho", "Ophthalmology"), ("gen surg", "General Surgery"),
    ("anesthesia", "Anesthesiology"), ("radiology", "Diagnostic Radiology"), ("plastics", "Plastic Surgery"),
])
def test_specialty_aliases(alias, name):
    assert make_profile(230, 240, alias).specialty == name


@pytest.mark.parametrize("month,abbr", [("October", "Oct"), ("oct", "Oct"), (10, "Oct"), ("Sept", "Sep"),
                                        ("september", "Sep"), (1, "Jan"), ("DECEMBER", "Dec"), (7.0, "Jul")])
def test_month_spellings(month, abbr):
    assert make_profile(230, 240, "IM", month=month).month == abbr


def test_defaults_and_canonical_spelling():
    p = make_profile(" pass ", "248", "im")
    assert (p.step1, p.step2, p.month, p.applicant, p.stage) == ("Pass", 248, "Sep", "US MD", "before invites")
    assert make_profile(230, None, "IM", applicant="img", stage="Waitlisted").stage == "on hold"
    assert make_profile(230, float("nan"), "IM").step2 is None
    assert (p.failed_exam, p.listed_planned) == ("none", False)


@pytest.mark.parametrize("value,canonical", [("none", "none"), ("No", "none"), (None, "none"), ("step1", "step1"),
                                             ("Step 1", "step1"), ("step2", "step2"), ("Step 2 CK", "step2"),
                                             (" STEP2CK ", "step2")])
def test_failed_exam_spellings(value, canonical):
    assert make_profile(230, 240, "IM", failed_exam=value).failed_exam == canonical


def test_failed_exam_facts():
    assert make_profile(230, 240, "IM", failed_exam="step1").failed_step1
    assert make_profile("Fail", 240, "IM").failed_step1  # a Fail result says so by itself
    assert not make_profile(230, 240, "IM").failed_step1
    retake = make_profile(230, 240, "IM", failed_exam="step2")
    assert retake.step2_is_retake and not retake.failed_step1


def test_one_list_of_inputs():
    assert tuple(f.name for f in dataclasses.fields(Profile)) == FIELDS
    assert set(FLAGS) <= set(FIELDS) and all(DEFAULTS[flag] is False for flag in FLAGS)
    assert INPUT_COLUMNS == FIELDS
    assert "prior_fail" not in FIELDS and {"failed_exam", "listed_planned"} <= set(FIELDS)
    p = make_profile(230, 240, "IM", listed_planned=True)
    assert p.listed_planned and sg.assess(230, 240, "IM", listed_planned=True).profile == p


@pytest.mark.parametrize("kw,field,fragment", [
    (dict(step1=0), "step1", "1 to 300"), (dict(step1=301), "step1", "1 to 300"),
    (dict(step1="P"), "step1", "'Pass' or 'Fail'"), (dict(step2=301), "step2", "1 to 300"),
    (dict(step2="pending"), "step2", "None if it is not out yet"),
    (dict(specialty="Astrology"), "specialty", "Dermatology"),
    (dict(month=13), "month", "1-12"), (dict(applicant="MD"), "applicant", "'US MD'"),
    (dict(stage="matched"), "stage", "'on hold'"),
    (dict(prior_fail=True), "failed_exam", "'step1' or 'step2'"),  # the retired flag says what replaced it
    (dict(failed_exam="step3"), "failed_exam", "'none', 'step1', 'step2'"),
    (dict(failed_exam=True), "failed_exam", "'none', 'step1', 'step2'"),
    (dict(listed_planned="yes"), "listed_planned", "True or False"),
    (dict(credible_reason=1), "credible_reason", "True or False"),
    (dict(score=250), "score", "the inputs are step1, step2, specialty"),
    (dict(step1=True), "step1", "1 to 300"), (dict(step2=248.5), "step2", "1 to 300"),
])
def test_errors_name_the_field_and_the_allowed_values(kw, field, fragment):
    args = {"step1": 230, "step2": 240, "specialty": "IM", **kw}
    with pytest.raises(ValueError) as err:
        sg.assess(**args)
    assert str(err.value).startswith(f"{field}:") and fragment in str(err.value)
