"""A live plotly chart widget that never sends plotly.js over the websocket.

``go.FigureWidget`` ships ~5 MB of JavaScript per session through the kernel
websocket and re-showing a ``go.Figure`` in an ``Output`` costs ~250 ms per
update.  ``PlotlyView`` syncs only the figure JSON; the browser loads
plotly.js once per page from our Voila template's static folder,
``<base_url>voila/templates/stepguide/static/plotly-basic.min.js?v=<version>``, which every
Voila serves (standalone, as JupyterLab's or Binder's server extension, under any base URL;
``?v=`` makes Voila send it with a long cache), and redraws in place with ``Plotly.react``.

plotly itself is never imported here: its import drags in nbformat and
jsonschema (~2.4 s of kernel start-up), and figure builders return plain dicts.
"""

from __future__ import annotations

import copy
import datetime as _dt
import decimal
import functools
import math
import os
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from stepguide.charts.look import DARK, PALETTE
from stepguide.ui.edits import SendsEdits
from stepguide.ui.front_ends import TEMPLATE, esm

__all__ = ["PlotlyView", "plotly_js_path", "plotly_version", "to_figure_dict"]

#: The plotly.js bundle our template ships (bar, scatter, pie: all the guide draws; a quarter of plotly's full
#: one, which is most of the dashboard's time to first chart), served at <base_url>voila/templates/stepguide/static/.
PLOTLY_BUNDLE = "plotly-basic.min.js"
# The dark page's colours: each chart colour that changes, by id, as [light, dark] (data/palette.csv).
_DARK_PAIRS = {key: [light, DARK[key]] for key, light in PALETTE.items() if DARK[key] != light}


def plotly_js_path() -> Path:
    """The plotly.js file Voila serves from our template: the first found where Voila looks for templates
    (``JUPYTER_PATH``, then this environment's ``share/jupyter``), else the clone's ``share/``. (Not through
    jupyter_core: the static edition's kernel has none to spare.)"""
    roots = [Path(p) for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    roots.append(Path(sys.prefix) / "share" / "jupyter")
    for root in roots:
        path = root / "voila" / "templates" / "stepguide" / "static" / PLOTLY_BUNDLE
        if path.is_file():
            return path
    path = TEMPLATE / "static" / PLOTLY_BUNDLE
    if path.is_file():
        return path
    raise FileNotFoundError(f"{PLOTLY_BUNDLE} is not in any stepguide Voila template: reinstall stepguide")


@functools.cache
def plotly_version() -> str:
    """The served bundle's own version line (e.g. "basic-4.1.1"): the cache-busting URL query."""
    try:
        head = plotly_js_path().read_bytes()[:200].decode("utf-8", "replace")
    except OSError:
        return ""
    found = re.search(r"plotly\.js (\(basic[^)]*\) )?v(\d+\.\d+\.\d+)", head)
    if not found:
        return ""
    return ("basic-" if found.group(1) else "") + found.group(2)


def _jsonable(value: Any) -> Any:
    """Make ``value`` strict JSON: the kernel's packer rejects NaN and numpy types."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return _jsonable(float(value))
    if hasattr(value, "tolist"):  # numpy arrays and scalars, pandas Series/Index
        return _jsonable(value.tolist())
    if hasattr(value, "to_plotly_json"):  # nested plotly graph objects
        return _jsonable(value.to_plotly_json())
    if isinstance(value, (set, frozenset)):
        return [_jsonable(v) for v in value]
    raise TypeError(f"cannot convert {type(value).__name__} to a JSON figure value")


def to_figure_dict(fig: Any) -> dict[str, Any]:
    """Turn a plain dict spec, a ``go.Figure`` or anything with ``to_plotly_json``/``to_dict`` into strict JSON."""
    if fig is None:
        return {"data": [], "layout": {}}
    if not isinstance(fig, Mapping):
        if hasattr(fig, "to_plotly_json"):
            fig = fig.to_plotly_json()
        elif hasattr(fig, "to_dict"):
            fig = fig.to_dict()
        else:
            raise TypeError(
                f"expected a figure dict or an object with to_plotly_json()/to_dict(), got {type(fig).__name__}"
            )
    spec = _jsonable(fig)
    spec.setdefault("data", [])
    spec.setdefault("layout", {})
    return spec


class _Figure(traitlets.Dict):
    """Dict trait that converts figure-like objects before validating them."""

    def validate(self, obj: Any, value: Any) -> Any:
        return super().validate(obj, to_figure_dict(value))


class PlotlyView(SendsEdits, anywidget.AnyWidget):
    """Plotly chart redrawn in place from a synced figure spec.

    ``label`` is the chart's accessible name (falls back to the layout title).
    The plot fills its container's width; its height is ``layout.height``
    (default 360 px).  ``config`` is merged over plotly's config; the mode bar
    is off by default because its buttons cannot sit inside ``role="img"``
    (with ``{"displayModeBar": True}`` the container becomes ``role="figure"``).
    Assigning ``figure`` or calling ``update`` sends one message; mutating the
    dict in place sends nothing (use ``batch_update``).

    The page side (``static/plotly_view.js``) draws the chart when it nears
    the viewport or the page is idle (first paint; the box keeps the chart's
    height meanwhile, so nothing jumps); follows the page's dark theme (``<html
    data-sg-theme="dark">``), swapping each light colour of ``data/palette.csv``
    for its dark one as it draws, so the spec stays theme-free; with
    ``downloads`` (default on) puts "PNG"/"SVG" save buttons under the chart
    (light colours, for paper); prints light and at most a sheet wide where the
    element sets ``--sg-print: 1``; scales fonts and height by
    ``--sg-chart-scale`` (presenter mode); and gives ``Plotly.react`` the very
    objects it drew last wherever the new figure equals them, so an update
    redraws only what changed.

    A new ``figure`` or ``label`` goes to the page as the edits that make it from the one it has
    (:mod:`stepguide.ui.edits`): a moved line sends the line, not the chart. The front end itself is
    fetched once per page from ``<base_url>voila/templates/stepguide/static/plotly_view.js``
    (:mod:`stepguide.ui.front_ends`).
    """

    _esm = esm("plotly_view.js")
    _edited = ("figure", "label")
    figure = _Figure({"data": [], "layout": {}}).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    config = traitlets.Dict({}).tag(sync=True)
    downloads = traitlets.Bool(True).tag(sync=True)
    _plotly_version = traitlets.Unicode("").tag(sync=True)
    _palette = traitlets.Dict(_DARK_PAIRS).tag(sync=True)

    def __init__(self, figure: Any = None, *, label: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("_plotly_version", plotly_version())
        super().__init__(figure=to_figure_dict(figure), label=label, **kwargs)

    def update(self, figure: Any) -> None:
        """Replace the whole figure; one comm message, Plotly.react on the page."""
        self.figure = figure

    @contextmanager
    def batch_update(self) -> Iterator[dict[str, Any]]:
        """Send every change made in the block as one message, like ``FigureWidget.batch_update``.

        Yields a deep copy of the figure that may be edited in place; it is
        applied on exit unless ``update``/``figure`` was used in the block.
        """
        before = self.figure
        draft = copy.deepcopy(before)
        with self.hold_sync():
            yield draft
            if self.figure is before and draft != before:
                self.figure = draft
