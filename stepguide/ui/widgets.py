"""Small front-end widgets the pages share, each with its own ES module in ``static/`` (:data:`STATIC`).

ipywidgets gives slider handles no accessible name and a page no ``main``
landmark (:class:`PageLandmark` fixes both for the ``.sg-main`` box it sits in);
:class:`CopyButton` and :class:`DownloadLink` copy and save text in the browser
without a server round trip. None of them makes a network request.

The text inputs the pages use (:class:`Text`, :class:`Textarea`, :class:`Combobox`) are ipywidgets' own with
a length limit kept in the kernel (issue 19, item 10: eleven 9 MiB fields took a kernel to 250 MiB): a
longer value from the page is cut to ``max_chars`` before anything stores it, the page's field shows the
cut value, and the callbacks given to ``on_too_long`` say so where the page shows input problems.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as w
import traitlets

# The widgets' ES modules and style sheets: a widget names its file, ``_esm = STATIC / "x.js"``.
#
# anywidget reads the file (and with ``ANYWIDGET_HMR=1`` in a source checkout, with ``watchfiles``
# installed, pushes each saved change to the open page).
STATIC = Path(__file__).with_name("static")


def with_clipboard(name: str) -> str:
    """``static/<name>`` with ``static/clipboard.js`` (its ``copyText``) in front, for the widgets that copy text.

    The one place two modules are joined: anywidget loads an ``_esm`` from a blob: URL, which has no
    folder for ``import "./clipboard.js"`` to resolve against. The price: these two do not hot-reload.
    """
    return "\n".join((STATIC / part).read_text(encoding="utf-8") for part in ("clipboard.js", name))


class PageLandmark(anywidget.AnyWidget):
    """Gives the enclosing ``.sg-main`` box ``role=main`` (named ``label``) and names its slider handles."""

    _esm = STATIC / "page_landmark.js"
    label = traitlets.Unicode("").tag(sync=True)

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(label=label, **kwargs)


class CopyButton(anywidget.AnyWidget):
    """A ``<button>`` that copies ``text`` to the clipboard (works offline and on plain http).

    ``name``, when given, is the button's accessible name (it should start with ``label``, the words shown):
    a page with one button per program says which program's note each one copies.
    """

    _esm = with_clipboard("copy_button.js")
    label = traitlets.Unicode("").tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    name = traitlets.Unicode("").tag(sync=True)

    def __init__(self, label: str, text: str = "", **kwargs: Any) -> None:
        super().__init__(label=label, text=text, **kwargs)


class DownloadLink(anywidget.AnyWidget):
    """An ``<a download>`` link whose data: URL always holds the current ``text``: a real file download."""

    _esm = STATIC / "download_link.js"
    label = traitlets.Unicode("").tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    filename = traitlets.Unicode("download.txt").tag(sync=True)
    mime = traitlets.Unicode("text/plain").tag(sync=True)

    def __init__(self, label: str, filename: str, mime: str = "text/plain", **kwargs: Any) -> None:
        super().__init__(label=label, filename=filename, mime=mime, **kwargs)


#: Characters a short text field keeps (a name, a program, one sentence of evidence): several times what any needs.
MAX_TEXT_CHARS = 1_000


class _AtMost(traitlets.HasTraits):
    """``value`` holds at most ``max_chars`` characters: the limit is a plain attribute the page cannot change."""

    max_chars = MAX_TEXT_CHARS

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

    def __init__(self, max_chars: int = MAX_TEXT_CHARS, **kwargs: Any) -> None:
        self.max_chars = max_chars
        super().__init__(**kwargs)


class Textarea(_AtMost, w.Textarea):
    """``ipywidgets.Textarea`` keeping at most ``max_chars`` characters."""

    def __init__(self, max_chars: int = MAX_TEXT_CHARS, **kwargs: Any) -> None:
        self.max_chars = max_chars
        super().__init__(**kwargs)


class Combobox(_AtMost, w.Combobox):
    """``ipywidgets.Combobox`` keeping at most ``max_chars`` characters."""

    def __init__(self, max_chars: int = MAX_TEXT_CHARS, **kwargs: Any) -> None:
        self.max_chars = max_chars
        super().__init__(**kwargs)
