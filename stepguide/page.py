"""Small front-end helpers shared by the dashboard and the chapters (``static/dashboard.js``).

ipywidgets gives slider handles no accessible name and a page no ``main``
landmark; :class:`PageLandmark` fixes both for the box it sits in (any box with
the ``sg-main`` class), without any network request.
"""
from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

_ESM = (Path(__file__).with_name("static") / "dashboard.js").read_text(encoding="utf-8")


class HelperWidget(anywidget.AnyWidget):
    """One front end for the helpers; ``kind`` picks what it does."""

    _esm = _ESM
    kind = traitlets.Unicode("").tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)


class PageLandmark(HelperWidget):
    """Gives the enclosing ``.sg-main`` box ``role=main`` (named ``label``) and names its slider handles."""

    def __init__(self, label: str, **kwargs: object) -> None:
        super().__init__(kind="page", label=label, **kwargs)
