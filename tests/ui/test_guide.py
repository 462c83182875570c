"""Guide chapters (issue "Notebooks"): widgets wired to sg.assess, charts redrawn in place, safe HTML."""
from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import ipywidgets as w
import pytest

import stepguide as sg
from stepguide import charts
from stepguide.rules.tables import list_items, season, table
from stepguide.rules.words import label
from stepguide.ui.model import TEXT_FIELDS
from stepguide.ui.pages import guide
from stepguide.ui.plotly_view import PlotlyView, to_figure_dict

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
BUILDERS = {
    "risk_by_profile": (guide.risk_by_profile, {"c1", "f1"}),
    "timing": (guide.timing, {"c2", "c4"}),
    "score_trends": (guide.score_trends, {"c5", "matched"}),
    "to_email_or_not": (guide.to_email_or_not, {"c3", "f2", "f3"}),
    "after_a_drop": (guide.after_a_drop, {"c6", "f4"}),
}
def shown(fragment: str) -> str:
    """The words of an HTML fragment as read on the page (a badge such as R9 reads as its ID)."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


EVIL = '<img src=x onerror="alert(1)">&'
# What each chapter starts from, as assess keywords: doc B's 228 -> 248 (IM, October) and its 245 -> 224.
EXAMPLE = dict(step1=228, step2=248, specialty="Internal Medicine", month="Oct")
DROP = dict(EXAMPLE, step1=245, step2=224)
START = {"risk_by_profile": EXAMPLE, "timing": EXAMPLE, "score_trends": EXAMPLE, "to_email_or_not": EXAMPLE,
         "after_a_drop": DROP}


def _expected(start: dict, **changes) -> sg.Assessment:
    """What assess says for the chapter's starting person with the inputs a test changed."""
    return sg.assess(**{**start, **changes})


def _assert_views_match(ch: guide.Chapter, a: sg.Assessment) -> None:
    assert ch.assessment == a
    for key, view in ch.views.items():
        assert view.figure == to_figure_dict(charts.figure_for(a, key)), key
        assert view.label == charts.describe(charts.figure_for(a, key)), key


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_builders_return_wired_widgets(name):
    build, figures = BUILDERS[name]
    ch = build()
    assert isinstance(ch, w.VBox) and isinstance(ch, guide.Chapter)
    assert set(ch.views) == figures and all(isinstance(v, PlotlyView) for v in ch.views.values())
    assert ch.message.value == "" and ch.verdict.value
    for field, widget in ch.inputs.items():
        group = "email_field" if field in TEXT_FIELDS else "field"
        assert widget.description == label(group, field), field  # the accessible name, from the one vocabulary
        if isinstance(widget, w.IntSlider):
            assert widget.continuous_update and widget.readout
    _assert_views_match(ch, _expected(START[name]))


def test_score_trends_follow_the_sliders():  # C5, R1, SEM, matched
    ch = guide.score_trends()
    views = dict(ch.views)
    children = ch.children
    for step1, step2 in ((228, 248), (245, 224), (240, 243), (250, 262), (252, 249)):
        ch.inputs["step1"].value, ch.inputs["step2"].value = step1, step2
        a = _expected(EXAMPLE, step1=step1, step2=step2)
        _assert_views_match(ch, a)
        assert ch.views["c5"].figure["layout"]["meta"]["highlight_id"] == a.trend
        assert ch.views["c5"].figure["layout"]["meta"]["highlight"] == a.trend_label
        assert html.escape(f"'{a.trend_label}'") in ch.verdict.value  # the words, not the id
        assert f"from {a.sem_band[0]} to {a.sem_band[1]}" in ch.verdict.value
    assert ch.views == views and ch.children == children  # updated in place, never re-created


def test_step1_pass_and_pending_step2():
    ch = guide.risk_by_profile()
    ch.inputs["step1_mode"].value = "Pass"
    assert ch.inputs["step1"].disabled
    a = _expected(EXAMPLE, step1="Pass")
    assert a.profile.step1 == "Pass" and a.c1_profile == "pass_fail"
    _assert_views_match(ch, a)
    assert "Pass/Fail Step 1 era" in ch.verdict.value  # the chart's label, not the id
    ch.inputs["step2_pending"].value = True
    assert ch.inputs["step2"].disabled
    a = _expected(EXAMPLE, step1="Pass", step2=None)
    assert a.profile.step2 is None
    _assert_views_match(ch, a)
    assert ch.views["f1"].figure["layout"]["meta"]["path"][-1] == "low_priority"


