"""Small views of a :class:`~stepguide.ui.model.GuideModel`: each a widget with its own CSS hook that observes it.

A view never calls the rules; it renders what the model holds (its
``assessment``, ``draft``, ``texts`` or ``error``) with :mod:`stepguide.ui.render`.
Pages (the dashboard, the chapters) are compositions of these.
"""
from __future__ import annotations

import secrets
import weakref
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from typing import Any

import ipywidgets as w

from stepguide import charts
from stepguide.rules.articles import ids_in, ids_in_text
from stepguide.rules.assessment import Assessment
from stepguide.rules.email import USER_FIELDS
from stepguide.rules.words import hint, ids, label, say, source
from stepguide.ui import render
from stepguide.ui.front_ends import GLOSSARY
from stepguide.ui.model import GuideModel
from stepguide.ui.plan import (
    cards,
    drop_antidotes,
    had_drop,
    interview_ahead,
    interview_answer,
    matched_sentence,
    plan_markdown,
    verdict_line,
)
from stepguide.ui.plotly_view import PlotlyView
from stepguide.ui.widgets import (
    Combobox,
    CopyButton,
    Disclosure,
    DownloadLink,
    EditedHTML,
    PageEdits,
    PageLandmark,
    Text,
    show,
)

Render = Callable[[GuideModel], str]

_PAGE_KEYS: weakref.WeakKeyDictionary[GuideModel, str] = weakref.WeakKeyDictionary()
_PAGE_EDITS: weakref.WeakKeyDictionary[GuideModel, PageEdits] = weakref.WeakKeyDictionary()


def page_key(model: GuideModel) -> str:
    """The key of the page that shows ``model`` (one model per page): its badges open its own glossary block."""
    if model not in _PAGE_KEYS:
        _PAGE_KEYS[model] = f"sg-about-{secrets.token_hex(4)}"
    return _PAGE_KEYS[model]


def page_edits(model: GuideModel) -> PageEdits:
    """The carrier of the HTML edits of the page that shows ``model``: its views' new text goes as the changed words."""
    if model not in _PAGE_EDITS:
        _PAGE_EDITS[model] = PageEdits()
    return _PAGE_EDITS[model]


def glossary(model: GuideModel) -> w.HTML:
    """The page's explanations of every inventory ID, hidden until a badge opens one (render.glossary_block)."""
    box, key = w.HTML().add_class("sg-glossary-box"), page_key(model)

    def whole() -> str:
        with render.badge_scope(key):
            return render.glossary_block()

    page_edits(model).fill(box, GLOSSARY, key, whole)  # fetched by the page after its first paint
    return box



class ModelHTML(EditedHTML):
    """HTML re-rendered from the model whenever one of ``on`` changes (blank until there is an assessment).

    A change goes to the page as the edits that make it (:func:`page_edits`): a step changes a score, not the list.
    """

    value: str  # the widget's HTML (ipywidgets' trait)

    def __init__(self, model: GuideModel, draw: Render, css: str, on: Sequence[str] = ("assessment",),
                 blank_on_error: bool = False) -> None:
        super().__init__(edits=page_edits(model))
        self.add_class(css)
        self._model, self._draw, self._blank_on_error = model, draw, blank_on_error
        model.observe(self.refresh, names=list({*on, "error"} if blank_on_error else on))
        self.refresh()

    def refresh(self, change: Any = None) -> None:
        m = self._model
        stale = self._blank_on_error and bool(m.error)  # no old advice next to a rejected input
        with render.badge_scope(page_key(m)):
            value = self._draw(m) if m.assessment is not None and not stale else ""
        if value != self.value:
            self.value = value


def _of_assessment(model: GuideModel, draw: Callable[[Assessment], str], css: str) -> ModelHTML:
    """A view of the assessment alone (blank until there is one)."""
    return ModelHTML(model, lambda m: draw(m.assessment) if m.assessment is not None else "", css)


def why_list(model: GuideModel) -> ModelHTML:
    return _of_assessment(model, lambda a: render.why(a.trace), "sg-why")


def differences(model: GuideModel) -> ModelHTML:
    return _of_assessment(model, render.differences, "sg-differ")


def checklist(model: GuideModel) -> ModelHTML:
    return _of_assessment(model, render.checklist_html, "sg-actions")


def bands_box(model: GuideModel) -> Disclosure:
    """"What the words mean": the score bands behind every verdict, closed until its button opens it."""
    box = Disclosure(label("section", "bands")).add_class("sg-bands-box").add_class("sg-bands")

    def refresh(change: Any = None) -> None:
        if model.assessment is not None:
            with render.badge_scope(page_key(model)):
                box.content = render.bands(model.assessment)  # traitlets sends it only when it differs

    model.observe(refresh, names="assessment")
    refresh()
    return box


