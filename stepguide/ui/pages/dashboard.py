"""The live dashboard: one :class:`~stepguide.ui.model.GuideModel` and the views that show it, on one page.

The page holds no rules and calls nothing in the rules itself: the controls
write to the model, the model reassesses once, and each view redraws its part
(a chart is re-sent only when its spec differs). Typing in the email fields
changes only the draft, the interview answer and the plan export.

    from stepguide.ui.pages.dashboard import Dashboard
    Dashboard()          # in Jupyter or Voila
"""
from __future__ import annotations

import logging
from datetime import date
from typing import Any

import ipywidgets as w

from stepguide.rules.inputs import FLAGS, MONTHS, make_profile
from stepguide.rules.programs import SAMPLE_EXAMPLE
from stepguide.rules.tables import examples
from stepguide.rules.words import hint, label, say
from stepguide.ui import render, views
from stepguide.ui.connection import ConnectionBanner
from stepguide.ui.controls import ProfileControls
from stepguide.ui.front_ends import styled
from stepguide.ui.model import GuideModel
from stepguide.ui.plan import had_drop
from stepguide.ui.programs_view import ProgramsView
from stepguide.ui.sources import sources_html
from stepguide.ui.theme import ThemeToggle
from stepguide.ui.url_state import SituationLink
from stepguide.ui.widgets import CopyButton, DownloadLink, PageLandmark, lean_layouts, share_styles

__all__ = ["Dashboard", "CopyButton", "DownloadLink"]

log = logging.getLogger(__name__)

CHARTS = ("c5", "c3", "matched", "c1", "c2", "c4", "f2", "f3", "f4")  # the charts this page shows


class _PageSetup(PageLandmark):
    """The page landmark plus the pages' stylesheets."""

    _esm, _css = styled("page_landmark.js", "guide.css", "dashboard.css")


def _describe_error(model: GuideModel) -> str:
    """An input's problem after "Please check your input."; the page's own message (an update failed) as it is."""
    if model.input_error is None:
        return render.error_box(model.error)
    return render.error_box(f"{label('message', 'check_input')} {model.error}")


