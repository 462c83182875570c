"""The adviser's cohort view: a CSV of students through the same rules, bad rows named, not fatal."""
import datetime

import pytest

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


def test_rows_are_judged_and_bad_rows_say_why():
    f = read_cohort_csv(CSV.encode())
    assert list(f["value"][:3]) == ["Strong asset", "Major liability", None]
    assert list(f["email"][:3]) == ["targeted", "none", "requires_step2"]
    assert f["error"][3].startswith("step1:") and f["error"][4].startswith("specialty:")
    counts = verdict_counts(f)
    assert counts["email"].to_dict() == {"targeted": 1, "none": 1, "requires_step2": 1}


@pytest.mark.parametrize("text,fragment", [("step1,oops\n1,2\n", "unknown column"), ("", "not a readable CSV")])
def test_unusable_files_raise_a_named_error(text, fragment):
    with pytest.raises(ValueError, match=fragment) as err:
        read_cohort_csv(text)
    assert str(err.value).startswith("file:")


def test_trend_shares_and_figure_follow_the_data():
    f = read_cohort_csv(examples_csv())
    assert f["error"].isna().all() and len(f) == len(examples())
    shares = trend_shares(f)
    assert list(shares) == list(chart_values("C5")["label"]) and abs(sum(shares.values()) - 100) < 0.5
    spec = charts.cohort_c5_figure(shares, 11)
    assert spec["data"][0]["y"] == chart_values("C5")["value"].tolist()
    assert spec["data"][1]["y"] == list(shares.values())


def test_upload_updates_the_view_and_escapes_cells():
    box = guide.cohort()
    upload, message, view, body = box.children[1].children[0], box.children[2], box.children[3], box.children[4]
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
