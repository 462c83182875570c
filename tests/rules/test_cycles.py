"""Application cycles as data: the date picks the cycle, every stated date comes from it, and off the data it says so.

The date is frozen through the public seams only: ``cycle_for(day)``, ``assess(..., today=day)``,
``GuideModel(today=day)``, ``Dashboard(today=day)`` and the chapters' ``today`` option.
"""
from __future__ import annotations

import ast
import html
import re
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

import stepguide as sg
from data_tables import table_names
from stepguide.rules.cycles import cycle_for, cycle_note, cycles
from stepguide.rules.inputs import exam_date_matters, long_date, passing_words
from stepguide.rules.tables import table
from stepguide.rules.words import label
from stepguide.ui.model import GuideModel
from stepguide.ui.pages import guide
from stepguide.ui.pages.dashboard import Dashboard
from stepguide.ui.plan import plan_markdown

DAY = timedelta(days=1)
ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 12, 5)  # the brief's "today": a 2026-27 applicant


BOUNDARIES = [
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
]


@pytest.mark.parametrize("day,name,current", BOUNDARIES)
def test_cycle_for_each_boundary(day: date, name: str, current: bool) -> None:
    c = cycle_for(day)
    assert (c.name, c.current, c.today) == (name, current, day)
    assert c.after_last == (not current and day > c.match_day)


@pytest.mark.parametrize("day,name,current", BOUNDARIES)
def test_the_page_shows_the_cycle_of_the_day(day: date, name: str, current: bool) -> None:
    """Frozen at each boundary, the dashboard's words: whose dates, a warning off the data, the ERAS opening."""
    d = Dashboard(today=day, month="Jul")
    line = html.unescape(d.cycle.value)
    assert f"{name} application cycle" in line
    assert ("sg-cycle-stale" in line) == (not current)
    assert ("not this year's" in line) == (not current and day > date(2027, 3, 19))
    assert ("may not be yours" in line) == (not current and day < date(2025, 3, 22))
    eras = cycle_for(day).words()["eras_open"]
    assert eras.startswith(("September 24, 2025", "September 23, 2026"))
    assert html.escape(eras) in d.why.value and eras in d.export.text  # the why list and the exported plan


def test_cycles_follow_each_other_without_a_gap() -> None:
    spans = cycles()
    assert [s[0] for s in spans] == ["2025-26", "2026-27"]
    for (_, _, match_day), (_, starts, _) in pairwise(spans):
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
    """Every date a text states is a placeholder filled from cycles.csv, never a literal in data or in code.

    Only cycles.csv holds dates, exam_facts.csv the exam's own (the passing-score change), publications.csv
    and articles.csv when a source was published or read, and the case books their expectations (casebook.csv,
    program_cases.csv); the passing-score change day may be named where the passing standard is.
    """
    literals = re.compile(r"\b20\d\d-\d\d-\d\d\b"
                          r"|\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]* \d{1,2}\b"
                          r"|\b(early|mid|late) (March|September)\b", re.IGNORECASE)
    change = passing_words()["change_date"]
    for name in table_names():
        if name in ("cycles", "exam_facts", "publications", "articles", "casebook", "program_cases"):
            continue
        for row in table(name):
            for col, cell in row.items():
                text = str(cell or "").replace(change, "")
                if name == "labels" and col == "hint" and text.startswith("e.g."):
                    continue  # an example of what to type in a field, e.g. an interview date
                assert not literals.search(text), (name, col, cell)
    for module in sorted((ROOT / "stepguide").glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        docs = {id(n.body[0].value) for n in ast.walk(tree)
                if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef)) and n.body
                and isinstance(n.body[0], ast.Expr)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                assert not literals.search(node.value), (module.name, node.value)


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


def test_the_email_chapter_names_the_cycle_its_reasons_are_dated_from() -> None:
    ch = guide.to_email_or_not(today=date(2027, 6, 1), month="Aug")
    assert "sg-cycle-stale" in ch.verdict.value and "2026-27" in ch.verdict.value


def test_the_dashboard_starts_in_todays_month() -> None:
    """A student opening the page in December is shown December, not a September situation."""
    assert Dashboard(today=TODAY).values()["month"] == "Dec"
    assert Dashboard(today=date(2027, 4, 2)).values()["month"] == "Apr"
    assert Dashboard(today=TODAY, month="Aug").values()["month"] == "Aug"  # a given month wins


