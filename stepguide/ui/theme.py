"""Light and dark page themes: a toggle that follows the system until the person picks one.

The theme lives in the page, not in Python: ``<html data-sg-theme="dark">``
switches the dashboard's CSS variables and the charts' colours
(``static/plotly_view.js``), so figure specs stay theme-free and a toggle
costs no kernel round trip.
"""
from __future__ import annotations

from pathlib import Path

import anywidget

__all__ = ["ThemeToggle"]

_ESM = (Path(__file__).with_name("static") / "theme.js").read_text(encoding="utf-8")


class ThemeToggle(anywidget.AnyWidget):
    """A "Dark theme" button (``aria-pressed``); until pressed the page follows ``prefers-color-scheme``."""

    _esm = _ESM
