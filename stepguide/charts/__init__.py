"""Charts: pure figure builders (plain dicts), their shared look, the flow layout and per-person marking.

``stepguide.charts.c1_figure()`` and the other builders of :mod:`stepguide.charts.builders` are reachable
from the package itself (loaded on first use, so importing one part of the folder loads nothing else).
"""
from __future__ import annotations

import importlib
from typing import Any


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    builders = importlib.import_module("stepguide.charts.builders")
    try:
        return getattr(builders, name)
    except AttributeError:
        raise AttributeError(f"module 'stepguide.charts' has no attribute {name!r}") from None
