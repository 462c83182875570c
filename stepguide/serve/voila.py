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

    {"Voila": {"identity_provider_class": "stepguide.serve.voila.VoilaIdentityProvider"}}

On Binder, Voila runs as a jupyter_server extension, which reads only the
``VoilaConfiguration`` section of ``voila.json``. This class is not used there.
JupyterHub >= 4.1 sets its own ``_xsrf`` cookie when it stores its login cookie,
so the beacon should pass under JupyterHub. That is not tested here. A plain
``jupyter server``/``jupyter lab`` with no JupyterHub still leaks when
``/voila/render/...`` is opened directly.

The same provider mounts the room's routes (:mod:`stepguide.serve.room`: the kernel
cap's "room is full" page and ``stepguide/room.json``, in :mod:`stepguide.serve.room_pages`), because its
``get_handlers()`` is standalone Voila's only config hook that adds routes.

:class:`VoilaKernelSpecManager` makes each kernel start leaner (see
:data:`LEAN_KERNEL_LAUNCHER`).

This module imports nothing heavy. Both classes are built on first attribute
access (PEP 562), so ``jupyter_server`` and ``jupyter_client`` are imported
only inside the Voila process. It holds only what a running server loads; the
helpers that start and stop Voila for tests and benchmarks live in
``testing/voila.py`` at the repository root.
"""

from __future__ import annotations

from typing import Any

__all__ = ["LEAN_KERNEL_ARGS", "LEAN_KERNEL_LAUNCHER", "VoilaIdentityProvider", "VoilaKernelSpecManager"]


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
        from stepguide.serve.extension import VoilaIdentityProvider as base
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

        def get_handlers(self) -> list[tuple[Any, ...]]:
            """The base routes plus the room's page (kernel cap) and status routes, in standalone Voila."""
            routes: list[tuple[Any, ...]] = list(super().get_handlers())
            try:
                from voila.app import Voila
            except ImportError:  # pragma: no cover - voila is a dependency
                return routes
            if isinstance(self.parent, Voila):
                from stepguide.serve.room_pages import page_handlers

                routes[:0] = page_handlers(self.parent)
            return routes

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
        "stepguide.serve.voila.VoilaKernelSpecManager"}}``. Standalone Voila only;
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
