"""Figure specs (issue "Figures"): exact numbers from data/, the person placed on each chart, small JSON."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stepguide as sg
from stepguide import charts
from stepguide.rules.flows import FLOWS, flow_edges, flow_nodes, path_edges
from stepguide.rules.inputs import APPLICANTS, FAILED_EXAMS, FLAGS, MONTHS, STAGES
from stepguide.rules.tables import DATA_DIR, chart_info, int_fact, specialties

HL = charts.PALETTE["highlight"]


def _csv_rows(chart: str) -> list[tuple[str, int]]:
    """charts.csv read straight from disk, independent of stepguide.rules.tables."""
    return [(label, value) for _, label, value in _csv_items(chart)]


def _csv_items(chart: str) -> list[tuple[str, str, int]]:
    """(id, label, value) of one chart from charts.csv on disk, in the document's order."""
    with open(DATA_DIR / "charts.csv", newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["chart"] == chart]
    rows.sort(key=lambda r: int(r["order"]))
    return [(r["id"], r["label"], int(r["value"])) for r in rows]


def _labels_values(spec: dict) -> tuple[list, list]:
    trace = spec["data"][0]
    if trace.get("orientation") == "h":
        return trace["y"], trace["x"]
    return trace["x"], trace["y"]


def _highlighted(spec: dict) -> list[int]:
    """The items drawn as yours: dots and line points in the highlight colour, bars under a "yours" mark."""
    colours = spec["data"][0]["marker"]["color"]
    if isinstance(colours, list):
        return [i for i, c in enumerate(colours) if c == HL]
    labels, _ = _labels_values(spec)
    cat = "y" if spec["data"][0].get("orientation") == "h" else "x"
    return [labels.index(s[f"{cat}0"]) for s in spec["layout"]["shapes"] if s.get("name") == "yours"]


def _annotations(spec: dict, name: str) -> list[dict]:
    return [a for a in spec["layout"]["annotations"] if a.get("name") == name]


# ---------------------------------------------------------------- C1-C6: exact data, document order

@pytest.mark.parametrize("chart", charts.CHARTS)
def test_chart_values_equal_charts_csv_in_order(chart):  # C1-C6
    labels, values = _labels_values(charts.chart_figure(chart))
    assert list(zip(labels, values, strict=True)) == _csv_rows(chart)


@pytest.mark.parametrize("chart", charts.CHARTS)
def test_chart_says_where_numbers_come_from(chart):
    spec = charts.chart_figure(chart)
    info = chart_info(chart)
    assert spec["layout"]["title"]["text"] == info["title"]
    assert spec["layout"]["meta"]["chart"] == chart
    assert spec["layout"]["meta"]["source"] == info["caption"]
    source = _annotations(spec, "source")
    assert len(source) == 1 and info["caption"].split()[0] in source[0]["text"]


@pytest.mark.parametrize("chart", ["C1", "C6"])
def test_horizontal_charts_keep_document_order_top_down(chart):
    spec = charts.chart_figure(chart)
    assert spec["data"][0]["orientation"] == "h"
    labels, _ = _labels_values(spec)
    assert spec["layout"]["yaxis"]["range"] == [len(labels) - 0.5, -0.5]  # reversed: the first row on top


# ---------------------------------------------------------------- "You are here"

HIGHLIGHT_CASES = [(chart, i, key, label) for chart in charts.CHARTS
                   for i, (key, label, _) in enumerate(_csv_items(chart))]


@pytest.mark.parametrize("chart,index,key,label", HIGHLIGHT_CASES)
def test_highlight_lands_on_the_right_bar(chart, index, key, label):
    spec = charts.chart_figure(chart, key)  # charts highlight by stable id, show the label
    assert _highlighted(spec) == [index]
    assert spec["layout"]["meta"]["highlight"] == label
    assert spec["layout"]["meta"]["highlight_id"] == key
    here = _annotations(spec, "you-are-here")
    assert len(here) == 1 and here[0]["text"] == charts.YOU_ARE_HERE
    labels, values = _labels_values(spec)
    point = (here[0]["y"], here[0]["x"]) if spec["data"][0].get("orientation") == "h" else (here[0]["x"], here[0]["y"])
    assert point == (labels[index], values[index])
    assert not _annotations(spec, "note")


@pytest.mark.parametrize("chart,month", [("C2", m) for m in ("Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun")]
                         + [("C4", m) for m in ("Mar", "Apr", "May", "Jun", "Jul", "Aug")])
