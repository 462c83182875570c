"""A chart's phone layout (``layout.meta.narrow``, charts/look.py): what PlotlyView draws below 560 px.

The browser test (tests/browser/test_access_browser.py) measures the drawn text at 390 px; this checks the
layout's promises for every chart and a spread of situations, without a browser.
"""
from __future__ import annotations

import re

import pytest

import stepguide as sg
from stepguide import charts
from stepguide.charts.look import GLYPH, PHONE, YOU_ARE_HERE

SITUATIONS = [dict(step1=228, step2=248, specialty="Internal Medicine", month="Oct"),
              dict(step1=250, step2=236, specialty="Dermatology", month="Dec"),
              dict(step1="Pass", step2=None, specialty="Pediatrics", month="Jul"),
              dict(step1=205, step2=260, specialty="Physical Medicine and Rehabilitation", month="Sep")]
KEYS = ("c1", "c2", "c3", "c4", "c5", "matched")


@pytest.mark.parametrize("situation", SITUATIONS, ids=lambda s: f"{s['step1']}-{s['step2']}-{s['specialty']}")
def test_the_phone_layout_wraps_text_and_puts_the_mark_in_its_label(situation) -> None:
    a = sg.assess(**situation)
    for key in KEYS:
        spec = charts.figure_for(a, key)
        wide, phone = spec["layout"], {**spec["layout"], **spec["layout"]["meta"]["narrow"]}
        marked = any(x.get("name") == "you-are-here" for x in wide["annotations"])
        assert not any(x.get("name") == "you-are-here" for x in phone["annotations"]), key  # no arrow label
        ticks = [t for axis in ("xaxis", "yaxis") for t in phone.get(axis, {}).get("ticktext") or []]
        assert sum(YOU_ARE_HERE in t for t in ticks) == (1 if marked else 0), key
        if phone.get("xaxis", {}).get("ticktext"):
            assert phone["xaxis"].get("tickangle") == 0, key  # labels stay level, under their columns
        for note in (x for x in phone["annotations"] if x.get("name") in ("source", "note")):
            longest = max(len(line) for line in note["text"].split("<br>"))
            assert longest * note["font"]["size"] * GLYPH <= PHONE - 50, (key, note["text"])
        assert phone["height"] >= wide["height"] and phone["margin"]["b"] >= wide["margin"]["b"], key


@pytest.mark.parametrize("situation", SITUATIONS[:2], ids=lambda s: f"{s['step1']}-{s['step2']}")
def test_a_column_label_breaks_between_words_and_fits_its_slot(situation) -> None:
    """"Neutral" never becomes "Neutra" and "l": the lines are the label's own words, and the longest word fits its
    column at the type size the phone layout gives the labels."""
    a = sg.assess(**situation)
    for key in KEYS:
        spec = charts.figure_for(a, key)
        axis = {**spec["layout"], **spec["layout"]["meta"]["narrow"]}.get("xaxis", {})
        if not axis.get("ticktext") or not axis.get("tickvals"):
            continue
        size = axis.get("tickfont", {}).get("size") or spec["layout"]["template"]["layout"]["font"]["size"]
        slot = (PHONE - 70) / len(axis["tickvals"])
        for label, text in zip(axis["tickvals"], axis["ticktext"], strict=True):
            lines = [line for line in re.sub(r"<(?!br>)[^>]*>", "", text).split("<br>") if line != YOU_ARE_HERE]
            assert " ".join(lines).split() == str(label).split(), (key, label, lines)
            assert max(len(word) for word in str(label).split()) * size * GLYPH <= slot - 6 or size == 10, (key, label)


def test_a_flow_keeps_its_layout_and_its_width() -> None:
    spec = charts.figure_for(sg.assess(step1=228, step2=248, specialty="Internal Medicine", month="Oct"), "f2")
    assert "narrow" not in spec["layout"]["meta"] and spec["layout"]["meta"]["min_width"] == 600


def test_the_figure_dict_stays_a_plotly_figure() -> None:
    """meta is free-form for plotly: go.Figure takes the spec with its phone layout."""
    pytest.importorskip("plotly")
    spec = charts.figure_for(sg.assess(step1=228, step2=248, specialty="Internal Medicine", month="Oct"), "matched")
    assert charts.to_figure(spec).layout.meta["narrow"]["height"] > spec["layout"]["height"]
