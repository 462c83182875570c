"""Small front-end widgets the pages share, each with its own ES module in ``static/`` (:data:`STATIC`).

ipywidgets gives slider handles no accessible name, toggle buttons no pressed state and a page no ``main``
landmark (:class:`PageLandmark` fixes these for the ``.sg-main`` box it sits in, and holds the page's polite
live region); :class:`Disclosure` is a section that opens from a real button;
:class:`CopyButton` and :class:`DownloadLink` copy and save text in the browser
without a server round trip. None of them makes a network request.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
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
    """Gives the enclosing ``.sg-main`` box ``role=main`` (named ``label``), names its slider handles, gives its
    toggle buttons ``aria-pressed``, and says ``announce`` in a polite live region (``role=status``) whenever it
    changes: set it to a one-line summary when, and only when, what it summarises changes."""

    _esm = STATIC / "page_landmark.js"
    label = traitlets.Unicode("").tag(sync=True)
    announce = traitlets.Unicode("").tag(sync=True)

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(label=label, **kwargs)


class Disclosure(anywidget.AnyWidget):
    """A section that opens and closes: a real ``<button>`` (``aria-expanded``, ``aria-controls``) over ``content``.

    ipywidgets' Accordion header is a ``<div>`` that Tab never reaches; this one is a button, so the keyboard
    (Enter, Space) and screen readers use it as any other. ``content`` is HTML built and escaped by
    :mod:`stepguide.ui.render`; ``expanded`` follows the reader's clicks, and opening costs no kernel round trip.
    """

    _esm = STATIC / "disclosure.js"
    title = traitlets.Unicode("").tag(sync=True)
    content = traitlets.Unicode("").tag(sync=True)
    expanded = traitlets.Bool(False).tag(sync=True)

    def __init__(self, title: str, content: str = "", **kwargs: Any) -> None:
        super().__init__(title=title, content=content, **kwargs)


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
