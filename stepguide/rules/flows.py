"""Decision flows F1-F4 as graphs from data, and the path one applicant takes through each.

F2 and F3 are lit from the very row of ``email_decision.csv`` that made the
email decision (its ``f2``/``f3`` columns), so a lit path can never disagree
with the verdict; where a flow does not fit the person, the row says why
(``f2_note``/``f3_note``) and nothing is lit.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from stepguide.rules.articles import article_name, articles
from stepguide.rules.cycles import Cycle
from stepguide.rules.inputs import MONTH_NAMES, MONTHS, Profile
from stepguide.rules.scores import trend_edges
from stepguide.rules.tables import Row, Table, season, table
from stepguide.rules.words import say

FLOWS = ("F1", "F2", "F3", "F4")


@dataclass(frozen=True)
class FlowPath:
    """The nodes one person walks through a flow, or why the flow does not apply to them."""

    nodes: tuple[str, ...]
    note: str | None = None


@cache
def flow_nodes(flow: str) -> Table:
    return table("flow_nodes").where(flow=flow)


@cache
def node_labels(flow: str) -> dict[str, str]:
    return {r["node"]: r["label"] for r in flow_nodes(flow)}


@cache
def node_decisions(flow: str) -> dict[str, str]:
    """Terminal node -> the email decision id it stands for (F2/F3)."""
    return {r["node"]: r["decision"] for r in flow_nodes(flow) if r["decision"]}


@cache
def flow_info(flow: str) -> Row:
    """Title and caption of a flow diagram (flow_info.csv)."""
    return table("flow_info").by("flow")[flow]


@cache
def flow_edges(flow: str) -> Table:
    return table("flow_edges").where(flow=flow)


@cache
def calendar_terms(month: str) -> tuple[Row, Row]:
    """The month's words on both clocks (calendar.csv): the interview season (doc B) and how late a score
    out now is for programs' first screening (doc A). Every page says "early" and "late" through these."""
    terms = table("calendar").by("term")
    row = season()[month]
    return terms[row["season_term"]], terms[row["release_term"]]


def month_words(p: Profile) -> dict[str, str]:
    """The month's name and its calendar words: what a text may say without a date."""
    season_term, release_term = calendar_terms(p.month)
    return {"month_name": MONTH_NAMES[MONTHS.index(p.month)].capitalize(),
            "season_words": str(season_term["words"]), "season_article": _article(season_term),
            "release_words": str(release_term["words"]), "release_article": _article(release_term),
            "act_by": str(season_term["act_by"]), "release_by": str(season_term["release_by"])}


def _article(term: Row) -> str:
    """How a sentence names the article a calendar word comes from: "the Emailing Programs article"."""
    return article_name(articles()[str(term["article"])])


def words(p: Profile, cycle: Cycle) -> dict[str, str]:
    """Numbers and names a note or reason may mention, all from the inputs or data (dates from ``cycle``)."""
    return {**cycle.words(), **month_words(p)}


def _from_row(row: Mapping[str, object], flow: str, p: Profile, cycle: Cycle) -> FlowPath:
    key = flow.lower()
    nodes = tuple(str(row[key]).split(">")) if row[key] else ()
    if nodes and p.step2 is None:  # the flows start from a score in hand
        return FlowPath((), say("flow_pending"))
    note = str(row[f"{key}_note"]).format(**words(p, cycle)) if row[f"{key}_note"] else None
    return FlowPath(nodes, note)


def f1_path(step2_out: bool, above_floor: bool) -> FlowPath:
    """F1: how a program's screen treats the file, taking the usual-range floor as the cutoff."""
    path = ("received", "filter", "visible")
    if not step2_out:
        return FlowPath(path + ("low_priority",))
    if not above_floor:
        return FlowPath(path + ("cutoff", "low_priority"))
    return FlowPath(path + ("cutoff", "faculty", "interview_pool"))


def f4_path(p: Profile, trend: str | None, drop: bool, in_range: bool | None,
            doable: Callable[[str], bool] = lambda action: True) -> FlowPath:
    """F4 starts from a real drop (5+ points below a numeric Step 1); the question is the usual range.
    The path stops before a step whose checklist action (flow_nodes.csv ``action``) can no longer be done."""
    if p.step2 is None:
        return FlowPath((), say("f4_pending"))
    if not p.step1_numeric:
        return FlowPath((), say("f4_no_numeric", step1=p.step1))
    if not drop:
        # a dip inside the measurement error reads as flat
        dip = trend == "flat" and isinstance(p.step1, int) and p.step2 < p.step1
        return FlowPath((), say("f4_flat_dip" if dip else "f4_not_below", **trend_edges()))
    full = (("drop", "competitive", "letters") if in_range
            else ("drop", "competitive", "broaden", "subi", "submit_early"))
    actions = {r["node"]: r["action"] for r in flow_nodes("F4") if r["action"]}
    for i, node in enumerate(full):
        if node in actions and not doable(actions[node]):
            key = "f4_closed_ranked" if p.stage == "after rank lists" else "f4_closed_season"
            step = node_labels("F4")[node]
            return FlowPath(full[:i], say(key, step=step, **month_words(p)))
    return FlowPath(full)


def paths_for(p: Profile, email_rule: Row, trend: str | None, drop: bool, in_range: bool | None,
              cycle: Cycle, doable: Callable[[str], bool] = lambda action: True) -> dict[str, FlowPath]:
    """Every flow's path for one person; F2/F3 come from the email decision row itself (dated from ``cycle``),
    F4 stops where ``doable`` (is this checklist action still possible now?) says no."""
    return {
        "F1": f1_path(p.step2 is not None, bool(in_range)),
        "F2": _from_row(email_rule, "F2", p, cycle),
        "F3": _from_row(email_rule, "F3", p, cycle),
        "F4": f4_path(p, trend, drop, in_range, doable),
    }


def path_edges(flow: str, path: tuple[str, ...]) -> list[tuple[str, str]]:
    """The edges of ``flow`` that a path walks, checked against the flow's data."""
    known = {(r["src"], r["dst"]) for r in flow_edges(flow)}
    pairs = list(pairwise(path))
    missing = [pair for pair in pairs if pair not in known]
    if missing:
        raise ValueError(f"{flow}: path uses edges not in the flow: {missing}")
    return pairs


def season_reason(month: str, words: Mapping[str, object]) -> str:
    """season.csv's reason for a month, its dates ({eras_open}, {rank_deadline}) from the cycle in ``words``."""
    return str(season()[month]["reason"]).format(**words)
