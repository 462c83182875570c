"""Situation links: the dashboard's inputs live in the page's URL fragment.

``#step1_mode=Score&step1=228&step2=248&specialty=Internal%20Medicine&...``
reopens the same situation from a link or a bookmark, and the browser's back
button steps back through changes. The fragment never reaches the server, so
Voila's preheated kernel pool still serves the page (a query string would
skip it); the page reads the fragment once the widgets are live and sends it
here.

The fields are the keys of ``Dashboard.inputs``, whatever they are, so a new
input is in the link without any change here. A fragment is applied field by
field and each field is checked twice: against its widget (a number within the
slider's range, one of the dropdown's options, yes/no for a box) and then by
the rules' own parser, :func:`stepguide.rules.inputs.make_profile`, over the whole
situation. A field that fails is left as it was and named in a short notice;
the page shows the notice as text, never as HTML.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import parse_qsl, quote, urlencode

import anywidget
import traitlets

from stepguide.rules.inputs import InputError, make_profile
from stepguide.rules.words import label, say
from stepguide.ui.controls import ProfileControls, model_values
from stepguide.ui.edits import SendsEdits
from stepguide.ui.front_ends import esm
from stepguide.ui.model import GuideModel


class Page(Protocol):
    """What a page gives the link: its input widgets, the controls that hold them, and its model."""

    @property
    def inputs(self) -> Mapping[str, Any]: ...

    @property
    def controls(self) -> ProfileControls: ...

    @property
    def model(self) -> GuideModel: ...

__all__ = ["SituationLink", "fragment_of", "parse_fragment"]

MAX_FRAGMENT = 2000  # characters; a situation needs ~250
MAX_FIELDS = 40
YES, NO = ("yes", "true", "1", "on"), ("no", "false", "0", "off")


def _options(widget: Any) -> list[tuple[str, Any]]:
    """(label, value) pairs of a selection widget, as it was given them."""
    return [o if isinstance(o, tuple) else (str(o), o) for o in widget.options]


def _text(widget: Any) -> str:
    """A widget's value as it is written in the fragment."""
    value = widget.value
    if isinstance(value, bool):
        return YES[0] if value else NO[0]
    return str(value)


def _short(text: str, limit: int = 24) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _parse(widget: Any, key: str, text: str) -> Any:
    """The widget value ``text`` stands for; :class:`InputError` naming ``key`` if it is not one of them."""
    if hasattr(widget, "options"):
        for _label, value in _options(widget):
            if str(value).casefold() == text.strip().casefold():
                return value
        values = [str(v) for _, v in _options(widget)]
        allowed = say("input_one_of", options=", ".join(values)) if len(values) <= 6 else say("link_page_choices")
        raise InputError(key, allowed, text, problem=say("input_expected", allowed=allowed, value=_short(text)))
    if isinstance(widget.value, bool):
        word = text.strip().lower()
        if word in YES or word in NO:
            return word in YES
        allowed = say("link_yes_no")
        raise InputError(key, allowed, text, problem=say("input_expected", allowed=allowed, value=_short(text)))
    if isinstance(widget.value, int):
        lo, hi = getattr(widget, "min", None), getattr(widget, "max", None)
        digits = text.strip()
        if not digits.isdigit() or (lo is not None and hi is not None and not lo <= int(digits) <= hi):
            allowed = say("link_whole_number", lo=lo, hi=hi)
            raise InputError(key, allowed, text, problem=say("input_expected", allowed=allowed, value=_short(text)))
        return int(digits)
    return text


def fragment_of(inputs: Mapping[str, Any]) -> str:
    """The fragment (without ``#``) that reopens these input widgets' values."""
    return urlencode([(key, _text(w)) for key, w in inputs.items()], quote_via=quote)


def parse_fragment(fragment: str) -> list[tuple[str, str]]:
    """``key=value`` pairs of a fragment (leading ``#`` optional); a later repeat of a key wins."""
    fragment = fragment[1:] if fragment.startswith("#") else fragment
    pairs = parse_qsl(fragment[:MAX_FRAGMENT], keep_blank_values=True)[:MAX_FIELDS]
    return list(dict(pairs).items())


class SituationLink(SendsEdits, anywidget.AnyWidget):
    """Keeps the URL fragment and a dashboard's inputs in step; shows "Copy link to this situation".

    ``state`` is the current inputs' fragment (the page writes it to the URL),
    ``notice`` says which parts of an opened link were not used, ``summary``
    lists the inputs as (label, value) for the printed plan.
    """

    _esm = esm("url_state.js")
    _edited = ("summary",)  # a slider step changes one value of it
    state = traitlets.Unicode("").tag(sync=True)
    notice = traitlets.Unicode("").tag(sync=True)
    summary: traitlets.List[list[str]] = traitlets.List([]).tag(sync=True)

    def __init__(self, dashboard: Page, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._dashboard = dashboard
        for widget in dashboard.inputs.values():
            widget.observe(self._refresh, names=["value", "disabled"])
        self.on_msg(self._on_message)
        self._refresh()

    def _refresh(self, *_: Any) -> None:
        inputs = self._dashboard.inputs
        with self.hold_sync():
            self.state = fragment_of(inputs)
            self.summary = [[self._label(w), self._shown(w)] for w in inputs.values() if not w.disabled]

    @staticmethod
    def _label(widget: Any) -> str:
        return str(widget.description or "")

    @staticmethod
    def _shown(widget: Any) -> str:
        if hasattr(widget, "options"):
            return next((label for label, value in _options(widget) if value == widget.value), str(widget.value))
        if isinstance(widget.value, bool):
            return label("plan", "yes" if widget.value else "no")
        return str(widget.value)

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("kind") == "fragment":
            self.apply(str(content.get("fragment", "")))

    def apply(self, fragment: str) -> list[str]:
        """Apply a fragment to the dashboard field by field; returns (and shows) what was not used."""
        dash = self._dashboard
        problems: list[str] = []
        given = dict(parse_fragment(fragment))
        for key in given.keys() - dash.inputs.keys():
            problems.append(say("link_not_a_field", name=_short(key, 16)))
        shown = dash.controls.values()  # what the inputs show now; fields are tried one by one on top of it
        for key, widget in dash.inputs.items():
            if key not in given:
                continue
            try:
                trial = {**shown, key: _parse(widget, key, given[key])}
                make_profile(**{**dash.model.values, **model_values(trial)})  # the rules' own check of the whole
                shown = trial
            except InputError as exc:
                problems.append(str(exc)[:160])
            except traitlets.TraitError as exc:
                problems.append(str(exc).split("\n")[0][:160])
        dash.model.set(**model_values(shown))  # one reassessment, however many fields changed
        self.notice = say("link_not_used", problems="; ".join(sorted(problems))) if problems else ""
        self.send({"kind": "applied"})
        return problems
