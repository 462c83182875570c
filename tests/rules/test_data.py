"""The data files equal the documents, and every inventory item has a home in data/."""
import re

import pytest

from data_tables import table_names
from stepguide.rules import words as vocabulary
from stepguide.rules.inputs import APPLICANTS, FAILED_EXAMS, FIELDS, FLAGS, MONTHS, STAGES
from stepguide.rules.scores import bands
from stepguide.rules.tables import Table, chart_values, int_fact, season, season_months, specialties, table

DOCUMENT_CHARTS = {  # the documents' values, typed in from the inventory
    "C1": [("Low Step 1, strong Step 2 CK", 90), ("Average Step 1, strong Step 2 CK", 70),
           ("Pass/Fail Step 1 era", 75), ("High Step 1, weak Step 2 CK", 30)],
    "C2": [("Jul", 90), ("Aug", 85), ("Sep", 60), ("Oct", 40), ("Nov", 20)],
    "C3": [("Strong asset", 5), ("Mild asset", 3), ("Neutral", 2), ("Mild liability", 1), ("Major liability", 0)],
    "C4": [("Sep", 80), ("Oct", 100), ("Nov", 70), ("Dec", 60), ("Jan", 40), ("Feb", 30)],
    "C5": [("Up 15+", 20), ("Up 5-14", 35), ("Flat (±4)", 25), ("Down 5-9", 15), ("Down 10+", 5)],
    "C6": [("Score-obsessed", 20), ("Balanced view", 50), ("Score-light but safe minimums", 30)],
}
INVENTORY_IDS = ([f"C{i}" for i in range(1, 7)] + [f"T{i}" for i in range(1, 5)] + [f"F{i}" for i in range(1, 5)]
                 + [f"R{i}" for i in range(1, 16)] + [f"L{i}" for i in range(1, 6)] + [f"E{i}" for i in range(1, 7)]
                 + ["S1", "Q1"])


@pytest.mark.parametrize("chart", sorted(DOCUMENT_CHARTS))
def test_chart_values_equal_the_documents(chart):
    rows = chart_values(chart)
    assert isinstance(rows, Table)
    assert list(zip(rows.col("label"), rows.col("value"), strict=True)) == DOCUMENT_CHARTS[chart]
    assert set(rows.col("source")) == {chart}
    assert set(rows[0]) >= {"chart", "order", "id", "label", "value"}
    ids = rows.col("id")
    assert len(set(ids)) == len(ids) and all(isinstance(i, str) and i for i in ids)


def test_chart_ids_are_the_rules_ids():  # charts highlight by the very ids the verdicts carry
    assert chart_values("C5").col("id") == table("trend_buckets").col("id")[::-1]  # C5 runs up -> down
    assert set(chart_values("C3").col("id")) == set(table("value_rules").col("value"))
    assert chart_values("C1").col("id") == ["low", "average", "pass_fail", "high_weak"]
    assert chart_values("C2").col("id") == chart_values("C2").col("label")  # months are their own ids
    assert chart_values("C4").col("id") == chart_values("C4").col("label")
    with pytest.raises(KeyError):
        chart_values("C9")


def test_every_inventory_id_appears_in_data():
    found = set()
    for name in table_names():
        for col in ("source", "list", "template", "rule", "chart", "flow"):
            for cell in table(name).col(col) if table(name) and col in table(name)[0] else ():
                if cell is not None:
                    found.update(re.findall(r"\b[CTFRLES]\d+\b|\bQ1\b", str(cell)))
    assert sorted(set(INVENTORY_IDS) - found) == []


@pytest.mark.parametrize("name", table_names())
def test_every_row_names_its_source(name):
    rows = table(name)
    assert rows, name
    assert "source" in rows[0], name
    assert all(r["source"] is not None and str(r["source"]).strip() for r in rows), name


KEYS = {"specialties": ("specialty",), "tiers": ("tier",), "season": ("month",), "exam_facts": ("key",),
        "chart_info": ("chart",), "flow_info": ("flow",), "wording": ("id",), "value_rules": ("id",),
        "helps_rules": ("id",), "email_decision": ("id",), "conflicts": ("id",), "examples": ("example",),
        "trend_buckets": ("id",), "charts": ("chart", "id"), "labels": ("group", "id"),
        "flow_nodes": ("flow", "node"), "email_templates": ("template", "part")}


@pytest.mark.parametrize("name", sorted(KEYS))
def test_keys_are_unique(name):  # Table.by keeps the last row of a repeated key: the data must not repeat one
    keys = [tuple(r[k] for k in KEYS[name]) for r in table(name)]
    assert len(keys) == len(set(keys)), [k for k in keys if keys.count(k) > 1]


