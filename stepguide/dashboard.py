"""The live dashboard: widgets in, :func:`stepguide.assess` does the thinking, widgets out.

The view holds no rules. Every change of an input runs ``assess`` →
``draft_email`` → ``charts.figure_for`` (for the charts shown) →
:mod:`stepguide.plan` wording once, then pushes only what changed (a chart is
re-sent only when its spec differs, figure and label in one message), so one
slider step costs a few milliseconds of Python. Typing in the email fields
redoes only the draft and the plan.

    from stepguide.dashboard import Dashboard
    Dashboard()          # in Jupyter or Voila
"""
from __future__ import annotations

import html
import logging
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import ipywidgets as w
import traitlets

from . import charts
from .assessment import Assessment, assess
from .data import examples, int_fact, season, specialties
from .email import EmailDraft, draft_email
from .guide import bands_html
from .inputs import APPLICANTS, MONTH_NAMES, MONTHS, STAGES, Profile, make_profile
from .plan import NO_EMAIL_TITLE, cards, drop_antidotes, had_drop, interview_answer, matched_sentence, plan_markdown
from .connection import ConnectionBanner
from .page import HelperWidget, PageLandmark
from .plotly_view import PlotlyView
from .theme import ThemeToggle
from .url_state import SituationLink

__all__ = ["Dashboard", "CopyButton", "DownloadLink"]

_STATIC = Path(__file__).with_name("static")
_CSS = (_STATIC / "dashboard.css").read_text(encoding="utf-8")

log = logging.getLogger(__name__)
if not log.handlers:  # tracebacks go to the server's stderr, never into the page
    _handler = logging.StreamHandler(sys.__stderr__)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    log.addHandler(_handler)
    log.propagate = False

DEFAULTS: dict[str, Any] = {"step1": 228, "step2": 248, "specialty": "Internal Medicine", "month": "Oct",
                            "applicant": APPLICANTS[0], "stage": STAGES[0]}
STAGE_LABELS = {"before invites": "Before interview invites", "interviewed": "Interviewed there",
                "on hold": "On hold / waitlisted", "after rank lists": "After rank lists are certified"}
FLAGS = {
    "requires_step2": ("A program requires Step 2 CK to rank me", "sg-requires-step2"),
    "prior_fail": ("I have a prior USMLE fail", "sg-prior-fail"),
    "other_concerns": ("Other concerns in my file (weak shelf exams, lukewarm letters)", "sg-other-concerns"),
    "credible_reason": ("A credible reason for the drop (illness, documented crisis, major life event)",
                        "sg-credible-reason"),
}
EMAIL_FIELDS = {  # draft_email keyword -> (label, placeholder)
    "name": ("Your name", "e.g. Jordan Lee"),
    "aamc_id": ("AAMC ID", "e.g. 12345678"),
    "program": ("Program", "e.g. City Hospital Internal Medicine"),
    "director": ("Director's last name", "e.g. Patel"),
    "interview_date": ("Interview date", "e.g. November 12"),
    "test_date": ("Test date", "e.g. October 3"),
    "expected_date": ("Score expected on", "e.g. November 1"),
    "reason": ("Why this program", "one specific reason"),
}
# Chart key (from charts.figures_for) -> (CSS hook, heading above it).
CHARTS = {
    "c5": ("sg-chart-c5", "How your trend compares with other applicants"),
    "c3": ("sg-chart-c3", "What the new score adds"),
    "matched": ("sg-chart-matched", "Against matched applicants in your specialty"),
    "c1": ("sg-chart-c1", "Who an unsent score hurts most"),
    "c2": ("sg-chart-c2", "When the score comes out: interview chances"),
    "c4": ("sg-chart-c4", "When the score comes out: is an email worth it?"),
    "f2": ("sg-chart-f2", "Timing decision (your path is lit)"),
    "f3": ("sg-chart-f3", "Quick decision map (your path is lit)"),
    "f4": ("sg-chart-f4", "After a drop (your path is lit)"),
}
UNEXPECTED = ("Something went wrong while updating the page. Your inputs are kept: "
              "change any input to try again.")


class _InputError(Exception):
    """A ValueError raised by ``assess`` for the inputs (its message names the field)."""


