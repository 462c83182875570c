"""Start and stop a real standalone Voila for tests and benchmarks (not used at run time).

``tests/conftest.py`` (the ``voila_server`` fixture) and the scripts in
``benchmarks/`` import :func:`start_voila` and :class:`VoilaProcess` from here.
The server runs ``python -m voila`` from the repository root, so the
project's ``voila.json`` applies, as with ``make dashboard``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stepguide.serve.processes import stop_processes
from stepguide.serve.project import server_env

REPO_ROOT = Path(__file__).resolve().parents[1]
VOILA_CONFIG = REPO_ROOT / "voila.json"

__all__ = [
    "REPO_ROOT",
    "VOILA_CONFIG",
    "VoilaProcess",
    "free_port",
    "kernel_id_from_cmdline",
    "load_voila_config",
    "server_env",
    "start_voila",
]

def load_voila_config(path: Path | str = VOILA_CONFIG) -> dict[str, Any]:
    """Return the project's Voila config (``voila.json``) as a dict."""
    return json.loads(Path(path).read_text())


def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kernel_id_from_cmdline(cmdline: list[str]) -> str | None:
    for arg in cmdline:
        name = os.path.basename(arg)
        if name.startswith("kernel-") and name.endswith(".json"):
            return name[len("kernel-") : -len(".json")]
    return None


def kernels_under(pid: int) -> dict[str, Any]:
    """``{kernel_id: psutil.Process}`` of the live (not zombie) kernels that process ``pid`` started."""
    import psutil

    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return {}
    out: dict[str, Any] = {}
    for child in children:
        try:
            if child.status() == psutil.STATUS_ZOMBIE:
                continue
            kid = kernel_id_from_cmdline(child.cmdline())
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        if kid:
            out[kid] = child
    return out