class Dashboard:
    """The guide as one live page; ``Dashboard().widget`` (or just ``Dashboard()``) displays it.

    ``initial`` takes the keyword arguments of :func:`stepguide.assess` to start from, and ``today`` (a
    ``datetime.date``, default the real date) the day whose application cycle the dates come from. Without
    a ``month`` the page starts in today's month: a student opening it in December is shown December.
    """

    def __init__(self, **initial: Any) -> None:
        today = initial.get("today") or date.today()
        # InputError naming the field, as assess gives
        self.model = m = GuideModel(**{"month": MONTHS[today.month - 1], **initial})
        self.controls = ProfileControls(m, guard=self._unexpected)
        self.inputs = self.controls.inputs
        self.error = views.error_line(m, _describe_error)
        self.verdict = views.VerdictCards(m)
        self.cards = self.verdict.cards
        self.why, self.differ, self.actions = views.why_list(m), views.differences(m), views.checklist(m)
        self.bands_box = views.bands_box(m)  # "What the words mean", opened by a real button
        self.matched_text = views.matched_text(m)
        self.cycle = views.cycle_line(m)
        self.charts = {name: views.ChartPanel(m, keys, shown_if={"f4": had_drop} if "f4" in keys else None)
                       for name, keys in (("stand", ("c5", "c3")), ("matched", ("matched",)),
                                          ("timing", ("c2", "c4", "c1")), ("next", ("f2", "f3", "f4")))}
        self.views = {k: v for panel in self.charts.values() for k, v in panel.views.items()}
        self.chart_boxes = {k: v for panel in self.charts.values() for k, v in panel.boxes.items()}
        self.programs = ProgramsView(m)  # the reader's program list: in this kernel only, never in the link
        self.email = views.EmailPanel(m)
        self.email_draft, self.copy, self.download = self.email.email_draft, self.email.copy, self.email.download
        self.fields, self.email_tools, self.email_buttons = (self.email.fields, self.email.email_tools,
                                                             self.email.email_buttons)
        self.drop_box = views.InterviewPanel(m)
        self.evidence, self.interview = self.drop_box.evidence, self.drop_box.interview
        self.export = views.plan_export(m)
        self.sources = w.HTML(sources_html(f"8. {label('sources', 'heading')}")).add_class("sg-sources-box")
        self.glossary = views.glossary(m)  # what every badge (R2, K1...) opens
        self.example = w.Dropdown(
            options=[(hint("message", "example"), "")] + [(text, key) for key, (text, _) in examples().items()],
            value="", description=label("message", "example"), style={"description_width": "15em"},
            layout=w.Layout(width="calc(100% - 6px)", max_width="720px")).add_class("sg-example")
        self.example.observe(lambda change: self._show_example(change.new), names="value")
        m.observe(self._leave_example, names="values")
        self._showing_example = False
        self.link = SituationLink(self)  # the inputs in the URL fragment, "Copy link to this situation"
        self.theme = ThemeToggle()
        self.connection = ConnectionBanner()
        self.landmark = _PageSetup(label("dashboard", "title"))  # role=main, and the verdict's polite announcement
        views.announce_verdict(m, self.landmark)
        self.widget = self._layout()
        # ~120 layouts without their unset properties: ~80 kB less at each page load
        lean_layouts(self.widget, self.controls, views.page_edits(m))
        share_styles(self.widget)  # one default style for ~100 HTML widgets

    @property
    def assessment(self):  # noqa: ANN201 - the model's, for readers of the page
        return self.model.assessment

    @property
    def draft(self):  # noqa: ANN201
        return self.model.draft

    def values(self) -> dict[str, Any]:
        """The current inputs as keyword arguments for :func:`stepguide.assess`."""
        return dict(self.model.values)

    def set(self, **values: Any) -> None:
        """Set inputs as :func:`stepguide.assess` takes them (``step1="Pass"``, ``step2=None``, aliases); one update.

        Raises :class:`~stepguide.rules.inputs.InputError` (a ``ValueError``) naming the field for a bad or
        unknown value.
        """
        make_profile(**{**self.model.values, **values})
        self.model.set(**values)

    def _unexpected(self, exc: BaseException) -> None:
        """A bug in a view: the traceback goes to the log, the page gets one calm line."""
        log.error("stepguide dashboard: update failed", exc_info=exc)
        self.model.error = label("message", "unexpected")

    def _show_example(self, key: str) -> None:
        """Load one of the articles' worked examples (a workshop starting point).

        The example of a student with a program list also brings that list into "My programs", unless the
        reader already has a list there: an example never replaces a list of their own.
        """
        if not key:
            return
        self._showing_example = True
        try:
            self.model.set(**examples()[key][1])
        finally:
            self._showing_example = False
        if key == SAMPLE_EXAMPLE and not self.programs.programs:
            self.programs.load_sample()

    def _leave_example(self, change: Any) -> None:
        if self.example.value and not self._showing_example:
            self.example.value = ""  # the inputs no longer show the example

    def _layout(self) -> w.VBox:
        i = self.inputs
        return w.VBox([
            self.landmark,
            self.connection,
            w.HTML(f"<h1>{render.esc(label('dashboard', 'heading'))}</h1>"
                   f"<p class='sg-lead'>{render.esc(say('dashboard_lead'))}</p>"),
            w.HBox([self.link, self.theme]).add_class("sg-tools"),
            self.error,
            w.HTML(render.heading(label("dashboard", "inputs"))),
            self.example,
            w.GridBox([w.VBox([i["step1_mode"], i["step1"], i["step2"], i["step2_pending"], i["step2_exam"]]),
                       w.VBox([i["specialty"], i["month"], i["applicant"], i["stage"], i["failed_exam"]])],
                      layout=w.Layout(grid_template_columns="repeat(auto-fit, minmax(min(520px, 100%), 1fr))",
                                      grid_gap="4px 24px")).add_class("sg-inputs"),
            self.cycle,
            w.VBox([i[k] for k in FLAGS]).add_class("sg-flags"),
            w.HTML(render.heading(label("dashboard", "verdict"))), self.verdict,
            w.HTML(render.heading(label("dashboard", "why"), 3)), self.why, self.differ, self.bands_box,
            w.HTML(render.heading(label("dashboard", "checklist"))), self.actions, self.programs,
            w.HTML(render.heading(label("dashboard", "email"))), self.email, self.drop_box,
            w.HTML(render.heading(label("dashboard", "stand"))), self.charts["stand"],
            w.VBox([self.charts["matched"], self.matched_text]).add_class("sg-matched"),
            self.charts["timing"],
            w.HTML(render.heading(label("dashboard", "next"))), self.charts["next"],
            w.HTML(render.heading(label("dashboard", "take"))),
            w.HTML(render.p(say("dashboard_export"))),
            self.export,
            self.sources,
            self.glossary,
        ]).add_class("sg-main")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
