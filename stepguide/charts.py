"""Figure specs for the guide's charts (C1-C6), flows (F1-F4) and the matched-means chart.

Builders return plain plotly figure dicts, never ``go.Figure``: the dashboard
kernel must not pay seconds to import plotly, and a spec is re-sent over the
websocket on every input change, so it stays small (one hover string per
trace, a tiny explicit template). Every number comes from ``data/``; the
person's own bar, point, specialty or path is drawn in the highlight colour
and ``layout.meta`` says what was highlighted, for tests and browser checks.
Use :func:`to_figure` if you want a ``go.Figure``.
"""
from __future__ import annotations

import textwrap
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from .data import chart_info, chart_values, int_fact, specialties, table
from .flows import FLOWS, flow_edges, flow_info, flow_nodes, node_labels, path_edges
from .inputs import parse_specialty, parse_step2

if TYPE_CHECKING:  # pragma: no cover - typing only; plotly is imported lazily
    import plotly.graph_objects as go

    from .assessment import Assessment

Spec = dict[str, Any]

# Okabe-Ito colours (safe for the common colour-vision deficiencies) plus greys.
PALETTE: dict[str, str] = {
    "base": "#0072B2",             # blue: every bar/point that is not yours
    "highlight": "#D55E00",        # vermillion: yours (also outlined, so colour is not the only cue)
    "faded": "#C4C4C4",            # parts of a flow you do not walk
    "band": "rgba(230,159,0,0.25)",  # orange, translucent: your score give or take one SEM
    "reference": "rgba(0,158,115,0.18)",  # bluish green, translucent: the national mean range
    "reference_line": "#009E73",
    "text": "#222222",
    "muted": "#666666",            # >= 4.5:1 on white and on the node fill
    "lit_fill": "#FBE3D6",         # a light tint of the highlight colour
    "unlit_fill": "#F5F5F5",
    "background": "#FFFFFF",
}

# A tiny explicit template, so neither plotly.py nor plotly.js substitutes its big default.
TEMPLATE: Spec = {"layout": {
    "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
             "size": 12, "color": PALETTE["text"]},
    "paper_bgcolor": PALETTE["background"], "plot_bgcolor": PALETTE["background"],
    "hoverlabel": {"bgcolor": PALETTE["background"], "font": {"color": PALETTE["text"]}},
}}

YOU_ARE_HERE = "You are here"
CHARTS = ("C1", "C2", "C3", "C4", "C5", "C6")
# What the highlighted label is, in words, for the "not on this chart" note.
_SUBJECT = {"C1": "profile", "C2": "month", "C3": "place on the scale", "C4": "month", "C5": "trend",
            "C6": "answer"}
PENDING_NOTE = "Your Step 2 CK is not out yet, so nothing is marked here."
NOTE_WIDTH, CAPTION_WIDTH = 78, 90  # characters per line (11 px notes, 10 px captions) beside wrapped labels
LABEL_WIDTH = 18  # characters per line of a horizontal bar's label, so the plot keeps most of the width
LINE = 15  # px per line of small text
FLOW_WIDTH = 580  # px: the plot width a flow is laid out for (the guide's charts are ~600 px wide)
CHAR_W, LINE_H, BOX_PAD = 7.0, 14, 5  # px: bold 11 px text and box padding
FLOW_CANVAS, MIN_GAP, MAX_GAP = 270, 28, 44  # px: the flow's drawing area (340 px with title and caption)


# ---------------------------------------------------------------- shared parts

def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) or [""]


def _note(text: str, lines_above: int = 0) -> Spec:
    """A plain-words line under the title (e.g. why nothing is highlighted)."""
    lines = _wrap(text, NOTE_WIDTH)
    return {"text": "<br>".join(lines), "xref": "paper", "yref": "paper", "x": 0, "y": 1, "xanchor": "left",
            "yanchor": "bottom", "yshift": 4 + LINE * lines_above, "showarrow": False, "align": "left",
            "font": {"size": 11, "color": PALETTE["highlight"]}, "name": "note"}


def _caption(text: str, below: int, width: int = CAPTION_WIDTH) -> Spec:
    """Where the numbers come from, in small print ``below`` px under the plot area."""
    return {"text": "<br>".join(_wrap(text, width)), "xref": "paper", "yref": "paper", "x": 0, "y": 0,
            "xanchor": "left", "yanchor": "top", "yshift": -below, "showarrow": False, "align": "left",
            "font": {"size": 10, "color": PALETTE["muted"]}, "name": "source"}


