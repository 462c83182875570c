"""Shared fixtures for browser tests: a real standalone Voila and headless Chromium.

    @pytest.mark.browser
    def test_something(voila_server, make_notebook, page):
        nb = make_notebook(["import ipywidgets as w; w.IntSlider()"])
        server = voila_server(nb)           # started once per (notebook, args) per session
        page.goto(server.url)
        page.wait_for_selector(".widget-slider")

``voila_server(notebook, *voila_args)`` runs ``python -m voila <notebook>``
from the repository root, so Voila reads the project's ``voila.json`` as
``make dashboard`` does. It listens on a free loopback port, and the fixture
returns once the server answers and its preheated kernel pool is full. The
result is a :class:`testing.voila.VoilaProcess` with ``.url``,
``.kernel_processes()``, ``.kernel_count()``, ``.wait_for_kernel_count(n)``,
``.kernel_model(id)``, ``.pool_size`` and ``.log_text()``. Extra arguments,
e.g. ``"--MappingKernelManager.cull_idle_timeout=3"``, override the config
file, and each distinct argument list gets its own server. Every server is
stopped at the end of the session: SIGTERM to its process group, then any
kernel still alive is killed by pid.

If ``/usr/bin/chromium`` (or ``$CHROMIUM``) is missing, the ``browser`` and
``page`` fixtures skip the test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from testing.voila import VoilaProcess

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


@pytest.fixture(scope="session")
def make_notebook(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Factory: ``make_notebook(["code", ...], name="x")`` writes a python3 notebook to a temp dir."""
    import nbformat

    root = tmp_path_factory.mktemp("notebooks")
    counter = iter(range(10**6))

    def make(cells: Sequence[str] = (), name: str | None = None) -> Path:
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.metadata["language_info"] = {"name": "python"}
        nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
        # One directory per notebook: Voila's root_dir is the notebook's directory.
        folder = root / f"nb{next(counter)}"
        folder.mkdir()
        path = folder / f"{name or 'notebook'}.ipynb"
        nbformat.write(nb, path)
        return path

    return make


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., VoilaProcess]]:
    """Factory fixture: ``voila_server(notebook_path, *voila_args) -> VoilaProcess`` (see module docstring)."""
    from testing.voila import REPO_ROOT, start_voila

    logs = tmp_path_factory.mktemp("voila-logs")
    servers: dict[tuple[str, tuple[str, ...]], VoilaProcess] = {}

    def get(notebook: Path | str, *voila_args: str) -> VoilaProcess:
        key = (str(Path(notebook).resolve()), tuple(voila_args))
        server = servers.get(key)
        if server is None or server.proc.poll() is not None:
            server = start_voila(
                notebook, *voila_args, cwd=REPO_ROOT, log_path=logs / f"voila-{len(servers)}.log"
            )
            servers[key] = server
        return server

    yield get
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Session-wide headless Chromium (the Debian package; Playwright's own download is not available)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (set $CHROMIUM); browser tests need it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh browser context and page per test (cookies are not shared between tests)."""
    context = browser.new_context()
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture(scope="session")
def voila_server_extension(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Binder/JupyterHub mode: Jupyter Server with Voila as its extension under a non-root ``base_url``.

    Returns the server's base URL (``http://127.0.0.1:<port>/user/sg-test/``); the repository is its
    root_dir, so the dashboard is at ``<base>voila/render/notebooks/dashboard.ipynb``. The server's
    cwd is an empty folder (as under JupyterHub), and it starts through ``binder/start``, as on Binder: the
    installed Jupyter config applies, plus Binder's ``binder/jupyter_server_config.json``.
    """
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from stepguide.serve.processes import stop_processes
    from testing.voila import server_env

    root = Path(__file__).resolve().parents[1]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}/user/sg-test/"
    cwd = tmp_path_factory.mktemp("hub-home")
    env = server_env()  # this checkout's package and template first, as on Binder after postBuild
    with open(tmp_path_factory.mktemp("hub-logs") / "jupyter-server.log", "wb") as log:  # the child keeps its copy
        proc = subprocess.Popen(
            [str(root / "binder" / "start"), sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root",
             f"--port={port}",
             "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0", "--ServerApp.base_url=/user/sg-test/",
             "--IdentityProvider.token=", "--ServerApp.password=", f"--ServerApp.root_dir={root}"],
            cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"jupyter server exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(f"{base}api/status", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError("jupyter server did not answer") from None
                time.sleep(0.2)
        yield base
    finally:
        stop_processes([proc], timeout=20)  # the server's process group, then any kernel that outlived it
