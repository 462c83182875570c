"""Serve plotly.min.js and PlotlyView's front end at ``<base_url>stepguide/static/``.

The browser side of :class:`stepguide.ui.plotly_view.PlotlyView` loads plotly.js
from this URL once per page, and each chart's module (``plotly_view.js``) from the
one next to it, so both are cached by the browser instead of being pushed through
every kernel websocket.

Two kinds of host need it:

* jupyter server (JupyterLab, and Voila as a server extension as on Binder):
  this module is a jupyter server extension, enabled by
  ``"stepguide.serve.extension": true`` in ``jpserver_extensions``
  (``jupyter-config/jupyter_server_config.d/stepguide.json``).
* standalone ``voila`` does not load server extensions; its only config-file
  hook that adds routes is ``Voila.identity_provider_class``, whose
  ``get_handlers()`` Voila mounts: :class:`stepguide.serve.hooks.VoilaIdentityProvider`
  adds :func:`handlers` there.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_server.utils import url_path_join
from tornado import web

ROUTE = r"stepguide/static/(plotly\.min\.js|plotly_view\.js)"
LONG_CACHE = "public, max-age=31536000, immutable"  # URL carries ?v=<plotly version> (or the module's hash)
SHORT_CACHE = "public, max-age=86400"
REVALIDATE = "no-cache"  # plotly_view.js without ?v=: the charts' loader and the template's preload use this URL


@dataclass(frozen=True)
class _Asset:
    raw: bytes
    gz: bytes
    etag: str


_cache: dict[tuple[Any, ...], _Asset] = {}


def _pack(key: tuple[Any, ...], read: Callable[[], bytes]) -> _Asset:
    """Read and gzip once per file version (``key[0]`` names the file): Voila's tornado app has no gzip transform."""
    asset = _cache.get(key)
    if asset is None:
        raw = read()
        asset = _Asset(raw, gzip.compress(raw, 6, mtime=0), hashlib.sha1(raw).hexdigest()[:20])
        for old in [k for k in _cache if k[0] == key[0]]:
            del _cache[old]
        _cache[key] = asset
    return asset


def _load(path: Path) -> _Asset:
    stat = path.stat()
    return _pack((str(path), stat.st_mtime_ns, stat.st_size), path.read_bytes)


class PlotlyJSHandler(web.RequestHandler):
    """Public, long-cached plotly.min.js and plotly_view.js with ETag revalidation and gzip."""

    async def get(self, name: str, include_body: bool = True) -> None:
        from stepguide.ui.plotly_view import module_text, module_version, plotly_js_path, plotly_version

        if name == "plotly_view.js":
            current = module_version()
            asset = _pack((name, current), lambda: module_text().encode("utf-8"))
        else:
            current = plotly_version()
            try:
                path = plotly_js_path()
            except FileNotFoundError as exc:
                raise web.HTTPError(404) from exc
            if not path.is_file():
                raise web.HTTPError(404)
            asset = await asyncio.get_running_loop().run_in_executor(None, _load, path)

        use_gz = "gzip" in self.request.headers.get("Accept-Encoding", "")
        version = self.get_query_argument("v", "")
        versioned = bool(version) and version == current
        self.set_header("Content-Type", "text/javascript; charset=utf-8")
        cache = LONG_CACHE if versioned else REVALIDATE if name == "plotly_view.js" else SHORT_CACHE
        self.set_header("Cache-Control", cache)
        self.set_header("Vary", "Accept-Encoding")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Etag", f'"{asset.etag}{"-gz" if use_gz else ""}"')
        if self.check_etag_header():
            self.set_status(304)
            return
        body = asset.gz if use_gz else asset.raw
        if use_gz:
            self.set_header("Content-Encoding", "gzip")
        self.set_header("Content-Length", len(body))
        if include_body:
            self.write(body)

    async def head(self, name: str) -> None:
        await self.get(name, include_body=False)

    def compute_etag(self) -> None:
        return None  # set explicitly in get()


def handlers(prefix: str) -> list[tuple[str, type[web.RequestHandler]]]:
    """Tornado routes for the static assets under ``prefix`` (a base URL)."""
    return [(url_path_join(prefix, ROUTE), PlotlyJSHandler)]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "stepguide.serve.extension"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    web_app = serverapp.web_app
    web_app.add_handlers(".*$", handlers(web_app.settings.get("base_url", "/")))
    serverapp.log.info("stepguide: serving plotly.min.js and plotly_view.js at %sstepguide/static/",
                       web_app.settings.get("base_url", "/"))