def _layout(title: str, meta: dict[str, Any], annotations: list[Spec], *, height: int, caption: str,
            below: int = 28, notes: Sequence[str] = (), caption_width: int = CAPTION_WIDTH, **axes: Any) -> Spec:
    """The layout every figure shares: plain title, notes, source caption, tight margins, tiny template.

    ``below`` is the room the x axis takes under the plot (ticks, axis title);
    the caption goes under that and the bottom margin grows to fit it.
    """
    note_specs, used = [], 0
    for text in notes:
        note_specs.append(_note(text, used))
        used += len(_wrap(text, NOTE_WIDTH))
    cap = _caption(caption, below, caption_width)
    cap_lines = cap["text"].count("<br>") + 1
    return {
        "title": {"text": title, "x": 0, "xref": "container", "xanchor": "left", "y": 1,
                  "yref": "container", "yanchor": "top", "pad": {"t": 8, "l": 8}, "font": {"size": 14}},
        "height": height + LINE * (used + cap_lines - 1),
        "margin": {"l": 8, "r": 12, "t": 40 + LINE * used, "b": below + 6 + LINE * cap_lines, "pad": 2},
        "showlegend": False,
        "hovermode": "closest",
        "template": TEMPLATE,
        "annotations": annotations + note_specs + [cap],
        "meta": meta,
        **axes,
    }


def _value_axis(title: str, top: float) -> Spec:
    # Headroom above the tallest bar leaves room for value labels and "You are here".
    return {"title": {"text": title, "font": {"size": 11}}, "range": [0, top * 1.3], "rangemode": "tozero",
            "gridcolor": "#E6E6E6", "zeroline": True, "zerolinecolor": "#999999", "fixedrange": True,
            "automargin": True}


def _category_axis(labels: Sequence[str] | None = None, width: int = LABEL_WIDTH) -> Spec:
    """A category axis; with ``labels`` it is a horizontal bar's: first row on top, labels wrapped."""
    axis: Spec = {"type": "category", "automargin": True, "fixedrange": True, "ticks": ""}
    if labels is not None:
        axis.update(autorange="reversed", tickvals=list(labels),
                    ticktext=["<br>".join(_wrap(label, width)) for label in labels])
    return axis


def _you_are_here(x: Any, y: Any, *, dx: int, dy: int, standoff: int = 18) -> Spec:
    return {"text": YOU_ARE_HERE, "x": x, "y": y, "xref": "x", "yref": "y", "ax": dx, "ay": dy,
            "showarrow": True, "arrowhead": 2, "arrowwidth": 1.5, "arrowcolor": PALETTE["highlight"],
            "standoff": standoff, "font": {"size": 12, "color": PALETTE["highlight"]},
            "bgcolor": "rgba(255,255,255,0.85)", "name": "you-are-here"}


def _emphasis(n: int, hit: int | None) -> tuple[list[str], list[float]]:
    """Per-item colour and outline width: the highlight colour plus a dark outline for yours."""
    colours = [PALETTE["highlight"] if i == hit else PALETTE["base"] for i in range(n)]
    widths = [2.0 if i == hit else 0.0 for i in range(n)]
    return colours, widths


# ---------------------------------------------------------------- C1-C6

