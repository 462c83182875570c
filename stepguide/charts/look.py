"""The charts' shared look: palette, template, sizes and the small layout pieces every figure uses.

Kept apart from the builders so that C1-C6, the matched-means chart and the
flow diagrams all draw from one palette and one set of sizes.
"""
from __future__ import annotations

import copy
import re
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


# ---------------------------------------------------------------- on a phone

PHONE = 338  # px: a chart's width on a 390 px phone (the page's and the chart box's padding taken off)
GLYPH = 0.58  # an average glyph's width, in font sizes (system-ui)
PLOT_LEFT = 50  # px: where the plot starts when the value axis' numbers are on the left


def _plain(text: str) -> str:
    return " ".join(text.replace("<br>", " ").split())


def _text_px(text: str, size: float) -> float:
    return len(_plain(re.sub(r"<(?!br>)[^>]*>", "", text))) * size * GLYPH


def _per_line(width: float, size: float) -> int:
    return max(4, int(width // (size * GLYPH)))


def _lines(text: str) -> int:
    return text.count("<br>") + 1


def _lower(layout: Spec, px: int) -> None:
    """The source line moves ``px`` further down and the bottom margin grows to keep it on the chart."""
    layout["margin"]["b"] += px
    for a in layout["annotations"]:
        if a.get("name") == "source":
            a["yshift"] -= px


def _wrap_rows(layout: Spec, data: list[Spec]) -> None:
    """A horizontal chart's category labels (the matched chart's specialties) on lines of 40 % of the width."""
    axis = layout.get("yaxis", {})
    if axis.get("type") != "category" or not data or not isinstance(data[0].get("y"), list):
        return
    names = [str(n) for n in axis.get("tickvals") or data[0]["y"]]
    per = _per_line(PHONE * 0.4, layout["template"]["layout"]["font"]["size"])
    axis.update(tickvals=names, ticktext=["<br>".join(wrap(_plain(n), per)) for n in names])


def _wrap_columns(layout: Spec, data: list[Spec]) -> None:
    """Column labels that would be turned on their side (into the source line) wrap onto lines instead."""
    axis = layout.get("xaxis", {})
    if axis.get("type") != "category" or axis.get("ticktext") or not data or data[0].get("orientation") == "h":
        return
    labels = [str(x) for x in data[0].get("x") or []]
    size = layout["template"]["layout"]["font"]["size"]
    slot = (PHONE - 70) / max(1, len(labels))
    if not labels or all(_text_px(x, size) <= slot - 6 for x in labels):
        return
    # A word is never split ("Neutra/l" reads as two words): the labels' type shrinks until the longest word fits
    # its slot, down to 10 px, and the lines break between words.
    longest = max(_text_px(word, size) for x in labels for word in x.split() or [x])
    if longest > slot - 6:
        size = max(10, int(size * (slot - 6) / longest))
        axis["tickfont"] = {**axis.get("tickfont", {}), "size": size}
    wrapped = [textwrap.wrap(x, _per_line(slot - 6, size), break_long_words=False) or [""] for x in labels]
    axis.update(tickvals=labels, ticktext=["<br>".join(w) for w in wrapped], tickangle=0)
    _lower(layout, round(size * 1.3) * (max(len(w) for w in wrapped) - 1))


def _mark_category(layout: Spec, data: list[Spec]) -> None:
    """"You are here" as its category's own label (bold, a line of its own): no room for an arrow beside bars."""
    here = next((a for a in layout["annotations"] if a.get("name") == "you-are-here"), None)
    if here is None or not data:
        return
    rows = layout.get("yaxis", {}).get("type") == "category" and here.get("yref") == "y" \
        and isinstance(here.get("x"), (int, float))
    axis = layout.get("yaxis" if rows else "xaxis", {})
    if axis.get("type") != "category":
        return
    cats = [str(c) for c in axis.get("tickvals") or data[0].get("y" if rows else "x") or []]
    at = str(here["y"] if rows else here["x"])
    if at not in cats:
        return
    text = [str(t) for t in axis.get("ticktext") or cats]
    k = cats.index(at)
    pad = 0 if rows else max(_lines(t) for t in text) - _lines(text[k])  # under a column: below every label
    text[k] = f"<b>{text[k]}</b>" + "<br> " * pad + f"<br><b>{here['text']}</b>"
    axis.update(tickvals=cats, ticktext=text, **({} if rows else {"tickangle": 0}))
    layout["annotations"].remove(here)
    if not rows:
        _lower(layout, round(layout["template"]["layout"]["font"]["size"] * 1.3))


def _rewrap(layout: Spec, width: float) -> None:
    """Notes and source line (both start at the plot's left edge) and a several-line x axis title re-wrapped."""
    before = after = 0
    for a in layout["annotations"]:
        if a.get("name") == "note":
            lines = wrap(_plain(a["text"]), _per_line(width - 16, a["font"]["size"]))
            before, a["yshift"] = before + _lines(a["text"]), 4 + LINE * after
            after += len(lines)
            a["text"] = "<br>".join(lines)
    layout["margin"]["t"] += LINE * (after - before)
    for a in layout["annotations"]:
        if a.get("name") == "source":
            lines = wrap(_plain(a["text"]), _per_line(width - 16, a["font"]["size"]))
            layout["margin"]["b"] += LINE * (len(lines) - _lines(a["text"]))
            a["text"] = "<br>".join(lines)
    title = layout.get("xaxis", {}).get("title")
    if isinstance(title, dict) and "<br>" in title.get("text", ""):
        old = title["text"].split("<br>")
        new = [line for part in old for line in wrap(part, _per_line(width - 16, title["font"]["size"]))]
        title["text"] = "<br>".join(new)
        _lower(layout, LINE * (len(new) - len(old)))


def _keep_inside(layout: Spec, width: float) -> None:
    """A label beside a value of the x axis (the matched chart's "You: 248 ...") on the side with room."""
    lo, hi = layout.get("xaxis", {}).get("range") or (0, 0)
    if hi == lo:
        return
    for a in layout["annotations"]:
        if a.get("xref") != "x" or a.get("showarrow") is not False or not isinstance(a.get("x"), (int, float)):
            continue
        at, need = (a["x"] - lo) / (hi - lo) * width, _text_px(a["text"], a["font"]["size"]) + 8
        if at + need <= width:
            a.update(xanchor="left", xshift=4)
        elif at - need >= 0:
            a.update(xanchor="right", xshift=-4)
        else:  # over the line, inside the plot
            a.update(xanchor="left", xshift=round(max(-at, width - need - at)))


def _fit_rows(layout: Spec) -> None:
    """Rows of several lines need a taller plot: it grows until each two neighbouring rows' lines fit."""
    axis = layout.get("yaxis", {})
    if axis.get("type") != "category" or not axis.get("ticktext") or not axis.get("range"):
        return
    counts = [_lines(t) for t in axis["ticktext"]]
    pair = max([1.0] + [(a + b) / 2 for a, b in zip(counts, counts[1:], strict=False)])
    need = abs(axis["range"][1] - axis["range"][0]) * (layout["template"]["layout"]["font"]["size"] * 1.3 * pair + 6)
    have = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    if need > have:
        layout["height"] = int(layout["height"] + need - have + 1)


def with_phone_layout(spec: Spec) -> Spec:
    """``spec`` with ``layout.meta.narrow``: the layout keys that change on a phone, which PlotlyView uses
    below 560 px. The layout was made for ~600 px: on a phone the category labels wrap (never turned on their
    side into the source line), "You are here" becomes its category's own bold label line (no room for an
    arrow beside the bars), notes, key and source line re-wrap to the width, a label beside a value goes to
    the side with room, and a chart of wrapped rows grows taller so neighbouring rows never meet.
    """
    layout, data = copy.deepcopy(spec["layout"]), spec["data"]
    layout.pop("meta", None)
    _wrap_rows(layout, data)
    _wrap_columns(layout, data)
    _mark_category(layout, data)
    axis = layout.get("yaxis", {})
    left: float = PLOT_LEFT
    if axis.get("type") == "category" and axis.get("ticktext"):
        size = layout["template"]["layout"]["font"]["size"]
        left = 16 + max(_text_px(line, size) for t in axis["ticktext"] for line in t.split("<br>"))
    _rewrap(layout, PHONE - left)
    _keep_inside(layout, PHONE - left - 12)
    _fit_rows(layout)
    changed = {key: layout[key] for key in ("annotations", "xaxis", "yaxis", "margin", "height")
               if key in layout and layout[key] != spec["layout"].get(key)}
    spec["layout"]["meta"]["narrow"] = changed
    return spec
