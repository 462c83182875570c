"""Pure figure builders for the documents' charts (C1-C6), the matched-means chart and a cohort's C5.

Builders return plain plotly figure dicts, never ``go.Figure``: the dashboard
kernel must not pay seconds to import plotly, and a spec is re-sent over the
websocket on every input change, so it stays small (one hover string per
trace, a tiny explicit template). Every number comes from ``data/``; the
highlighted bar, point or specialty is drawn in the highlight colour and
``layout.meta`` says what was highlighted, for tests and browser checks.
Use :func:`to_figure` if you want a ``go.Figure``.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from stepguide.charts.look import (
    BAR_GAP,
    LINE,
    PALETTE,
    PENDING_NOTE,
    SUBJECT,
    Spec,
    bar_mark,
    category_axis,
    emphasis,
    figure_layout,
    value_axis,
    with_phone_layout,
    you_are_here,
)
from stepguide.rules.articles import credit
from stepguide.rules.inputs import parse_specialty, parse_step2
from stepguide.rules.published import edition, exam_words, specialty_words
from stepguide.rules.tables import chart_info, chart_values, int_fact, specialties
from stepguide.rules.words import label, say

if TYPE_CHECKING:  # pragma: no cover - typing only; plotly is imported lazily
    import plotly.graph_objects as go


# ---------------------------------------------------------------- C1-C6

def chart_figure(chart_id: str, highlight: str | None = None, *, note: str | None = None) -> Spec:
    """One document chart (C1-C6) with the person's bar/point highlighted.

    ``highlight`` is the stable id of a bar or point (charts.csv ``id``: a
    trend bucket, a C3 level, a month...); an id that is not on the chart (a
    December score on C2, say) highlights nothing and adds a note saying so.
    ``note`` replaces that note, e.g. to say why there is no label at all.
    """
    rows, info = chart_values(chart_id), chart_info(chart_id)
    labels = [str(x) for x in rows.col("label")]
    values = rows.col("value")
    ids = rows.col("id")
    hit = ids.index(highlight) if highlight in ids else None
    if highlight is not None and hit is None and note is None:
        note = say("chart_off", subject=SUBJECT[chart_id], highlight=highlight, first=labels[0], last=labels[-1])
    kind = info["kind"]
    horizontal, line = kind == "hbar", kind == "line"
    axis_title = f"{info['value_axis']} ({info['unit']})"
    cat, val = ("y", "x") if horizontal else ("x", "y")
    trace: Spec = {
        "type": "scatter" if line else "bar",
        "name": info["value_axis"],
        cat: labels,
        val: values,
        "text": [str(v) for v in values],
        "hovertemplate": f"%{{{cat}}}: %{{{val}}} {info['unit']}<extra></extra>",
    }
    shapes: list[Spec] = []
    if horizontal:
        trace["orientation"] = "h"
    if line:
        colours, widths = emphasis(len(labels), hit)
        trace.update(mode="lines+markers+text", textposition="top center",
                     line={"color": PALETTE["base"], "width": 2.5},
                     marker={"color": colours, "line": {"color": PALETTE["text"], "width": widths},
                             "size": [15 if i == hit else 9 for i in range(len(labels))]})
    else:
        trace.update(textposition="outside", cliponaxis=False, marker={"color": PALETTE["base"]})
        if hit is not None:
            shapes.append(bar_mark(labels[hit], values[hit], horizontal))
    annotations = []
    if hit is not None:
        if horizontal:  # to the right of the value label
            annotations.append(you_are_here(values[hit], labels[hit], dx=70, dy=0, standoff=26))
        elif line and values[hit] > max(values) / 2:  # under a high point, clear of its value label
            annotations.append(you_are_here(labels[hit], values[hit], dx=0, dy=42, standoff=12))
        else:  # above the bar or low point, clear of its value label
            annotations.append(you_are_here(labels[hit], values[hit], dx=0, dy=-50, standoff=22))
    axes: dict[str, Any] = {f"{cat}axis": category_axis(labels if horizontal else None),
            f"{val}axis": value_axis(axis_title, max(values))}
    if not line:  # every bar and nothing more, whatever the mark covers (a fixed range never autoranges)
        ends = [-0.5, len(labels) - 0.5]
        axes[f"{cat}axis"].update(range=ends[::-1] if horizontal else ends, autorange=False)
    meta = {"chart": chart_id, "highlight": labels[hit] if hit is not None else None,
            "highlight_id": ids[hit] if hit is not None else None,
            "source": info["caption"], "doc": info["doc"], "note": note}
    layout = figure_layout(info["title"], meta, annotations, height=270 if horizontal else 290,
                           caption=f"Source: {info['caption']} ({credit(str(info['doc']), chart_id)})",
                           below=48 if horizontal else 30, notes=[note] if note else (), **axes)
    if not line:
        layout.update(bargap=BAR_GAP, shapes=shapes)
    return with_phone_layout({"data": [trace], "layout": layout})


def c1_figure(profile: str | None = None) -> Spec:
    """C1 (doc A): risk of lost interviews if unsent, ``profile`` = ``Assessment.c1_profile``."""
    return chart_figure("C1", profile)


def c2_figure(month: str | None = None) -> Spec:
    """C2 (doc A): interview chances by the month the score comes out (Jul-Nov)."""
    return chart_figure("C2", month)


def c3_figure(value: str | None = None) -> Spec:
    """C3 (doc B): the asset scale, ``value`` = ``Assessment.value``."""
    return chart_figure("C3", value)


def c4_figure(month: str | None = None) -> Spec:
    """C4 (doc B): usefulness of an update email by month (Sep-Feb)."""
    return chart_figure("C4", month)


def c5_figure(trend: str | None = None) -> Spec:
    """C5 (doc C): Step 1 -> Step 2 CK patterns, ``trend`` = ``Assessment.trend``."""
    return chart_figure("C5", trend)


def c6_figure() -> Spec:
    """C6 (doc C): how programs weigh scores; nobody is placed on it."""
    return chart_figure("C6")


# ---------------------------------------------------------------- matched means

def matched_figure(specialty: str, step2: int | None) -> Spec:
    """Published matched-applicant Step 2 CK means by specialty, yours highlighted, your score ±SEM.

    Only specialties with a published mean are drawn (as dots, since the axis
    does not start at zero); the national mean range is a shaded band.
    """
    name = parse_specialty(specialty)
    score = parse_step2(step2)
    spec = specialties()
    rows = [r for r in spec.values() if r["matched_mean_step2"] is not None]
    names = [r["specialty"] for r in rows]
    means = [int(r["matched_mean_step2"]) for r in rows]
    hit = names.index(name) if name in names else None
    colours, widths = emphasis(len(names), hit)
    sem = int_fact("sem")
    nat_lo, nat_hi = int_fact("step2_national_mean_low"), int_fact("step2_national_mean_high")
    said = {**exam_words(), "matched_edition": "; ".join(sorted({edition(r["step2_mean_pub"]) for r in rows}))}
    said["national_and_sem_edition"] = "; ".join(sorted({str(said["national_mean_edition"]), str(said["sem_edition"])}))
    trace: Spec = {
        "type": "scatter", "mode": "markers+text", "name": "Matched mean", "x": means, "y": names,
        "text": [str(m) for m in means], "textposition": "middle right", "cliponaxis": False,
        "hovertemplate": say("matched_hover", **said),
        "marker": {"color": colours, "size": [13 if i == hit else 9 for i in range(len(names))],
                   "line": {"color": PALETTE["text"], "width": widths}},
    }
    shapes: list[Spec] = [{"type": "rect", "xref": "x", "yref": "paper", "x0": nat_lo, "x1": nat_hi,
                           "y0": 0, "y1": 1, "fillcolor": PALETTE["reference"], "line": {"width": 0},
                           "layer": "below", "name": "national mean"}]
    caption = say("matched_caption", **said)
    band = None if score is None else [score - sem, score + sem]
    lows = means + [nat_lo] + (band[:1] if band else [])
    highs = means + [nat_hi] + (band[1:] if band else [])
    annotations: list[Spec] = []
    notes: list[str] = []
    key = [say("matched_key_dots", **said), say("matched_key_national", **said)]
    if band is None:
        notes.append(PENDING_NOTE)
    else:
        assert score is not None  # a band is drawn around a score
        key.append(say("matched_key_sem", **said))
        shapes += [
            {"type": "rect", "xref": "x", "yref": "paper", "x0": band[0], "x1": band[1], "y0": 0, "y1": 1,
             "fillcolor": PALETTE["band"], "line": {"width": 0}, "layer": "below", "name": "your SEM band"},
            {"type": "line", "xref": "x", "yref": "paper", "x0": score, "x1": score, "y0": 0, "y1": 1,
             "line": {"color": PALETTE["highlight"], "width": 2.5}, "name": "your score"},
        ]
        right_half = score > (min(lows) + max(highs)) / 2  # keep the label inside the plot
        annotations.append({"text": f"You: {score} (±{sem}: {band[0]}-{band[1]})", "x": score, "y": 0,
                            "xref": "x", "yref": "paper", "yanchor": "bottom",
                            "xanchor": "right" if right_half else "left", "xshift": -4 if right_half else 4,
                            "showarrow": False, "bgcolor": PALETTE["label_back"], "name": "your score",
                            "font": {"size": 11, "color": PALETTE["highlight"]}})
    if hit is None:
        notes.append(say("matched_none_note", specialty=name, **specialty_words(name)))
    else:
        annotations.append(you_are_here(means[hit], names[hit], dx=-60, dy=0))
    # The axis ends on whole tens (2-11 points of room left, 3-12 right), so it stays put while the score
    # moves within a ten: a one-point slider step then redraws only the band, line and label, not the axis.
    xaxis = {"title": {"text": "<br>".join(key), "font": {"size": 11}},
             "range": [(min(lows) - 2) // 10 * 10, -(-(max(highs) + 3) // 10) * 10], "gridcolor": PALETTE["grid"],
             "fixedrange": True, "automargin": True}
    meta = {"chart": "matched", "highlight": names[hit] if hit is not None else None,
            "source": caption, "specialty": name, "step2": score,
            "sem_band": band, "national_mean": [nat_lo, nat_hi], "editions": caption}
    title = label("figure", "matched")
    layout = figure_layout(title, meta, annotations, height=325, caption=caption, below=32 + LINE * len(key),
                     notes=notes, caption_width=72,
                     xaxis=xaxis, yaxis={**category_axis(names, width=40), "autorange": False,
                                         "range": [len(names) + 0.4, -0.6]})  # a free row for "You: ..."
    layout["shapes"] = shapes
    return with_phone_layout({"data": [trace], "layout": layout})



def to_figure(spec: Spec) -> go.Figure:
    """A ``plotly.graph_objects.Figure`` of a spec (imports plotly, so only call it outside the dashboard)."""
    import plotly.graph_objects as go

    return go.Figure(spec)


def cohort_c5_figure(shares: Mapping[str, float], n: int) -> Spec:
    """Your group's Step 1 -> Step 2 CK buckets next to the article's C5 pattern (both in %)."""
    rows, info = chart_values("C5"), chart_info("C5")
    labels = [str(x) for x in rows.col("label")]
    article = rows.col("value")
    group = [float(shares.get(key, 0.0)) for key in rows.col("id")]
    traces = [{"type": "bar", "name": label("cohort", "article_pattern"), "x": labels, "y": article,
               "marker": {"color": PALETTE["base"]}, "text": [str(v) for v in article], "textposition": "outside",
               "cliponaxis": False},
              {"type": "bar", "name": label("cohort", "your_group").format(n=n), "x": labels, "y": group,
               "marker": {"color": PALETTE["highlight"]}, "text": [f"{v:g}" for v in group],
               "textposition": "outside", "cliponaxis": False}]
    meta = {"chart": "cohort_c5", "highlight": None, "source": info["caption"], "n": n, "shares": group}
    layout = figure_layout(label("figure", "cohort_c5"), meta, [], height=300,
                     caption=say("cohort_c5_caption", caption=info["caption"], credit=credit(str(info["doc"]), "C5")),
                     below=30, xaxis=category_axis(),
                     yaxis=value_axis(label("figure", "cohort_c5_axis"), max(article + group)))
    layout.update(showlegend=True, barmode="group", legend={"orientation": "h", "y": 1.12, "x": 0})
    return with_phone_layout({"data": traces, "layout": layout})