def chart_figure(chart_id: str, highlight: str | None = None, *, note: str | None = None) -> Spec:
    """One document chart (C1-C6) with the person's bar/point highlighted.

    ``highlight`` is the stable id of a bar or point (charts.csv ``id``: a
    trend bucket, a C3 level, a month...); an id that is not on the chart (a
    December score on C2, say) highlights nothing and adds a note saying so.
    ``note`` replaces that note, e.g. to say why there is no label at all.
    """
    rows, info = chart_values(chart_id), chart_info(chart_id)
    labels = [str(label) for label in rows.col("label")]
    values = rows.col("value")
    ids = rows.col("id")
    hit = ids.index(highlight) if highlight in ids else None
    if highlight is not None and hit is None and note is None:
        note = (f"Your {_SUBJECT.get(chart_id, 'value')} ({highlight}) is not on this chart, which runs "
                f"from {labels[0]} to {labels[-1]}, so nothing is highlighted.")
    kind = info["kind"]
    horizontal, line = kind == "hbar", kind == "line"
    colours, widths = _emphasis(len(labels), hit)
    axis_title = f"{info['value_axis']} ({info['unit']})"
    cat, val = ("y", "x") if horizontal else ("x", "y")
    trace: Spec = {
        "type": "scatter" if line else "bar",
        "name": info["value_axis"],
        cat: labels,
        val: values,
        "text": [str(v) for v in values],
        "hovertemplate": f"%{{{cat}}}: %{{{val}}} {info['unit']}<extra></extra>",
        "marker": {"color": colours, "line": {"color": PALETTE["text"], "width": widths}},
    }
    if horizontal:
        trace["orientation"] = "h"
    if line:
        trace.update(mode="lines+markers+text", textposition="top center",
                     line={"color": PALETTE["base"], "width": 2.5})
        trace["marker"]["size"] = [15 if i == hit else 9 for i in range(len(labels))]
    else:
        trace.update(textposition="outside", cliponaxis=False)
    annotations = []
    if hit is not None:
        if horizontal:  # to the right of the value label
            annotations.append(_you_are_here(values[hit], labels[hit], dx=70, dy=0, standoff=26))
        elif line and values[hit] > max(values) / 2:  # under a high point, clear of its value label
            annotations.append(_you_are_here(labels[hit], values[hit], dx=0, dy=42, standoff=12))
        else:  # above the bar or low point, clear of its value label
            annotations.append(_you_are_here(labels[hit], values[hit], dx=0, dy=-50, standoff=22))
    axes = {f"{cat}axis": _category_axis(labels if horizontal else None),
            f"{val}axis": _value_axis(axis_title, max(values))}
    meta = {"chart": chart_id, "highlight": labels[hit] if hit is not None else None,
            "highlight_id": ids[hit] if hit is not None else None,
            "source": info["caption"], "doc": info["doc"], "note": note}
    layout = _layout(info["title"], meta, annotations, height=270 if horizontal else 290,
                     caption=f"Source: {info['caption']} ({chart_id})", below=48 if horizontal else 30,
                     notes=[note] if note else (), **axes)
    return {"data": [trace], "layout": layout}


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

@cache
def _exam_source(*keys: str) -> str:
    facts = table("exam_facts").by("key")
    return "; ".join(sorted({str(facts[k]["source"]) for k in keys}))


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
    colours, widths = _emphasis(len(names), hit)
    sem = int_fact("sem")
    nat_lo, nat_hi = int_fact("step2_national_mean_low"), int_fact("step2_national_mean_high")
    trace: Spec = {
        "type": "scatter", "mode": "markers+text", "name": "Matched mean", "x": means, "y": names,
        "text": [str(m) for m in means], "textposition": "middle right", "cliponaxis": False,
        "hovertemplate": "%{y}: matched mean %{x}<extra></extra>",
        "marker": {"color": colours, "size": [13 if i == hit else 9 for i in range(len(names))],
                   "line": {"color": PALETTE["text"], "width": widths}},
    }
    shapes: list[Spec] = [{"type": "rect", "xref": "x", "yref": "paper", "x0": nat_lo, "x1": nat_hi,
                           "y0": 0, "y1": 1, "fillcolor": PALETTE["reference"], "line": {"width": 0},
                           "layer": "below", "name": "national mean"}]
    caption = (f"Source: matched means from {'; '.join(sorted({r['mean_source'] for r in rows}))}. "
               f"SEM and national mean: {_exam_source('sem', 'step2_national_mean_low')}.")
    band = None if score is None else [score - sem, score + sem]
    lows = means + [nat_lo] + (band[:1] if band else [])
    highs = means + [nat_hi] + (band[1:] if band else [])
    annotations: list[Spec] = []
    notes: list[str] = []
    key = f"Dots: matched applicants' mean Step 2 CK.<br>Green band: national mean {nat_lo}-{nat_hi}."
    if band is None:
        notes.append(PENDING_NOTE)
    else:
        key += f" Orange band: your score ±{sem} (SEM)."
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
                            "showarrow": False, "bgcolor": "rgba(255,255,255,0.85)", "name": "your score",
                            "font": {"size": 11, "color": PALETTE["highlight"]}})
    if hit is None:
        notes.append(f"{name} has no published matched mean here ({spec[name]['mean_source']}).")
    else:
        annotations.append(_you_are_here(means[hit], names[hit], dx=-60, dy=0))
    xaxis = {"title": {"text": key, "font": {"size": 11}},
             "range": [min(lows) - 4, max(highs) + 5], "gridcolor": "#E6E6E6", "fixedrange": True,
             "automargin": True}
    meta = {"chart": "matched", "highlight": names[hit] if hit is not None else None,
            "source": caption, "specialty": name, "step2": score,
            "sem_band": band, "national_mean": [nat_lo, nat_hi]}
    title = "Your Step 2 CK next to matched applicants' means, by specialty"
    layout = _layout(title, meta, annotations, height=325, caption=caption, below=62, notes=notes, caption_width=72,
                     xaxis=xaxis, yaxis={**_category_axis(names, width=40), "autorange": False,
                                         "range": [len(names) + 0.4, -0.6]})  # a free row for "You: ..."
    layout["shapes"] = shapes
    return {"data": [trace], "layout": layout}


