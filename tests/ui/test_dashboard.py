"""The dashboard wired to the engine: each input widget drives the same verdicts as ``sg.assess`` (issue 4).

Pure Python, no browser: widget values are set the way the front end would
set them, then the output widgets and chart specs are compared with what
``sg.assess``/``sg.draft_email``/``charts.figure_for`` say for those inputs.
"""
from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import comm
import ipywidgets as w
import pytest

import stepguide as sg
from recording_comm import RecordingComm
from stepguide import charts
from stepguide.rules.inputs import FIELDS, STAGES
from stepguide.rules.tables import chart_values, examples
from stepguide.rules.words import label
from stepguide.ui.pages.dashboard import CHARTS, Dashboard
from stepguide.ui.plan import EVIDENCE_BLANK, NO_EMAIL_TITLE, cards, interview_answer, matched_sentence, plan_markdown
from stepguide.ui.plotly_view import to_figure_dict
from stepguide.ui.render import badge_scope
from stepguide.ui.render import differences as differences_html
from stepguide.ui.views import page_key
from stepguide.ui.widgets import PageLandmark

ROOT = Path(__file__).resolve().parents[2]
BASE: dict[str, Any] = {
    "step1": 228, "step2": 248, "specialty": "Internal Medicine", "month": "Oct", "applicant": "US MD",
    "stage": "before invites", "failed_exam": "none", "requires_step2": False, "listed_planned": False,
    "other_concerns": False, "credible_reason": False, "step2_exam": "from"}

# The documents' worked examples (R1-R4, R12, C5), then the other kinds of applicant and every stage.
CASES: dict[str, dict[str, Any]] = {
    "A 205->245 redemption": {"step1": 205, "step2": 245},
    "A 220->238": {"step1": 220, "step2": 238},
    "A 222->231": {"step1": 222, "step2": 231, "specialty": "Family Medicine"},
    "B 228->248 IM": {"step1": 228, "step2": 248},
    "B 240->245 neutral-ish": {"step1": 240, "step2": 245, "specialty": "Emergency Medicine"},
    "B 250->252 flat": {"step1": 250, "step2": 252, "specialty": "Dermatology"},
    "B 245->224 drop": {"step1": 245, "step2": 224},
    "B 250->230 drop": {"step1": 250, "step2": 230, "specialty": "Orthopaedic Surgery"},
    "C 252->245 drop": {"step1": 252, "step2": 245, "specialty": "Dermatology", "credible_reason": True},
    "C 220->250": {"step1": 220, "step2": 250, "specialty": "Orthopaedic Surgery"},
    "drop with other concerns": {"step1": 245, "step2": 232, "other_concerns": True},
    "Pass": {"step1": "Pass", "step2": 250, "specialty": "Emergency Medicine"},
    "Pass, not out yet": {"step1": "Pass", "step2": None, "month": "Dec", "stage": "interviewed",
                          "requires_step2": True},
    "Fail then pass": {"step1": "Fail", "step2": 236},
    "IMG": {"step1": 230, "step2": 255, "applicant": "IMG", "month": "Nov"},
    "failed Step 1 before": {"step1": 221, "step2": 240, "failed_exam": "step1", "month": "Jan", "stage": "on hold"},
    "Step 2 CK retake": {"step1": "Pass", "step2": 238, "failed_exam": "step2", "month": "Dec",
                         "stage": "interviewed"},
    "listed as planned": {"step1": 228, "step2": 240, "listed_planned": True},
    "small dip is flat": {"step1": 252, "step2": 249},
    "Step 2 fail": {"step1": 230, "step2": 210},
    "fail with a reason": {"step1": 240, "step2": 210, "credible_reason": True, "month": "Dec",
                           "stage": "interviewed"},
    "articles differ (late, expected)": {"step1": 240, "step2": 236},
    "articles differ (IMG)": {"step1": 240, "step2": 245, "applicant": "IMG", "month": "Sep"},
    "July": {"step1": 228, "step2": 248, "month": "Jul"},
    "March": {"step1": 228, "step2": 248, "month": "Mar"},
    "Feb requires": {"step1": 228, "step2": 248, "month": "Feb", "stage": "interviewed", "requires_step2": True},
    **{f"stage {s}": {"step1": 228, "step2": 248, "month": "Dec", "stage": s} for s in STAGES},
}


