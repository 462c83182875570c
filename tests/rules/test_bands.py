"""The band table a reader sees: numbers for every fuzzy word, per specialty, and the reader's own bands marked."""
import pytest

import stepguide as sg
from stepguide.rules.bands import MEASURES, band_rows
from stepguide.rules.scores import bands


def _label(measure: str, band_id: str, specialty: str) -> tuple[str, str]:
    """(measure words, band words) of one band id, as the table shows them."""
    (b,) = [b for b in bands(measure, specialty) if b.band == band_id]
    return MEASURES[measure], b.label


def _yours(a):
    return {(r.measure, r.band) for r in band_rows(a) if r.yours}


@pytest.mark.parametrize("kw,expected", [  # expected band ids per measure
    (dict(step1=205, step2=245, specialty="IM"), [("step1", "low"), ("step2", "bar"), ("delta", "big_jump")]),
    (dict(step1=228, step2=236, specialty="IM"), [("step1", "average"), ("step2", "range")]),
    (dict(step1=250, step2=230, specialty="IM"), [("step1", "high"), ("step2", "below")]),
    # IM's mean is 235 (CO 2020)
    (dict(step1=235, step2=238, specialty="IM"), [("step1", "high"), ("step2", "range"), ("delta", "similar")]),
    (dict(step1=234, step2=238, specialty="IM"), [("step1", "average"), ("step2", "range")]),  # one under it: not solid
    (dict(step1=235, step2=238, specialty="derm"), [("step1", "average"), ("step2", "below")]),  # same, for derm
    (dict(step1=225, step2=238, specialty="derm"), [("step1", "low"), ("step2", "below")]),  # derm: mean 248
    (dict(step1="Pass", step2=255, specialty="derm"), [("step2", "bar"), ("step2_r8", "very_high")]),
    (dict(step1="Pass", step2=210, specialty="IM"), [("step2", "fail")]),
    (dict(step1=230, step2=None, specialty="IM"), [("step1", "average")]),
])
def test_your_bands_are_marked(kw, expected):
    a = sg.assess(**kw)
    assert _yours(a) == {_label(m, b, a.profile.specialty) for m, b in expected}


@pytest.mark.parametrize("kw", [dict(step1=205, step2=245, specialty="IM"), dict(step1=250, step2=230, specialty="EM"),
                                dict(step1="Pass", step2=262, specialty="ortho"), dict(step1=231, step2=None,
                                                                                       specialty="FM")])
def test_marks_agree_with_the_verdict(kw):  # the table reads the verdict's bands, it never decides them
    a = sg.assess(**kw)
    v = a.verdict
    very_high = _label("step2_r8", "very_high", a.profile.specialty)
    marked = {r.measure: r.band for r in band_rows(a) if r.yours and (r.measure, r.band) != very_high}
    if v.step1_band:
        assert marked[MEASURES["step1"]] == _label("step1", v.step1_band, a.profile.specialty)[1]
    if v.step2_band:
        assert marked[MEASURES["step2"]] == _label("step2", v.step2_band, a.profile.specialty)[1]
    assert (MEASURES["delta"] in marked) == (v.big_jump or v.similar)


def test_every_band_has_numbers_and_a_reason():
    a = sg.assess(step1="Pass", step2=None, specialty="IM")  # nothing numeric yet: no band is yours
    rows = band_rows(a)
    assert len(rows) == 10 and not any(r.yours for r in rows)
    assert all(any(ch.isdigit() for ch in r.range) and len(r.reason) > 30 for r in rows)
    # Internal Medicine: matched Step 1 mean 235 (CO 2020), one SD 19; Step 2 CK mean 250 (CO 2024) - 15 = 235,
    # bar 240, passing 218.
    assert [r.range for r in rows if r.measure == "Step 1"] == ["215 or less", "216–234", "235 or more"]
    assert [r.range for r in rows if r.measure == "Step 2 CK"] == ["217 or less", "218–234", "235–239",
                                                                   "240 or more", "250 or more"]
    assert [r.range for r in rows if r.measure == "Step 2 CK minus Step 1"] == ["+20 or more", "−4 to +9"]


def test_numbers_follow_the_specialty():
    a = sg.assess(step1=234, step2=238, specialty="IM")
    derm = band_rows(a, "Dermatology")
    assert [r.range for r in derm if r.measure == "Step 1"] == ["228 or less", "229–247", "248 or more"]
    assert [r.range for r in derm if r.measure == "Step 2 CK"][1:4] == ["218–241", "242–249", "250 or more"]
    assert not any(r.yours for r in derm)  # "yours" belongs to the reader's own specialty only
