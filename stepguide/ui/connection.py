"""Say plainly when the page has lost its kernel (culled, crashed, network gone).

Without this a dead kernel looks like a broken page: ipywidgets marks every
widget with a broken-link icon, a slider still moves and the verdict stays
stale. :class:`ConnectionBanner` watches the kernel connection in the page
and, when it is lost, greys the results, makes the inputs inert and offers
"Reload with my inputs" (the inputs are in the URL fragment,
:mod:`stepguide.ui.url_state`). The icons are hidden by ``dashboard.css``.
"""
from __future__ import annotations

import anywidget

from stepguide.ui.widgets import STATIC

__all__ = ["ConnectionBanner"]


class ConnectionBanner(anywidget.AnyWidget):
    """A hidden banner (``role="alert"``) that appears when the page's kernel connection is lost."""

    _esm = STATIC / "connection.js"
