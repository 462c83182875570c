"""Guide chapters (issue "Notebooks"): widgets wired to sg.assess, charts redrawn in place, safe HTML."""
from __future__ import annotations

import html
import subprocess
import sys
from pathlib import Path

import ipywidgets as w
import pytest

import stepguide as sg
from stepguide import charts, guide
from stepguide.data import table
from stepguide.plotly_view import PlotlyView, to_figure_dict

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
BUILDERS = {
    "risk_by_profile": (guide.risk_by_profile, {"c1", "f1"}),
    "timing": (guide.timing, {"c2", "c4"}),
    "score_trends": (guide.score_trends, {"c5", "matched"}),
    "to_email_or_not": (guide.to_email_or_not, {"c3", "f2", "f3"}),
    "after_a_drop": (guide.after_a_drop, {"c6", "f4"}),
}
EVIL = '<img src=x onerror="alert(1)">&'


def _expected(ch: guide.Chapter, **overrides) -> sg.Assessment:
    return sg.assess(**guide._assess_kwargs({**ch.values(), **overrides}, ch._base))


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
        assert widget.description == guide.LABELS[field], field  # the accessible name
        if isinstance(widget, w.IntSlider):
            assert widget.continuous_update and widget.readout
    _assert_views_match(ch, _expected(ch))


def test_score_trends_follow_the_sliders():  # C5, R1, SEM, matched
    ch = guide.score_trends()
    views = dict(ch.views)
    children = ch.children
    for step1, step2 in ((228, 248), (245, 224), (240, 243), (250, 262)):
        ch.inputs["step1"].value, ch.inputs["step2"].value = step1, step2
        a = _expected(ch)
        _assert_views_match(ch, a)
        assert ch.views["c5"].figure["layout"]["meta"]["highlight"] == a.trend
        assert html.escape(a.trend) in ch.verdict.value
        assert f"from {a.sem_band[0]} to {a.sem_band[1]}" in ch.verdict.value
    assert ch.views == views and ch.children == children  # updated in place, never re-created


def test_step1_pass_and_pending_step2():
    ch = guide.risk_by_profile()
    ch.inputs["step1_kind"].value = "Pass"
    assert ch.inputs["step1"].disabled
    a = _expected(ch)
    assert a.profile.step1 == "Pass" and a.c1_profile == "Pass/Fail Step 1 era"
    _assert_views_match(ch, a)
    assert "Pass/Fail Step 1 era" in ch.verdict.value
    ch.inputs["step2_out"].value = False
    assert ch.inputs["step2"].disabled
    a = _expected(ch)
    assert a.profile.step2 is None
    _assert_views_match(ch, a)
    assert ch.views["f1"].figure["layout"]["meta"]["path"][-1] == "low_priority"


def test_timing_marks_the_month_and_the_decision():  # C2, C4, R6, R9
    ch = guide.timing()
    for month in ("Jul", "Oct", "Dec", "Feb", "Mar"):
        ch.inputs["month"].value = month
        a = _expected(ch)
        _assert_views_match(ch, a)
        reason = str(table("season").set_index("month").loc[month, "reason"])
        assert html.escape(reason) in ch.verdict.value
        assert html.escape(guide.EMAIL_WORDS[a.email]) in ch.verdict.value
    assert ch.views["c2"].figure["layout"]["meta"]["highlight"] is None  # March is off C2


def test_email_chapter_flows_and_draft():  # C3, F2, F3, E1-E6
    ch = guide.to_email_or_not(name="A. Student", program="Metro IM")
    a = _expected(ch)
    assert a.email == "targeted"
    assert ch.views["f2"].figure["layout"]["meta"]["path"] == list(a.paths["F2"])
    draft = sg.draft_email(a, name="A. Student", program="Metro IM")
    assert html.escape(draft.as_text()) in ch.details.value
    ch.inputs["stage"].value = "interviewed"
    ch.inputs["month"].value = "Dec"
    a = _expected(ch)
    _assert_views_match(ch, a)
    assert ch.views["f3"].figure["layout"]["meta"]["path"] == list(a.paths["F3"])
    assert html.escape(sg.draft_email(a, name="A. Student", program="Metro IM").as_text()) in ch.details.value


def test_after_a_drop_reading_and_answer():  # R11-R14, T4, L4, L5, S1, F4
    ch = guide.after_a_drop()
    a = _expected(ch)
    assert a.reading is not None and f"<b>{a.reading}</b>" in ch.verdict.value
    ch.inputs["other_concerns"].value = True
    a = _expected(ch)
    assert a.reading == "problem" and "<b>problem</b>" in ch.verdict.value
    _assert_views_match(ch, a)
    for text in table("lists").query("list in ['L4', 'L5']")["text"]:
        assert html.escape(text) in ch.details.value
    ch.inputs["evidence"].value = "honours on my sub-internship"
    assert "honours on my sub-internship" in ch.details.value


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
    assert 'role="alert"' in ch.message.value and "Traceback" not in ch.message.value
    assert ch.verdict.value == ""  # no stale advice next to an error
    ch.inputs["specialty"].value = "derm"  # an alias works
    assert ch.message.value == "" and ch.assessment.profile.specialty == "Dermatology"
    bad = guide.score_trends(step1=400)
    assert "Step 1" in bad.message.value and "1 to 300" in bad.message.value
    assert bad.verdict.value  # the example still shows
    with pytest.raises(TypeError):
        guide.timing(colour="blue")


def test_builder_keywords_are_assess_keywords():
    ch = guide.score_trends(step1="Pass", step2=None, specialty="peds")
    assert ch.inputs["step1_kind"].value == "Pass" and ch.inputs["step2_out"].value is False
    assert ch.assessment == sg.assess(step1="Pass", step2=None, specialty="Pediatrics", month="Oct")


def test_start_here_renders_every_faq_and_links_real_chapters():  # Q1
    page = guide.start_here().value
    faq = table("faq")
    assert len(faq) == 14
    for question in faq["question"]:
        assert html.escape(question) in page
    for stem in set(faq["chapter"]):
        assert f'href="{stem}.ipynb"' in page
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

    from stepguide.data import table

    chapters = [guide.risk_by_profile(), guide.timing(), guide.score_trends(), guide.to_email_or_not(),
                guide.after_a_drop()]
    shown = " ".join(c.verdict.value + c.details.value for c in chapters) + guide.start_here().value
    lists = table("lists")
    for name, rows in lists.groupby("list"):
        first = rows.sort_values("order")["text"].iloc[0]
        if name == "S1":  # the interview answer is shown filled in, placeholder replaced
            first = first.split("{")[0]
        assert html_lib.escape(first) in shown, name
