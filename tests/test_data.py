"""The data files equal the documents, and every inventory item has a home in data/."""
import re

import pytest

from stepguide.data import chart_values, specialties, table, table_names

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
    assert list(zip(rows["label"], rows["value"])) == DOCUMENT_CHARTS[chart]
    assert set(rows["source"]) == {chart}


def test_every_inventory_id_appears_in_data():
    found = set()
    for name in table_names():
        for col in ("source", "list", "template", "rule", "chart", "flow"):
            if col in table(name).columns:
                for cell in table(name)[col].dropna().astype(str):
                    found.update(re.findall(r"\b[CTFRLES]\d+\b|\bQ1\b", cell))
    assert sorted(set(INVENTORY_IDS) - found) == []


@pytest.mark.parametrize("name", table_names())
def test_every_row_names_its_source(name):
    rows = table(name)
    assert "source" in rows.columns, name
    assert rows["source"].notna().all() and (rows["source"].astype(str).str.strip() != "").all()


def test_published_means_and_tiers():
    spec = specialties()
    means = {"Dermatology": 257, "Orthopaedic Surgery": 257, "Diagnostic Radiology": 256, "Otolaryngology": 255,
             "Plastic Surgery": 255, "Neurological Surgery": 254, "General Surgery": 252, "Anesthesiology": 250,
             "Internal Medicine": 250, "Emergency Medicine": 249, "Obstetrics and Gynecology": 249,
             "Pediatrics": 247, "Psychiatry": 246}
    for name, mean in means.items():
        assert spec.loc[name, "matched_mean_step2"] == mean
    assert spec["matched_mean_step2"].isna().sum() == 3  # ophthalmology (SF Match), FM and PM&R
    assert "SF Match" in spec.loc["Ophthalmology", "mean_source"]
    assert dict(zip(table("tiers")["tier"], table("tiers")["step2_bar"])) == {
        "competitive": 250, "moderate": 245, "less": 240}


def test_t4_weights():
    t4 = table("t4_specialty_weight")
    assert list(zip(t4["group"], t4["weight"])) == [
        ("Dermatology", "Very high"), ("Ortho/Neurosurgery/ENT", "Very high"), ("EM/Surgery", "High"),
        ("IM/Anesthesiology", "Moderate-high"), ("Peds/FM/Psych", "Moderate")]
    spec = specialties()
    inferred = spec[spec["weight_basis"] != "T4"]
    assert set(inferred.index) == {"Plastic Surgery", "Ophthalmology", "Diagnostic Radiology",
                                   "Obstetrics and Gynecology", "Physical Medicine and Rehabilitation"}


def test_exam_and_cycle_facts():
    facts = dict(zip(table("exam_facts")["key"], table("exam_facts")["value"].astype(str)))
    assert (facts["score_min"], facts["score_max"]) == ("1", "300")
    assert (facts["step2_passing_from_2022_07_01"], facts["step2_passing_from_2025_07_01"]) == ("214", "218")
    assert facts["step1_pass_fail_from"] == "2022-01-26"
    assert (facts["step2_national_mean_low"], facts["step2_national_mean_high"]) == ("249", "251")
    assert (facts["step2_sd"], facts["sem"]) == ("15", "6")
    assert (facts["eras_programs_open"], facts["match_day"]) == ("2025-09-24", "2026-03-20")


def test_bands_explain_themselves():
    bands = table("score_bands")
    assert bands["reason"].str.len().min() > 30
    step1 = bands[bands["measure"] == "step1"].sort_values("lo")
    assert list(zip(step1["lo"], step1["hi"])) == [(1, 214), (215, 234), (235, 300)]  # no gaps, no overlap


def test_flows_are_connected_graphs():
    nodes, edges = table("flow_nodes"), table("flow_edges")
    for flow, group in nodes.groupby("flow"):
        ids = set(group["node"])
        e = edges[edges["flow"] == flow]
        assert set(e["src"]) | set(e["dst"]) == ids, flow
        assert (group["kind"] == "start").sum() == 1