def announce_verdict(model: GuideModel, landmark: PageLandmark) -> None:
    """Keep the page's polite live region on the verdict in one line (:func:`~stepguide.ui.plan.verdict_line`):
    it changes, and a screen reader speaks, only when a verdict does, not on every slider step."""
    def refresh(change: Any = None) -> None:
        if model.assessment is not None:
            landmark.announce = verdict_line(model.assessment)

    model.observe(refresh, names="assessment")
    refresh()


def matched_text(model: GuideModel) -> ModelHTML:
    return _of_assessment(model, lambda a: render.p(matched_sentence(a)), "sg-matched-text")


def cycle_line(model: GuideModel) -> ModelHTML:
    """Which application cycle the page's dates are from, near the season inputs (a warning off the cycles)."""
    def draw(m: GuideModel) -> str:
        return render.cycle_line(m.assessment.cycle) if m.assessment is not None else ""

    return ModelHTML(model, draw, "sg-cycle-line")


def _error_box(model: GuideModel) -> str:
    return render.error_box(model.error)


def bound_text(field: Text | Combobox, model: GuideModel, name: str) -> None:
    """A text field of ``model``'s page: a value cut at its limit is reported as an input problem of ``name``."""
    field.on_too_long(lambda: model.too_long(name, field.max_chars))


def error_line(model: GuideModel, describe: Render = _error_box) -> ModelHTML:
    """The model's error, if any, drawn by ``describe`` (which may read ``input_error``: the field and what it
    takes); hidden when there is none."""
    view = ModelHTML(model, lambda m: describe(m) if m.error else "", "sg-error", on=("error",))
    sync = lambda *_: show(view, bool(model.error))  # noqa: E731
    model.observe(sync, names="error")
    sync()
    return view


class _Follows:
    """A view that follows one model: :meth:`refresh` runs now and whenever one of ``names`` changes."""

    _model: GuideModel

    def _follow(self, model: GuideModel, names: str | list[str]) -> None:
        self._model = model
        model.observe(self.refresh, names=names)
        self.refresh()

    def refresh(self, change: Any = None) -> None:  # pragma: no cover - each view defines it
        raise NotImplementedError


class VerdictCards(_Follows, w.GridBox):
    """The four verdict cards: trend, value, how a drop reads, email or not (``cards`` maps key -> HTML)."""

    KEYS = ("trend", "value", "reading", "email")

    def __init__(self, model: GuideModel) -> None:
        self.cards = {key: EditedHTML(edits=page_edits(model)).add_class(f"sg-{key}").add_class("sg-card")
                      for key in self.KEYS}
        super().__init__(list(self.cards.values()), layout=w.Layout(
            grid_template_columns="repeat(auto-fit, minmax(min(280px, 100%), 1fr))", grid_gap="14px"))
        self.add_class("sg-cards")
        self._follow(model, "assessment")

    def refresh(self, change: Any = None) -> None:
        if self._model.assessment is not None:
            with render.badge_scope(page_key(self._model)), page_edits(self._model).hold_sync():  # one message
                for c in cards(self._model.assessment):
                    self.cards[c.key].value = render.card(c)


class ChartPanel(_Follows, w.GridBox):
    """The charts ``keys`` (see ``charts.FIGURES``) for the model, each redrawn in place only when its spec changes.

    Headings come from the vocabulary (``labels.csv``, group ``chart``) unless ``headings`` is given.

    ``shown_if`` hides a chart's box when its test is false (e.g. F4 without a drop).
    """

    def __init__(self, model: GuideModel, keys: Sequence[str], headings: Mapping[str, str] | None = None,
                 shown_if: Mapping[str, Callable[[Any], bool]] | None = None, min_width: int = 460) -> None:
        self._shown_if = dict(shown_if or {})
        self._headings = dict(headings or {key: label("chart", key) for key in keys})  # the one vocabulary by default
        self.views = {key: PlotlyView(label=self._headings[key]).add_class(f"sg-chart-{key}") for key in keys}
        self.titles = {key: EditedHTML(edits=page_edits(model)) for key in keys}
        self.boxes = {key: w.VBox([self.titles[key], view], layout=w.Layout(min_width="0"))
                      .add_class("sg-chart-box") for key, view in self.views.items()}
        self._specs: dict[str, Any] = {}
        super().__init__(list(self.boxes.values()), layout=w.Layout(
            grid_template_columns=f"repeat(auto-fit, minmax(min({min_width}px, 100%), 1fr))", grid_gap="16px"))
        self._follow(model, "assessment")

    def refresh(self, change: Any = None) -> None:
        a = self._model.assessment
        if a is None:
            return
        with ExitStack() as stack:
            for view in self.views.values():
                stack.enter_context(view.hold_sync())
            for key, view in self.views.items():
                spec = charts.figure_for(a, key)
                if spec != self._specs.get(key):
                    view.figure, view.label = spec, charts.describe(spec)
                    self._specs[key] = spec
                    self._title(key, view.label)
        for key, test in self._shown_if.items():
            show(self.boxes[key], test(a))

    def _title(self, key: str, described: str) -> None:
        """The chart's heading with a badge for its own ID and for each ID its notes mention ("F2's branch...")."""
        own = source("chart", key) if key in ids("chart") else ""
        found = "|".join(dict.fromkeys([*ids_in(own), *ids_in_text(described)]))
        with render.badge_scope(page_key(self._model)):
            value = render.heading_with_badges(self._headings[key], found, 3)
        if value != self.titles[key].value:
            self.titles[key].value = value