def test_timing_marks_the_month_and_the_decision():  # C2, C4, R6, R9
    ch = guide.timing()
    for month in ("Jul", "Oct", "Dec", "Feb", "Mar"):
        ch.inputs["month"].value = month
        a = _expected(EXAMPLE, month=month)
        _assert_views_match(ch, a)
        reason = str(season()[month]["reason"]).format(**a.cycle.words())  # its dates from today's cycle
        assert reason in shown(ch.verdict.value)
        assert html.escape(label("email", a.email)) in ch.verdict.value
        assert next(t.reason for t in a.trace if t.topic == "email") in shown(ch.verdict.value)
    assert ch.views["c2"].figure["layout"]["meta"]["highlight"] is None  # March is off C2


def test_email_chapter_flows_and_draft():  # C3, F2, F3, E1-E6
    ch = guide.to_email_or_not(name="A. Student", program="Metro IM")
    a = _expected(EXAMPLE)
    assert a.email == "targeted"
    assert ch.views["f2"].figure["layout"]["meta"]["path"] == list(a.paths["F2"].nodes)
    draft = sg.draft_email(a, name="A. Student", program="Metro IM")
    assert html.escape(draft.as_text()) in ch.details.value
    assert html.escape(a.value_label) in ch.verdict.value and html.escape(label("email", a.email)) in ch.verdict.value
    ch.inputs["stage"].value = "interviewed"
    ch.inputs["month"].value = "Dec"
    a = _expected(EXAMPLE, stage="interviewed", month="Dec")
    _assert_views_match(ch, a)
    assert ch.views["f3"].figure["layout"]["meta"]["path"] == list(a.paths["F3"].nodes)
    assert html.escape(sg.draft_email(a, name="A. Student", program="Metro IM").as_text()) in ch.details.value


@pytest.mark.parametrize("changes,template", [
    (dict(step1="Pass", step2=242, month="Dec", stage="interviewed", failed_exam="step2"), "E5"),
    (dict(step1=240, step2=210, month="Dec", stage="interviewed", credible_reason=True), "E7"),
    (dict(step1=228, step2=240, listed_planned=True), None),
])
def test_email_chapter_new_inputs(changes, template):  # failed_exam, listed_planned, credible_reason
    ch = guide.to_email_or_not()
    assert isinstance(ch.inputs["failed_exam"], w.Dropdown) and isinstance(ch.inputs["listed_planned"], w.Checkbox)
    assert [key for _, key in ch.inputs["failed_exam"].options] == ["none", "step1", "step2"]
    assert "prior_fail" not in ch.inputs
    for key, value in changes.items():
        if key == "step1" and isinstance(value, str):
            ch.inputs["step1_mode"].value = value
        else:
            ch.inputs[key].value = value
    a = _expected(EXAMPLE, **changes)
    _assert_views_match(ch, a)
    if template is not None:
        assert a.template == template
    assert html.escape(sg.draft_email(a).as_text()) in ch.details.value


def test_email_chapter_shows_where_the_articles_differ():
    ch = guide.to_email_or_not(step1=240, step2=236, month="Oct")
    a = _expected(EXAMPLE, step1=240, step2=236)
    assert a.differences, "this person should meet a disagreement between the articles"
    assert "Where the articles differ" in ch.verdict.value
    for d in a.differences:
        assert d.topic in shown(ch.verdict.value) and d.decision in shown(ch.verdict.value)
    ch.inputs["step1"].value, ch.inputs["step2"].value, ch.inputs["month"].value = 205, 245, "Aug"
    assert not _expected(EXAMPLE, step1=205, step2=245, month="Aug").differences
    assert "Where the articles differ" not in ch.verdict.value


def test_after_a_drop_reading_and_answer():  # R11-R14, T4, L4, L5, S1, F4
    ch = guide.after_a_drop()
    a = _expected(DROP)
    assert a.reading is not None and f"<b>{html.escape(label('reading', a.reading))}</b>" in ch.verdict.value
    ch.inputs["other_concerns"].value = True
    a = _expected(DROP, other_concerns=True)
    assert a.reading == "problem" and f"<b>{label('reading', 'problem')}</b>" in ch.verdict.value
    _assert_views_match(ch, a)
    for name in ("L4", "L5"):
        for text, _ in list_items(name):
            assert text in shown(ch.details.value)
    ch.inputs["evidence"].value = "honours on my sub-internship"
    assert "honours on my sub-internship" in ch.details.value


