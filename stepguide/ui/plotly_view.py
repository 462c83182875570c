"""A live plotly chart widget that never sends plotly.js over the websocket.

``go.FigureWidget`` ships ~5 MB of JavaScript per session through the kernel
websocket and re-showing a ``go.Figure`` in an ``Output`` costs ~250 ms per
update.  ``PlotlyView`` syncs only the figure JSON; the browser loads
plotly.min.js once per page from ``<base_url>stepguide/static/plotly.min.js``
(served with long-lived cache headers by :mod:`stepguide.serve.extension`) and redraws
in place with ``Plotly.react``.

plotly itself is never imported here: its import drags in nbformat and
jsonschema (~2.4 s of kernel start-up), and figure builders return plain dicts.
"""

from __future__ import annotations

import copy
import datetime as _dt
import decimal
import functools
import hashlib
import importlib.util
import math
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
from stepguide.ui.widgets import STATIC, joined

__all__ = ["PlotlyView", "module_text", "module_version", "plotly_js_path", "plotly_version", "to_figure_dict"]

_BASIC_BUNDLE = STATIC / "vendor" / "plotly-basic.min.js"
# The dark page's colours: each chart colour that changes, by id, as [light, dark] (data/palette.csv).
_DARK_PAIRS = {key: [light, DARK[key]] for key, light in PALETTE.items() if DARK[key] != light}


def plotly_js_path() -> Path:
    """The plotly.js bundle to serve: the vendored basic bundle, else the plotly package's full one.

    The basic bundle (bar, scatter, pie: all the guide draws) is a quarter of the
    full one's size, which is most of the dashboard's time to first chart.
    """
    if _BASIC_BUNDLE.is_file():
        return _BASIC_BUNDLE
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the plotly package is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "package_data" / "plotly.min.js"


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


def module_text() -> str:
    """The chart's front end as the page runs it: ``static/edits.js`` then ``static/plotly_view.js``."""
    return joined("edits.js", "plotly_view.js")


@functools.cache
def module_version() -> str:
    """A hash of :func:`module_text`: the URL query that lets the browser cache it for good."""
    return hashlib.sha1(module_text().encode("utf-8")).hexdigest()[:12]


# Sent as each chart's ``_esm``: the page fetches the front end once from the URL next to plotly.min.js instead of
# receiving and compiling 14 kB per chart. The URL has no version, so the stepguide template can preload it from
# the page head; the server has the browser revalidate it on each page (ETag, see stepguide.serve.extension), so
# the kernel and the page never run different versions. The in-browser kernel (Pyodide: no server route, no
# network between kernel and page) sends the module itself.
_LOADER = (STATIC / "plotly_view_loader.js").read_text(encoding="utf-8")


def _front_end() -> str:
    return module_text() if sys.platform == "emscripten" else _LOADER


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
    fetched once per page from ``<base_url>stepguide/static/plotly_view.js`` (:data:`_LOADER`).
    """

    _esm = _front_end()
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
