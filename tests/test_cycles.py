"""Application cycles as data: the date picks the cycle, every stated date comes from it, and off the data it says so.

The date is frozen through the public seams only: ``cycle_for(day)``, ``assess(..., today=day)``,
``GuideModel(today=day)``, ``Dashboard(today=day)`` and the chapters' ``today`` option.
"""
from __future__ import annotations

import csv
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

import stepguide as sg
from stepguide import guide
from stepguide.cycles import cycle_for, cycle_note, cycles, long_date
from stepguide.dashboard import Dashboard
from stepguide.data import table
from stepguide.model import GuideModel
from stepguide.plan import plan_markdown
from stepguide.vocabulary import label

DAY = timedelta(days=1)
ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 12, 5)  # the brief's "today": a 2026-27 applicant


@pytest.mark.parametrize("day,name,current", [
    (date(2025, 3, 21), "2025-26", False),  # Match Day 2025: before the first cycle in data
    (date(2025, 3, 22), "2025-26", True),   # the day after it: the first cycle starts
    (date(2025, 3, 23), "2025-26", True),
    (date(2026, 3, 20), "2025-26", True),   # Match Day 2026 still belongs to its cycle
    (date(2026, 3, 21), "2026-27", True),   # the day after it starts the next one
    (date(2026, 3, 22), "2026-27", True),
    (TODAY, "2026-27", True),
    (date(2027, 3, 19), "2026-27", True),   # Match Day 2027, the last day in data
    (date(2027, 3, 20), "2026-27", False),  # past the last cycle: its dates, not current
    (date(2031, 1, 1), "2026-27", False),
])
def test_cycle_for_each_boundary(day: date, name: str, current: bool) -> None:
    c = cycle_for(day)
    assert (c.name, c.current, c.today) == (name, current, day)
    assert c.after_last == (not current and day > c.match_day)


def test_cycles_follow_each_other_without_a_gap() -> None:
    spans = cycles()
    assert [s[0] for s in spans] == ["2025-26", "2026-27"]
    for (_, _, match_day), (_, starts, _) in zip(spans, spans[1:]):
        assert starts == match_day + DAY  # a cycle starts the day after the previous Match Day
    for name, starts, match_day in spans:
        assert cycle_for(starts - DAY).name != name or not cycle_for(starts - DAY).current
        assert cycle_for(starts).name == cycle_for(match_day).name == name


def test_unconfirmed_dates_are_marked_and_say_where_to_check() -> None:
    c = cycle_for(TODAY)
    assert {f.key for f in c.unconfirmed} >= {"eras_programs_open", "rank_deadline", "match_day"}
    mark = str(table("wording").by("id")["date_unconfirmed"]["text"]).format(date="")
    assert c.words()["eras_open"] == long_date(date(2026, 9, 23)) + mark
    note = cycle_note(c)
    assert "2026-27" in note and "to be confirmed" in note and "aamc.org" in note and "nrmp.org" in note
    settled = cycle_for(date(2025, 9, 1))  # 2025-26: ERAS dates confirmed by AAMC
    assert settled.words()["eras_open"] == "September 24, 2025"


def test_texts_take_their_dates_from_the_cycle() -> None:
    for day, eras in ((date(2025, 7, 1), "September 24, 2025"), (TODAY, "September 23, 2026")):
        a = sg.assess(228, 248, "IM", month="Jul", today=day)
        timing = " ".join(t.reason for t in a.trace if t.topic == "timing")
        email = next(t.reason for t in a.trace if t.topic == "email")
        assert eras in timing and eras in email
        march = sg.assess(228, 248, "IM", month="Mar", today=day)
        deadline = long_date(date.fromisoformat(cycle_for(day).fact("rank_deadline").value))
        dated = [t.reason for t in march.trace if t.topic == "email" or (t.topic == "timing" and t.rule == "R6")]
        assert len(dated) == 2 and all(deadline in r for r in dated)
    assert sg.assess(228, 248, "IM", today=TODAY) == sg.assess(228, 248, "IM", today=TODAY)


def test_no_cycle_date_is_written_into_a_text() -> None:
    """Every date a text states is a placeholder filled from cycles.csv, never a literal."""
    literals = re.compile(r"\b20\d\d-\d\d-\d\d\b|\b(Sep|Sept|September|Mar|March) \d{1,2}\b|early March|late September",
                          re.IGNORECASE)
    texts = {"season": ("reason",), "email_decision": ("reason", "f2_note", "f3_note"), "actions": ("text",),
             "wording": ("text",), "lists": ("text", "detail"), "helps_rules": ("reason",),
             "value_rules": ("reason",), "email_templates": ("use_when", "subject", "body"), "faq": ("answer",)}
    for name, cols in texts.items():
        with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                for col in cols:
                    assert not literals.search(row[col] or ""), (name, col, row[col])


def test_past_the_last_cycle_every_page_says_whose_dates_these_are() -> None:
    late = date(2027, 6, 1)
    stale = cycle_note(cycle_for(late))
    assert "2026-27" in stale and "not this year's" in stale
    d = Dashboard(today=late, month="Aug")
    assert "sg-cycle-stale" in d.cycle.value and "2026-27" in d.cycle.value and "nrmp.org" in d.cycle.value
    ch = guide.timing(today=late, month="Jul")
    assert "sg-cycle-stale" in ch.verdict.value and "2026-27" in ch.details.value
    md = plan_markdown(d.assessment, d.draft)
    assert stale in md


def test_in_season_the_page_names_the_cycle_in_one_line() -> None:
    d = Dashboard(today=TODAY)
    assert "2026-27" in d.cycle.value and "sg-cycle-stale" not in d.cycle.value
    assert d.cycle.value.count("<p") == 1
    m = GuideModel(today=date(2025, 10, 1))
    assert m.assessment is not None and m.assessment.cycle.name == "2025-26"
    ch = guide.timing(today=TODAY)
    assert label("message", "cycle_dates").format(cycle="2026-27") in ch.details.value
    assert "September 23, 2026" in ch.details.value and "March 19, 2027" in ch.details.value
    assert plan_markdown(d.assessment, d.draft).count("2026-27") == 1