# ---------------------------------------------------------------- flows F1-F4

class _Box(NamedTuple):
    """A flow node placed on the canvas: x as a share of the width, y in px from the top."""

    x: float
    y: float
    text: str
    half_w: float  # px
    half_h: float  # px


@cache
def _flow_layout(flow_id: str, budget: float = FLOW_CANVAS) -> tuple[dict[str, _Box], float]:
    """Place each node by its BFS depth from the start node; return the boxes and the canvas height (px).

    Siblings stay together in BFS order, so edges rarely cross; a lone node
    with one parent sits right under it, so chains stay straight. Labels are
    wrapped to the room their layer leaves, and a layer is as tall as its
    tallest label, so y is in pixels and arrows can stop at box edges. The
    air between layers fills ``budget`` px within [MIN_GAP, MAX_GAP].
    """
    nodes, edges = flow_nodes(flow_id), flow_edges(flow_id)
    if not nodes:
        raise KeyError(f"unknown flow {flow_id!r}; choose one of {', '.join(FLOWS)}")
    start = nodes.where(kind="start")[0]["node"]
    children: dict[str, list[str]] = {}
    parents: dict[str, list[str]] = {}
    for src, dst in zip(edges.col("src"), edges.col("dst")):
        children.setdefault(src, []).append(dst)
        parents.setdefault(dst, []).append(src)
    depth, queue = {start: 0}, deque([start])
    while queue:
        node = queue.popleft()
        for child in children.get(node, []):
            if child not in depth:
                depth[child] = depth[node] + 1
                queue.append(child)
    lost = set(nodes.col("node")) - set(depth)
    if lost:
        raise ValueError(f"{flow_id}: nodes not reachable from {start!r}: {sorted(lost)}")
    layers: dict[int, list[str]] = {}
    for node in depth:
        layers.setdefault(depth[node], []).append(node)
    label = {r["node"]: str(r["label"]) for r in nodes}
    xs: dict[str, float] = {}
    placed: list[list[tuple[str, float, list[str]]]] = []
    for d in sorted(layers):
        row = []
        for i, node in enumerate(layers[d]):
            up = parents.get(node, [])
            x = xs[up[0]] if len(layers[d]) == 1 and len(up) == 1 else (i + 0.5) / len(layers[d])
            room = min(2 * min(x, 1 - x), 1 / len(layers[d])) * FLOW_WIDTH - 2 * BOX_PAD - 6  # px it may span
            xs[node] = x
            row.append((node, x, _wrap(label[node], max(10, int(room / CHAR_W)))))
        placed.append(row)
    rows = [max(len(lines) for _, _, lines in row) for row in placed]
    # As much air between layers as the height budget allows, within limits.
    gap = max(MIN_GAP, min(MAX_GAP, (budget - LINE_H * sum(rows)) / len(rows)))
    boxes: dict[str, _Box] = {}
    top = 0.0
    for row, n_lines in zip(placed, rows):
        height = n_lines * LINE_H + gap
        for node, x, lines in row:
            boxes[node] = _Box(x, top + height / 2, "<br>".join(lines),
                               max(len(t) for t in lines) * CHAR_W / 2 + BOX_PAD,
                               len(lines) * LINE_H / 2 + BOX_PAD)
        top += height
    return boxes, top


