"""The guide's chapters: each a short composition of one model's views, plus its own words.

A chapter is: the fields it asks for (:class:`~stepguide.ui.controls.ProfileControls`),
the charts it shows (:class:`~stepguide.ui.views.ChartPanel`) and a text function
from :mod:`stepguide.ui.chapter_text`. Notebooks stay thin (one call per chapter).
Bad input shows a one-line message naming the field, never a traceback.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as w

from stepguide.rules.articles import articles
from stepguide.rules.assessment import Assessment
from stepguide.rules.email import USER_FIELDS, EmailDraft
from stepguide.rules.inputs import FIELD, FIELDS, InputError
from stepguide.rules.programs import DRAFT_FIELDS
from stepguide.rules.tables import table
from stepguide.rules.words import hint, label, options
from stepguide.ui import chapter_text, render
from stepguide.ui.controls import ProfileControls
from stepguide.ui.front_ends import styled
from stepguide.ui.model import TEXT_FIELDS, GuideModel
from stepguide.ui.pages.cohort_page import cohort, cohort_example  # noqa: F401  (chapter 6)
from stepguide.ui.programs_view import ProgramsView
from stepguide.ui.sources import sources_html
from stepguide.ui.views import ChartPanel, ModelHTML, bound_text, glossary
from stepguide.ui.widgets import PageLandmark
from stepguide.ui.widgets import Text as TextInput

CHAPTERS: tuple[tuple[str, str], ...] = tuple((stem, title) for title, stem in options("chapter"))  # notebook, title
PROFILE = ("step1_mode", "step1", "step2_pending", "step2", "step2_exam", "specialty")  # step2_exam: 214-217 only
# the Emailing Programs article's 228 -> 248
EXAMPLE: dict[str, Any] = {"step1": 228, "step2": 248, "specialty": "Internal Medicine", "month": "Oct"}
DROP_EXAMPLE: dict[str, Any] = {**EXAMPLE, "step1": 245, "step2": 224}  # doc B's 245 -> 224 example
Text = Callable[[Assessment, Mapping[str, str], EmailDraft], tuple[str, str]]


def error_html(error: InputError) -> str:
    """An input's problem as a short alert: the field by its label, then what it takes."""
    name = FIELD[error.field].label if error.field in FIELD else error.field
    return render.alert(name, error.problem)


def _text_input(name: str) -> TextInput:
    return TextInput(description=label("email_field", name), placeholder=hint("email_field", name),
                  continuous_update=True, style={"description_width": "initial"},
                  layout=w.Layout(width="100%", max_width="560px")).add_class(f"sg-field-{name.replace('_', '-')}")


