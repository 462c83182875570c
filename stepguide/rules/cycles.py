"""Application cycles as data: which cycle's dates (ERAS opening, rank-list deadline, Match Day...) apply on a day.

Every date a text states comes from ``data/cycles.csv`` through :func:`cycle_for`,
so a new cycle is one block of rows there, never an edit of a sentence. A cycle
runs from the day after the previous Match Day (its ``starts`` row) through its
own Match Day: once a Match is over, everyone still applying is in the next
cycle, and the season's months then read in order (April to June before ERAS
opens, March at the end). On a day outside every cycle in data, :func:`cycle_for`
returns the nearest one with ``current`` False, and the pages say whose dates
they show and where to check them: never silently stale.

    cycle_for(date(2026, 12, 5)).name           # '2026-27'
    cycle_for(date(2026, 12, 5)).words()["eras_open"]
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from stepguide.rules.inputs import MONTH_NAMES, MONTHS, long_date
from stepguide.rules.tables import table
from stepguide.rules.words import label, say

DATED = ("eras_opens", "eras_submit", "eras_programs_open", "rank_deadline", "match_day")  # facts that are days
SHOWN = ("eras_opens", "eras_submit", "eras_programs_open", "interviews", "rank_deadline", "match_day")  # on the page


@dataclass(frozen=True)
class CycleFact:
    """One fact of one cycle (a day as ISO text, or the interview season as the articles' months) and its source."""

    key: str
    value: str
    detail: str
    source: str
    url: str
    confirmed: bool


@dataclass(frozen=True)
class Cycle:
    """The cycle whose dates the guide uses on ``today``.

    ``current`` is False when ``today`` lies outside every cycle in ``data/cycles.csv``
    (then these are the nearest cycle's dates and :func:`cycle_note` says so).
    """

    name: str
    starts: date
    match_day: date
    facts: tuple[CycleFact, ...]
    today: date
    current: bool

    def fact(self, key: str) -> CycleFact:
        for f in self.facts:
            if f.key == key:
                return f
        raise KeyError(f"cycles.csv: cycle {self.name} has no {key!r}")

    @property
    def after_last(self) -> bool:
        """Today is past the last cycle in data: the dates are the latest the guide has, not today's."""
        return not self.current and self.today > self.match_day

    @property
    def unconfirmed(self) -> tuple[CycleFact, ...]:
        """The page's facts not yet confirmed by AAMC or NRMP (best readings, marked on the page)."""
        return tuple(f for f in self.facts if f.key in SHOWN and not f.confirmed)

    def words(self) -> dict[str, str]:
        """The placeholders a text may use for this cycle (``{eras_open}``, ``{rank_deadline}``...), as words."""
        return _words(self)


@cache
def _rows() -> dict[str, dict[str, CycleFact]]:
    out: dict[str, dict[str, CycleFact]] = {}
    for r in table("cycles"):
        if r["confirmed"] not in ("yes", "no"):
            raise ValueError(f"cycles.csv: confirmed is yes or no, got {r['confirmed']!r} ({r['cycle']} {r['key']})")
        out.setdefault(str(r["cycle"]), {})[str(r["key"])] = CycleFact(
            str(r["key"]), str(r["value"]), str(r["detail"]), str(r["source"]), str(r["url"] or ""),
            r["confirmed"] == "yes")
    return out


@cache
def cycles() -> tuple[tuple[str, date, date], ...]:
    """Every cycle in data as (name, first day, Match Day), oldest first."""
    spans = [(name, date.fromisoformat(f["starts"].value), date.fromisoformat(f["match_day"].value))
             for name, f in _rows().items()]
    return tuple(sorted(spans, key=lambda s: s[1]))


@cache
def cycle_for(today: date) -> Cycle:
    """The cycle whose dates apply on ``today`` (pass ``date.today()``); the nearest one, not current, outside all."""
    spans = cycles()
    hit = next((s for s in spans if s[1] <= today <= s[2]), None)
    current = hit is not None
    if hit is None:
        hit = spans[0] if today < spans[0][1] else spans[-1]
    name, starts, match_day = hit
    return Cycle(name, starts, match_day, tuple(_rows()[name].values()), today, current)


def _shown(f: CycleFact) -> str:
    if f.key in DATED:
        text = long_date(date.fromisoformat(f.value))
    else:  # the interview season as months, e.g. "Oct-Jan"
        first, last = (MONTH_NAMES[MONTHS.index(m.strip())].capitalize() for m in f.value.split("-"))
        text = say("months_span", first=first, last=last)
    return text if f.confirmed else say("date_unconfirmed", date=text)


@cache
def _words(c: Cycle) -> dict[str, str]:
    out = {f"cycle_{f.key}" if f.key == "starts" else f.key: _shown(f) for f in c.facts if f.key != "starts"}
    out["eras_open"] = out.pop("eras_programs_open")  # the name the texts have always used
    out.update(cycle=c.name, match_year=str(c.match_day.year), today=long_date(c.today),
               # where to check: the links of the cycle's own ERAS and Match rows
               eras_url=c.fact("eras_programs_open").url, nrmp_url=c.fact("match_day").url)
    return out


def cycle_note(c: Cycle) -> str:
    """The one line the pages show near the season: whose dates these are, what is not confirmed, where to check."""
    w = c.words()
    if c.current:
        note = say("cycle_current", **w)
    else:
        note = say("cycle_after_last" if c.after_last else "cycle_before_first", **w)
    if c.current and c.unconfirmed:  # off the cycles, the line above already says where to check
        note += " " + say("cycle_unconfirmed", **w)
    return note


def cycle_dates(c: Cycle) -> list[tuple[str, str, str]]:
    """The cycle's dates as (what, when, source) rows for a table, in the season's order."""
    return [(label("cycle_fact", f.key), _shown(f), f.source) for f in c.facts if f.key in SHOWN]