class VoilaProcess:
    """A standalone Voila server started by :func:`start_voila`."""

    def __init__(self, proc: subprocess.Popen, url: str, port: int, log_path: Path, pool_size: int):
        self.proc = proc
        self.url = url  # base URL, ends with "/"
        self.port = port
        self.log_path = log_path
        self.pool_size = pool_size
        self.visitors_kernels: set[str] = set()  # kernels that answered 403: bound to a page's visitor

    # -- kernels -----------------------------------------------------------
    def kernel_processes(self) -> dict[str, Any]:
        """Return ``{kernel_id: psutil.Process}`` for the live kernels of this server.

        Standalone Voila has no ``GET /api/kernels`` list endpoint, so this reads
        the process tree. A kernel's command line names its connection file,
        ``kernel-<id>.json``.
        """
        return kernels_under(self.proc.pid)

    def kernel_count(self) -> int:
        return len(self.kernel_processes())

    def kernel_model(self, kernel_id: str) -> dict[str, Any] | None:
        """Return ``GET /api/kernels/<id>``, None if it answers 404 (kernel gone), ``{}`` if 403 (alive, and
        bound to the visitor whose page has it: only that visitor's cookie reads it; remembered in
        :attr:`visitors_kernels`)."""
        try:
            with urllib.request.urlopen(f"{self.url}api/kernels/{kernel_id}", timeout=10) as r:
                return json.load(r)
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return None
            if e.code == 403:
                self.visitors_kernels.add(kernel_id)
                return {}
            raise

    def wait_for_kernel_count(self, n: int, timeout: float = 60.0) -> int:
        """Poll until exactly ``n`` kernels are running. Returns the last count seen."""
        deadline = time.monotonic() + timeout
        count = self.kernel_count()
        while count != n and time.monotonic() < deadline:
            time.sleep(0.2)
            count = self.kernel_count()
        return count

    def shutdown_kernel(self, kernel_id: str, visitor: str = "") -> int:
        """Shut a kernel down the way the page's beacon does. Returns the HTTP status (204 on success).

        This is a POST to ``/voila/api/shutdown/<id>`` carrying a matching
        ``_xsrf`` cookie and form field. Tornado accepts any matching pair
        (double-submit), and a client with no ``Origin`` header passes
        jupyter_server's origin check. A kernel handed to a page answers only
        that page's visitor: ``visitor`` is its ``stepguide_visitor`` cookie
        (:func:`visitor_cookie` reads it from the page's response).
        """
        import secrets

        token = secrets.token_hex(16)
        cookie = f"_xsrf={token}" + (f"; stepguide_visitor={visitor}" if visitor else "")
        req = urllib.request.Request(
            f"{self.url}voila/api/shutdown/{kernel_id}",
            data=f"_xsrf={token}".encode(),
            headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    def wait_quiescent(self, idle_for: float = 0.5, timeout: float = 120.0) -> None:
        """Wait until every kernel no page holds is idle and has had no activity for ``idle_for`` seconds.

        Use this after the pool refills, to be sure the new pooled kernel has
        finished executing the notebook. "Pool filled" in the log only means
        the kernel started.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            quiet = True
            for kid in self.kernel_processes():
                if kid in self.visitors_kernels:  # a page's, for good: not asked again (each refusal is a log line)
                    continue
                model = self.kernel_model(kid)
                if not model:  # gone, or a visitor's (a page's kernel is busy only while its page asks)
                    continue
                last = datetime.fromisoformat(model["last_activity"].replace("Z", "+00:00"))
                age = (datetime.now(UTC) - last).total_seconds()
                if model["execution_state"] not in ("idle",) or age < idle_for:
                    quiet = False
                    break
            if quiet:
                return
            time.sleep(0.1)
        raise TimeoutError(f"kernels still busy after {timeout}s")

    def wait_pool_filled(self, timeout: float = 120.0) -> None:
        """Wait until Voila logs that the preheated pool holds ``pool_size`` started kernels.

        The notebook may still be executing in them; see :meth:`wait_quiescent`.
        """
        if self.pool_size <= 0:
            return
        deadline = time.monotonic() + timeout
        marker = f"is filled with {self.pool_size} kernel"
        while time.monotonic() < deadline:
            if marker in self.log_text():
                return
            self._check_alive()
            time.sleep(0.1)
        raise TimeoutError(f"kernel pool not filled after {timeout}s:\n{self.log_text()[-4000:]}")

    # -- lifecycle ---------------------------------------------------------
    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def _check_alive(self) -> None:
        if self.proc.poll() is not None:
            raise RuntimeError(f"voila exited with {self.proc.returncode}:\n{self.log_text()[-4000:]}")

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the server with SIGTERM (Voila then shuts its kernels down), then kill what is left, kernels
        included (see :func:`stepguide.serve.processes.stop_processes`)."""
        stop_processes([self.proc], timeout)

    def __enter__(self) -> VoilaProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def visitor_cookie(headers: Any) -> str:
    """The ``stepguide_visitor`` cookie a page response set (``headers``: a urllib or http.client response's), or ""."""
    from http.cookies import SimpleCookie

    for raw in headers.get_all("Set-Cookie") or []:
        jar = SimpleCookie()
        jar.load(raw)
        if "stepguide_visitor" in jar:
            return jar["stepguide_visitor"].value
    return ""


def start_voila(
    notebook: Path | str,
    *extra_args: str,
    port: int | None = None,
    log_path: Path | str | None = None,
    cwd: Path | str = REPO_ROOT,
    env: dict[str, str] | None = None,
    wait_pool: bool = True,
    timeout: float = 120.0,
) -> VoilaProcess:
    """Start standalone Voila on 127.0.0.1 for ``notebook`` and wait until it answers.

    ``cwd`` defaults to the repository root, so Voila reads the project's
    ``voila.json`` there, as ``make dashboard`` does. ``extra_args`` are
    Voila command-line options, which override the config file, e.g.
    ``"--MappingKernelManager.cull_idle_timeout=5"``. With ``wait_pool`` (the
    default) this also waits until the preheated pool is full, so the caller
    starts from a steady state.
    """
    notebook = Path(notebook).resolve()
    port = port or free_port()
    if log_path is None:
        log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"voila-{port}.log"
    log_path = Path(log_path)
    argv = [
        sys.executable, "-m", "voila", str(notebook),
        "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1", "--Voila.port_retries=0",
        *extra_args,
    ]  # fmt: skip
    with open(log_path, "wb") as log:  # the server keeps its own copy
        proc = subprocess.Popen(
            argv, cwd=str(cwd), env=server_env(env), stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip

    pool_size = _effective_pool_size(Path(cwd), extra_args)
    server = VoilaProcess(proc, f"http://127.0.0.1:{port}/", port, log_path, pool_size)
    try:
        deadline = time.monotonic() + timeout
        while True:
            server._check_alive()
            try:
                with urllib.request.urlopen(f"{server.url}voila/static/voila.js", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"voila did not answer on {server.url}:\n{server.log_text()[-4000:]}") from None
                time.sleep(0.1)
        if wait_pool:
            server.wait_pool_filled(max(1.0, deadline - time.monotonic()))
    except BaseException:
        server.stop()
        raise
    return server


def _effective_pool_size(cwd: Path, extra_args: tuple[str, ...]) -> int:
    """Return the pool size in force: the last command-line override, else voila.json in ``cwd``."""
    cfg: dict[str, Any] = {}
    if (cwd / "voila.json").is_file():
        cfg = load_voila_config(cwd / "voila.json")
    vc = cfg.get("VoilaConfiguration", {})
    preheat, size = bool(vc.get("preheat_kernel", False)), int(vc.get("default_pool_size", 1))
    for arg in extra_args:
        key, _, value = arg.lstrip("-").partition("=")
        if key in ("preheat_kernel", "VoilaConfiguration.preheat_kernel"):
            preheat = value.lower() in ("1", "true", "yes")
        elif key in ("pool_size", "VoilaConfiguration.default_pool_size"):
            size = int(value)
    return max(size, 0) if preheat else 0