def test_month_outside_chart_highlights_nothing_and_says_so(chart, month):  # C2 Jul-Nov, C4 Sep-Feb
    spec = charts.chart_figure(chart, month)
    assert _highlighted(spec) == []
    assert spec["layout"]["meta"]["highlight"] is None
    assert not _annotations(spec, "you-are-here")
    (note,) = _annotations(spec, "note")
    labels, _ = _labels_values(spec)
    assert month in note["text"] and labels[0] in note["text"] and labels[-1] in note["text"]


@pytest.mark.parametrize("chart,label", [("C5", "Up 15+"), ("C3", "Neutral"), ("C1", "Pass/Fail Step 1 era")])
def test_a_label_is_not_an_id(chart, label):  # code keys on ids: a display label highlights nothing
    spec = charts.chart_figure(chart, label)
    assert _highlighted(spec) == [] and spec["layout"]["meta"]["highlight_id"] is None
    assert _annotations(spec, "note")


def test_no_highlight_no_note():
    for chart in charts.CHARTS:
        spec = charts.chart_figure(chart)
        assert _highlighted(spec) == [] and not _annotations(spec, "note")


def test_named_builders_match_chart_figure():
    assert charts.c1_figure("pass_fail") == charts.chart_figure("C1", "pass_fail")
    assert charts.c2_figure("Aug") == charts.chart_figure("C2", "Aug")
    assert charts.c3_figure("neutral") == charts.chart_figure("C3", "neutral")
    assert charts.c4_figure("Oct") == charts.chart_figure("C4", "Oct")
    assert charts.c5_figure("down5") == charts.chart_figure("C5", "down5")
    assert charts.c5_figure("down5")["layout"]["meta"]["highlight"] == "Down 5-9"
    assert charts.c6_figure() == charts.chart_figure("C6")


# ---------------------------------------------------------------- the documents' worked examples

EXAMPLES: dict[str, dict[str, Any]] = {
    "205->245 redemption": dict(step1=205, step2=245, specialty="IM"),
    "220->238": dict(step1=220, step2=238, specialty="IM", month="Nov"),
    "228->248 IM Oct": dict(step1=228, step2=248, specialty="IM", month="Oct"),
    "245->224 IM": dict(step1=245, step2=224, specialty="IM", month="Dec", stage="interviewed"),
    "250->230": dict(step1=250, step2=230, specialty="EM", requires_step2=True, stage="on hold", month="Jan"),
    "252->245 derm": dict(step1=252, step2=245, specialty="derm", month="Sep"),
    "Pass 252": dict(step1="Pass", step2=252, specialty="ortho", month="Aug"),
    "IMG 250": dict(step1=232, step2=250, specialty="IM", applicant="IMG", month="Oct"),
    "pending": dict(step1=230, step2=None, specialty="IM", month="Jan", stage="interviewed", requires_step2=True),
    "after a drop, problem": dict(step1=240, step2=228, specialty="Psych", other_concerns=True),
    "fail": dict(step1=230, step2=210, specialty="FM"),
    "252->249 dip": dict(step1=252, step2=249, specialty="IM", month="Oct"),
    "retake": dict(step1=230, step2=236, specialty="FM", failed_exam="step2", month="Nov"),
    "listed planned": dict(step1=228, step2=240, specialty="IM", month="Oct", listed_planned=True),
    "drop with a reason": dict(step1=250, step2=232, specialty="EM", credible_reason=True),
}
EXAMPLES.update({f"228->248 in {m}": dict(step1=228, step2=248, specialty="IM", month=m) for m in MONTHS})
EXAMPLES.update({f"after rank lists in {m}": dict(step1=228, step2=248, specialty="IM", month=m,
                                                   stage="after rank lists") for m in ("Feb", "Mar")})


def _lit_nodes(spec: dict) -> set[str]:
    nodes = set(flow_nodes(spec["layout"]["meta"]["chart"]).col("node"))
    return {a["name"] for a in spec["layout"]["annotations"] if a.get("name") in nodes and a["bordercolor"] == HL}