def _check_path(flow_id: str, path: Sequence[str]) -> tuple[tuple[str, ...], set[tuple[str, str]]]:
    path = tuple(path)
    known = set(flow_nodes(flow_id).col("node"))
    unknown = [n for n in path if n not in known]
    if unknown:
        raise ValueError(f"{flow_id}: path uses nodes not in the flow: {unknown}")
    return path, set(path_edges(flow_id, path))


def flow_figure(flow_id: str, path: Sequence[str] = (), *, note: str | None = None) -> Spec:
    """A decision flow drawn top-down from its edges, the person's path lit and the rest faded.

    ``path`` is a node sequence such as ``Assessment.paths["F2"]``; it is
    checked against the flow's edges (``ValueError`` if it leaves them).
    """
    notes = [note] if note else []
    boxes, canvas = _flow_layout(flow_id, FLOW_CANVAS - LINE * sum(len(_wrap(n, NOTE_WIDTH)) for n in notes))
    path, lit_edges = _check_path(flow_id, path)
    traces: list[Spec] = []
    annotations: list[Spec] = []
    for src, dst, answer in _edge_rows(flow_id):
        lit = (src, dst) in lit_edges
        colour = PALETTE["highlight"] if lit else PALETTE["faded"]
        a, b = boxes[src], boxes[dst]
        leave, arrive = _edge_span(a, b), 1 - _edge_span(b, a)
        at = lambda f: (round(a.x + f * (b.x - a.x), 4), round(-(a.y + f * (b.y - a.y)), 1))  # noqa: E731
        (x0, y0), (xa, ya), (x1, y1) = at(0), at(arrive), at(1)
        traces.append({  # the arrowhead sits just outside the target box and shows the direction
            "type": "scatter", "mode": "lines+markers", "x": [x0, xa, x1], "y": [y0, ya, y1],
            "line": {"color": colour, "width": 4 if lit else 1.5}, "hoverinfo": "skip",
            "marker": {"symbol": "arrow", "angleref": "previous", "size": [0, 11 if lit else 8, 0],
                       "color": colour},
            "meta": {"edge": [src, dst], "lit": lit},
        })
        if isinstance(answer, str) and answer:
            xl, yl = at((leave + arrive) / 2)  # in the gap between the two boxes
            annotations.append({
                "text": f"<b>{answer}</b>" if lit else answer, "x": xl, "y": yl, "xref": "x", "yref": "y",
                "showarrow": False, "bgcolor": "rgba(255,255,255,0.9)", "name": f"answer:{src}>{dst}",
                "font": {"size": 10, "color": PALETTE["highlight"] if lit else PALETTE["muted"]}})
    for node, box in boxes.items():
        lit = node in path
        annotations.append({
            "text": f"<b>{box.text}</b>" if lit else box.text, "x": round(box.x, 4), "y": -box.y,
            "xref": "x", "yref": "y", "showarrow": False, "align": "center", "borderpad": BOX_PAD - 1,
            "name": node, "bgcolor": PALETTE["lit_fill"] if lit else PALETTE["unlit_fill"],
            "bordercolor": PALETTE["highlight"] if lit else PALETTE["faded"], "borderwidth": 2 if lit else 1,
            "font": {"size": 11, "color": PALETTE["text"] if lit else PALETTE["muted"]}})
    hidden = {"visible": False, "fixedrange": True}
    info = flow_info(flow_id)
    meta = {"chart": flow_id, "highlight": path[-1] if path else None, "path": list(path),
            "edges": [list(e) for e in path_edges(flow_id, path)], "source": info["caption"], "note": note}
    layout = _layout(info["title"], meta, annotations, height=int(canvas) + 44 + 10 + LINE,
                     caption=info["caption"], below=4, notes=notes,
                     xaxis={**hidden, "range": [0, 1]}, yaxis={**hidden, "range": [-canvas, 0]})
    return {"data": traces, "layout": layout}


@cache
def _edge_rows(flow_id: str) -> tuple[tuple[str, str, Any], ...]:
    return tuple((r["src"], r["dst"], r["answer"]) for r in flow_edges(flow_id))


def _edge_span(a: _Box, b: _Box) -> float:
    """How far along the edge a->b (0..1) it leaves box ``a``'s border, plus a little air."""
    dx_px, dy_px = (b.x - a.x) * FLOW_WIDTH, b.y - a.y
    fractions = [(a.half_w + 3) / abs(dx_px) if dx_px else 1.0, (a.half_h + 3) / abs(dy_px) if dy_px else 1.0]
    return min(min(fractions), 0.45)