class Chapter(w.VBox):
    """Inputs, a message line, the verdict, its charts and details, all views of one :class:`GuideModel`.

    ``model``, ``inputs`` (name -> widget), ``views`` (figure key -> PlotlyView),
    ``verdict``/``details``/``message`` (HTML) and ``assessment`` are public so
    tests and notebooks can drive and read a chapter. Besides the inputs and text
    fields, ``initial`` may hold ``today`` (a ``datetime.date``, default the real
    date): the day whose application cycle the dates come from.
    """

    def __init__(self, fields: Sequence[str], figures: Sequence[str], text: Text, initial: Mapping[str, Any],
                 base: Mapping[str, Any] = EXAMPLE, late: Sequence[str] = (), late_title: str = "") -> None:
        texts = {k: str(v) for k, v in initial.items() if k in TEXT_FIELDS}
        unknown = set(initial) - set(FIELDS) - set(TEXT_FIELDS) - {"today"}
        if unknown:
            raise TypeError(f"unknown chapter option(s): {sorted(unknown)}; the options are the inputs "
                            f"({', '.join(FIELDS)}), the text fields ({', '.join(TEXT_FIELDS)}) and today")
        wanted = {k: v for k, v in initial.items() if k in FIELDS}
        today = initial.get("today")
        problem: InputError | None = None
        try:
            self.model = GuideModel(today=today, **{**base, **wanted})
        except InputError as exc:  # keep the example's values and say what was wrong
            self.model, problem = GuideModel(today=today, **base), exc
        m = self.model
        m.type_text(**texts)
        self.controls = ProfileControls(m, fields, specialty_kind="combobox", layout=w.Layout(max_width="620px"))
        later = {name: _text_input(name) for name in late}
        for name, widget in later.items():
            widget.value = texts.get(name, "")
            widget.observe(lambda change, name=name: m.type_text(**{name: change.new}), names="value")
            bound_text(widget, m, label("email_field", name))
        self.inputs: dict[str, w.Widget] = {**self.controls.inputs, **later}
        self.message = ModelHTML(m, lambda model: error_html(model.input_error) if model.input_error else "",
                                 "sg-message", on=("input_error",))
        draw = lambda part: (lambda model: text(model.assessment, model.texts, model.draft)[part])  # noqa: E731
        self.verdict = ModelHTML(m, draw(0), "sg-verdict-text", on=("assessment", "draft"), blank_on_error=True)
        self.details = ModelHTML(m, draw(1), "sg-details", on=("assessment", "draft", "texts"), blank_on_error=True)
        self.panel = ChartPanel(m, figures, min_width=560)
        self.views = self.panel.views
        grid = w.Layout(grid_template_columns="repeat(auto-fit, minmax(min(280px, 100%), 1fr))", grid_gap="2px 12px")
        extra = [w.HTML(render.section(late_title, "")), w.GridBox(list(later.values()), layout=grid)] if later else []
        self.glossary = glossary(m)  # what every badge (R2, K1...) opens
        super().__init__(children=[_Landmark(label("page", "chapter")), self.controls, self.message, self.verdict,
                                   self.panel, *extra, self.details, self.glossary], layout=w.Layout(max_width="660px"))
        self.add_class("sg-main")
        if problem is not None:  # the example shows; say what was wrong with the value until the reader changes it
            self.message.value = error_html(problem)
            m.observe(lambda change: self.message.refresh(), names="values")

    @property
    def assessment(self) -> Assessment | None:
        return self.model.assessment

    def values(self) -> dict[str, Any]:
        return {name: widget.value for name, widget in self.inputs.items()}


class _Landmark(PageLandmark):
    """The chapter's landmark, carrying the shared component styles."""

    _esm, _css = styled("page_landmark.js", "guide.css")


def risk_by_profile(**initial: Any) -> Chapter:
    """Chapter 1: C1 with your profile, the T1 rows about you and your path through F1."""
    return Chapter(PROFILE + ("applicant",), ("c1", "f1"), chapter_text.risk, initial)


def timing(**initial: Any) -> Chapter:
    """Chapter 2: your month on C2 and C4, the season phase and the email decision it leads to."""
    return Chapter(("month", "stage", "requires_step2") + PROFILE, ("c2", "c4"), chapter_text.timing, initial)


def score_trends(**initial: Any) -> Chapter:
    """Chapter 3: your bucket on C5, what ±SEM means, and your score next to matched applicants."""
    return Chapter(PROFILE, ("c5", "matched"), chapter_text.trends, initial)


def to_email_or_not(**initial: Any) -> Chapter:
    """Chapter 4: your place on C3, both email flows (F2, F3) lit, and a filled-in draft (E1-E7)."""
    fields = PROFILE + ("month", "applicant", "stage", "failed_exam", "requires_step2", "listed_planned",
                        "credible_reason")
    return Chapter(fields, ("c3", "f2", "f3"), chapter_text.email, initial, late=USER_FIELDS,
                   late_title=label("page", "draft_details"))


def after_a_drop(**initial: Any) -> Chapter:
    """Chapter 5: blip, signal or problem; your specialty's T4 weight; F4 lit; antidotes and a calm answer."""
    fields = ("step1", "step2", "step2_exam", "specialty", "other_concerns", "credible_reason")  # a drop: two numbers
    return Chapter(fields, ("c6", "f4"), chapter_text.drop, initial, base=DROP_EXAMPLE,
                   late=("evidence",), late_title=label("page", "evidence"))


