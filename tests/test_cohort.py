"""The adviser's cohort view: a CSV of students through the same rules, bad rows named, not fatal."""
import datetime

import pytest

import stepguide as sg
from stepguide import charts, guide
from stepguide.cohort import examples_csv, read_cohort_csv, trend_shares, verdict_counts
from stepguide.data import chart_values, examples

NOW = datetime.datetime(2026, 11, 24, tzinfo=datetime.timezone.utc)
CSV = """step1,step2,specialty,month,stage,requires_step2
228,248,IM,Oct,before invites,false
245,224,IM,Dec,interviewed,FALSE
Pass,,peds,Jan,interviewed,true
400,250,IM,Oct,before invites,false
250,252,<script>alert(1)</script>,Oct,before invites,false
"""
GOOD = [dict(step1=228, step2=248, specialty="IM", month="Oct", stage="before invites", requires_step2=False),
        dict(step1=245, step2=224, specialty="IM", month="Dec", stage="interviewed", requires_step2=False),
        dict(step1="Pass", step2=None, specialty="peds", month="Jan", stage="interviewed", requires_step2=True)]
NEW_COLUMNS = """step1,step2,specialty,month,stage,failed_exam,listed_planned,credible_reason
Pass,242,IM,Dec,interviewed,step2,false,false
240,210,IM,Dec,interviewed,none,false,true
228,240,IM,Oct,before invites,,true,false
230,240,IM,Oct,before invites,step3,false,false
230,240,IM,Oct,before invites,none,maybe,false
"""


def test_rows_are_judged_and_bad_rows_say_why():
    f = read_cohort_csv(CSV.encode())
    expected = [sg.assess(**kw) for kw in GOOD]  # one engine: each row is what assess says for that person
    assert list(f["value"][:3]) == [a.value for a in expected] == ["strong", "major_liability", None]
    assert list(f["trend"][:3]) == [a.trend for a in expected] == ["up15", "down10", None]
    assert list(f["reading"][:3]) == [a.reading for a in expected]
    assert list(f["email"][:3]) == [a.email for a in expected] == ["targeted", "none", "requires_step2"]
    assert list(f["template"][:3]) == [a.template for a in expected]
    assert f["error"][:3].isna().all()
    assert f["error"][3].startswith("step1:") and f["error"][4].startswith("specialty:")
    assert f.loc[3:, "value"].isna().all() and f.loc[3:, "email"].isna().all()
    counts = verdict_counts(f)
    assert counts["email"].to_dict() == {"targeted": 1, "none": 1, "requires_step2": 1}
    assert counts["value"].to_dict() == {"strong": 1, "major_liability": 1, "—": 1}


def test_new_input_columns_are_read():
    f = read_cohort_csv(NEW_COLUMNS)
    retake = sg.assess(step1="Pass", step2=242, specialty="IM", month="Dec", stage="interviewed", failed_exam="step2")
    context = sg.assess(step1=240, step2=210, specialty="IM", month="Dec", stage="interviewed", credible_reason=True)
    planned = sg.assess(step1=228, step2=240, specialty="IM", month="Oct", listed_planned=True)
    assert list(f["template"][:3]) == [retake.template, context.template, planned.template]
    assert list(f["email"][:3]) == [retake.email, context.email, planned.email]
    assert (retake.email, context.email) == ("interviewed", "context")
    assert f["error"][3].startswith("failed_exam:") and f["error"][4].startswith("listed_planned:")


def test_prior_fail_column_is_refused_with_the_new_name():
    with pytest.raises(ValueError, match="prior_fail") as err:
        read_cohort_csv("step1,step2,specialty,prior_fail\n230,240,IM,true\n")
    assert "failed_exam" in str(err.value)


@pytest.mark.parametrize("text,fragment", [("step1,oops\n1,2\n", "unknown column"), ("", "not a readable CSV")])
def test_unusable_files_raise_a_named_error(text, fragment):
    with pytest.raises(ValueError, match=fragment) as err:
        read_cohort_csv(text)
    assert str(err.value).startswith("file:")


def test_trend_shares_and_figure_follow_the_data():
    f = read_cohort_csv(examples_csv())
    assert f["error"].isna().all() and len(f) == len(examples())
    shares = trend_shares(f)
    assert list(shares) == chart_values("C5").col("id") and abs(sum(shares.values()) - 100) < 0.5
    trends = [sg.assess(**kw).trend for _, kw in examples().values()]
    numeric = [t for t in trends if t is not None]
    for key, share in shares.items():
        assert share == round(100 * numeric.count(key) / len(numeric), 1), key
    n = len(numeric)
    spec = charts.cohort_c5_figure(shares, n)
    assert spec["data"][0]["x"] == chart_values("C5").col("label")
    assert spec["data"][0]["y"] == chart_values("C5").col("value")
    assert spec["data"][1]["y"] == list(shares.values())
    assert spec["layout"]["meta"]["n"] == n


def _descendants(widget):
    for child in getattr(widget, "children", ()):
        yield child
        yield from _descendants(child)


def test_examples_button_shows_the_articles_room():
    box = guide.cohort("step1,step2,specialty\n228,248,IM\n")
    assert "1 rows: 1 assessed" in box.body.value
    box.examples_button.click()
    n = len(examples())
    assert f"{n} rows: {n} assessed, 0 with an error" in box.body.value


def test_upload_updates_the_view_and_escapes_cells():
    box = guide.cohort()
    upload, message, view, body = box.upload, box.message, box.view, box.body
    assert {upload, message, view, body} <= set(_descendants(box))  # the public parts are the ones shown
    data = CSV.encode()
    upload.value = ({"name": "room.csv", "type": "text/csv", "size": len(data), "content": memoryview(data),
                     "last_modified": NOW},)
    assert "5 rows: 3 assessed, 2 with an error" in body.value
    assert "<script>" not in body.value and "&lt;script&gt;" in body.value
    assert view.figure["layout"]["meta"]["n"] == 2 and message.value == ""
    bad = b"step1,oops\n1,2\n"
    upload.value = ({"name": "bad.csv", "type": "text/csv", "size": len(bad), "content": memoryview(bad),
                     "last_modified": NOW},)
    assert "Please check the file" in message.value and "oops" in message.value
