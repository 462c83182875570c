"""What one slider step may change in a figure, so the page can redraw it cheaply (issue 8: a step as fast as before).

The browser redraws a chart with Plotly.react, which replots everything when a data array, the axis
range or the trace/layout ``meta`` changes, but only moves the shapes and labels (or restyles colours
and widths) otherwise. So a score that moves by a point keeps the matched chart's data and, within a
ten, its axis; lighting another path of a flow keeps every data array of the flow.
"""
from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stepguide as sg
from stepguide import charts
from stepguide.rules.flows import FLOWS, flow_nodes
from stepguide.rules.tables import chart_info, chart_values, specialties

SPECIALTIES = sorted(specialties())
SCORES = st.integers(180, 300)


def _axis(specialty: str, score: int | None) -> list[int]:
    return charts.matched_figure(specialty, score)["layout"]["xaxis"]["range"]


def _drawn_values(spec: dict) -> list[float]:
    """Every x value the matched chart draws: the means, the national band and the score's band."""
    xs = list(spec["data"][0]["x"])
    for shape in spec["layout"]["shapes"]:
        xs += [shape["x0"], shape["x1"]]
    return xs


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(SPECIALTIES), st.one_of(st.none(), SCORES))
def test_matched_axis_ends_on_tens_with_room_for_everything_drawn(specialty, score):
    spec = charts.matched_figure(specialty, score)
    lo, hi = spec["layout"]["xaxis"]["range"]
    xs = _drawn_values(spec)
    assert lo % 10 == 0 and hi % 10 == 0
    assert min(xs) - 12 < lo <= min(xs) - 2
    assert max(xs) + 3 <= hi < max(xs) + 13


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(SPECIALTIES), SCORES, SCORES)
def test_the_score_moves_only_the_layout_of_the_matched_chart(specialty, a, b):
    spec_a, spec_b = charts.matched_figure(specialty, a), charts.matched_figure(specialty, b)
    assert spec_a["data"] == spec_b["data"]


def test_a_slider_sweep_moves_the_matched_axis_once_per_ten_at_most():
    for specialty in ("Internal Medicine", "Dermatology", "Family Medicine"):
        axes = [_axis(specialty, s) for s in range(300, 179, -1)]
        moves = sum(1 for before, after in pairwise(axes) if before != after)
        assert moves <= 13, specialty  # 120 one-point steps: the lower end crosses 12 tens


BARS = [c for c in charts.CHARTS if chart_info(c)["kind"] != "line"]


@pytest.mark.parametrize("chart", BARS)
def test_moving_yours_on_a_bar_chart_changes_no_data(chart):
    """Yours is a box drawn over the bar (a per-bar colour array would make Plotly replot the chart)."""
    specs = [charts.chart_figure(chart, key) for key in chart_values(chart).col("id")] + [charts.chart_figure(chart)]
    assert all(spec["data"] == specs[-1]["data"] for spec in specs)


@pytest.mark.parametrize("chart", BARS)
def test_the_mark_covers_its_bar_exactly_and_is_outlined(chart):
    rows = chart_values(chart)
    horizontal = chart_info(chart)["kind"] == "hbar"
    cat, val = ("y", "x") if horizontal else ("x", "y")
    for key, label, value in zip(rows.col("id"), rows.col("label"), rows.col("value"), strict=True):
        layout = charts.chart_figure(chart, key)["layout"]
        (mark,) = [s for s in layout["shapes"] if s["name"] == "yours"]
        half = (1 - layout["bargap"]) / 2  # bars fill 1 - bargap of their slot
        assert (mark[f"{cat}0"], mark[f"{cat}1"]) == (str(label), str(label))
        assert (mark[f"{cat}0shift"], mark[f"{cat}1shift"]) == (-half, half)
        assert (mark[f"{val}0"], mark[f"{val}1"]) == (0, value)
        assert mark["fillcolor"] == charts.PALETTE["highlight"] and mark["line"]["width"] >= 2  # not colour alone
        assert mark["layer"] == "above"


def _data_arrays(spec: dict) -> list[tuple]:
    return [(t["x"], t["y"], t["marker"]["size"]) for t in spec["data"]]


people = st.fixed_dictionaries({
    "step1": st.one_of(st.integers(190, 270), st.sampled_from(["Pass", "Fail"])),
    "step2": st.one_of(st.none(), st.integers(200, 275)),
    "specialty": st.sampled_from(SPECIALTIES),
})


@settings(max_examples=40, deadline=None)
@given(people)
def test_lighting_a_path_changes_no_data_array_of_the_flow(person):
    a = sg.assess(**person)
    for flow in FLOWS:
        if a.paths[flow].note:  # a note takes room and moves the flow down: a real layout change
            continue
        lit, unlit = charts.flow_figure(flow, a.paths[flow].nodes), charts.flow_figure(flow)
        assert _data_arrays(lit) == _data_arrays(unlit), flow
        nodes = set(flow_nodes(flow).col("node"))
        assert {x["name"] for x in lit["layout"]["annotations"] if x.get("name") in nodes} == nodes
