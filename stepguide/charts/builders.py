"""Per-person marking: which figure shows what for one assessment, and each chart in words.

The builders (:mod:`stepguide.charts.figures`, :mod:`stepguide.charts.flow_layout`) are pure;
this module only hands each figure, for an :class:`~stepguide.rules.assessment.Assessment`,
the bar, month, level or path to highlight and the note that says why nothing is (the
rules decide that note: :func:`stepguide.rules.marks.chart_note`).
It re-exports the builders so ``stepguide.charts`` stays the one door for pages.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from stepguide.charts.figures import (  # noqa: F401
    c1_figure,
    c2_figure,
    c3_figure,
    c4_figure,
    c5_figure,
    c6_figure,
    chart_figure,
    cohort_c5_figure,
    matched_figure,
    to_figure,
)
from stepguide.charts.flow_layout import flow_figure
from stepguide.charts.look import CHARTS, PALETTE, PENDING_NOTE, TEMPLATE, YOU_ARE_HERE, Spec  # noqa: F401
from stepguide.rules.flows import FLOWS, node_labels
from stepguide.rules.marks import chart_note
from stepguide.rules.published import exam_words
from stepguide.rules.words import say

if TYPE_CHECKING:  # pragma: no cover
    from stepguide.rules.assessment import Assessment


# ---------------------------------------------------------------- one person

def _flow_builder(flow: str) -> Callable[[Assessment], Spec]:
    """The figure of one flow for a person: their path through it lit."""
    return lambda a: flow_figure(flow, a.paths[flow].nodes, note=chart_note(a, flow.lower()))


FIGURES: dict[str, Callable[[Assessment], Spec]] = {
    "c1": lambda a: chart_figure("C1", a.c1_profile, note=chart_note(a, "c1")),
    "c2": lambda a: chart_figure("C2", a.profile.month),
    "c3": lambda a: chart_figure("C3", a.value, note=chart_note(a, "c3")),
    "c4": lambda a: chart_figure("C4", a.profile.month),
    "c5": lambda a: chart_figure("C5", a.trend, note=chart_note(a, "c5")),
    "c6": lambda a: c6_figure(),
    **{f.lower(): _flow_builder(f) for f in FLOWS},
    "matched": lambda a: matched_figure(a.profile.specialty, a.profile.step2),
}


def describe(spec: Spec) -> str:
    """A plain-text summary of a spec, for a chart's accessible name (screen readers get the numbers too)."""
    layout, meta = spec["layout"], spec["layout"].get("meta", {})
    parts = [layout["title"]["text"] + "."]
    if "path" in meta:
        labels = node_labels(meta["chart"])
        if meta["path"]:
            parts.append(say("describe_path", path=" → ".join(labels[n] for n in meta["path"])))
    elif spec["data"]:
        trace = spec["data"][0]
        cats, vals = (trace["y"], trace["x"]) if trace.get("orientation") == "h" or meta.get("chart") == "matched" \
            else (trace["x"], trace["y"])
        parts.append("; ".join(f"{c}: {v}" for c, v in zip(cats, vals, strict=True)) + ".")
        if meta.get("highlight"):
            parts.append(f"{YOU_ARE_HERE}: {meta['highlight']}.")
        if meta.get("step2") is not None:
            parts.append(say("describe_score", step2=meta["step2"], **exam_words()))  # the band is ±SEM
        if meta.get("editions"):  # published numbers: say which edition they come from
            parts.append(str(meta["editions"]))
    parts += [a["text"].replace("<br>", " ") for a in layout.get("annotations", []) if a.get("name") == "note"]
    return " ".join(parts)


def figure_for(a: Assessment, key: str) -> Spec:
    """One of :data:`FIGURES` for this person (a chapter redraws only the figures it shows)."""
    return FIGURES[key](a)


def figures_for(a: Assessment) -> dict[str, Spec]:
    """Every figure of the guide for this person: c1-c6, f1-f4 and matched."""
    return {key: build(a) for key, build in FIGURES.items()}