def enter(d: Dashboard, **values: Any) -> None:
    """Set the input widgets one by one, as a person would, each change firing its own update."""
    i = d.inputs
    for key, value in values.items():
        if key == "step1":
            i["step1_mode"].value = value if isinstance(value, str) else "Score"
            if not isinstance(value, str):
                i["step1"].value = value
        elif key == "step2":
            i["step2_pending"].value = value is None
            if value is not None:
                i["step2"].value = value
        else:
            i[key].value = value


@pytest.fixture(scope="module")
def app() -> Dashboard:
    return Dashboard(month="Oct")


def text_of(widget: w.HTML) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", widget.value))


def shown(fragment: str) -> str:
    """The words of an HTML fragment as read on the page (a badge reads as its ID)."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def items_of(fragment: str) -> list[str]:
    """Each list item's words as the reader sees them: a badge in a sentence reads as its ID, the badges that
    follow an item (its sources) are left out."""
    items = re.findall(r"<li>(.*?)</li>", fragment)
    return [html.unescape(re.sub(r"<[^>]+>", "", re.sub(r' <span class="sg-badges">.*$', "", i))) for i in items]


def check_matches(d: Dashboard, kwargs: dict[str, Any]) -> None:
    a = sg.assess(**kwargs)
    assert d.error.value == ""
    assert d.assessment == a
    assert d.values() == kwargs
    # Verdict cards: the engine's words, escaped.
    for card in cards(a):
        assert card.verdict in shown(d.cards[card.key].value)
        assert card.why in shown(d.cards[card.key].value)
    trend = text_of(d.cards["trend"])
    if a.trend:
        assert a.trend_label is not None and a.trend_label in trend
    else:
        assert "Waiting" in trend or "No numeric trend" in trend
    if a.value:
        assert a.value_label is not None and a.value_label in text_of(d.cards["value"])
    if a.reading:
        assert label("reading", a.reading) in text_of(d.cards["reading"])
    assert label("email", a.email) in text_of(d.cards["email"])
    assert [t.reason for t in a.trace if t.topic != "differ"] == items_of(d.why.value)
    # Where the articles differ: each difference the engine found, nothing when there is none.
    with badge_scope(page_key(d.model)):
        assert d.differ.value == differences_html(a)
    for diff in a.differences:
        assert diff.topic in shown(d.differ.value) and diff.decision in shown(d.differ.value)
    assert bool(d.differ.value) == bool(a.differences)
    # Checklist: every action, in order.
    assert items_of(d.actions.value) == [x.text for x in a.actions]
    # Email draft or the no-email card.
    draft = sg.draft_email(a)
    assert d.draft == draft
    if draft.send:
        assert html.escape(draft.body) in d.email_draft.value
        assert d.copy.text == d.download.text == draft.as_text()
        assert d.email_tools.layout.display != "none"
    else:
        assert html.escape(NO_EMAIL_TITLE) in d.email_draft.value
        assert html.escape(draft.why) in d.email_draft.value
        assert d.copy.text == "" and d.email_buttons.layout.display == "none"
    # Charts: exactly the builders' specs, user marked.
    for key, view in d.views.items():
        assert view.figure == to_figure_dict(charts.figure_for(a, key)), key
    meta = {k: v.figure["layout"]["meta"] for k, v in d.views.items()}
    assert meta["c5"]["highlight_id"] == a.trend
    assert meta["c5"]["highlight"] == a.trend_label
    assert meta["c3"]["highlight_id"] == a.value
    assert meta["c1"]["highlight_id"] == a.c1_profile
    for key, chart in (("c2", "C2"), ("c4", "C4")):
        months = chart_values(chart).col("id")
        assert meta[key]["highlight_id"] == (a.profile.month if a.profile.month in months else None)
    for flow in ("F2", "F3", "F4"):
        assert meta[flow.lower()]["path"] == list(a.paths[flow].nodes)
        assert meta[flow.lower()]["note"] == a.paths[flow].note
    dropped = bool(a.paths["F4"].nodes)
    assert d.chart_boxes["f4"].layout.display == ("" if dropped else "none")
    assert d.drop_box.layout.display == ("" if dropped else "none")
    assert html.escape(matched_sentence(a)) in d.matched_text.value
    assert d.export.text == plan_markdown(a, draft, d.evidence.value)


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_inputs_drive_outputs_like_assess(app: Dashboard, case: str) -> None:
    """R1-R15, E2-E6, C1-C5, F2-F4: each widget change shows what sg.assess says."""
    kwargs = {**BASE, **CASES[case]}
    enter(app, **kwargs)
    check_matches(app, kwargs)


def test_every_input_widget_triggers_an_update() -> None:
    d = Dashboard(month="Oct")
    changes = {"step1": 205, "step2": 250, "specialty": "Pediatrics", "month": "Dec", "applicant": "IMG",
               "stage": "on hold", "failed_exam": "step1", "requires_step2": True, "listed_planned": True,
               "other_concerns": True, "credible_reason": True, "step2_exam": "before"}
    assert set(changes) == set(FIELDS)  # every input of assess has a widget here
    state = dict(BASE)
    for key, value in changes.items():
        enter(d, **{key: value})
        state[key] = value
        check_matches(d, state)
    enter(d, step1="Pass")
    check_matches(d, {**state, "step1": "Pass"})
    assert d.inputs["step1"].disabled
    enter(d, step2=None)
    check_matches(d, {**state, "step1": "Pass", "step2": None})
    assert d.inputs["step2"].disabled


def test_set_updates_once_and_initial_values() -> None:
    d = Dashboard(step1="Pass", step2=None, specialty="Pediatrics", month="Jan")
    assert d.values()["step1"] == "Pass" and d.values()["step2"] is None
    shown: list[str] = []  # every rewrite of the "why" list: one per update that changes it
    d.why.observe(lambda change: shown.append(change["new"]), names="value")
    d.set(step1=245, step2=224, specialty="Dermatology", other_concerns=True)
    assert len(shown) == 1  # four inputs changed, one update (each on its own would rewrite it)
    check_matches(d, {**BASE, "step1": 245, "step2": 224, "specialty": "Dermatology", "month": "Jan",
                      "other_concerns": True})
    with pytest.raises(ValueError, match="^colour: not an input; the inputs are step1, step2, specialty"):
        d.set(colour="red")
    with pytest.raises(ValueError, match="^step2: .*1 to 300"):
        d.set(step2=301)
    d.set(specialty="derm", month="october", stage="waitlisted")  # the engine's aliases work here too
    assert (d.values()["specialty"], d.values()["month"], d.values()["stage"]) == ("Dermatology", "Oct", "on hold")
    d.set(failed_exam="Step 2 CK", listed_planned=True)
    assert d.inputs["failed_exam"].value == "step2" and d.inputs["listed_planned"].value is True
    with pytest.raises(ValueError, match="^failed_exam:"):
        d.set(prior_fail=True)  # the retired flag says what replaced it
    with pytest.raises(ValueError, match="^failed_exam:"):
        d.set(failed_exam="step3")
    with pytest.raises(ValueError, match="^specialty"):
        Dashboard(specialty="Astrology")


def test_defaults_are_sensible_and_sliders_allow_full_range() -> None:
    d = Dashboard(month="Oct")
    assert d.values() == BASE
    for key in ("step1", "step2"):
        slider = d.inputs[key]
        assert (slider.min, slider.max) == (1, 300)
        assert slider.readout and slider.continuous_update  # readout is typeable in ipywidgets 8
    months = [v for _, v in d.inputs["month"].options]
    assert months[:3] == ["Jul", "Aug", "Sep"] and months[-1] == "Jun" and len(months) == 12
    assert d.inputs["month"].options[3][0] == "October"


def test_f4_and_interview_answer_only_after_a_drop() -> None:
    d = Dashboard(month="Oct")
    assert d.chart_boxes["f4"].layout.display == "none"
    assert d.drop_box.layout.display == "none"
    d.set(step1=250, step2=230)
    assert d.chart_boxes["f4"].layout.display != "none"
    assert d.views["f4"].figure["layout"]["meta"]["path"] == list(d.assessment.paths["F4"].nodes)
    for line in interview_answer(None):
        assert html.escape(line) in d.interview.value
    d.evidence.value = "honors on my medicine sub-internship"
    assert "honors on my medicine sub-internship" in d.interview.value
    assert "honors on my medicine sub-internship" in d.export.text
    d.set(step2=251)
    assert d.chart_boxes["f4"].layout.display == "none"
    d.set(step2=246)  # 4 points under Step 1: inside the measurement error, not a drop
    assert sg.assess(**d.values()).trend == "flat"
    assert d.chart_boxes["f4"].layout.display == "none" and d.drop_box.layout.display == "none"
    assert "interviewer asks" not in d.export.text


def test_email_fields_fill_the_draft_live() -> None:
    d = Dashboard(month="Oct")
    fields = {"name": "Jordan Lee", "aamc_id": "12345678", "program": "City Hospital", "director": "Patel",
              "interview_date": "Nov 12", "reason": "its clinic in my home town"}
    for key, value in fields.items():
        d.fields[key].value = value
    expected = sg.draft_email(sg.assess(**BASE), **fields)
    assert d.draft == expected
    assert html.escape(expected.body) in d.email_draft.value
    assert d.copy.text == d.download.text == expected.as_text()
    assert d.download.filename.endswith(".txt") and d.download.mime == "text/plain"
    assert expected.as_text() in d.export.text


def test_typed_html_is_escaped_everywhere() -> None:
    d = Dashboard(month="Oct")
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    for field in d.fields.values():
        field.value = evil
    d.set(step1=250, step2=230)
    d.evidence.value = evil
    d.set(step1=228, step2=248, stage="interviewed", month="Dec")
    html_widgets = [d.email_draft, d.interview, *d.cards.values(), d.why, d.actions, d.error]
    assert d.draft.send and "<script>" in d.draft.body  # the plain text keeps what was typed ...
    for widget in html_widgets:  # ... but no HTML widget carries it as markup
        assert "<script" not in widget.value and "<img" not in widget.value
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in d.email_draft.value
    d.set(step2=230, stage="before invites")
    assert "<script" not in d.interview.value and "&lt;script&gt;" in d.interview.value


def test_new_inputs_are_offered_with_one_vocabulary() -> None:
    d = Dashboard(month="Oct")
    assert isinstance(d.inputs["failed_exam"], w.Dropdown) and isinstance(d.inputs["listed_planned"], w.Checkbox)
    assert d.inputs["failed_exam"].options == (("None", "none"), (label("failed_exam", "step1"), "step1"),
                                               (label("failed_exam", "step2"), "step2"))
    assert d.inputs["failed_exam"].description == label("field", "failed_exam")
    assert d.inputs["listed_planned"].description == label("field", "listed_planned")
    assert "prior_fail" not in d.inputs


def test_unexpected_error_shows_short_message_and_page_recovers(monkeypatch, caplog) -> None:
    d = Dashboard(month="Oct")
    real = charts.figure_for
    monkeypatch.setattr(charts, "figure_for", lambda a, key: (_ for _ in ()).throw(RuntimeError("boom in c5")))
    d.inputs["step2"].value = 252
    assert "Something went wrong" in d.error.value and 'role="alert"' in d.error.value
    assert d.error.layout.display != "none"
    assert "boom" not in d.error.value and "Traceback" not in d.error.value
    logged = [r for r in caplog.records if r.name == "stepguide.ui.pages.dashboard"]  # for the server, not the page
    assert [r.levelname for r in logged] == ["ERROR"] and "boom in c5" in str(logged[0].exc_info[1])
    assert "Traceback" in caplog.text
    monkeypatch.setattr(charts, "figure_for", real)
    d.inputs["step2"].value = 230
    assert d.error.value == "" and d.error.layout.display == "none"
    check_matches(d, {**BASE, "step2": 230})


def test_bad_input_names_the_field_and_range() -> None:
    d = Dashboard(month="Oct")
    d.inputs["step2"].min = 0  # a widget that lets a score out of range through
    d.inputs["step2"].value = 0
    message = text_of(d.error)
    assert "step2" in message and "1 to 300" in message
    assert 'role="alert"' in d.error.value and d.error.layout.display != "none"
    d.inputs["step2"].value = 230
    assert d.error.value == "" and d.error.layout.display == "none"
    check_matches(d, {**BASE, "step2": 230})


def test_unchanged_charts_are_not_resent(monkeypatch) -> None:
    monkeypatch.setattr(comm, "create_comm", RecordingComm)  # the page's side of every widget, recorded
    d = Dashboard(month="Oct")
    sent: dict[str, list[Any]] = {k: view.comm.sent for k, view in d.views.items()}
    for messages in sent.values():
        messages.clear()
    d.fields["name"].value = "Jordan"
    assert not any(sent.values())
    d.inputs["step2"].value = 249  # same trend/value/paths: only the matched chart moves
    assert not sent["c2"] and not sent["c4"] and not sent["c5"] and not sent["f2"]
    assert sent["matched"] and len(sent["matched"]) == 1  # figure + label in one message, as edits
    [message] = sent["matched"]
    assert message["method"] == "custom" and set(message["content"]["edits"]) == {"figure", "label"}
    assert len(json.dumps(message)) < len(json.dumps(d.views["matched"].figure)) / 3  # the moved line, not the chart
    d.inputs["month"].value = "Nov"
    assert sent["c2"] and sent["c4"]
    assert "figure" in sent["c2"][-1]["content"]["edits"]  # what the page does with it: tests/js/edits.test.mjs


def test_hooks_labels_and_landmark() -> None:
    d = Dashboard(month="Oct")
    hooks = {c for widget in _walk(d.widget) for c in getattr(widget, "_dom_classes", ())}
    wanted = {"sg-main", "sg-step1", "sg-step1-mode", "sg-step2", "sg-step2-pending", "sg-step2-exam",
              "sg-specialty", "sg-month", "sg-applicant", "sg-stage", "sg-failed-exam", "sg-requires-step2",
              "sg-listed-planned",
              "sg-other-concerns", "sg-credible-reason", "sg-trend", "sg-value", "sg-reading", "sg-email",
              "sg-email-draft", "sg-actions", "sg-why", "sg-differ", "sg-export", "sg-copy", "sg-download",
              *(f"sg-chart-{key}" for key in CHARTS)}
    assert wanted <= hooks
    assert "sg-prior-fail" not in hooks
    for widget in _walk(d.widget):
        if isinstance(widget, (w.IntSlider, w.Dropdown, w.Text, w.Checkbox, w.ToggleButtons)):
            assert widget.description.strip(), widget
    assert any(isinstance(x, PageLandmark) for x in _walk(d.widget))  # sets role=main in the page
    assert all(charts.describe(v.figure) == v.label and v.label for v in d.views.values())
    bundle = d._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def _walk(widget: w.Widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_import_does_not_import_plotly() -> None:
    code = ("import sys; from stepguide.ui.pages.dashboard import Dashboard; Dashboard()\n"
            "assert not [m for m in sys.modules if m.startswith('plotly')]")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_notebook_is_small_clean_and_runs() -> None:
    nb = json.loads((ROOT / "notebooks" / "dashboard.ipynb").read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert 2 <= len(code) <= 3 and len(nb["cells"]) <= 4
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    assert "widgets" not in nb["metadata"]
    scope: dict[str, Any] = {}
    for cell in code:
        exec("".join(cell["source"]), scope)
    assert isinstance(scope["app"], Dashboard)


# ---- plan_markdown (the "Export my plan" file) -------------------------------------------------

def test_plan_markdown_has_verdict_why_checklist_and_email() -> None:
    a = sg.assess(**BASE)
    draft = sg.draft_email(a, name="Jordan Lee", program="City Hospital")
    md = plan_markdown(a, draft)
    assert md.startswith("# My Step 2 CK plan\n")
    for heading in ("## Verdict", "## Why", "## Checklist", "## Email"):
        assert heading in md
    assert "**Score trend:** Up 15+ (+20 points)" in md
    assert "**What the score is worth:** Strong asset (5 of 5)" in md
    for t in a.trace:
        assert f"{t.reason} ({t.rule})" in md
    for x in a.actions:
        assert f"- [ ] {x.text}" in md
    assert draft.as_text() in md and "```text" in md
    assert "interviewer asks" not in md  # no drop, no interview answer
    assert matched_sentence(a) in md


def test_plan_markdown_no_email_and_drop() -> None:
    a = sg.assess(245, 224, "Internal Medicine", "Oct", other_concerns=True)
    draft = sg.draft_email(a)
    assert not draft.send
    md = plan_markdown(a, draft, evidence="honors *with* `code` <b>")
    assert f"**{NO_EMAIL_TITLE}:** {draft.why}" in md
    assert "**How programs may read the drop:** A problem" in md
    assert "## If an interviewer asks about the drop" in md
    assert r"honors \*with\* \`code\` \<b\>" in md  # typed text cannot become markup
    assert EVIDENCE_BLANK in plan_markdown(a, draft)


def test_plan_markdown_fence_survives_backticks_in_typed_text() -> None:
    a = sg.assess(**BASE)
    md = plan_markdown(a, sg.draft_email(a, name="A ```` B"))
    assert "`````text" in md and md.count("`````") == 2


def test_plan_markdown_pending_and_pass() -> None:
    a = sg.assess("Pass", None, "Pediatrics", "Dec", stage="interviewed", requires_step2=True)
    md = plan_markdown(a, sg.draft_email(a))
    assert f"- **{label('field', 'step2')}:** not out yet" in md and "Waiting for Step 2 CK" in md
    assert f"- **{label('field', 'requires_step2')}:** yes" in md


def test_plan_markdown_names_the_failed_exam_and_the_differences() -> None:
    a = sg.assess(**{**BASE, "step1": "Pass", "step2": 238, "failed_exam": "step2", "month": "Dec",
                     "stage": "interviewed"})
    md = plan_markdown(a, sg.draft_email(a))
    assert f"- **{label('field', 'failed_exam')}:** {label('failed_exam', 'step2')}" in md
    summer = {**BASE, "month": "Aug"}  # Sep-Nov always meets K9 (the two calendars); August meets no conflict
    clean = plan_markdown(sg.assess(**summer), sg.draft_email(sg.assess(**summer)))
    assert label("field", "failed_exam") not in clean and "Where the articles differ" not in clean
    b = sg.assess(**{**BASE, "step1": 240, "step2": 236})
    assert b.differences
    md = plan_markdown(b, sg.draft_email(b))
    for diff in b.differences:
        assert f"**Where the articles differ: {diff.topic}.**" in md and diff.decision in md


@pytest.mark.parametrize("key", list(examples()))
def test_worked_example_picker_loads_the_articles_cases(key):
    d = Dashboard(month="Oct")
    d.example.value = key
    expected = sg.assess(**examples()[key][1])
    assert d.assessment == expected and d.error.value == ""
    assert d.example.value == key  # still shows which case is loaded
    other = "Pediatrics" if d.inputs["specialty"].value != "Pediatrics" else "Internal Medicine"
    d.inputs["specialty"].value = other  # a change of input: the picker no longer applies
    assert d.example.value == ""
