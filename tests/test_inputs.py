"""Input parsing: every spelling a person might use, and a clear message for the rest."""
import pytest

import stepguide as sg
from stepguide.inputs import make_profile


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


@pytest.mark.parametrize("kw,field,fragment", [
    (dict(step1=0), "step1", "1 to 300"), (dict(step1=301), "step1", "1 to 300"),
    (dict(step1="P"), "step1", "'Pass' or 'Fail'"), (dict(step2=301), "step2", "1 to 300"),
    (dict(step2="pending"), "step2", "None if it is not out yet"), (dict(specialty="Astrology"), "specialty", "Dermatology"),
    (dict(month=13), "month", "1-12"), (dict(applicant="MD"), "applicant", "'US MD'"),
    (dict(stage="matched"), "stage", "'on hold'"), (dict(prior_fail="yes"), "prior_fail", "True or False"),
    (dict(step1=True), "step1", "1 to 300"), (dict(step2=248.5), "step2", "1 to 300"),
])
def test_errors_name_the_field_and_the_allowed_values(kw, field, fragment):
    args = {"step1": 230, "step2": 240, "specialty": "IM", **kw}
    with pytest.raises(ValueError) as err:
        sg.assess(**args)
    assert str(err.value).startswith(f"{field}:") and fragment in str(err.value)
