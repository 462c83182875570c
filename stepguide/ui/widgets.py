"""Small front-end widgets the pages share, each with its own ES module in ``static/`` (:mod:`stepguide.ui.front_ends`).

ipywidgets gives slider handles no accessible name, toggle buttons no pressed state and a page no ``main``
landmark (:class:`PageLandmark` fixes these for the ``.sg-main`` box it sits in, and holds the page's polite
live region); :class:`Disclosure` is a section that opens from a real button;
:class:`CopyButton` and :class:`DownloadLink` copy and save text in the browser
without a server round trip. None of them makes a network request.

The text inputs the pages use (:class:`Text`, :class:`Textarea`, :class:`Combobox`) are ipywidgets' own with
a length limit kept in the kernel (issue 19, item 10: eleven 9 MiB fields took a kernel to 250 MiB): a
longer value from the page is cut to ``max_chars`` before anything stores it, the page's field shows the
cut value, and the callbacks given to ``on_too_long`` say so where the page shows input problems.
"""
from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, Self

import anywidget
import ipywidgets as w
import traitlets
from ipywidgets.widgets.widget_string import HTMLStyle

from stepguide.ui.edits import SendsEdits, text_edits
from stepguide.ui.front_ends import IN_BROWSER, esm, url


class PageLandmark(anywidget.AnyWidget):
    """Gives the enclosing ``.sg-main`` box ``role=main`` (named ``label``), names its slider handles, gives its
    toggle buttons ``aria-pressed``, and says ``announce`` in a polite live region (``role=status``) whenever it
    changes: set it to a one-line summary when, and only when, what it summarises changes."""

    _esm = esm("page_landmark.js")
    label = traitlets.Unicode("").tag(sync=True)
    announce = traitlets.Unicode("").tag(sync=True)

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(label=label, **kwargs)


class Disclosure(SendsEdits, anywidget.AnyWidget):
    """A section that opens and closes: a real ``<button>`` (``aria-expanded``, ``aria-controls``) over ``content``.

    ipywidgets' Accordion header is a ``<div>`` that Tab never reaches; this one is a button, so the keyboard
    (Enter, Space) and screen readers use it as any other. ``content`` is HTML built and escaped by
    :mod:`stepguide.ui.render`; ``expanded`` follows the reader's clicks, and opening costs no kernel round trip.
    """

    _esm = esm("disclosure.js")
    _edited = ("content",)  # "What the words mean": a slider step moves the reader's mark in its table
    title = traitlets.Unicode("").tag(sync=True)
    content = traitlets.Unicode("").tag(sync=True)
    expanded = traitlets.Bool(False).tag(sync=True)

    def __init__(self, title: str, content: str = "", **kwargs: Any) -> None:
        super().__init__(title=title, content=content, **kwargs)


class CopyButton(SendsEdits, anywidget.AnyWidget):
    """A ``<button>`` that copies ``text`` to the clipboard (works offline and on plain http).

    ``name``, when given, is the button's accessible name (it should start with ``label``, the words shown):
    a page with one button per program says which program's note each one copies.
    """

    _esm = esm("copy_button.js")
    _edited = ("text",)  # a slider step changes a few words of the email: sent as edits (stepguide.ui.edits)
    label = traitlets.Unicode("").tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    name = traitlets.Unicode("").tag(sync=True)

    def __init__(self, label: str, text: str = "", **kwargs: Any) -> None:
        super().__init__(label=label, text=text, **kwargs)


