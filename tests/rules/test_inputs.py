"""Input parsing: every spelling a person might use, and a clear message for the rest; each input defined once."""
import copy
import dataclasses
import inspect
import pickle
import typing
from datetime import date

import pytest

import stepguide as sg
from stepguide.rules import words
from stepguide.rules.frame import INPUT_COLUMNS, REQUIRED_COLUMNS
from stepguide.rules.inputs import (
    DEFAULTS,
    FIELD,
    FIELDS,
    FLAGS,
    REQUIRED,
    SPEC,
    InputError,
    Profile,
    make_profile,
    score_range,
)
from stepguide.rules.tables import int_fact


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
    e = err.value  # the same as data: a page reads these, never the message
    assert isinstance(e, sg.InputError) and e.field == field and str(e) == f"{field}: {e.problem}"
    assert e.allowed and (e.value == kw[next(iter(kw))])
    if e.problem.startswith("expected"):
        assert e.problem == f"expected {e.allowed}, got {e.value!r}"


def test_an_input_error_survives_pickle_and_copy():
    with pytest.raises(InputError) as err:
        make_profile(230, 240, "Astrology")
    for e in (pickle.loads(pickle.dumps(err.value)), copy.deepcopy(err.value)):
        assert (type(e), str(e), e.field, e.allowed, e.value, e.problem) == (
            InputError, str(err.value), "specialty", err.value.allowed, "Astrology", err.value.problem)


# ---------------------------------------------------------------- one definition: Profile's fields

def _atoms(kind: object) -> set[object]:
    """The plain types and literal values a type admits (``int | Literal["Pass"]`` -> {int, "Pass"})."""
    if typing.get_origin(kind) is typing.Literal:
        return set(typing.get_args(kind))
    args = typing.get_args(kind)
    return set().union(*map(_atoms, args)) if args else {kind}


def test_the_spec_is_profile_and_everything_derives_from_it():
    held = typing.get_type_hints(Profile)
    assert [f.name for f in SPEC] == list(FIELDS) == [f.name for f in dataclasses.fields(Profile)]
    assert dict(DEFAULTS) == {f.name: f.default for f in dataclasses.fields(Profile)
                              if f.default is not dataclasses.MISSING}
    assert REQUIRED_COLUMNS == ("step1", "step2", "specialty") == tuple(f.name for f in SPEC if f.default is REQUIRED)
    assert tuple(name for name in FIELDS if held[name] is bool) == FLAGS
    assert {f.name: f.kind for f in SPEC} == {
        "step1": "score", "step2": "score", "specialty": "name", "month": "choice", "applicant": "choice",
        "stage": "choice", "failed_exam": "choice", **{flag: "flag" for flag in FLAGS}, "step2_exam": "choice"}
    assert FIELD["stage"].allowed == typing.get_args(held["stage"]) == sg.STAGES
    assert FIELD["step1"].allowed == ("Pass", "Fail")
    assert score_range() == (int_fact("score_min"), int_fact("score_max")) == (1, 300)  # exam_facts.csv
    assert list(inspect.signature(make_profile).parameters) == list(FIELDS)


def test_assess_spells_the_same_inputs_with_their_types():
    """assess's signature is written out for readers and type checkers; here it is held to the spec."""
    params = inspect.signature(sg.assess).parameters
    inputs = [p for p in params.values() if p.kind is p.POSITIONAL_OR_KEYWORD]
    assert [p.name for p in inputs] == list(FIELDS)  # names and order
    assert {p.name: p.default for p in inputs if p.default is not p.empty} == dict(DEFAULTS)
    assert [p.name for p in inputs if p.default is p.empty] == [f.name for f in SPEC if f.required]
    assert [(p.name, p.kind) for p in params.values() if p not in inputs] == [
        ("today", inspect.Parameter.KEYWORD_ONLY), ("unknown", inspect.Parameter.VAR_KEYWORD)]
    takes, held = typing.get_type_hints(sg.assess), typing.get_type_hints(Profile)
    for name in FIELDS:  # every canonical value type-checks as an argument, and no annotation is left as object
        assert _atoms(held[name]) <= _atoms(takes[name]) and object not in _atoms(takes[name]), name
    assert typing.get_args(takes["step1"]) == (int, typing.Literal["Pass", "Fail"])
    assert _atoms(takes["step2_exam"]) == {"from", "before", date}


@pytest.mark.parametrize("name", [f.name for f in SPEC if not f.required])
def test_every_input_reaches_the_profile(name):
    f = FIELD[name]
    other = (not f.default) if f.kind == "flag" else next(v for v in f.allowed if v != f.default)
    assert getattr(sg.assess(230, 240, "IM", **{name: other}).profile, name) == other
    assert getattr(make_profile(230, 240, "IM", **{name: other}), name) == other


@pytest.mark.parametrize("f", SPEC, ids=FIELDS)
def test_every_input_has_its_words_in_the_vocabulary(f):
    assert f.label == words.label("field", f.name) and f.help == words.hint("field", f.name)
    if f.kind == "choice":  # a page offers exactly the allowed values (labels.csv words them, in its order)
        assert sorted(v for _, v in f.options()) == sorted(f.allowed) and all(text for text, _ in f.options())
    if f.kind == "choice" and f.name != "month":
        assert [v for _, v in f.options()] == list(f.allowed) == list(words.ids(f.name))


def test_a_table_without_a_required_column_says_which():
    pd = pytest.importorskip("pandas")
    with pytest.raises(InputError) as err:
        sg.assess_frame(pd.DataFrame({"step1": [230], "specialty": ["IM"]}))
    assert err.value.field == "columns" and err.value.problem.startswith("missing required column(s) ['step2']")