# ---------------------------------------------------------------- one person

def _c1_note(a: Assessment) -> str | None:
    if a.c1_profile is not None:
        return None
    if a.profile.step2 is None:
        return PENDING_NOTE
    return "None of these four profiles matches your scores, so no bar is yours."


def _c5_note(a: Assessment) -> str | None:
    if a.trend is not None:
        return None
    if a.profile.step2 is None:
        return PENDING_NOTE
    return f"Your Step 1 is '{a.profile.step1}', not a number, so there is no trend to place."


def _flow_note(a: Assessment, flow_id: str) -> str | None:
    """Why a flow is not (fully) lit for this person: the rules' own note, never re-decided here."""
    return a.paths[flow_id].note


FIGURES: dict[str, Callable[[Assessment], Spec]] = {
    "c1": lambda a: chart_figure("C1", a.c1_profile, note=_c1_note(a)),
    "c2": lambda a: chart_figure("C2", a.profile.month),
    "c3": lambda a: chart_figure("C3", a.value, note=None if a.value else PENDING_NOTE),
    "c4": lambda a: chart_figure("C4", a.profile.month),
    "c5": lambda a: chart_figure("C5", a.trend, note=_c5_note(a)),
    "c6": lambda a: c6_figure(),
    **{f.lower(): (lambda a, f=f: flow_figure(f, a.paths[f].nodes, note=_flow_note(a, f))) for f in FLOWS},
    "matched": lambda a: matched_figure(a.profile.specialty, a.profile.step2),
}


def describe(spec: Spec) -> str:
    """A plain-text summary of a spec, for a chart's accessible name (screen readers get the numbers too)."""
    layout, meta = spec["layout"], spec["layout"].get("meta", {})
    parts = [layout["title"]["text"] + "."]
    if "path" in meta:
        labels = node_labels(meta["chart"])
        if meta["path"]:
            parts.append("Your path: " + " → ".join(labels[n] for n in meta["path"]) + ".")
    elif spec["data"]:
        trace = spec["data"][0]
        cats, vals = (trace["y"], trace["x"]) if trace.get("orientation") == "h" or meta.get("chart") == "matched" \
            else (trace["x"], trace["y"])
        parts.append("; ".join(f"{c}: {v}" for c, v in zip(cats, vals)) + ".")
        if meta.get("highlight"):
            parts.append(f"{YOU_ARE_HERE}: {meta['highlight']}.")
        if meta.get("step2") is not None:
            parts.append(f"Your score: {meta['step2']}, give or take {meta['sem_band'][1] - meta['step2']}.")
    parts += [a["text"].replace("<br>", " ") for a in layout.get("annotations", []) if a.get("name") == "note"]
    return " ".join(parts)


def figure_for(a: Assessment, key: str) -> Spec:
    """One of :data:`FIGURES` for this person (a chapter redraws only the figures it shows)."""
    return FIGURES[key](a)


def figures_for(a: Assessment) -> dict[str, Spec]:
    """Every figure of the guide for this person: c1-c6, f1-f4 and matched."""
    return {key: build(a) for key, build in FIGURES.items()}


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
    traces = [{"type": "bar", "name": "The article's pattern", "x": labels, "y": article,
               "marker": {"color": PALETTE["base"]}, "text": [str(v) for v in article], "textposition": "outside",
               "cliponaxis": False},
              {"type": "bar", "name": f"Your group (n={n})", "x": labels, "y": group,
               "marker": {"color": PALETTE["highlight"]}, "text": [f"{v:g}" for v in group],
               "textposition": "outside", "cliponaxis": False}]
    meta = {"chart": "cohort_c5", "highlight": None, "source": info["caption"], "n": n, "shares": group}
    layout = _layout("Your group's score trends next to the article's pattern", meta, [], height=300,
                     caption=f"Source: {info['caption']} (C5); your group: the rows you uploaded.", below=30,
                     xaxis=_category_axis(), yaxis=_value_axis("Share of applicants (%)", max(article + group)))
    layout.update(showlegend=True, barmode="group", legend={"orientation": "h", "y": 1.12, "x": 0})
    return {"data": traces, "layout": layout}
