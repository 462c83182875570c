"""The charts' shared look: palette, template, sizes and the small layout pieces every figure uses.

Kept apart from the builders so that C1-C6, the matched-means chart and the
flow diagrams all draw from one palette and one set of sizes.
"""
from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

from stepguide.rules.tables import table
from stepguide.rules.words import label, say

Spec = dict[str, Any]


def _palette(column: str) -> dict[str, str]:
    return {row["id"]: row[column] for row in table("palette")}


# One table, data/palette.csv, holds every colour a chart draws (Okabe-Ito hues, safe for the common
# colour-vision deficiencies, and greys) with its dark-page counterpart. Figure specs use the light
# ones; PlotlyView sends the pairs to the page, which swaps them when the page is dark.
PALETTE: dict[str, str] = _palette("light")
DARK: dict[str, str] = _palette("dark")

# A tiny explicit template, so neither plotly.py nor plotly.js substitutes its big default.
TEMPLATE: Spec = {"layout": {
    "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
             "size": 12, "color": PALETTE["text"]},
    "paper_bgcolor": PALETTE["background"], "plot_bgcolor": PALETTE["background"],
    "hoverlabel": {"bgcolor": PALETTE["background"], "font": {"color": PALETTE["text"]}},
}}

YOU_ARE_HERE = label("chart_mark", "here")
CHARTS = ("C1", "C2", "C3", "C4", "C5", "C6")
# What the highlighted label is, in words, for the "not on this chart" note.
SUBJECT = {chart: label("chart_subject", chart) for chart in CHARTS}
PENDING_NOTE = say("chart_pending")
NOTE_WIDTH, CAPTION_WIDTH = 78, 90  # characters per line (11 px notes, 10 px captions) beside wrapped labels
LABEL_WIDTH = 18  # characters per line of a horizontal bar's label, so the plot keeps most of the width
LINE = 15  # px per line of small text
FLOW_WIDTH = 580  # px: the plot width a flow is laid out for (the guide's charts are ~600 px wide)
CHAR_W, LINE_H, BOX_PAD = 7.0, 14, 5  # px: bold 11 px text and box padding
FLOW_CANVAS, MIN_GAP, MAX_GAP = 270, 28, 44  # px: the flow's drawing area (340 px with title and caption)


# ---------------------------------------------------------------- shared parts

def wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) or [""]


def note_spec(text: str, lines_above: int = 0) -> Spec:
    """A plain-words line under the title (e.g. why nothing is highlighted)."""
    lines = wrap(text, NOTE_WIDTH)
    return {"text": "<br>".join(lines), "xref": "paper", "yref": "paper", "x": 0, "y": 1, "xanchor": "left",
            "yanchor": "bottom", "yshift": 4 + LINE * lines_above, "showarrow": False, "align": "left",
            "font": {"size": 11, "color": PALETTE["highlight"]}, "name": "note"}


def caption_spec(text: str, below: int, width: int = CAPTION_WIDTH) -> Spec:
    """Where the numbers come from, in small print ``below`` px under the plot area."""
    return {"text": "<br>".join(wrap(text, width)), "xref": "paper", "yref": "paper", "x": 0, "y": 0,
            "xanchor": "left", "yanchor": "top", "yshift": -below, "showarrow": False, "align": "left",
            "font": {"size": 10, "color": PALETTE["muted"]}, "name": "source"}


def figure_layout(title: str, meta: dict[str, Any], annotations: list[Spec], *, height: int, caption: str,
            below: int = 28, notes: Sequence[str] = (), caption_width: int = CAPTION_WIDTH, **axes: Any) -> Spec:
    """The layout every figure shares: plain title, notes, source caption, tight margins, tiny template.

    ``below`` is the room the x axis takes under the plot (ticks, axis title);
    the caption goes under that and the bottom margin grows to fit it.
    """
    note_specs, used = [], 0
    for text in notes:
        note_specs.append(note_spec(text, used))
        used += len(wrap(text, NOTE_WIDTH))
    cap = caption_spec(caption, below, caption_width)
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


def value_axis(title: str, top: float) -> Spec:
    # Headroom above the tallest bar leaves room for value labels and "You are here".
    return {"title": {"text": title, "font": {"size": 11}}, "range": [0, top * 1.3], "rangemode": "tozero",
            "gridcolor": PALETTE["grid"], "zeroline": True, "zerolinecolor": PALETTE["axis"], "fixedrange": True,
            "automargin": True}


def category_axis(labels: Sequence[str] | None = None, width: int = LABEL_WIDTH) -> Spec:
    """A category axis; with ``labels`` it is a horizontal bar's: first row on top, labels wrapped."""
    axis: Spec = {"type": "category", "automargin": True, "fixedrange": True, "ticks": ""}
    if labels is not None:
        axis.update(autorange="reversed", tickvals=list(labels),
                    ticktext=["<br>".join(wrap(label, width)) for label in labels])
    return axis


def you_are_here(x: Any, y: Any, *, dx: int, dy: int, standoff: int = 18) -> Spec:
    return {"text": YOU_ARE_HERE, "x": x, "y": y, "xref": "x", "yref": "y", "ax": dx, "ay": dy,
            "showarrow": True, "arrowhead": 2, "arrowwidth": 1.5, "arrowcolor": PALETTE["highlight"],
            "standoff": standoff, "font": {"size": 12, "color": PALETTE["highlight"]},
            "bgcolor": PALETTE["label_back"], "name": "you-are-here"}


def emphasis(n: int, hit: int | None) -> tuple[list[str], list[float]]:
    """Per-item colour and outline width: the highlight colour plus a dark outline for yours."""
    colours = [PALETTE["highlight"] if i == hit else PALETTE["base"] for i in range(n)]
    widths = [2.0 if i == hit else 0.0 for i in range(n)]
    return colours, widths


BAR_GAP = 0.2  # layout.bargap of the bar charts: a bar fills the rest of its slot, so a mark can cover it exactly


def bar_mark(label: str, value: float, horizontal: bool) -> Spec:
    """Yours, on a bar chart: a box in the highlight colour, dark-outlined, drawn exactly over ``label``'s bar.

    A shape, not a per-bar colour array: moving it to another bar redraws the shape only, while Plotly
    replots the whole chart when a colour array changes (one slider step can move C1, C3 and C5 at once).
    """
    half = (1 - BAR_GAP) / 2  # the shifts are fractions of the category's slot, around its centre
    cat, val = ("y", "x") if horizontal else ("x", "y")
    box = {f"{cat}0": label, f"{cat}1": label, f"{cat}0shift": -half, f"{cat}1shift": half,
           f"{val}0": 0, f"{val}1": value}
    return {"type": "rect", "xref": "x", "yref": "y", **box, "fillcolor": PALETTE["highlight"],
            "line": {"color": PALETTE["text"], "width": 2}, "layer": "above", "name": "yours"}