def test_table_queries():
    t = table("tiers")
    assert isinstance(t, Table) and all(isinstance(r, dict) for r in t)
    assert t.where(tier="less").col("step2_bar") == [240]
    assert t.where(tier="nowhere") == ()
    assert set(t.by("tier")) == {"competitive", "moderate", "less"}
    assert t.sorted_by("step2_bar").col("tier") == ["less", "moderate", "competitive"]
    with pytest.raises(FileNotFoundError, match="nowhere"):
        table("nowhere")


def test_season_in_application_order():
    assert season_months() == ("Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun")
    assert set(season()) == set(MONTHS)
    assert season()["Oct"]["phase"] == "early" and season()["Feb"]["phase"] == "pre-rank"


def test_published_means_and_tiers():
    spec = specialties()
    assert isinstance(spec, dict) and all(name == row["specialty"] for name, row in spec.items())
    means = {"Dermatology": 257, "Orthopaedic Surgery": 257, "Diagnostic Radiology": 256, "Otolaryngology": 255,
             "Plastic Surgery": 255, "Neurological Surgery": 254, "General Surgery": 252, "Anesthesiology": 250,
             "Internal Medicine": 250, "Emergency Medicine": 249, "Obstetrics and Gynecology": 249,
             "Pediatrics": 247, "Psychiatry": 246, "Physical Medicine and Rehabilitation": 247}
    for name, mean in means.items():
        assert spec[name]["matched_mean_step2"] == mean
    assert {r["step2_mean_pub"] for r in spec.values()} == {"co2024_md"}  # one edition for the whole column
    assert sorted(n for n, r in spec.items() if r["matched_mean_step2"] is None) == [
        "Family Medicine", "Ophthalmology"]  # no 2024 mean reachable; SF Match, no NRMP mean
    assert "SF Match" in spec["Ophthalmology"]["step2_mean_gap"]
    assert dict(zip(table("tiers").col("tier"), table("tiers").col("step2_bar"), strict=True)) == {
        "competitive": 250, "moderate": 245, "less": 240}


# The derived reference points, worked out by hand from the tables (SD 15 for Step 2 CK, 19 for Step 1).
DERIVED = [  # specialty, tier label, bar, usual floor, Step 1 mean
    ("Internal Medicine", "Less competitive", 240, 250 - 15, 235),  # NRMP Charting Outcomes 2020
    ("Dermatology", "Competitive", 250, 257 - 15, 248),
    ("Emergency Medicine", "Moderately competitive", 245, 249 - 15, None),
    ("Family Medicine", "Less competitive", 240, 230, None),  # no published mean: the tier's fallback floor
    ("Ophthalmology", "Competitive", 250, 240, None),
]


@pytest.mark.parametrize("name,tier_label,bar,floor,step1_mean", DERIVED)
def test_derived_reference_points(name, tier_label, bar, floor, step1_mean):
    row = specialties()[name]
    assert (row["tier_label"], row["step2_bar"], row["usual_floor"]) == (tier_label, bar, floor)
    own = row["matched_mean_step1"]
    fallback = {r["tier"]: r["fallback_step1_mean"] for r in table("tiers")}[row["tier"]]
    assert row["step1_mean"] == (int(own) if own is not None else fallback)
    if step1_mean is not None:
        assert row["step1_mean"] == step1_mean
    assert row["step1_low"] == row["step1_mean"] - int_fact("step1_sd")
    assert row["usual_floor"] < row["step2_bar"]


def test_weight_rank_follows_t4():
    ranks = {r["weight"]: r["weight_rank"] for r in table("t4_specialty_weight")}
    spec = specialties()
    assert all(row["weight_rank"] == ranks[row["t4_weight"]] for row in spec.values())
    assert spec["Dermatology"]["weight_rank"] > spec["Emergency Medicine"]["weight_rank"] \
        > spec["Internal Medicine"]["weight_rank"] > spec["Family Medicine"]["weight_rank"]


def test_t4_weights():
    t4 = table("t4_specialty_weight")
    assert list(zip(t4.col("group"), t4.col("weight"), strict=True)) == [
        ("Dermatology", "Very high"), ("Ortho/Neurosurgery/ENT", "Very high"), ("EM/Surgery", "High"),
        ("IM/Anesthesiology", "Moderate-high"), ("Peds/FM/Psych", "Moderate")]
    spec = specialties()
    inferred = {n for n, r in spec.items() if r["weight_basis"] != "T4"}
    assert inferred == {"Plastic Surgery", "Ophthalmology", "Diagnostic Radiology",
                                   "Obstetrics and Gynecology", "Physical Medicine and Rehabilitation"}