class DownloadLink(anywidget.AnyWidget):
    """An ``<a download>`` link to the text ``make()`` returns, made when the link is clicked: a real file download.

    The page asks the kernel for the file on each click (one round trip) instead of holding it all along: the plan
    export is 11 kB, which every visit received and every slider step edited, for the few who save it. The text a
    click would save now is :attr:`text`.
    """

    _esm = esm("download_link.js")
    label = traitlets.Unicode("").tag(sync=True)
    filename = traitlets.Unicode("download.txt").tag(sync=True)
    mime = traitlets.Unicode("text/plain").tag(sync=True)

    def __init__(self, label: str, filename: str, mime: str = "text/plain", make: Callable[[], str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(label=label, filename=filename, mime=mime, **kwargs)
        self._make: Callable[[], str] = make if make is not None else str
        self.on_msg(self._on_message)

    @property
    def text(self) -> str:
        """The text a click would save now."""
        return self._make()

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("kind") == "want":
            self.send({"kind": "file", "id": content.get("id"), "text": self.text})


class PageEdits(anywidget.AnyWidget):
    """The carrier of a page's HTML edits: each :class:`EditedHTML` sends its new value through it as the edits
    that make it from the one the page has (:func:`stepguide.ui.edits.text_edits`), not whole.

    Never displayed: anywidget runs its front end (``static/page_edits.js``) when the page creates its model,
    and that applies each edit to the HTML view's own model, so the view redraws as after a whole update.
    Changes sent inside ``hold_sync()`` go as one message.

    It also fills HTML views from the template's static folder (:meth:`fill`): the badges' glossary, the same
    61 kB on every page, is fetched once after the first paint and then kept by the browser, not sent at each
    visit.
    """

    _esm = esm("page_edits.js")
    # HTML views the page fills from a static file: model id -> {"src": its URL under the base URL, "scope": the
    # page key that replaces the file's SCOPE}
    fills = traitlets.Dict({}).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        self._views: weakref.WeakValueDictionary[str, EditedHTML] = weakref.WeakValueDictionary()
        self._pending: list[dict[str, Any]] = []
        self._wholes: dict[str, tuple[w.HTML, Callable[[], str]]] = {}
        super().__init__(**kwargs)
        self.on_msg(self._on_page_msg)

    def send_value(self, view: EditedHTML, old: str, new: str) -> None:
        """Send ``view``'s new value as edits of ``old`` (whole when they would be no smaller)."""
        self._views[view.model_id] = view
        ops = text_edits(old, new)
        self._pending.append({"target": view.model_id, "value": new} if ops is None else
                             {"target": view.model_id, "ops": ops, "size": len(new)})
        if not self._holding_sync:
            self.send_state([])

    def fill(self, view: w.HTML, name: str, scope: str, whole: Callable[[], str]) -> None:
        """Have the page fill ``view`` with the template's static file ``name`` (its ``SCOPE`` replaced by
        ``scope``); ``whole()`` is the same HTML, sent instead where there is no server (Pyodide) or the page could
        not fetch the file."""
        if IN_BROWSER:
            view.value = whole()
            return
        self._wholes[view.model_id] = (view, whole)
        self.fills = {**self.fills, view.model_id: {"src": url(name), "scope": scope}}

    def send_state(self, key: Any = None) -> None:
        if self._pending:
            pending, self._pending = self._pending, []
            self.send({"edits": pending})
        if key is None or key:
            super().send_state(key)

    def _on_page_msg(self, widget: Any, content: Any, buffers: Any) -> None:
        filled = self._wholes.pop(content.get("unfetched", ""), None) if isinstance(content, dict) else None
        if filled is not None:
            filled[0].value = filled[1]()
            return
        view = self._views.get(content.get("resend", "")) if isinstance(content, dict) else None
        if view is not None:
            self._pending.append({"target": view.model_id, "value": view.value})
            self.send_state([])


class EditedHTML(w.HTML):
    """``ipywidgets.HTML`` whose value changes go through the page's :class:`PageEdits` (``edits``), as edits.

    Without ``edits`` it is ``ipywidgets.HTML``. The view on the page is ipywidgets' own, so the page looks and
    behaves the same; only the message that changes its value is smaller.
    """

    def __init__(self, *args: Any, edits: PageEdits | None = None, **kwargs: Any) -> None:
        self._sg_edits, self._sg_page_value = edits, None
        super().__init__(*args, **kwargs)
        self._sg_page_value = self.value  # what the page gets when it opens (or asks for every model's state)

    def send_state(self, key: Any = None) -> None:
        keys = list(self.keys if key is None else [key] if isinstance(key, str) else key)
        if "value" in keys and self._sg_edits is not None and self._sg_page_value is not None and self.comm:
            keys.remove("value")
            old, self._sg_page_value = self._sg_page_value, self.value
            if old != self.value:
                self._sg_edits.send_value(self, old, self.value)
        if keys:
            super().send_state(keys)


class LeanLayout(w.Layout):
    """``ipywidgets.Layout`` that leaves the properties it does not set out of its state.

    The page's layout model has the same default (``null``) for each, so it looks the same; a dashboard's ~120
    layouts were ~1 kB each on the websocket at every page load, almost all of it ``null``.
    """

    def get_state(self, key: Any = None, drop_defaults: bool = False) -> dict[str, Any]:
        state: dict[str, Any] = super().get_state(key, drop_defaults)
        if key is None:  # the whole state (opening, or the page asking for every model); an update sends its value
            state = {k: v for k, v in state.items() if v is not None or k.startswith("_")}
        return state


def _properties(model: w.Widget, keep_none: bool = False) -> dict[str, Any]:
    """A layout's or style's properties as its state names them (those it leaves unset too, with ``keep_none``)."""
    return {k: v for k, v in model.get_state().items() if not k.startswith("_") and (keep_none or v is not None)}


class _Shared:
    """A layout or style model many widgets share: once :meth:`freeze` is called it refuses any change of its
    properties, which would reach every widget sharing it (give that widget a model of its own instead)."""

    _frozen = False

    def freeze(self) -> Self:
        self._frozen = True
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        synced = self.has_trait(name) and self.trait_metadata(name, "sync")  # type: ignore[attr-defined]
        if self._frozen and synced and not name.startswith("_"):  # (its comm, say, may still close)
            raise traitlets.TraitError(f"a shared {type(self).__name__} cannot change: give this widget its own")
        super().__setattr__(name, value)


class SharedLayout(_Shared, LeanLayout):
    """One layout for every widget on a page that sets the same properties (most set none): one model where there
    were ~120 (ipywidgets lets widgets share a layout). :func:`show` gives a widget its own layout first."""

    def values(self) -> dict[str, Any]:
        """The properties it sets."""
        return _properties(self)


def lean_layouts(*roots: w.Widget) -> None:
    """Give the widgets in the ``roots``' trees that set the same layout properties one :class:`SharedLayout`,
    which leaves the properties it does not set out of its state; the old layouts close."""
    shared: dict[tuple[tuple[str, Any], ...], SharedLayout] = {}
    old: dict[int, w.Layout] = {}

    def walk(widget: Any) -> None:
        layout = getattr(widget, "layout", None)
        if isinstance(layout, w.Layout) and not isinstance(layout, LeanLayout):
            values = _properties(layout)
            key = tuple(sorted(values.items(), key=lambda kv: kv[0]))
            if key not in shared:
                shared[key] = SharedLayout(**values).freeze()
            old[id(layout)] = layout
            widget.layout = shared[key]
        for child in getattr(widget, "children", ()):
            walk(child)

    for root in roots:
        walk(root)
    for layout in old.values():
        layout.close()


def show(widget: w.DOMWidget, shown: bool) -> None:
    """Show or hide ``widget``: its layout's CSS ``display``, "" (the page's own) or "none".

    Never None for shown: the in-browser kernel (Pyodide) leaves a None out of the update it sends, so a widget
    hidden once would stay hidden there; "" clears the inline style in Voila and Voici alike. A widget on a
    :class:`SharedLayout` gets a layout of its own (the same properties) first.
    """
    value = "" if shown else "none"
    layout = widget.layout
    if isinstance(layout, SharedLayout):
        if (layout.display or "") != value:
            widget.layout = LeanLayout(**{**layout.values(), "display": value})
    elif layout.display != value:
        layout.display = value


class SharedHTMLStyle(_Shared, HTMLStyle):
    """The default style of many HTML widgets, one model on the page (:func:`share_styles`)."""


def share_styles(*roots: w.Widget) -> None:
    """Let every HTML widget in the ``roots``' trees whose style is the default share one style model (ipywidgets
    allows a style shared between widgets): ~100 fewer models at each dashboard load."""
    shared = SharedHTMLStyle().freeze()
    default = _properties(shared, keep_none=True)

    def walk(widget: Any) -> None:
        style: Any = getattr(widget, "style", None)
        if type(style) is HTMLStyle and _properties(style, keep_none=True) == default:
            widget.style = shared
            style.close()
        for child in getattr(widget, "children", ()):
            walk(child)

    for root in roots:
        walk(root)
#: Characters a short text field keeps (a name, a program, one sentence of evidence): several times what any needs.
MAX_TEXT_CHARS = 1_000


class _AtMost(traitlets.HasTraits):
    """``value`` holds at most ``max_chars`` characters: the limit is a plain attribute the page cannot change."""

    max_chars = MAX_TEXT_CHARS

    def __init__(self, max_chars: int = MAX_TEXT_CHARS, **kwargs: Any) -> None:
        self.max_chars = max_chars
        super().__init__(**kwargs)

    def on_too_long(self, callback: Callable[[], None]) -> None:
        """Run ``callback()`` each time a longer value arrives (it has been cut already)."""
        self.__dict__.setdefault("_too_long", []).append(callback)

    @traitlets.validate("value")
    def _cut(self, proposal: Any) -> Any:
        value = proposal["value"]
        if isinstance(value, str) and len(value) > self.max_chars:
            for callback in self.__dict__.get("_too_long", ()):
                callback()
            return value[:self.max_chars]
        return value


class Text(_AtMost, w.Text):
    """``ipywidgets.Text`` keeping at most ``max_chars`` characters (default :data:`MAX_TEXT_CHARS`)."""


class Textarea(_AtMost, w.Textarea):
    """``ipywidgets.Textarea`` keeping at most ``max_chars`` characters."""


class Combobox(_AtMost, w.Combobox):
    """``ipywidgets.Combobox`` keeping at most ``max_chars`` characters."""