class _PageSetup(PageLandmark):
    """The page landmark plus the dashboard's CSS."""

    _css = _CSS


class CopyButton(HelperWidget):
    """A ``<button>`` that copies ``text`` to the clipboard (works offline and on plain http)."""

    text = traitlets.Unicode("").tag(sync=True)

    def __init__(self, label: str, text: str = "", **kwargs: Any) -> None:
        super().__init__(kind="copy", label=label, text=text, **kwargs)


class DownloadLink(HelperWidget):
    """An ``<a download>`` link whose data: URL always holds the current ``text``: a real file download."""

    text = traitlets.Unicode("").tag(sync=True)
    filename = traitlets.Unicode("download.txt").tag(sync=True)
    mime = traitlets.Unicode("text/plain").tag(sync=True)

    def __init__(self, label: str, filename: str, mime: str = "text/plain", **kwargs: Any) -> None:
        super().__init__(kind="download", label=label, filename=filename, mime=mime, **kwargs)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _html(css: str, value: str = "") -> w.HTML:
    return w.HTML(value).add_class(css)


def _heading(text: str, level: int = 2) -> w.HTML:
    return w.HTML(f"<h{level}>{_e(text)}</h{level}>")


def _list(items: Iterable[str], tag: str = "ul") -> str:
    return f"<{tag}>" + "".join(f"<li>{_e(x)}</li>" for x in items) + f"</{tag}>"


