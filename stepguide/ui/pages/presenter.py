"""Presenter mode for workshops: the inputs on top, then one verdict and one chart per screen, and last the
program plan ("My programs"), in type large enough for the back of a room at 1920×1080.

It is the dashboard's own model shown another way: :class:`Presenter` builds a
:class:`stepguide.ui.pages.dashboard.Dashboard` and lays out *its* widgets (inputs,
verdict cards, chart views), so a slider moved here runs the same update and
every screen is current when you reach it.

    from stepguide.ui.pages.presenter import Presenter
    Presenter()            # in Voila: notebooks/presenter.ipynb
"""
from __future__ import annotations

from typing import Any

import ipywidgets as w

from stepguide.rules.words import label
from stepguide.ui import render
from stepguide.ui.front_ends import styled
from stepguide.ui.model import START
from stepguide.ui.pages.dashboard import Dashboard
from stepguide.ui.widgets import PageLandmark

__all__ = ["Presenter", "PROGRAMS", "SCREENS", "VERDICT_SCREENS"]

# A verdict screen = (verdict card key, chart key, heading), in the order a workshop walks through them; the
# headings are labels.csv's group ``screen``, keyed by the card.
VERDICT_SCREENS = tuple((card, chart, label("screen", card)) for card, chart in (
    ("trend", "c5"), ("value", "c3"), ("reading", "matched"), ("email", "c4")))
# The last screen: the dashboard's "My programs", one card per program (the workshop example's 12 programs).
PROGRAMS = "programs"
SCREENS: tuple[tuple[str, str | None, str], ...] = (*VERDICT_SCREENS, (PROGRAMS, None, label("screen", PROGRAMS)))


class _PresenterSetup(PageLandmark):
    _esm, _css = styled("page_landmark.js", "guide.css", "dashboard.css", "presenter.css")


class Presenter:
    """A slide-like view of a live :class:`Dashboard`; ``Presenter().widget`` (or just ``Presenter()``) shows it.

    ``initial`` takes the keyword arguments of :func:`stepguide.assess`, as ``Dashboard`` does (the month
    defaults to the worked example's, not today's). The last screen is the dashboard's "My programs": the
    example "12 programs, October, score up 18" brings its list there, so a room sees each program's plan.
    """

    def __init__(self, **initial: Any) -> None:
        # A class is shown the worked example as it is (doc B's October), not the day of the workshop.
        self.dashboard = d = Dashboard(**{"month": START["month"], **initial})
        i = d.inputs
        self.screens = [w.GridBox([d.cards[card], d.chart_boxes[chart]]).add_class("sg-screen")
                        .add_class(f"sg-screen-{card}") for card, chart, _ in VERDICT_SCREENS]
        self.screens.append(w.VBox([d.programs]).add_class("sg-screen").add_class(f"sg-screen-{PROGRAMS}"))
        self.stack = w.Stack(self.screens, selected_index=0).add_class("sg-screens")
        self.previous = w.Button(description=label("button", "previous"), icon="").add_class("sg-previous")
        self.next = w.Button(description=label("button", "next"), icon="").add_class("sg-next")
        self.where = w.HTML().add_class("sg-where")
        self.previous.on_click(lambda _: self.show(self.index - 1))
        self.next.on_click(lambda _: self.show(self.index + 1))
        flags = w.VBox([i[k] for k in i if k not in _MAIN_INPUTS]).add_class("sg-flags")
        self.widget = w.VBox([
            _PresenterSetup(label("presenter", "title")),
            d.connection,
            w.HTML(render.heading(label("presenter", "heading"), 1)),
            w.GridBox([d.example, *[i[k] for k in _MAIN_INPUTS if k in i]]).add_class("sg-inputs"),
            w.Accordion([flags], titles=(label("presenter", "more"),)).add_class("sg-more"),
            w.HBox([self.previous, self.where, self.next]).add_class("sg-nav"),
            self.stack,
            d.glossary,  # what each badge (R6, E3...) opens
        ]).add_class("sg-main").add_class("sg-presenter")
        self.show(0)

    @property
    def index(self) -> int:
        return int(self.stack.selected_index or 0)

    def show(self, index: int) -> None:
        """Go to screen ``index`` (clamped to the first and last)."""
        index = max(0, min(len(SCREENS) - 1, index))
        self.stack.selected_index = index
        count = label("presenter", "count").format(n=index + 1, total=len(SCREENS))
        self.where.value = (f"<p>{render.esc(SCREENS[index][2])} "
                            f"<span class='sg-count'>{render.esc(count)}</span></p>")
        self.previous.disabled = index == 0
        self.next.disabled = index == len(SCREENS) - 1

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


# The inputs shown in the top row; any other input (flags, and fields added later) goes under "More".
_MAIN_INPUTS = ("step1_mode", "step1", "step2", "step2_pending", "specialty", "month", "applicant", "stage")
