"""Property tests: the rules hold for every valid profile, not just the examples."""
import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stepguide as sg
from stepguide.classify import TREND_LABELS, VALUE_LABELS, trend_bucket
from stepguide.data import specialties
from stepguide.inputs import APPLICANTS, MONTHS, STAGES

settings.register_profile("stepguide", deadline=None, max_examples=100)
settings.load_profile("stepguide")  # no per-example deadline: CI machines are shared and slow at times

SPECIALTIES = list(specialties().index)
scores = st.integers(1, 300)
profiles = st.fixed_dictionaries({
    "step1": st.one_of(scores, st.sampled_from(["Pass", "Fail", "pass"])),
    "step2": st.one_of(scores, st.none()),
    "specialty": st.sampled_from(SPECIALTIES),
    "month": st.one_of(st.sampled_from(MONTHS), st.integers(1, 12)),
    "applicant": st.sampled_from(APPLICANTS),
    "stage": st.sampled_from(STAGES),
    "requires_step2": st.booleans(), "prior_fail": st.booleans(),
    "other_concerns": st.booleans(), "credible_reason": st.booleans(),
})


@given(profiles)
def test_every_valid_profile_gets_a_complete_assessment(kw):
    a = sg.assess(**kw)
    assert a.trend in (*TREND_LABELS, None) and a.value in (*VALUE_LABELS, None)
    assert a.reading in ("blip", "signal", "problem", None)
    assert a.email in ("targeted", "interviewed", "requires_step2", "none")
    assert (a.template is None) == (a.email == "none")
    assert a.template in (None, "E2", "E3", "E4", "E5", "E6")
    assert a.actions and a.trace
    assert (a.trend is None) == (kw["step2"] is None or isinstance(kw["step1"], str))
    assert (a.reading is not None) == (a.delta is not None and a.delta < 0)
    draft = sg.draft_email(a, name="Sam")
    assert draft.send == (a.template is not None)


@given(profiles, st.integers(1, 299))
def test_higher_step2_never_lowers_value(kw, step2):
    low = sg.assess(**{**kw, "step2": step2})
    high = sg.assess(**{**kw, "step2": step2 + 1})
    assert high.value_score >= low.value_score


@given(st.integers(-299, 299))
def test_trend_buckets_partition_every_delta(delta):
    label = trend_bucket(np.array([delta]))[0]
    assert label in TREND_LABELS
    expected = ("Down 10+" if delta <= -10 else "Down 5-9" if delta <= -5 else "Flat (±4)" if delta <= 4
                else "Up 5-14" if delta <= 14 else "Up 15+")
    assert label == expected


BAD_FIELDS = {
    "step1": st.one_of(st.integers(max_value=0), st.integers(min_value=301), st.sampled_from(["passed", "", None, 2.5, True])),
    "step2": st.one_of(st.integers(max_value=0), st.integers(min_value=301), st.sampled_from(["soon", 249.5, False])),
    "specialty": st.sampled_from(["Astrology", "", None, 3]),
    "month": st.one_of(st.integers(min_value=13), st.integers(max_value=0), st.sampled_from(["Smarch", "", None])),
    "applicant": st.sampled_from(["MD", "DO", "foreign", None]),
    "stage": st.sampled_from(["matched", "", None]),
    "requires_step2": st.sampled_from(["yes", 1, None]),
    "prior_fail": st.sampled_from(["no", 0]),
    "other_concerns": st.sampled_from(["true"]),
    "credible_reason": st.sampled_from([None]),
}


@given(profiles, st.sampled_from(sorted(BAD_FIELDS)), st.data())
def test_invalid_input_raises_value_error_naming_the_field(kw, field, data):
    bad = data.draw(BAD_FIELDS[field])
    with pytest.raises(ValueError) as err:
        sg.assess(**{**kw, field: bad})
    assert str(err.value).startswith(f"{field}:")


def _assert_frame_matches_scalar(rows):
    frame = sg.assess_frame(pd.DataFrame(rows))
    assert frame["error"].isna().all()
    for row, kw in zip(frame.itertuples(), rows):
        a = sg.assess(**kw)
        got = (row.trend, None if pd.isna(row.delta) else row.delta, row.value,
               None if pd.isna(row.value_score) else row.value_score, row.reading, row.email, row.template)
        assert got == (a.trend, a.delta, a.value, a.value_score, a.reading, a.email, a.template), kw


@settings(max_examples=40)
@given(st.lists(profiles, min_size=1, max_size=40))
def test_scalar_and_vectorized_agree(rows):
    _assert_frame_matches_scalar(rows)


def test_scalar_and_vectorized_agree_on_thousands():
    rng = random.Random(20261124)
    def pick_score():
        return rng.choice(["Pass", "Fail"]) if rng.random() < 0.2 else rng.randint(180, 280)
    rows = [{"step1": pick_score(), "step2": None if rng.random() < 0.1 else rng.randint(190, 290),
             "specialty": rng.choice(SPECIALTIES), "month": rng.choice(MONTHS),
             "applicant": rng.choice(APPLICANTS), "stage": rng.choice(STAGES),
             **{f: rng.random() < 0.5 for f in ("requires_step2", "prior_fail", "other_concerns", "credible_reason")}}
            for _ in range(3000)]
    _assert_frame_matches_scalar(rows)


def test_frame_reports_bad_rows_without_stopping():
    df = pd.DataFrame([
        {"step1": 228, "step2": 248, "specialty": "IM", "month": "Oct"},
        {"step1": 400, "step2": 248, "specialty": "IM", "month": "Oct"},
        {"step1": "Pass", "step2": None, "specialty": "Astrology", "month": "Oct"},
        {"step1": "Pass", "step2": 250, "specialty": "derm", "month": 11},
    ])
    out = sg.assess_frame(df)
    assert list(out["value"]) == ["Strong asset", None, None, "Strong asset"]
    assert out["error"][1].startswith("step1:") and out["error"][2].startswith("specialty:")
    assert out["error"][0] is None and out["error"][3] is None
    assert list(df.columns) == ["step1", "step2", "specialty", "month"]  # input untouched


def test_frame_needs_the_score_columns():
    with pytest.raises(ValueError, match="step2"):
        sg.assess_frame(pd.DataFrame({"step1": [230], "specialty": ["IM"]}))
