"""The band table a reader sees: numbers for every fuzzy word, and the reader's own bands marked."""
import pytest

import stepguide as sg
from stepguide.bands import band_rows


def _yours(**kw):
    return {(r.measure, r.band) for r in band_rows(sg.assess(**kw)) if r.yours}


@pytest.mark.parametrize("kw,expected", [
    (dict(step1=205, step2=245, specialty="IM"), {("Step 1", "low"), ("Step 2 CK", "strong"),
                                                  ("Step 2 CK minus Step 1", "big jump")}),
    (dict(step1=228, step2=236, specialty="IM"), {("Step 1", "average"), ("Step 2 CK", "weak")}),
    (dict(step1=250, step2=230, specialty="IM"), {("Step 1", "high"), ("Step 2 CK", "weak"),
                                                  ("Step 2 CK", "below usual range")}),
    (dict(step1="Pass", step2=255, specialty="derm"), {("Step 2 CK", "strong"), ("Step 2 CK", "very high")}),
    (dict(step1="Pass", step2=210, specialty="IM"), {("Step 2 CK", "fail"), ("Step 2 CK", "weak"),
                                                     ("Step 2 CK", "below usual range")}),
    (dict(step1=230, step2=None, specialty="IM"), {("Step 1", "average")}),
])
def test_your_bands_are_marked(kw, expected):
    assert _yours(**kw) == expected


def test_every_band_has_numbers_and_a_reason():
    rows = band_rows()
    assert len(rows) == 9 and not any(r.yours for r in rows)
    assert all(any(ch.isdigit() for ch in r.range) and len(r.reason) > 30 for r in rows)
    assert [r.range for r in rows if r.measure == "Step 1"] == ["1–214", "215–234", "235–300"]