def test_exam_and_cycle_facts():
    facts = {r["key"]: str(r["value"]) for r in table("exam_facts")}
    assert (facts["score_min"], facts["score_max"]) == ("1", "300")
    assert (facts["step2_passing_from_2022_07_01"], facts["step2_passing_from_2025_07_01"]) == ("214", "218")
    assert facts["step1_pass_fail_from"] == "2022-01-26"
    assert (facts["step2_national_mean_low"], facts["step2_national_mean_high"]) == ("249", "251")
    assert (facts["step2_sd"], facts["sem"], facts["step1_sd"]) == ("15", "6", "19")
    assert "step2_passing_current" not in facts  # the standard follows the exam date (inputs.step2_exam)
    assert facts["step2_passing_change_date"] == "2025-07-01"
    assert not {"cycle", "eras_programs_open", "rank_list_deadline", "match_day"} & set(facts)  # in cycles.csv now


def test_cycle_facts():
    cycles = table("cycles")
    got = {(r["cycle"], r["key"]): (r["value"], r["confirmed"]) for r in cycles}
    assert len(got) == len(cycles)  # one row per cycle and key
    assert got["2025-26", "eras_programs_open"] == ("2025-09-24", "yes")  # AAMC ERAS timeline, 2026 season
    assert got["2025-26", "match_day"] == ("2026-03-20", "yes")  # NRMP press release, 9 March 2026
    assert got["2026-27", "match_day"] == ("2027-03-19", "no")  # the third Friday of March, not yet published
    keys = {"starts", "eras_opens", "eras_submit", "eras_programs_open", "interviews", "rank_deadline", "match_day"}
    for name in set(cycles.col("cycle")):
        assert {k for c, k in got if c == name} == keys, name
    assert all(r["source"] and str(r["url"]).startswith("https://") and r["confirmed"] in ("yes", "no")
               for r in cycles)


def test_bands_explain_themselves():
    assert min(len(r["reason"]) for r in table("score_bands")) > 30


@pytest.mark.parametrize("specialty", sorted(specialties()))
@pytest.mark.parametrize("measure", ["step1", "step2"])
def test_bands_cover_every_score_once(measure, specialty):  # per specialty: no gaps, no overlap
    lo, hi = int_fact("score_min"), int_fact("score_max")
    found = [[b.band for b in bands(measure, specialty) if b.holds(score)] for score in range(lo, hi + 1)]
    assert all(len(f) == 1 for f in found), specialty


def test_step1_bands_for_internal_medicine():  # mean 235 (CO 2020), one SD 19: low under 216, average 216-234
    edges = {b.band: (b.lo, b.hi) for b in bands("step1", "Internal Medicine")}
    assert edges == {"low": (None, 215), "average": (216, 234), "high": (235, None)}


def test_flows_are_connected_graphs():
    nodes, edges = table("flow_nodes"), table("flow_edges")
    for flow in sorted(set(nodes.col("flow"))):
        group = nodes.where(flow=flow)
        ids = set(group.col("node"))
        e = edges.where(flow=flow)
        assert set(e.col("src")) | set(e.col("dst")) == ids, flow
        assert len(group.where(kind="start")) == 1


# ---------------------------------------------------------------- one vocabulary (labels.csv)

VOCABULARY = {  # group -> the ids the code uses, in the order the page offers them
    "applicant": APPLICANTS, "stage": STAGES, "failed_exam": FAILED_EXAMS, "step1_mode": ("Score", "Pass", "Fail"),
    "reading": ("blip", "signal", "problem"), "card": ("trend", "value", "reading", "email"),
}


@pytest.mark.parametrize("group", sorted(VOCABULARY))
def test_every_option_has_one_label(group):
    assert vocabulary.ids(group) == tuple(VOCABULARY[group])
    assert [key for _, key in vocabulary.options(group)] == list(VOCABULARY[group])
    assert all(vocabulary.label(group, key) for key in VOCABULARY[group])


def test_email_labels_cover_every_decision():
    decisions = set(table("email_decision").col("email"))
    assert decisions == set(vocabulary.ids("email")) == {"none", "targeted", "interviewed", "requires_step2",
                                                         "context"}
    assert vocabulary.label("email", "none").startswith("Don't email")


def test_every_input_has_a_label():
    for field in FIELDS:
        assert vocabulary.label("field", field)
    assert set(FLAGS) <= set(vocabulary.ids("field"))
    assert vocabulary.hint("field", "specialty") and vocabulary.hint("field", "step1") == ""
    with pytest.raises(KeyError):
        vocabulary.label("field", "prior_fail")  # retired input: no label left behind
