"""Build and serve the static (Voici + Pyodide) edition for tests and benchmarks.

:func:`build_site` runs ``deploy/static/build_site.py`` (what ``make static`` runs); :class:`StaticServer`
serves the folder on loopback the way ``make static-serve`` does (Python's ``http.server``), recording every
request it answers so a test can tell what the page fetched. :data:`BLOCK_OUTSIDE` is the Chromium switch
that makes every host name other than the loopback one unresolvable, for pages, workers and service workers
alike.
"""
from __future__ import annotations

import functools
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

from stepguide.serve.project import static_python

REPO_ROOT = Path(__file__).resolve().parents[1]
BUILD = REPO_ROOT / "deploy" / "static" / "build_site.py"
DASHBOARD = "voici/render/dashboard.html"
#: Chromium resolves no name but 127.0.0.1: anything a page tries to fetch from elsewhere fails at once.
BLOCK_OUTSIDE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


def build_site(out: Path, cache: Path | None = None) -> Path:
    """Build the site into ``out`` with :func:`static_python` and return ``out``."""
    cmd = [static_python(), str(BUILD), "--out", str(out)] + (["--cache", str(cache)] if cache else [])
    done = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"static build failed ({done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    return out


class _Handler(SimpleHTTPRequestHandler):
    """http.server's file handler, recording (path, status) instead of logging to stderr."""

    record: list[tuple[str, int]]

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.record.append((self.path, int(code) if str(code).isdigit() else 0))

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's signature)
        pass


class StaticServer:
    """``with StaticServer(site) as server:`` serves ``site`` at ``server.url`` until the block ends."""

    def __init__(self, site: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self.root = site
        self.requests: list[tuple[str, int]] = []
        handler = type("Handler", (_Handler,), {"record": self.requests})
        self._httpd = ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(site)))
        self._httpd.daemon_threads = True
        self.url = f"http://{host}:{self._httpd.server_address[1]}/"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="static-site", daemon=True)

    def __enter__(self) -> StaticServer:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)

    def failed(self) -> list[tuple[str, int]]:
        """Requests the server could not answer with a file (status 400 and over)."""
        return [(path, code) for path, code in self.requests if code >= 400]