def test_a_small_dip_is_not_a_drop():  # a 1-4 point dip is inside the error: F4 stays dark and says why
    ch = guide.after_a_drop(step1=252, step2=249)
    a = _expected(DROP, step1=252, step2=249)
    assert a.trend == "flat" and a.reading is None and not a.paths["F4"].nodes
    _assert_views_match(ch, a)
    assert a.paths["F4"].note in shown(ch.verdict.value)
    assert ch.views["f4"].figure["layout"]["meta"]["path"] == []


def test_typed_text_is_escaped():
    ch = guide.to_email_or_not(name=EVIL, aamc_id=EVIL, program=EVIL)
    assert "<img" not in ch.details.value and html.escape(EVIL) in ch.details.value
    ch.inputs["director"].value = "<b>Bold</b>"
    assert "<b>Bold</b>" not in ch.details.value and "&lt;b&gt;Bold&lt;/b&gt;" in ch.details.value
    drop = guide.after_a_drop()
    drop.inputs["evidence"].value = EVIL
    assert "<img" not in drop.details.value and html.escape(EVIL) in drop.details.value
    drop.inputs["specialty"].value = EVIL
    assert "<img" not in drop.message.value and "Specialty" in drop.message.value


def test_bad_input_names_the_field_and_the_range():
    ch = guide.score_trends()
    ch.inputs["specialty"].value = "astrology"
    assert "Specialty" in ch.message.value and "Internal Medicine" in ch.message.value
    assert ch.model.input_error.field == "specialty" and html.escape(ch.model.input_error.problem) in ch.message.value
    assert 'role="alert"' in ch.message.value and "Traceback" not in ch.message.value
    assert ch.verdict.value == ""  # no stale advice next to an error
    ch.inputs["specialty"].value = "derm"  # an alias works
    assert ch.message.value == "" and ch.assessment.profile.specialty == "Dermatology"
    bad = guide.score_trends(step1=400)
    assert "Step 1" in bad.message.value and "1 to 300" in bad.message.value
    assert html.escape(f"Check “{label('field', 'step1')}”") in bad.message.value  # the field by its label
    assert bad.verdict.value  # the example still shows
    with pytest.raises(TypeError):
        guide.timing(colour="blue")


def test_builder_keywords_are_assess_keywords():
    ch = guide.score_trends(step1="Pass", step2=None, specialty="peds")
    assert ch.inputs["step1_mode"].value == "Pass" and ch.inputs["step2_pending"].value is True
    assert ch.assessment == sg.assess(step1="Pass", step2=None, specialty="Pediatrics", month="Oct")
    ch = guide.to_email_or_not(failed_exam="Step 2 CK", listed_planned=True)
    assert ch.inputs["failed_exam"].value == "step2" and ch.inputs["listed_planned"].value is True
    assert ch.assessment == sg.assess(**EXAMPLE, failed_exam="step2", listed_planned=True)
    with pytest.raises(TypeError, match="prior_fail"):  # the retired flag is not a chapter option
        guide.to_email_or_not(prior_fail=True)


def test_start_here_renders_every_faq_and_links_real_chapters():  # Q1
    page = guide.start_here().value
    faq = table("faq")
    assert len(faq) == 14
    for question in faq.col("question"):
        assert html.escape(question) in page
    for stem in set(faq.col("chapter")):
        assert f'href="{stem}.ipynb"' in page
    assert "← you" not in page  # chapter 0 has no reader yet: no band is marked as theirs
    index = guide.chapter_index_html()
    for stem, _ in guide.CHAPTERS:
        assert f'href="{stem}.ipynb"' in index
        assert (NOTEBOOKS / f"{stem}.ipynb").is_file()
        assert f"]({stem}.ipynb)" in (NOTEBOOKS / "00_start_here.ipynb").read_text(encoding="utf-8")


def test_chapters_never_import_plotly():
    code = ("import sys\nfrom stepguide import guide\nch = guide.to_email_or_not()\n"
            "ch.inputs['month'].value = 'Dec'\nassert 'plotly' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_list_of_the_documents_is_shown_in_some_chapter():
    """L1-L5, E1, R10, R13, R14 and S1 live in lists.csv; a reader must meet each of them somewhere."""
    import html as html_lib

    from stepguide.rules.tables import table

    chapters = [guide.risk_by_profile(), guide.timing(), guide.score_trends(), guide.to_email_or_not(),
                guide.after_a_drop()]
    shown = " ".join(c.verdict.value + c.details.value for c in chapters) + guide.start_here().value
    lists = table("lists")
    for name in sorted(set(lists.col("list"))):
        first = list_items(name)[0][0]
        if name == "S1":  # the interview answer is shown filled in, placeholder replaced
            first = first.split("{")[0]
        assert html_lib.escape(first) in shown, name
