"""Light and dark page themes: a toggle that follows the system until the person picks one.

The theme lives in the page, not in Python: ``<html data-sg-theme="dark">``
switches the dashboard's CSS variables and the charts' colours (each chart's
page side swaps every light colour of ``data/palette.csv`` for its dark one),
so figure specs stay theme-free and a toggle costs no kernel round trip.
"""
from __future__ import annotations

import anywidget

from stepguide.ui.front_ends import esm

__all__ = ["ThemeToggle"]


class ThemeToggle(anywidget.AnyWidget):
    """A "Dark theme" button (``aria-pressed``); until pressed the page follows ``prefers-color-scheme``."""

    _esm = esm("theme.js")
