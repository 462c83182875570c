"""The classes ``voila.json`` plugs into standalone Voila: one identity provider, lean kernels, no-delay websockets.

**The identity provider** (:class:`VoilaIdentityProvider`) is Voila's default one plus the room's routes
(:mod:`stepguide.serve.room_pages`: the kernel cap's "room is full" page and ``stepguide/room.json``), because
``Voila.identity_provider_class`` is standalone Voila's only config hook whose ``get_handlers()`` routes it mounts.

Two things every Voila needs come from our template instead, so they hold without this module (a plain ``voila
dashboard.ipynb``, JupyterLab's ``/voila/render``, Binder): plotly.js is a static file of the template, and the
page sets its own ``_xsrf`` cookie when the server set none, so the shutdown beacon that Voila's widget manager
sends when the tab closes passes Jupyter Server's XSRF check and frees the kernel (voila-dashboards/voila#1458;
``share/jupyter/voila/templates/stepguide/index.html.j2``).

**Lean kernels** (:class:`VoilaKernelSpecManager`) start without the debugger and the IRI grammar
(:data:`LEAN_KERNEL_LAUNCHER`). **Quiet logs** (:class:`QuietLogFilter`) drop the lines every page visit adds that
no one running the guide can act on. **No-delay websockets** (:class:`NoDelayKernelWebsocketConnection`) turn
Nagle's algorithm off on the kernel websocket.

This module holds only what a running server loads; starting and stopping Voila for tests and benchmarks
lives in ``testing/voila.py`` at the repository root.
"""

from __future__ import annotations

import logging
from typing import Any

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_server.auth.identity import PasswordIdentityProvider
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

__all__ = [
    "LEAN_KERNEL_ARGS",
    "LEAN_KERNEL_LAUNCHER",
    "NoDelayKernelWebsocketConnection",
    "QuietLogFilter",
    "VoilaIdentityProvider",
    "VoilaKernelSpecManager",
]


class VoilaIdentityProvider(PasswordIdentityProvider):
    """Voila's default identity provider that also mounts the room's routes in standalone Voila.

    Enable with ``{"Voila": {"identity_provider_class": "stepguide.serve.hooks.VoilaIdentityProvider"}}``.
    """

    def get_handlers(self) -> list[tuple[Any, ...]]:
        """The base routes, plus the room's page and status routes in standalone Voila.

        Only standalone Voila mounts these verbatim (Jupyter Server would prefix its ``base_url`` itself, and
        has no room).
        """
        routes: list[tuple[Any, ...]] = list(super().get_handlers())
        from voila.app import Voila

        if isinstance(self.parent, Voila):
            from stepguide.serve.room_pages import page_handlers

            routes[:0] = page_handlers(self.parent)
        return routes


class QuietLogFilter(logging.Filter):
    """Drops the server log lines that every page visit adds and no one can act on; every other line stays.

    * ``Notebook <path> is not trusted`` (WARNING): Jupyter's contents manager says it each time Voila reads the
      notebook. Trust decides whether a notebook's *saved* outputs may run scripts; Voila shows only the outputs it
      has just computed, so it means nothing here, and signing the notebook would write to the user's own
      signature database.
    * ``Adapting from protocol version 5.3 (kernel ...) to 5.4 (client).`` (INFO): the websocket's message-format
      negotiation, once per page.
    * ``The websocket_ping_timeout (90000) cannot be longer than the websocket_ping_interval (30000)`` (Tornado's
      WARNING at the first page): Jupyter Server gives Tornado its ping settings in milliseconds where Tornado
      reads seconds, and keeps the websocket alive with its own pings, so the clamp it announces changes nothing.

    Enable with ``voila.json``'s ``Voila.logging_config`` (a filter on the ``console`` handler and on Tornado's
    ``tornado.general`` logger).
    """

    QUIET = ("Notebook %s is not trusted", "Adapting from protocol version ", "The websocket_ping_timeout (")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.msg if isinstance(record.msg, str) else ""
        return not message.startswith(self.QUIET)


