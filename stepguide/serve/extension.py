"""Serve plotly.min.js at ``<base_url>stepguide/static/plotly.min.js``.

The browser side of :class:`stepguide.ui.plotly_view.PlotlyView` loads plotly.js
from this URL once per page, so it is cached by the browser instead of being
pushed through every kernel websocket.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_server.utils import url_path_join
from tornado import web

ROUTE = r"stepguide/static/(plotly\.min\.js)"
LONG_CACHE = "public, max-age=31536000, immutable"  # URL carries ?v=<plotly version>
SHORT_CACHE = "public, max-age=86400"


@dataclass(frozen=True)
class _Asset:
    raw: bytes
    gz: bytes
    etag: str


_cache: dict[tuple[str, int, int], _Asset] = {}


def _load(path: Path) -> _Asset:
    """Read and gzip once per file version: Voila's tornado app has no gzip transform."""
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    asset = _cache.get(key)
    if asset is None:
        raw = path.read_bytes()
        asset = _Asset(raw, gzip.compress(raw, 6, mtime=0), hashlib.sha1(raw).hexdigest()[:20])
        _cache.clear()
        _cache[key] = asset
    return asset


class PlotlyJSHandler(web.RequestHandler):
    """Public, long-cached plotly.min.js with ETag revalidation and gzip."""

    async def get(self, name: str, include_body: bool = True) -> None:
        from stepguide.ui.plotly_view import plotly_js_path, plotly_version

        try:
            path = plotly_js_path()
        except FileNotFoundError as exc:
            raise web.HTTPError(404) from exc
        if not path.is_file():
            raise web.HTTPError(404)
        asset = await asyncio.get_running_loop().run_in_executor(None, _load, path)

        use_gz = "gzip" in self.request.headers.get("Accept-Encoding", "")
        version = self.get_query_argument("v", "")
        versioned = bool(version) and version == plotly_version()
        self.set_header("Content-Type", "text/javascript; charset=utf-8")
        self.set_header("Cache-Control", LONG_CACHE if versioned else SHORT_CACHE)
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
    serverapp.log.info("stepguide: serving plotly.min.js at %sstepguide/static/", web_app.settings.get("base_url", "/"))