def _lit_edges(spec: dict) -> set[tuple[str, str]]:
    return {tuple(t["meta"]["edge"]) for t in spec["data"] if t["meta"]["lit"]}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_flow_lights_exactly_the_assessed_path(name):  # F1-F4
    a = sg.assess(**EXAMPLES[name])
    figs = charts.figures_for(a)
    for flow in FLOWS:
        spec, fp = figs[flow.lower()], a.paths[flow]
        path = fp.nodes
        assert _lit_nodes(spec) == set(path), flow
        assert _lit_edges(spec) == set(path_edges(flow, path)), flow
        assert spec["layout"]["meta"]["path"] == list(path)
        bold = {x["name"] for x in spec["layout"]["annotations"] if x["text"].startswith("<b>")}
        assert set(path) <= bold
        notes = " ".join(x["text"].replace("<br>", " ") for x in _annotations(spec, "note"))
        if not path:
            assert fp.note and notes, f"{flow}: an unlit flow must say why"
        if fp.note:  # the rules' own note is what the figure says
            assert " ".join(fp.note.split()) == notes, flow
        else:
            assert not notes, flow


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_person_is_placed_on_every_chart(name):
    a = sg.assess(**EXAMPLES[name])
    figs = charts.figures_for(a)
    meta = {k: v["layout"]["meta"] for k, v in figs.items()}
    assert meta["c1"]["highlight_id"] == a.c1_profile
    assert meta["c3"]["highlight_id"] == a.value
    assert meta["c3"]["highlight"] == a.value_label
    assert meta["c5"]["highlight_id"] == a.trend
    assert meta["c5"]["highlight"] == a.trend_label
    for key in ("c2", "c4"):
        months = [k for k, _, _ in _csv_items(key.upper())]
        assert meta[key]["highlight_id"] == (a.profile.month if a.profile.month in months else None)
    for key in ("c1", "c2", "c3", "c4", "c5"):  # nothing highlighted => a plain-words note
        assert (meta[key]["highlight"] is None) == bool(_annotations(figs[key], "note")), key
    assert meta["matched"]["specialty"] == a.profile.specialty
    assert meta["matched"]["step2"] == a.profile.step2
    assert meta["matched"]["sem_band"] == (list(a.sem_band) if a.sem_band else None)


def test_a_small_dip_leaves_f4_unlit_and_says_why():
    a = sg.assess(**EXAMPLES["252->249 dip"])
    spec = charts.figure_for(a, "f4")
    assert not _lit_nodes(spec) and not _lit_edges(spec)
    (note,) = _annotations(spec, "note")
    assert note["text"].replace("<br>", " ") == " ".join(a.paths["F4"].note.split())


@pytest.mark.parametrize("flow", FLOWS)
def test_every_node_of_the_flow_is_drawn(flow):
    spec = charts.flow_figure(flow)
    names = {a.get("name") for a in spec["layout"]["annotations"]}
    assert set(flow_nodes(flow).col("node")) <= names
    drawn = {tuple(t["meta"]["edge"]) for t in spec["data"]}
    assert drawn == set(zip(flow_edges(flow).col("src"), flow_edges(flow).col("dst"), strict=True))
    answers = {a["text"] for a in spec["layout"]["annotations"] if a.get("name", "").startswith("answer:")}
    assert answers == {x for x in flow_edges(flow).col("answer") if isinstance(x, str) and x}
    assert not _lit_nodes(spec) and not _lit_edges(spec)


def test_flow_layout_is_top_down_by_bfs_depth():
    spec = charts.flow_figure("F2")
    y = {a["name"]: a["y"] for a in spec["layout"]["annotations"] if a.get("name") in set(flow_nodes("F2").col("node"))}
    assert y["new_score"] > y["before_invites"] > y["helps"] == y["before_rank"] > y["targeted"]
    assert y["targeted"] == y["eras_only"] == y["email_interviewed"] == y["no_email"]


def test_flow_rejects_a_path_off_the_flow():
    with pytest.raises(ValueError, match="F2"):
        charts.flow_figure("F2", ("new_score", "helps"))
    with pytest.raises(ValueError, match="nowhere"):
        charts.flow_figure("F1", ("nowhere",))
    with pytest.raises(KeyError):
        charts.flow_figure("F9")


# ---------------------------------------------------------------- matched means