class EmailPanel(_Follows, w.VBox):
    """The draft (or why not to send one), copy and download, and the fields the reader fills in."""

    def __init__(self, model: GuideModel) -> None:
        self.email_draft = ModelHTML(model, lambda m: render.draft(m.draft) if m.draft else "", "sg-email-draft",
                                     on=("draft",))
        self.copy = CopyButton(label("button", "copy_email")).add_class("sg-copy")
        self.download = DownloadLink(label("button", "download_email"), "step2ck-email.txt",
                                     make=lambda: self.copy.text).add_class("sg-download")  # what the copy copies
        self.fields = {k: Text(description=label("email_field", k), placeholder=hint("email_field", k),
                               layout=w.Layout(width="calc(100% - 6px)"), style={"description_width": "11em"}
                               ).add_class(f"sg-field-{k.replace('_', '-')}") for k in USER_FIELDS}
        for key, field in self.fields.items():
            field.observe(lambda change, key=key: model.type_text(**{key: change.new}), names="value")
            bound_text(field, model, label("email_field", key))
        self.email_buttons = w.HBox([self.copy, self.download]).add_class("sg-email-buttons")
        self.email_tools = w.VBox([
            w.HTML(render.p(say("email_fill_in"))),
            w.GridBox(list(self.fields.values()), layout=w.Layout(
                grid_template_columns="repeat(auto-fit, minmax(min(480px, 100%), 1fr))", grid_gap="4px 24px")),
        ]).add_class("sg-email-fields")
        super().__init__([self.email_draft, self.email_buttons, self.email_tools])
        self._follow(model, "draft")

    def refresh(self, change: Any = None) -> None:
        d = self._model.draft
        if d is None:
            return
        show(self.email_tools, d.send)
        show(self.email_buttons, d.send)
        self.copy.text = d.as_text() if d.send else ""


def _credible(m: GuideModel) -> bool:
    return m.assessment is not None and m.assessment.profile.credible_reason


class InterviewPanel(_Follows, w.VBox):
    """S1 and L4 after a drop: the reader's evidence goes into the calm answer; hidden when there is no drop."""

    def __init__(self, model: GuideModel) -> None:
        self.evidence = Text(description=label("email_field", "evidence"),
                             placeholder=hint("email_field", "evidence"),
                             layout=w.Layout(width="calc(100% - 6px)", max_width="900px"),
                             style={"description_width": "11em"}).add_class("sg-evidence")
        bound_text(self.evidence, model, label("email_field", "evidence"))
        self.evidence.observe(lambda change: model.type_text(evidence=change.new), names="value")
        self.interview = ModelHTML(model, lambda m: render.interview(interview_answer(m.texts.get("evidence"),
                                                                                      _credible(m)),
                                                                     drop_antidotes()),
                                   "sg-interview", on=("assessment", "texts"))
        super().__init__([w.HTML(render.heading(label("section", "interview"))), self.evidence,
                          self.interview])
        self.add_class("sg-drop")
        self._follow(model, "assessment")

    def refresh(self, change: Any = None) -> None:
        a = self._model.assessment
        show(self, a is not None and had_drop(a) and interview_ahead(a))


def plan_export(model: GuideModel) -> DownloadLink:
    """The whole plan as a Markdown download, made from the current inputs when clicked."""
    def make() -> str:
        if model.assessment is None or model.draft is None:
            return ""
        return plan_markdown(model.assessment, model.draft, model.texts.get("evidence"))

    return DownloadLink(label("button", "export_plan"), "step2ck-plan.md", mime="text/markdown",
                        make=make).add_class("sg-export")
