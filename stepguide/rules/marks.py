"""What in the articles' tables, charts and verdict cards is about one reader.

Marking a T1 or T2 row as "yours", saying why a chart marks nothing, choosing which case of a
verdict card applies: each is a rule of the articles, so it is decided here, from the
:class:`~stepguide.rules.assessment.Assessment`, and the views only render the answer.
"""
from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from stepguide.rules.tables import Row, table
from stepguide.rules.words import say

if TYPE_CHECKING:  # pragma: no cover
    from stepguide.rules.assessment import Assessment

LIABILITY_MAX = 1  # C3's mild (1) and major (0) liability: a weak score, whose email T2 calls "mostly ignored"
CARDS = ("trend", "value", "reading")  # the verdict cards with more than one case (the email card has one)


class T1Rows(NamedTuple):
    """T1 for one reader: the rows to show, whether any group is theirs, and which row describes them now."""

    rows: tuple[Row, ...]
    mine: bool
    yours: tuple[bool, ...]


def _t1_facts(a: Assessment) -> dict[str, str]:
    """The facts a T1 group is told apart by (``t1_file_perception.csv`` ``describes``), as text."""
    return {"step1_band": str(a.verdict.step1_band or ""), "step1": str(a.profile.step1),
            "applicant": a.profile.applicant}


@cache
def _t1_describes() -> dict[str, tuple[str, str]]:
    """Group -> (fact, value) it describes, checked once against the facts the rules know."""
    known = ("step1_band", "step1", "applicant")
    out: dict[str, tuple[str, str]] = {}
    for r in table("t1_file_perception"):
        fact, sep, value = str(r["describes"]).partition("=")
        if not sep or fact not in known:
            raise KeyError(f"t1_file_perception.csv {r['group']!r}: describes {r['describes']!r} is not "
                           f"fact=value with a fact among {known}")
        out[str(r["group"])] = (fact, value)
    return out


def t1_rows(a: Assessment) -> T1Rows:
    """T1's rows for this reader: their own groups' rows (all rows when no group is theirs), the row marked
    "yours" being the one for their file now: 'without' while Step 2 CK is not out, 'with' only for the
    Step 2 CK bands that row describes (doc A: a strong, solid or high score)."""
    facts = _t1_facts(a)
    mine = {g for g, (fact, value) in _t1_describes().items() if facts[fact] == value}
    t1 = table("t1_file_perception")
    rows = tuple(r for r in t1 if r["group"] in mine) if mine else tuple(t1)
    out = a.profile.step2 is not None

    def yours(r: Row) -> bool:
        if not mine:
            return False
        if r["with_step2"] != "yes":
            return not out
        return out and str(a.verdict.step2_band) in str(r["step2_bands"] or "").split("|")
    return T1Rows(rows, bool(mine), tuple(yours(r) for r in rows))


def t2_row(a: Assessment) -> str:
    """The T2 row (``t2_email_use.csv`` ``applies_to``) about this reader's email: a weak score they should not
    email about is T2's "email about a weak score"; otherwise the row of their email decision."""
    weak = a.value_score is not None and a.value_score <= LIABILITY_MAX
    return "liability" if a.email == "none" and weak else a.email


def chart_note(a: Assessment, key: str) -> str | None:
    """Why chart ``key`` (a figure key: c1-c6, f1-f4, matched) marks nothing for this reader; None when it
    marks something. A flow's note is the rules' own (:attr:`FlowPath.note`)."""
    flow = key.upper()
    if flow in a.paths:
        return a.paths[flow].note
    pending = a.profile.step2 is None
    if key == "c1" and a.c1_profile is None:
        return say("chart_pending") if pending else say("c1_no_profile")
    if key == "c3" and a.value is None:
        return say("chart_pending")
    if key == "c5" and a.trend is None:
        return say("chart_pending") if pending else say("c5_no_trend", step1=a.profile.step1)
    return None


def card_case(a: Assessment, card: str) -> str:
    """Which case of verdict card ``card`` (one of :data:`CARDS`) applies; the card's words are keyed on it
    (``wording.csv`` ``card_<card>_<case>``)."""
    if card == "trend":
        return "numeric" if a.trend is not None else "pending" if a.profile.step2 is None else "word"
    if card == "value":
        return "pending" if a.value is None else "judged"
    if card == "reading":
        if a.reading is not None:
            return "read"
        if a.profile.step2 is None:
            return "pending"
        return "no_numeric" if a.delta is None else "no_drop"
    raise KeyError(f"no card {card!r}; the cards with cases are {CARDS}")


def within_error_of_matched(a: Assessment) -> bool:
    """The score differs from the matched mean, but the mean lies inside the score's error band (±SEM)."""
    if not a.vs_matched or a.sem_band is None or a.matched_mean is None:
        return False
    lo, hi = a.sem_band
    return lo <= a.matched_mean <= hi