# ---------------------------------------------------------------- the passing standard follows the exam date

@pytest.mark.parametrize("score,exam,failed", [
    (213, "before", True), (214, "before", False), (217, "before", False), (218, "before", False),
    (213, "from", True), (214, "from", True), (217, "from", True), (218, "from", False),
    (216, None, True),  # not asked: read against 218 (see inputs.DEFAULTS)
    (216, date(2025, 6, 30), False), (216, "2025-07-01", True), (216, datetime(2025, 6, 30, 9), False),
    (216, " Before ", False), (216, "on or after", True),
])
def test_passing_follows_the_exam_date(score: int, exam: object, failed: bool) -> None:
    a = sg.assess("Pass", score, "Internal Medicine", step2_exam=exam)  # type: ignore[arg-type]  # a bad value on purpose
    assert a.verdict.failed is failed
    assert a.passing == (214 if a.profile.step2_exam == "before" else 218)
    assert a.exam_date_matters == (214 <= score <= 217) == exam_date_matters(score)
    said = " ".join(t.reason for t in a.trace)
    assert ("passes or fails by the exam's date" in said) == a.exam_date_matters
    assert ("fail_retake" in {x.action for x in a.actions}) is failed


def test_a_bad_exam_date_names_the_field_and_the_choices() -> None:
    with pytest.raises(ValueError, match=r"^step2_exam: expected 'from' \(an exam on or after 2025-07-01\) or "
                                         r"'before' \(an exam before 2025-07-01\), or the exam date as YYYY-MM-DD, "
                                         r"got 'soon'$"):
        sg.assess(230, 216, "IM", step2_exam="soon")  # type: ignore[arg-type]  # a bad value on purpose
    with pytest.raises(ValueError, match="^step2_exam:"):
        sg.assess(230, 216, "IM", step2_exam=True)  # type: ignore[arg-type]  # a bad value on purpose


def test_the_exam_date_is_asked_only_between_the_two_standards() -> None:
    d = Dashboard(today=TODAY, step1="Pass", step2=248)
    exam = d.inputs["step2_exam"]
    assert exam.layout.display == "none" and exam.disabled
    assert [v for _, v in exam.options] == ["from", "before"]
    assert exam.options[1][0] == "Before July 1, 2025 (passing score 214)"
    d.inputs["step2"].value = 216
    assert exam.layout.display != "none" and not exam.disabled
    assert d.assessment.verdict.failed and "step2_exam=from" in d.link.state
    exam.value = "before"
    assert not d.assessment.verdict.failed and d.values()["step2_exam"] == "before"
    assert "step2_exam=before" in d.link.state
    assert [label("field", "step2_exam"), "Before July 1, 2025 (passing score 214)"] in d.link.summary  # printed
    md = plan_markdown(d.assessment, d.draft)
    assert f"- **{label('field', 'step2_exam')}:** Before July 1, 2025 (passing score 214)" in md
    assert "You took the exam before July 1, 2025, so 216 is a pass" in md
    d.inputs["step2"].value = 230
    assert exam.layout.display == "none"
    assert label("field", "step2_exam") not in plan_markdown(d.assessment, d.draft)


def test_the_exam_date_travels_in_the_situation_link() -> None:
    d = Dashboard(today=TODAY, step1="Pass", step2=248)
    assert d.link.apply("step2=216&step2_exam=before") == []
    assert (d.values()["step2"], d.values()["step2_exam"]) == (216, "before")
    assert not d.assessment.verdict.failed
    problems = d.link.apply("step2_exam=soon")
    assert len(problems) == 1 and problems[0].startswith("step2_exam: expected one of from, before")
    assert d.values()["step2_exam"] == "before"


def test_the_exam_date_in_a_class_table() -> None:
    pd = pytest.importorskip("pandas")
    out = sg.assess_frame(pd.DataFrame({"step1": ["Pass"] * 3, "step2": [216] * 3, "specialty": ["IM"] * 3,
                                        "step2_exam": ["before", "2025-07-01", "someday"]}))
    assert out["value"].tolist()[:2] == [sg.assess("Pass", 216, "IM", step2_exam="before").value, "major_liability"]
    assert out["error"].tolist()[2].startswith("step2_exam:")
