"""Flow diagrams (F1-F4) laid out from their edges, with one person's path lit.

The layout is a small layered drawing: nodes by BFS depth, labels wrapped to
their layer's room, arrows stopping at box edges; it is computed once per flow.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from functools import cache
from typing import Any, NamedTuple

from stepguide.charts.look import (
    BOX_PAD,
    CHAR_W,
    FLOW_CANVAS,
    FLOW_WIDTH,
    LINE,
    LINE_H,
    MAX_GAP,
    MIN_GAP,
    NOTE_WIDTH,
    PALETTE,
    Spec,
    figure_layout,
    wrap,
)
from stepguide.rules.articles import credit
from stepguide.rules.flows import FLOWS, flow_edges, flow_info, flow_nodes, path_edges

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
    for src, dst in zip(edges.col("src"), edges.col("dst"), strict=True):
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
            row.append((node, x, wrap(label[node], max(10, int(room / CHAR_W)))))
        placed.append(row)
    rows = [max(len(lines) for _, _, lines in row) for row in placed]
    # As much air between layers as the height budget allows, within limits.
    gap = max(MIN_GAP, min(MAX_GAP, (budget - LINE_H * sum(rows)) / len(rows)))
    boxes: dict[str, _Box] = {}
    top = 0.0
    for row, n_lines in zip(placed, rows, strict=True):
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


def _along(a: _Box, b: _Box, f: float) -> tuple[float, float]:
    """The point a fraction ``f`` of the way from box ``a``'s centre to box ``b``'s, y pointing up as drawn."""
    return round(a.x + f * (b.x - a.x), 4), round(-(a.y + f * (b.y - a.y)), 1)


def flow_figure(flow_id: str, path: Sequence[str] = (), *, note: str | None = None) -> Spec:
    """A decision flow drawn top-down from its edges, the person's path lit and the rest faded.

    ``path`` is a node sequence such as ``Assessment.paths["F2"]``; it is
    checked against the flow's edges (``ValueError`` if it leaves them).
    """
    notes = [note] if note else []
    boxes, canvas = _flow_layout(flow_id, FLOW_CANVAS - LINE * sum(len(wrap(n, NOTE_WIDTH)) for n in notes))
    path, lit_edges = _check_path(flow_id, path)
    traces: list[Spec] = []
    annotations: list[Spec] = []
    for src, dst, answer in _edge_rows(flow_id):
        lit = (src, dst) in lit_edges
        colour = PALETTE["highlight"] if lit else PALETTE["faded"]
        a, b = boxes[src], boxes[dst]
        leave, arrive = _edge_span(a, b), 1 - _edge_span(b, a)
        (x0, y0), (xa, ya), (x1, y1) = _along(a, b, 0), _along(a, b, arrive), _along(a, b, 1)
        traces.append({  # the arrowhead sits just outside the target box and shows the direction
            "type": "scatter", "mode": "lines+markers", "x": [x0, xa, x1], "y": [y0, ya, y1],
            "line": {"color": colour, "width": 4 if lit else 1.5}, "hoverinfo": "skip",
            # One arrowhead size, lit or not: lighting another path changes only colours and widths, which
            # Plotly restyles in place (a new size array would make it redraw the whole chart).
            "marker": {"symbol": "arrow", "angleref": "previous", "size": [0, 10, 0],
                       "color": colour},
            "meta": {"edge": [src, dst], "lit": lit},
        })
        if isinstance(answer, str) and answer:
            xl, yl = _along(a, b, (leave + arrive) / 2)  # in the gap between the two boxes
            annotations.append({
                "text": f"<b>{answer}</b>" if lit else answer, "x": xl, "y": yl, "xref": "x", "yref": "y",
                "showarrow": False, "bgcolor": PALETTE["answer_back"], "name": f"answer:{src}>{dst}",
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
            "edges": [list(e) for e in path_edges(flow_id, path)], "source": info["caption"], "note": note,
            "min_width": FLOW_WIDTH + 20}  # px the page keeps (scrolling sideways on a phone), margins included
    layout = figure_layout(info["title"], meta, annotations, height=int(canvas) + 44 + 10 + LINE,
                           caption=f"{credit(str(info['doc']), flow_id, 'flow_credit')} {info['caption']}", below=4,
                           notes=notes, xaxis={**hidden, "range": [0, 1]}, yaxis={**hidden, "range": [-canvas, 0]})
    return {"data": traces, "layout": layout}


@cache
def _edge_rows(flow_id: str) -> tuple[tuple[str, str, Any], ...]:
    return tuple((r["src"], r["dst"], r["answer"]) for r in flow_edges(flow_id))


def _edge_span(a: _Box, b: _Box) -> float:
    """How far along the edge a->b (0..1) it leaves box ``a``'s border, plus a little air."""
    dx_px, dy_px = (b.x - a.x) * FLOW_WIDTH, b.y - a.y
    fractions = [(a.half_w + 3) / abs(dx_px) if dx_px else 1.0, (a.half_h + 3) / abs(dy_px) if dy_px else 1.0]
    return min(min(fractions), 0.45)
