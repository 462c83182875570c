"""Serve the stepguide dashboard with standalone Voila.

Voila 0.5.13 leaks one kernel per closed page (voila-dashboards/voila#1458).
On ``beforeunload`` the widget manager (``@voila-dashboards/widgets-manager8``)
sends::

    navigator.sendBeacon(`${baseUrl}voila/api/shutdown/${kernelId}`,
                         FormData{_xsrf: <value of the "_xsrf" cookie or "">})

``VoilaShutdownKernelHandler`` is a jupyter_server ``APIHandler``, so this POST
goes through the usual XSRF check (the ``_xsrf`` form field must match the
``_xsrf`` cookie). Tornado only sets that cookie when a handler reads
``self.xsrf_token``. Standalone Voila never reads it: the notebook page is
rendered by ``NotebookRenderer`` (for preheated kernels that happens in the
kernel pool, with no request at all), not by ``render_template``. So the
browser has no ``_xsrf`` cookie, the beacon sends ``_xsrf=""``, the server
answers ``403 '_xsrf' argument missing from POST`` and the kernel keeps running
until it is culled.

The fix keeps the XSRF check. :class:`VoilaIdentityProvider` sets Tornado's
normal ``_xsrf`` cookie on the response to every Voila page GET, the same way
jupyter_server's own HTML pages do. The beacon then sends a matching token,
and the existing handler shuts the kernel down. With preheated kernels,
``VoilaKernelManager.shutdown_kernel`` also drops the kernel from the
notebook's bookkeeping. The pool refills itself when a page takes a kernel,
so the server goes back to ``pool_size`` kernels.

Enable it in ``voila.json``::

    {"Voila": {"identity_provider_class": "stepguide.serving.VoilaIdentityProvider"}}

On Binder, Voila runs as a jupyter_server extension, which reads only the
``VoilaConfiguration`` section of ``voila.json``. This class is not used there.
JupyterHub >= 4.1 sets its own ``_xsrf`` cookie when it stores its login cookie,
so the beacon should pass under JupyterHub. That is not tested here. A plain
``jupyter server``/``jupyter lab`` with no JupyterHub still leaks when
``/voila/render/...`` is opened directly.

:class:`VoilaKernelSpecManager` makes each kernel start leaner (see
:data:`LEAN_KERNEL_LAUNCHER`).

This module imports nothing heavy. Both classes are built on first attribute
access (PEP 562), so ``jupyter_server`` and ``jupyter_client`` are imported
only inside the Voila process. The helpers below (:func:`start_voila` and the
kernel-process queries) are shared by ``tests/conftest.py`` and
``benchmarks/bench_page.py``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
VOILA_CONFIG = REPO_ROOT / "voila.json"

__all__ = [
    "REPO_ROOT",
    "VOILA_CONFIG",
    "LEAN_KERNEL_ARGS",
    "LEAN_KERNEL_LAUNCHER",
    "VoilaIdentityProvider",
    "VoilaKernelSpecManager",
    "VoilaProcess",
    "free_port",
    "load_voila_config",
    "start_voila",
]


# --------------------------------------------------------------------------
# XSRF cookie for Voila pages (the kernel-leak fix)
# --------------------------------------------------------------------------


def _is_voila_page(handler: Any) -> bool:
    if handler.request.method != "GET":
        return False
    try:
        from voila.handler import BaseVoilaHandler
    except ImportError:  # pragma: no cover - only used inside a Voila process
        return False
    return isinstance(handler, BaseVoilaHandler)


def _build_identity_provider() -> type:
    from jupyter_core.utils import ensure_async

    try:
        # Voila's default provider plus the route for plotly.min.js (another module in this package).
        from ._server import VoilaIdentityProvider as base
    except ImportError:  # pragma: no cover
        from jupyter_server.auth.identity import PasswordIdentityProvider as base

    class VoilaIdentityProvider(base):  # type: ignore[misc, valid-type]
        """Voila's default identity provider that also issues the ``_xsrf`` cookie on page loads.

        Without this cookie the page's shutdown beacon fails the XSRF check
        and the kernel leaks (voila#1458). See the module docstring.
        """

        async def get_user(self, handler: Any) -> Any:
            user = await ensure_async(super().get_user(handler))
            if user is not None and _is_voila_page(handler):
                # JupyterHandler.prepare() assigns current_user right after
                # get_user() returns. Assign it here first, because Tornado's
                # xsrf_token getter reads current_user to choose the cookie lifetime.
                handler.current_user = user
                handler.xsrf_token  # noqa: B018 - sets the _xsrf cookie if the browser has none
            return user

    VoilaIdentityProvider.__module__ = __name__
    VoilaIdentityProvider.__qualname__ = "VoilaIdentityProvider"
    return VoilaIdentityProvider


# --------------------------------------------------------------------------
# Lean kernels: no debugger, no IRI-grammar build
# --------------------------------------------------------------------------

#: Replaces ``-m ipykernel_launcher`` in the python kernel's argv. It does what
#: ipykernel_launcher does, but first makes two optional imports fail:
#: * ``debugpy``: ipykernel imports it unconditionally when it is installed,
#:   which costs ~8 MiB RSS and ~0.1 s per kernel. A dashboard never debugs.
#: * ``rfc3987_syntax``: jsonschema's format checker imports it when installed
#:   (via ``jsonschema[format-nongpl]``, which jupyter-events requires), and it
#:   builds a Lark grammar, 0.8 to 2.4 s. Any kernel that imports
#:   ``plotly.io``/``go.FigureWidget`` (plotly -> nbformat -> jsonschema) pays
#:   it. Without it, jsonschema only skips validating the "iri" formats.
#: :class:`VoilaKernelSpecManager` also passes :data:`LEAN_KERNEL_ARGS`:
#: * ``--HistoryManager.enabled=False`` saves a thread, the sqlite3 import
#:   (~1.6 MiB) and one write per cell to the shared ``~/.ipython`` history
#:   database, which many concurrent kernels would otherwise contend for.
#: * ``--InteractiveShell.xmode=Minimal``: an exception raised in a widget
#:   callback (``interact``, or ``with output:``) is shown as one line,
#:   ``ZeroDivisionError: division by zero``, with no code or file paths.
#:   Voila's ``show_tracebacks=False`` only strips errors from cell outputs,
#:   not from widget state.
LEAN_KERNEL_LAUNCHER = (
    "import sys\n"
    "if sys.path and sys.path[0] == '':\n"
    "    del sys.path[0]\n"
    "sys.modules['debugpy'] = None\n"
    "sys.modules['rfc3987_syntax'] = None\n"
    "from ipykernel import kernelapp\n"
    "kernelapp.launch_new_instance()\n"
)


LEAN_KERNEL_ARGS = ("--HistoryManager.enabled=False", "--InteractiveShell.xmode=Minimal")


def _build_kernel_spec_manager() -> type:
    from jupyter_client.kernelspec import KernelSpecManager

    class VoilaKernelSpecManager(KernelSpecManager):
        """Kernel specs as installed, except that ipykernel starts through :data:`LEAN_KERNEL_LAUNCHER`.

        Enable with ``{"VoilaConfiguration": {"kernel_spec_manager_class":
        "stepguide.serving.VoilaKernelSpecManager"}}``. Standalone Voila only;
        the server extension ignores this setting.
        """

        def get_kernel_spec(self, kernel_name: str) -> Any:
            spec = super().get_kernel_spec(kernel_name)
            argv = list(spec.argv)
            for i in range(len(argv) - 1):
                if argv[i] == "-m" and argv[i + 1] == "ipykernel_launcher":
                    spec.argv = [*argv[:i], "-c", LEAN_KERNEL_LAUNCHER, *argv[i + 2 :], *LEAN_KERNEL_ARGS]
                    spec.metadata = {**spec.metadata, "debugger": False}
                    break
            return spec

    VoilaKernelSpecManager.__module__ = __name__
    VoilaKernelSpecManager.__qualname__ = "VoilaKernelSpecManager"
    return VoilaKernelSpecManager


_LAZY = {"VoilaIdentityProvider": _build_identity_provider, "VoilaKernelSpecManager": _build_kernel_spec_manager}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        cls = _LAZY[name]()
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --------------------------------------------------------------------------
# Running Voila (shared by tests and benchmarks)
# --------------------------------------------------------------------------


def load_voila_config(path: Path | str = VOILA_CONFIG) -> dict[str, Any]:
    """Return the project's Voila config (``voila.json``) as a dict."""
    return json.loads(Path(path).read_text())


def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """Return the environment for the Voila server, which its kernels inherit.

    Puts the repository on ``PYTHONPATH`` so that ``stepguide.serving`` (named
    in ``voila.json``) can be imported before the package is installed.
    """
    env = dict(os.environ if base is None else base)
    parts = [str(REPO_ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(parts))
    return env


def _kernel_id_from_cmdline(cmdline: list[str]) -> str | None:
    for arg in cmdline:
        name = os.path.basename(arg)
        if name.startswith("kernel-") and name.endswith(".json"):
            return name[len("kernel-") : -len(".json")]
    return None


class VoilaProcess:
    """A standalone Voila server started by :func:`start_voila`."""

    def __init__(self, proc: subprocess.Popen, url: str, port: int, log_path: Path, pool_size: int):
        self.proc = proc
        self.url = url  # base URL, ends with "/"
        self.port = port
        self.log_path = log_path
        self.pool_size = pool_size

    # -- kernels -----------------------------------------------------------
    def kernel_processes(self) -> dict[str, Any]:
        """Return ``{kernel_id: psutil.Process}`` for the live kernels of this server.

        Standalone Voila has no ``GET /api/kernels`` list endpoint, so this reads
        the process tree. A kernel's command line names its connection file,
        ``kernel-<id>.json``.
        """
        import psutil

        out: dict[str, Any] = {}
        try:
            children = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return out
        for child in children:
            try:
                if child.status() == psutil.STATUS_ZOMBIE:
                    continue
                kid = _kernel_id_from_cmdline(child.cmdline())
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            if kid:
                out[kid] = child
        return out

    def kernel_count(self) -> int:
        return len(self.kernel_processes())

    def kernel_model(self, kernel_id: str) -> dict[str, Any] | None:
        """Return ``GET /api/kernels/<id>``, or None if it answers 404 (kernel gone)."""
        try:
            with urllib.request.urlopen(f"{self.url}api/kernels/{kernel_id}", timeout=10) as r:
                return json.load(r)
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return None
            raise

    def wait_for_kernel_count(self, n: int, timeout: float = 60.0) -> int:
        """Poll until exactly ``n`` kernels are running. Returns the last count seen."""
        deadline = time.monotonic() + timeout
        count = self.kernel_count()
        while count != n and time.monotonic() < deadline:
            time.sleep(0.2)
            count = self.kernel_count()
        return count

    def shutdown_kernel(self, kernel_id: str) -> int:
        """Shut a kernel down the way the page's beacon does. Returns the HTTP status (204 on success).

        This is a POST to ``/voila/api/shutdown/<id>`` carrying a matching
        ``_xsrf`` cookie and form field. Tornado accepts any matching pair
        (double-submit), and a client with no ``Origin`` header passes
        jupyter_server's origin check.
        """
        import secrets

        token = secrets.token_hex(16)
        req = urllib.request.Request(
            f"{self.url}voila/api/shutdown/{kernel_id}",
            data=f"_xsrf={token}".encode(),
            headers={"Cookie": f"_xsrf={token}", "Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    def wait_quiescent(self, idle_for: float = 0.5, timeout: float = 120.0) -> None:
        """Wait until every kernel is idle and has had no activity for ``idle_for`` seconds.

        Use this after the pool refills, to be sure the new pooled kernel has
        finished executing the notebook. "Pool filled" in the log only means
        the kernel started.
        """
        from datetime import datetime, timezone

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            quiet = True
            for kid in self.kernel_processes():
                model = self.kernel_model(kid)
                if model is None:
                    continue
                last = datetime.fromisoformat(model["last_activity"].replace("Z", "+00:00"))
                age = (datetime.now(timezone.utc) - last).total_seconds()
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
        """Stop the server with SIGTERM (Voila then shuts its kernels down), then kill what is left.

        Kernels run in their own sessions (jupyter_client starts them with
        ``start_new_session=True``), so killing the server's process group
        does not reach them. Any kernel that survives is killed by pid.
        """
        import psutil

        try:
            leftovers = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            leftovers = []
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(5)
        _gone, alive = psutil.wait_procs(leftovers, timeout=5)
        for p in alive:
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass

    def __enter__(self) -> VoilaProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


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
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        argv, cwd=str(cwd), env=server_env(env), stdout=log, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    log.close()

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
                    raise TimeoutError(f"voila did not answer on {server.url}:\n{server.log_text()[-4000:]}")
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
