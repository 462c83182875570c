"""Table-driven tests for each rule, at its public seam (``assess``, the band lookups, the tables).

The case book (test_casebook.py) checks whole situations against the articles; these
pin the edges of each rule and prove every row of every decision table is reachable.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import stepguide as sg
from casebook_cases import CASES, case_kwargs
from stepguide.rules.classify import classify
from stepguide.rules.inputs import make_profile
from stepguide.rules.scores import band_of, trend_of
from stepguide.rules.tables import specialties, table

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("delta, bucket", [(-30, "down10"), (-10, "down10"), (-9, "down5"), (-5, "down5"),
                                           (-4, "flat"), (0, "flat"), (4, "flat"), (5, "up5"), (14, "up5"),
                                           (15, "up15"), (40, "up15"), (None, None)])
def test_r1_trend_bucket_edges(delta, bucket):
    assert trend_of(delta) == bucket


@pytest.mark.parametrize("specialty, score, band", [
    ("Internal Medicine", 205, "low"), ("Internal Medicine", 215, "low"), ("Internal Medicine", 216, "average"),
    ("Internal Medicine", 228, "average"), ("Internal Medicine", 234, "average"), ("Internal Medicine", 235, "high"),
    ("Dermatology", 228, "low"), ("Dermatology", 229, "average"), ("Dermatology", 238, "average"),
    ("Dermatology", 248, "high"), ("Family Medicine", 215, "average"), ("Ophthalmology", 247, "average"),
])
def test_r2_step1_bands_are_per_specialty(specialty, score, band):
    assert band_of("step1", score, specialty).band == band


@pytest.mark.parametrize("specialty, score, band", [
    ("Internal Medicine", 217, "fail"), ("Internal Medicine", 218, "below"), ("Internal Medicine", 234, "below"),
    ("Internal Medicine", 235, "range"), ("Internal Medicine", 239, "range"), ("Internal Medicine", 240, "bar"),
    ("Dermatology", 241, "below"), ("Dermatology", 242, "range"), ("Dermatology", 250, "bar"),
    ("Emergency Medicine", 244, "range"), ("Emergency Medicine", 245, "bar"), ("Family Medicine", 229, "below"),
    ("Family Medicine", 230, "range"),
])
def test_r2_r4_step2_bands_are_per_specialty(specialty, score, band):
    assert band_of("step2", score, specialty).band == band


@pytest.mark.parametrize("specialty, bar", [("Dermatology", 250), ("Ophthalmology", 250), ("Plastic Surgery", 250),
                                            ("Emergency Medicine", 245), ("Diagnostic Radiology", 245),
                                            ("Internal Medicine", 240), ("Pediatrics", 240)])
def test_r2_tier_bar(specialty, bar):
    assert sg.assess(step1="Pass", step2=250, specialty=specialty).step2_bar == bar


def test_usual_range_sits_below_the_bar_for_every_specialty():
    for name, spec in specialties().items():
        assert spec["usual_floor"] < spec["step2_bar"], name
        assert spec["step1_low"] < spec["step1_mean"], name


@pytest.mark.parametrize("month, phase", [("Jul", "pre-season"), ("Aug", "pre-season"), ("Sep", "early"),
                                          ("Nov", "early"), ("Dec", "late"), ("Jan", "late"), ("Feb", "pre-rank"),
                                          ("Mar", "after-rank"), ("May", "off-season")])
def test_r6_season_phase(month, phase):
    assert sg.assess(step1=228, step2=248, specialty="IM", month=month).phase == phase


def test_r14_a_pending_score_gets_no_verdicts_and_no_drop_flow():
    a = sg.assess(step1=240, step2=None, specialty="IM")
    assert (a.trend, a.value, a.reading, a.helps) == (None, None, None, "pending")
    assert not a.paths["F2"].nodes and a.paths["F2"].note


@pytest.mark.parametrize("table_name, key", [("value_rules", "value_rule"), ("helps_rules", "helps_rule"),
                                             ("email_decision", "email_rule")])
def test_every_row_of_every_decision_table_is_reached_by_the_case_book(table_name, key):
    fired = {getattr(classify(make_profile(**case_kwargs(c))), key) for c in CASES}
    unreached = [r["id"] for r in table(table_name) if r["id"] not in fired]
    assert not unreached, f"{table_name}.csv rows no case reaches (add a case or drop the row): {unreached}"


def test_every_template_and_part_is_reached_by_the_case_book():
    used = {(v.template, v.template_part) for v in (classify(make_profile(**case_kwargs(c))) for c in CASES)}
    rows = {(r["template"], r["part"]) for r in table("email_templates")}
    assert rows <= used, f"templates no case uses: {sorted(rows - used)}"


def test_every_conflict_is_shown_by_some_case():
    shown = {d for c in CASES for d in classify(make_profile(**case_kwargs(c))).conflicts}
    assert set(table("conflicts").col("id")) <= shown


@pytest.mark.parametrize("kw", [case_kwargs(c) for c in CASES[::3]])
def test_every_reason_is_filled_in_and_names_its_rule(kw):
    a = sg.assess(**kw)
    for item in a.trace + tuple(a.actions):
        text = item.reason if hasattr(item, "reason") else item.text
        assert "{" not in text and "}" not in text, text
    assert all(re.fullmatch(r"[A-Z]\d{1,2}", t.rule) for t in a.trace)


def test_why_list_names_which_r8_reason_applied():
    late = sg.assess(step1=228, step2=236, specialty="IM", month="Nov")
    assert late.verdict.helps_rule == "late_rise"
    assert any("late" in t.reason and t.topic == "helps" for t in late.trace)


def test_prior_fail_is_retired_with_a_message_naming_failed_exam():
    with pytest.raises(ValueError, match=r"^failed_exam:"):
        sg.assess(step1=230, step2=240, specialty="IM", prior_fail=True)


def test_assessment_is_immutable_and_serialisable() -> None:
    a = sg.assess(step1=250, step2=230, specialty="derm", credible_reason=True)
    with pytest.raises(AttributeError):
        a.profile = None  # type: ignore[misc, assignment]
    json.dumps(a.to_dict())
    assert a.to_dict()["differences"] == [] or isinstance(a.to_dict()["differences"][0], dict)