def test_matched_figure_uses_published_means_only():
    spec = charts.matched_figure("IM", 248)
    with open(DATA_DIR / "specialties.csv", newline="", encoding="utf-8") as f:
        published = [r for r in csv.DictReader(f) if r["matched_mean_step2"]]
    trace = spec["data"][0]
    assert trace["y"] == [r["specialty"] for r in published]
    assert trace["x"] == [int(float(r["matched_mean_step2"])) for r in published]
    assert _highlighted(spec) == [trace["y"].index("Internal Medicine")]
    meta = spec["layout"]["meta"]
    sem = int_fact("sem")
    assert meta["sem_band"] == [248 - sem, 248 + sem]
    assert meta["national_mean"] == [int_fact("step2_national_mean_low"), int_fact("step2_national_mean_high")]
    shapes = {s["name"]: s for s in spec["layout"]["shapes"]}
    assert (shapes["your SEM band"]["x0"], shapes["your SEM band"]["x1"]) == (248 - sem, 248 + sem)
    assert shapes["your score"]["x0"] == 248
    assert (shapes["national mean"]["x0"], shapes["national mean"]["x1"]) == tuple(meta["national_mean"])
    assert "NRMP" in meta["source"]


def test_matched_figure_without_a_mean_or_a_score_says_so():
    spec = charts.matched_figure("Family Medicine", None)
    assert _highlighted(spec) == [] and spec["layout"]["meta"]["highlight"] is None
    notes = " ".join(a["text"] for a in _annotations(spec, "note"))
    assert "not out yet" in notes and "Family Medicine" in notes
    assert {s["name"] for s in spec["layout"]["shapes"]} == {"national mean"}
    with pytest.raises(ValueError, match="specialty"):
        charts.matched_figure("astrology", 250)


# ---------------------------------------------------------------- size, JSON, plotly-free

def _all_specs() -> dict[str, dict]:
    specs = {f"{k}:{n}": v for n in ("228->248 IM Oct", "pending", "245->224 IM")
             for k, v in charts.figures_for(sg.assess(**EXAMPLES[n])).items()}
    specs.update({c: charts.chart_figure(c) for c in charts.CHARTS})
    return specs


def test_figures_for_keys():
    figs = charts.figures_for(sg.assess(**EXAMPLES["228->248 IM Oct"]))
    assert set(figs) == {"c1", "c2", "c3", "c4", "c5", "c6", "f1", "f2", "f3", "f4", "matched"}


def test_specs_are_small_strict_json_with_a_tiny_template():
    for name, spec in _all_specs().items():
        text = json.dumps(spec, allow_nan=False)
        assert len(text.encode()) < 20_000, name
        assert set(spec) == {"data", "layout"}, name
        layout = spec["layout"]
        assert len(json.dumps(layout["template"])) < 1_000, name
        assert 240 <= layout["height"] <= 360, name
        assert "chart" in layout["meta"] and "highlight" in layout["meta"] and layout["meta"]["source"], name
        for trace in spec["data"]:
            assert not isinstance(trace.get("hovertemplate"), list), name


def test_specs_are_valid_plotly_figures():
    pytest.importorskip("plotly")
    for name, spec in _all_specs().items():
        fig = charts.to_figure(spec)  # plotly validates every property name and value
        assert fig.layout.meta["chart"] == spec["layout"]["meta"]["chart"], name


def test_importing_charts_does_not_import_plotly():
    code = ("import sys, stepguide as sg, stepguide.charts as c\n"
            "c.figures_for(sg.assess(step1=228, step2=248, specialty='IM', month='Oct'))\n"
            "assert 'plotly' not in sys.modules, sorted(m for m in sys.modules if 'plotly' in m)\n")
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------- any valid person

people = st.fixed_dictionaries({
    "step1": st.one_of(st.integers(190, 270), st.sampled_from(["Pass", "Fail"])),
    "step2": st.one_of(st.none(), st.integers(200, 275)),
    "specialty": st.sampled_from(sorted(specialties())),
    "month": st.sampled_from(MONTHS),
    "applicant": st.sampled_from(APPLICANTS),
    "stage": st.sampled_from(STAGES),
    "failed_exam": st.sampled_from(FAILED_EXAMS),
    **{flag: st.booleans() for flag in FLAGS},
})


@settings(max_examples=60, deadline=None)
@given(people)
def test_any_person_gets_consistent_figures(person):
    a = sg.assess(**person)
    figs = charts.figures_for(a)
    assert figs["c5"]["layout"]["meta"]["highlight_id"] == a.trend
    assert figs["c3"]["layout"]["meta"]["highlight_id"] == a.value
    assert figs["c1"]["layout"]["meta"]["highlight_id"] == a.c1_profile
    for flow in FLOWS:
        assert _lit_nodes(figs[flow.lower()]) == set(a.paths[flow].nodes)
        assert figs[flow.lower()]["layout"]["meta"]["note"] == a.paths[flow].note