class Dashboard:
    """The guide as one live page; ``Dashboard().widget`` (or just ``Dashboard()``) displays it.

    ``initial`` takes the keyword arguments of :func:`stepguide.assess` to start from.
    """

    def __init__(self, **initial: Any) -> None:
        start = make_profile(**{**DEFAULTS, **initial})  # ValueError naming the field, as assess gives
        self._paused_depth = 0
        self.assessment: Assessment | None = None
        self.draft: EmailDraft | None = None
        self._specs: dict[str, Any] = {}
        self.inputs = self._make_inputs()
        self.fields = {k: w.Text(description=label, placeholder=hint, layout=w.Layout(width="calc(100% - 6px)"),
                                 style={"description_width": "11em"}).add_class(f"sg-field-{k.replace('_', '-')}")
                       for k, (label, hint) in EMAIL_FIELDS.items()}
        self.evidence = w.Text(description="Your evidence", placeholder="e.g. honors on my medicine sub-internship",
                               layout=w.Layout(width="calc(100% - 6px)", max_width="900px"),
                               style={"description_width": "11em"}
                               ).add_class("sg-evidence")
        self.example = w.Dropdown(options=[("Choose an example…", "")] + [(label, key) for key, (label, _) in
                                                                          examples().items()],
                                  value="", description="Try an example from the articles",
                                  style={"description_width": "15em"},
                                  layout=w.Layout(width="calc(100% - 6px)", max_width="720px")).add_class("sg-example")
        self._showing_example = False
        self._make_outputs()
        self.widget = self._layout()
        self._on_input = self._guarded(self._update_all)
        self._on_text = self._guarded(self._update_text)
        for key, value in self._widget_values(start).items():
            self.inputs[key].value = value
        for widget in self.inputs.values():
            widget.observe(self._on_input, names="value")
        for widget in [*self.fields.values(), self.evidence]:
            widget.observe(self._on_text, names="value")
        self.example.observe(self._guarded(self._show_example), names="value")
        self._on_input()

    # ---- inputs -------------------------------------------------------------------------------
    def _make_inputs(self) -> dict[str, w.ValueWidget]:
        """The input widgets at the default values (the constructor then applies its profile)."""
        lo, hi = int_fact("score_min"), int_fact("score_max")
        label, short = {"description_width": "15em"}, {"description_width": "9em"}
        wide = w.Layout(width="calc(100% - 6px)", max_width="720px")  # minus the widgets' own margins

        def slider(key: str, description: str) -> w.IntSlider:
            return w.IntSlider(value=DEFAULTS[key], min=lo, max=hi, step=1, description=description,
                               continuous_update=True, readout=True, style=short, layout=wide).add_class(f"sg-{key}")

        months = season().sort_values("season_order")["month"]
        names = dict(zip(MONTHS, MONTH_NAMES))
        inputs: dict[str, w.ValueWidget] = {
            "step1_mode": w.ToggleButtons(options=["Score", "Pass", "Fail"], value="Score",
                                          description="Step 1 result", style={**short, "button_width": "6em"},
                                          layout=w.Layout(width="auto"),
                                          tooltips=["A three-digit Step 1 score", "Step 1 pass (pass/fail era)",
                                                    "Step 1 fail"]).add_class("sg-step1-mode"),
            "step1": slider("step1", "Step 1 score"),
            "step2": slider("step2", "Step 2 CK score"),
            "step2_pending": w.Checkbox(value=False, description="My Step 2 CK is not out yet",
                                        indent=False).add_class("sg-step2-pending"),
            "specialty": w.Dropdown(options=list(specialties().index), value=DEFAULTS["specialty"],
                                    description="Specialty", style=label, layout=wide).add_class("sg-specialty"),
            "month": w.Dropdown(options=[(names[m].capitalize(), m) for m in months], value=DEFAULTS["month"],
                                description="Month the score comes out", style=label,
                                layout=wide).add_class("sg-month"),
            "applicant": w.Dropdown(options=list(APPLICANTS), value=APPLICANTS[0],
                                    description="Applicant type", style=label, layout=wide).add_class("sg-applicant"),
            "stage": w.Dropdown(options=[(STAGE_LABELS.get(s, s.capitalize()), s) for s in STAGES],
                                value=STAGES[0], description="Where you are in the cycle",
                                style=label, layout=wide).add_class("sg-stage"),
        }
        for key, (text, css) in FLAGS.items():
            inputs[key] = w.Checkbox(value=False, description=text,
                                     indent=False, layout=w.Layout(width="auto")).add_class(css)
        return inputs

    def values(self) -> dict[str, Any]:
        """The current inputs as keyword arguments for :func:`stepguide.assess`."""
        i = {k: v.value for k, v in self.inputs.items()}
        return {"step1": i["step1"] if i["step1_mode"] == "Score" else i["step1_mode"],
                "step2": None if i["step2_pending"] else i["step2"],
                **{k: i[k] for k in ("specialty", "month", "applicant", "stage", *FLAGS)}}

    @staticmethod
    def _widget_values(p: Profile) -> dict[str, Any]:
        """Input-widget values showing a validated profile (a Pass/Fail or pending score leaves its slider)."""
        out: dict[str, Any] = {"step1_mode": p.step1 if isinstance(p.step1, str) else "Score",
                               "step2_pending": p.step2 is None}
        if not isinstance(p.step1, str):
            out["step1"] = p.step1
        if p.step2 is not None:
            out["step2"] = p.step2
        out.update({k: getattr(p, k) for k in ("specialty", "month", "applicant", "stage", *FLAGS)})
        return out

    def set(self, **values: Any) -> None:
        """Set inputs as :func:`stepguide.assess` takes them (``step1="Pass"``, ``step2=None``, aliases); one update.

        Raises ``ValueError`` naming the field for a bad value, ``TypeError`` for an unknown one.
        """
        profile = make_profile(**{**self.values(), **values})
        with self._paused():
            for key, value in self._widget_values(profile).items():
                self.inputs[key].value = value
        self._on_input()

    def _show_example(self) -> None:
        """Load one of the articles' worked examples (a workshop starting point)."""
        key = self.example.value
        if not key:
            return
        self._showing_example = True
        try:
            self.set(**examples()[key][1])
        finally:
            self._showing_example = False

    @contextmanager
    def _paused(self) -> Iterator[None]:
        """Let :meth:`set` change several inputs and update once at the end."""
        self._paused_depth += 1
        try:
            yield
        finally:
            self._paused_depth -= 1

    # ---- outputs ------------------------------------------------------------------------------
    def _make_outputs(self) -> None:
        self.error = _html("sg-error")
        self.error.layout.display = "none"
        self.cards = {key: _html(f"sg-{key}").add_class("sg-card") for key in ("trend", "value", "reading", "email")}
        self.why = _html("sg-why")
        self.bands = _html("sg-bands")
        self.bands_box = w.Accordion(children=[self.bands], titles=("What the words mean: the score bands "
                                                                    "behind every verdict",)).add_class("sg-bands-box")
        self.actions = _html("sg-actions")
        self.matched_text = _html("sg-matched-text")
        self.views = {key: PlotlyView(label=heading).add_class(css) for key, (css, heading) in CHARTS.items()}
        self.chart_boxes = {key: w.VBox([_heading(CHARTS[key][1], 3), view], layout=w.Layout(min_width="0"))
                            .add_class("sg-chart-box") for key, view in self.views.items()}
        self.email_draft = _html("sg-email-draft")
        self.copy = CopyButton("Copy the email").add_class("sg-copy")
        self.download = DownloadLink("Download the email (.txt)", "step2ck-email.txt").add_class("sg-download")
        self.export = DownloadLink("Export my plan (Markdown)", "step2ck-plan.md",
                                   mime="text/markdown").add_class("sg-export")
        self.email_tools = w.VBox([
            w.HTML("<p>Fill in your details: the draft updates as you type. Blanks stay in [brackets].</p>"),
            w.GridBox(list(self.fields.values()), layout=w.Layout(
                grid_template_columns="repeat(auto-fit, minmax(480px, 1fr))", grid_gap="4px 24px")),
        ]).add_class("sg-email-fields")
        self.email_buttons = w.HBox([self.copy, self.download]).add_class("sg-email-buttons")
        self.interview = _html("sg-interview")
        self.drop_box = w.VBox([_heading("If an interviewer asks about the drop"), self.evidence, self.interview],
                               layout=w.Layout(display="none")).add_class("sg-drop")
        self.link = SituationLink(self)  # the inputs in the URL fragment, "Copy link to this situation"
        self.theme = ThemeToggle()
        self.connection = ConnectionBanner()

    def _layout(self) -> w.VBox:
        charts_grid = dict(grid_template_columns="repeat(auto-fit, minmax(460px, 1fr))", grid_gap="16px")
        flag_boxes = [self.inputs[k] for k in FLAGS]
        i = self.inputs
        return w.VBox([
            _PageSetup("Step 2 CK score guide"),
            self.connection,
            w.HTML("<h1>What to do with your new Step 2 CK score</h1>"
                   "<p class='sg-lead'>Set your scores and situation. Everything below updates at once: the "
                   "verdict and why, your checklist, the email (or why not to send one) and the charts.</p>"),
            w.HBox([self.link, self.theme]).add_class("sg-tools"),
            self.error,
            _heading("1. Your scores and situation"),
            self.example,
            w.GridBox([w.VBox([i["step1_mode"], i["step1"], i["step2"], i["step2_pending"]]),
                       w.VBox([i["specialty"], i["month"], i["applicant"], i["stage"]])],
                      layout=w.Layout(grid_template_columns="repeat(auto-fit, minmax(520px, 1fr))",
                                      grid_gap="4px 24px")).add_class("sg-inputs"),
            w.VBox(flag_boxes).add_class("sg-flags"),
            _heading("2. The verdict"),
            w.GridBox(list(self.cards.values()), layout=w.Layout(
                grid_template_columns="repeat(auto-fit, minmax(280px, 1fr))", grid_gap="14px")).add_class("sg-cards"),
            _heading("Why, step by step", 3), self.why, self.bands_box,
            _heading("3. Your checklist"), self.actions,
            _heading("4. The email"), self.email_draft, self.email_buttons, self.email_tools,
            self.drop_box,
            _heading("5. Where you stand"),
            w.GridBox([self.chart_boxes[k] for k in ("c5", "c3")], layout=w.Layout(**charts_grid)),
            w.VBox([self.chart_boxes["matched"], self.matched_text]).add_class("sg-matched"),
            w.GridBox([self.chart_boxes[k] for k in ("c2", "c4", "c1")], layout=w.Layout(**charts_grid)),
            _heading("6. What to do next"),
            w.GridBox([self.chart_boxes[k] for k in ("f2", "f3", "f4")], layout=w.Layout(**charts_grid)),
            _heading("7. Take it with you"),
            w.HTML("<p>Save the verdict, the reasons, your checklist and the email draft as a Markdown file.</p>"),
            self.export,
        ]).add_class("sg-main")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    # ---- updating -----------------------------------------------------------------------------
    def _guarded(self, update: Callable[[], None]) -> Callable[..., None]:
        """Run an update; a bad input or a bug becomes a short message and the page keeps working."""
        def run(*_: Any) -> None:
            if self._paused_depth:
                return
            try:
                update()
            except _InputError as exc:
                self._show_error(f"Please check your input. {exc}")
            except Exception:
                log.exception("stepguide dashboard: update failed")
                self._show_error(UNEXPECTED)
            else:
                self._show_error("")
        return run

    def _show_error(self, message: str) -> None:
        self.error.value = f'<div class="sg-error-box" role="alert">{_e(message)}</div>' if message else ""
        self.error.layout.display = None if message else "none"

    def _update_all(self) -> None:
        i = self.inputs
        i["step1"].disabled = i["step1_mode"].value != "Score"
        i["step2"].disabled = bool(i["step2_pending"].value)
        try:
            a = assess(**self.values())
        except ValueError as exc:
            raise _InputError(str(exc)) from None
        figures = {key: charts.figure_for(a, key) for key in self.views}
        draft = self._draft(a)
        with ExitStack() as stack:
            for widget in (*self.views.values(), self.copy, self.download, self.export):
                stack.enter_context(widget.hold_sync())
            self._show_cards(a)
            self._show_charts(figures, a)
            self._show_text(a, draft)
        self.assessment = a
        if self.example.value and not self._showing_example:
            self.example.value = ""  # the inputs no longer show the example

    def _update_text(self) -> None:
        """Typing in the email or evidence fields only re-fills the draft, the answer and the plan."""
        if self.assessment is None:
            return self._update_all()
        a = self.assessment
        with ExitStack() as stack:
            for widget in (self.copy, self.download, self.export):
                stack.enter_context(widget.hold_sync())
            self._show_text(a, self._draft(a))

    def _draft(self, a: Assessment) -> EmailDraft:
        return draft_email(a, **{k: f.value for k, f in self.fields.items()})

    def _show_cards(self, a: Assessment) -> None:
        for card in cards(a):
            self.cards[card.key].value = (
                f'<div class="sg-card-body"><h3>{_e(card.title)}</h3>'
                f'<p class="sg-verdict">{_e(card.verdict)}</p><p class="sg-card-why">{_e(card.why)}</p></div>')
        self.why.value = "<ol>" + "".join(
            f'<li>{_e(t.reason)} <span class="sg-rule">{_e(t.rule)}</span></li>' for t in a.trace) + "</ol>"
        self.bands.value = bands_html(a, titled=False)
        self.actions.value = _list(x.text for x in a.actions)
        self.matched_text.value = f"<p>{_e(matched_sentence(a))}</p>"

    def _show_charts(self, figures: Mapping[str, Any], a: Assessment) -> None:
        for key, view in self.views.items():
            spec = figures[key]
            if spec != self._specs.get(key):
                view.figure = spec
                view.label = charts.describe(spec)
                self._specs[key] = spec
        self.chart_boxes["f4"].layout.display = None if had_drop(a) else "none"

    def _show_text(self, a: Assessment, draft: EmailDraft) -> None:
        self.draft = draft
        if draft.send:
            self.email_draft.value = (
                f'<div class="sg-draft"><p><strong>Subject:</strong> {_e(draft.subject)}</p>'
                f"<pre>{_e(draft.body)}</pre>"
                f'<p class="sg-card-why">Template {_e(draft.template)}: {_e(draft.why)}</p></div>')
        else:
            self.email_draft.value = (f'<div class="sg-noemail"><h3>{_e(NO_EMAIL_TITLE)}</h3>'
                                      f"<p>{_e(draft.why)}</p></div>")
        shown = None if draft.send else "none"
        self.email_tools.layout.display = shown
        self.email_buttons.layout.display = shown
        self.copy.text = self.download.text = draft.as_text() if draft.send else ""
        dropped = had_drop(a)
        self.drop_box.layout.display = None if dropped else "none"
        if dropped:
            self.interview.value = (
                "<p>Say it calmly, in your own words, and move on to your strengths:</p>"
                f"<blockquote>{'<br>'.join(_e(x) for x in interview_answer(self.evidence.value))}</blockquote>"
                "<h3>What makes a drop matter less</h3>" + _list(drop_antidotes()))
        self.export.text = plan_markdown(a, draft, self.evidence.value)