#: Replaces ``-m ipykernel_launcher`` in the python kernel's argv. It does what
#: ipykernel_launcher does, but first makes two optional imports fail:
#: * ``debugpy``: ipykernel imports it unconditionally when it is installed,
#:   which costs ~8 MiB RSS and ~0.1 s per kernel. A dashboard never debugs.
#: * ``rfc3987_syntax``: jsonschema's format checker imports it when installed
#:   (via ``jsonschema[format-nongpl]``, which jupyter-events requires), and it
#:   builds a Lark grammar, 0.8 to 2.4 s. Any kernel that imports
#:   ``plotly.io``/``go.FigureWidget`` (plotly -> nbformat -> jsonschema) pays
#:   it. Without it, jsonschema only skips validating the "iri" formats.
#: It also drops ipykernel's start-up warning "Kernel is running over TCP without encryption": Voila's kernels
#: listen on 127.0.0.1 only and every message is signed with the kernel's own key, and its alternative (IPC
#: sockets) is not portable, so the line, printed once per kernel into the server's log, asks for nothing a
#: person running the guide can do.
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
    "import logging\n"
    "logging.getLogger('IPKernelApp').addFilter(lambda r: 'without encryption' not in str(r.msg))\n"
    "from ipykernel import kernelapp\n"
    "kernelapp.launch_new_instance()\n"
)


LEAN_KERNEL_ARGS = ("--HistoryManager.enabled=False", "--InteractiveShell.xmode=Minimal")


class VoilaKernelSpecManager(KernelSpecManager):
    """Kernel specs as installed, except that ipykernel starts through :data:`LEAN_KERNEL_LAUNCHER`.

    Enable with ``{"VoilaConfiguration": {"kernel_spec_manager_class":
    "stepguide.serve.hooks.VoilaKernelSpecManager"}}``. Standalone Voila only;
    the server extension ignores this setting.
    """

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        spec = super().get_kernel_spec(kernel_name)
        argv = list(spec.argv)
        for i in range(len(argv) - 1):
            if argv[i] == "-m" and argv[i + 1] == "ipykernel_launcher":
                spec.argv = [*argv[:i], "-c", LEAN_KERNEL_LAUNCHER, *argv[i + 2 :], *LEAN_KERNEL_ARGS]
                spec.metadata = {**spec.metadata, "debugger": False}
                break
        return spec


class NoDelayKernelWebsocketConnection(ZMQChannelsWebsocketConnection):
    """Kernel websocket with Nagle's algorithm off, and no more than the room allows to one kernel.

    A widget update is a burst of small frames (status busy, comm_msg, status
    idle); with Nagle on, the server holds back all but the first until the
    browser's delayed ACK (~40 ms), which dominates every widget round trip.
    Under :class:`stepguide.serve.room.RoomKernelManager`, a websocket past
    ``max_sockets_per_kernel`` to one kernel is refused with 429 while it is
    still an HTTP request (issue 19, item 2: ~400 sockets to one kernel ran a
    worker out of file descriptors). Enable with
    ``Voila.kernel_websocket_connection_class`` (standalone) or
    ``ServerApp.kernel_websocket_connection_class``.
    """

    _counted = False

    async def prepare(self) -> None:
        from stepguide.serve.room import RoomKernelManager

        km = self.multi_kernel_manager
        if isinstance(km, RoomKernelManager):
            km.open_socket(self.kernel_id)  # raises 429 past the limit
            self._counted = True
        try:
            await super().prepare()
        except BaseException:
            self._uncount()
            raise

    def connect(self) -> Any:
        self.websocket_handler.set_nodelay(True)
        return super().connect()

    def disconnect(self) -> None:  # type: ignore[override]  # (the base declares a coroutine; the ZMQ one is not)
        try:
            super().disconnect()
        finally:
            self._uncount()

    def _uncount(self) -> None:
        if self._counted:
            self._counted = False
            self.multi_kernel_manager.close_socket(self.kernel_id)
