"""Small front-end widgets the pages share, each with its own ES module in ``static/`` (:data:`STATIC`).

ipywidgets gives slider handles no accessible name and a page no ``main``
landmark (:class:`PageLandmark` fixes both for the ``.sg-main`` box it sits in);
:class:`CopyButton` and :class:`DownloadLink` copy and save text in the browser
without a server round trip. None of them makes a network request.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import traitlets

from stepguide.ui.edits import SendsEdits

# The widgets' ES modules and style sheets: a widget names its file, ``_esm = STATIC / "x.js"``.
#
# anywidget reads the file (and with ``ANYWIDGET_HMR=1`` in a source checkout, with ``watchfiles``
# installed, pushes each saved change to the open page).
STATIC = Path(__file__).with_name("static")


def joined(*names: str) -> str:
    """The files ``static/<name>`` as one module, helpers first (``clipboard.js``'s ``copyText``, ``edits.js``'s
    ``followEdits``).

    The one place modules are joined: anywidget loads an ``_esm`` from a blob: URL, which has no folder for
    ``import "./clipboard.js"`` to resolve against. The price: a joined module does not hot-reload.
    """
    return "\n".join((STATIC / part).read_text(encoding="utf-8") for part in names)


def with_clipboard(name: str) -> str:
    """``static/<name>`` with ``static/clipboard.js`` (its ``copyText``) in front, for the widgets that copy text."""
    return joined("clipboard.js", name)


class PageLandmark(anywidget.AnyWidget):
    """Gives the enclosing ``.sg-main`` box ``role=main`` (named ``label``) and names its slider handles."""

    _esm = STATIC / "page_landmark.js"
    label = traitlets.Unicode("").tag(sync=True)

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(label=label, **kwargs)


class CopyButton(SendsEdits, anywidget.AnyWidget):
    """A ``<button>`` that copies ``text`` to the clipboard (works offline and on plain http).

    ``name``, when given, is the button's accessible name (it should start with ``label``, the words shown):
    a page with one button per program says which program's note each one copies.
    """

    _esm = joined("clipboard.js", "edits.js", "copy_button.js")
    _edited = ("text",)  # a slider step changes a few words of the email: sent as edits (stepguide.ui.edits)
    label = traitlets.Unicode("").tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    name = traitlets.Unicode("").tag(sync=True)

    def __init__(self, label: str, text: str = "", **kwargs: Any) -> None:
        super().__init__(label=label, text=text, **kwargs)


class DownloadLink(SendsEdits, anywidget.AnyWidget):
    """An ``<a download>`` link whose data: URL always holds the current ``text``: a real file download.

    A change of ``text`` is sent as the edits that make it (:mod:`stepguide.ui.edits`): the plan export is
    11 kB, of which a slider step changes a few words.
    """

    _esm = joined("edits.js", "download_link.js")
    _edited = ("text",)
    label = traitlets.Unicode("").tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    filename = traitlets.Unicode("download.txt").tag(sync=True)
    mime = traitlets.Unicode("text/plain").tag(sync=True)

    def __init__(self, label: str, filename: str, mime: str = "text/plain", **kwargs: Any) -> None:
        super().__init__(label=label, filename=filename, mime=mime, **kwargs)
