"""Small front-end widgets the pages share, each with its own ES module in ``static/``.

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

_STATIC = Path(__file__).with_name("static")


def _esm(*names: str) -> str:
    """An ES module from ``static/`` (shared helpers first, e.g. ``clipboard.js``)."""
    return "\n".join((_STATIC / name).read_text(encoding="utf-8") for name in names)


class PageLandmark(anywidget.AnyWidget):
    """Gives the enclosing ``.sg-main`` box ``role=main`` (named ``label``) and names its slider handles."""

    _esm = _esm("page_landmark.js")
    label = traitlets.Unicode("").tag(sync=True)

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(label=label, **kwargs)


class CopyButton(anywidget.AnyWidget):
    """A ``<button>`` that copies ``text`` to the clipboard (works offline and on plain http)."""

    _esm = _esm("clipboard.js", "copy_button.js")
    label = traitlets.Unicode("").tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)

    def __init__(self, label: str, text: str = "", **kwargs: Any) -> None:
        super().__init__(label=label, text=text, **kwargs)


class DownloadLink(anywidget.AnyWidget):
    """An ``<a download>`` link whose data: URL always holds the current ``text``: a real file download."""

    _esm = _esm("download_link.js")
    label = traitlets.Unicode("").tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    filename = traitlets.Unicode("download.txt").tag(sync=True)
    mime = traitlets.Unicode("text/plain").tag(sync=True)

    def __init__(self, label: str, filename: str, mime: str = "text/plain", **kwargs: Any) -> None:
        super().__init__(label=label, filename=filename, mime=mime, **kwargs)