class ProgramsChapter(Chapter):
    """Chapter 7: the email decision on F2, then "My programs" (``programs``, a :class:`ProgramsView`) under it."""

    def __init__(self, list_text: str | bytes | None, initial: Mapping[str, Any]) -> None:
        fields = PROFILE + ("month", "applicant", "stage", "failed_exam", "credible_reason")
        super().__init__(fields, ("f2",), chapter_text.programs, initial, late=DRAFT_FIELDS,
                         late_title=label("page", "draft_details"))
        self.programs = ProgramsView(self.model, level=2)
        if list_text is None:
            self.programs.load_sample()
        else:
            self.programs.read(list_text)
        shown: tuple[w.Widget, ...] = tuple(self.children)  # type: ignore[has-type]  # a traitlets trait
        self.children = (*shown[:-2], self.programs, *shown[-2:])  # before the details and the glossary


def my_programs(programs: str | bytes | None = None, **initial: Any) -> ProgramsChapter:
    """Chapter 7: for each program on your list, what to do today and the note to send (the sample list first).

    ``programs`` is a list as a spreadsheet pastes it or a CSV file's bytes (default: the workshop's 12
    programs); the other keywords are the chapter's inputs, as for the other chapters.
    """
    return ProgramsChapter(programs, initial)


# ---------------------------------------------------------------- 00 start here (index, FAQ Q1)

def _link(stem: str, title: str) -> str:
    """A relative link to a chapter, so it works in JupyterLab and in Voila's tree mode."""
    return f'<a class="sg-link" href="{render.esc(stem)}.ipynb">{render.esc(title)}</a>'


def chapter_index_html() -> str:
    """The chapters as a numbered list of links."""
    return render.ul((_link(stem, title) for stem, title in CHAPTERS), raw=True, tag="ol")


def faq_html() -> str:
    """Every FAQ of the three documents (faq.csv), grouped by document, each pointing to its chapter."""
    titles = dict(CHAPTERS)
    faq = table("faq")
    unknown = set(faq.col("chapter")) - set(titles)
    if unknown:
        raise KeyError(f"faq.csv points to unknown chapters: {sorted(unknown)}")
    out = []
    for doc in sorted(set(faq.col("doc"))):
        items = "".join(
            f"<details><summary>{render.esc(r['question'])}</summary><p>{render.esc(r['answer'])}</p>"
            f"<p>{render.esc(label('page', 'more_in'))} {_link(r['chapter'], titles[r['chapter']])}</p></details>"
            for r in faq.where(doc=doc).sorted_by("number"))
        a = articles()[doc]
        out.append(render.section(label("sources", "faq_title").format(short_name=a.short_name, title=a.title), items))
    return "".join(out)


def bands_html(a: Assessment | None = None, titled: bool = True) -> str:
    """The score bands behind the guide's words, in numbers for the reader's specialty; their own bands marked.

    Without a reader (chapter 0) the numbers are the worked example's specialty and nothing is marked as yours.
    """
    reader = a if a is not None else GuideModel(**EXAMPLE).assessment
    assert reader is not None  # the worked example always assesses
    body = render.bands(reader, mark_yours=a is not None)
    return render.section(label("section", "bands"), body) if titled else body


class StartHere(w.VBox):
    """Chapter 0's FAQ block, the score bands and the Sources section; ``value`` is its HTML."""

    def __init__(self) -> None:
        with render.badge_scope(f"sg-about-{secrets.token_hex(4)}"):  # its badges open its own glossary block
            self.value = (render.section(label("section", "faq"), faq_html())
                          + bands_html() + sources_html(level=2))
            self.glossary = w.HTML(render.glossary_block()).add_class("sg-glossary-box")
        super().__init__([_Landmark(label("page", "start_here")), w.HTML(self.value), self.glossary])
        self.add_class("sg-main")


def start_here() -> StartHere:
    """Chapter 0's FAQ block, the score bands and the Sources (the notebook's markdown carries the index)."""
    return StartHere()


__all__ = ["Chapter", "CHAPTERS", "risk_by_profile", "timing", "score_trends", "to_email_or_not", "after_a_drop",
           "my_programs", "start_here", "cohort", "cohort_example", "chapter_index_html", "faq_html", "bands_html",
           "error_html"]
