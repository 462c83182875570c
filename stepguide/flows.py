"""Decision flows F1-F4 as graphs from data, and the path one applicant takes through each."""
from __future__ import annotations

from functools import cache

import pandas as pd

from .data import table

FLOWS = ("F1", "F2", "F3", "F4")
_F3_PHASE_NODES = {"early": ("early", "email_top"), "late": ("late", "email_interviewed"),
                   "pre-rank": ("prerank", "email_required")}
FLOW_PHASES = ("early", "late", "pre-rank", "after-rank")  # when F2/F3 apply at all


@cache
def flow_nodes(flow: str) -> pd.DataFrame:
    nodes = table("flow_nodes")
    return nodes[nodes["flow"] == flow].reset_index(drop=True)


@cache
def flow_info(flow: str) -> dict[str, str]:
    """Title and caption of a flow diagram (flow_info.csv)."""
    return table("flow_info").set_index("flow").loc[flow].to_dict()


@cache
def flow_edges(flow: str) -> pd.DataFrame:
    edges = table("flow_edges")
    return edges[edges["flow"] == flow].reset_index(drop=True)


def f1_path(step2_out: bool, above_cutoff: bool) -> tuple[str, ...]:
    """F1: how a program's screen treats the file, taking the usual-range floor as the cutoff."""
    path = ("received", "filter", "visible")
    if not step2_out:
        return path + ("low_priority",)
    if not above_cutoff:
        return path + ("cutoff", "low_priority")
    return path + ("cutoff", "faculty", "interview_pool")


def f2_path(step2_out: bool, phase: str, stage: str, helps: bool) -> tuple[str, ...]:
    if not step2_out:
        return ()
    if phase not in FLOW_PHASES:
        return ("new_score",)
    after_rank = stage == "after rank lists" or phase == "after-rank"
    if stage == "before invites" and not after_rank:
        return ("new_score", "before_invites", "helps", "targeted" if helps else "eras_only")
    asked = ("new_score", "before_invites", "before_rank")
    if after_rank:
        return asked + ("no_email",)
    # F2 assumes a score worth sharing; one that does not help stops here and F3 decides (ERAS only).
    return asked + ("email_interviewed",) if helps else asked


def f3_path(step2_out: bool, phase: str, helps: bool) -> tuple[str, ...]:
    if not step2_out:
        return ()
    if phase not in FLOW_PHASES:
        return ("new_score",)
    if not helps:
        return ("new_score", "helps", "eras_only")
    if phase not in _F3_PHASE_NODES:
        return ("new_score", "helps", "cycle")
    return ("new_score", "helps", "cycle") + _F3_PHASE_NODES[phase]


def f4_path(drop: bool, competitive: bool) -> tuple[str, ...]:
    if not drop:
        return ()
    if competitive:
        return ("drop", "competitive", "letters")
    return ("drop", "competitive", "broaden", "subi", "submit_early")


def path_edges(flow: str, path: tuple[str, ...]) -> list[tuple[str, str]]:
    """The edges of ``flow`` that a path walks, checked against the flow's data."""
    known = set(zip(flow_edges(flow)["src"], flow_edges(flow)["dst"]))
    pairs = list(zip(path, path[1:]))
    missing = [p for p in pairs if p not in known]
    if missing:
        raise ValueError(f"{flow}: path uses edges not in the flow: {missing}")
    return pairs
