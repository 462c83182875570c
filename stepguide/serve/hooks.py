"""The classes ``voila.json`` plugs into standalone Voila: one identity provider, lean kernels, no-delay websockets.

**The identity provider** (:class:`VoilaIdentityProvider`) is Voila's default one plus the room's routes
(:mod:`stepguide.serve.room_pages`: the kernel cap's "room is full" page and ``stepguide/room.json``), because
``Voila.identity_provider_class`` is standalone Voila's only config hook whose ``get_handlers()`` routes it mounts,
and the only object that sees every request; so it also keeps *a kernel for its own visitor only*: a request about
a kernel (its websocket, ``api/kernels/<id>``, the shutdown beacon) without the visitor cookie of the page that
kernel was handed to gets 403 (:meth:`stepguide.serve.room.RoomKernelManager.belongs`).

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

import asyncio
import functools
import json
import logging
from typing import Any

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_core.utils import ensure_async
from jupyter_server.auth.identity import PasswordIdentityProvider
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from tornado import web

__all__ = [
    "LEAN_KERNEL_ARGS",
    "LEAN_KERNEL_LAUNCHER",
    "NoDelayKernelWebsocketConnection",
    "QuietLogFilter",
    "VoilaIdentityProvider",
    "VoilaKernelSpecManager",
    "refused_update",
]


def _refuse_strangers(handler: Any) -> None:
    """403 for a request about a kernel (its websocket, ``api/kernels/<id>``, the shutdown beacon) that does not
    carry the visitor cookie of the page the kernel was handed to (:meth:`RoomKernelManager.belongs`)."""
    kernel_id = (handler.path_kwargs or {}).get("kernel_id")
    if kernel_id is None and handler.path_args:
        from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler  # its route names the kernel unnamed

        if isinstance(handler, VoilaShutdownKernelHandler):
            kernel_id = handler.path_args[0]
    if not kernel_id:
        return
    from stepguide.serve.room import VISITOR_COOKIE, RoomKernelManager

    km = handler.settings.get("kernel_manager")
    if isinstance(km, RoomKernelManager) and not km.belongs(kernel_id, handler.get_cookie(VISITOR_COOKIE) or ""):
        raise web.HTTPError(403)


class VoilaIdentityProvider(PasswordIdentityProvider):
    """Voila's default identity provider that also mounts the room's routes in standalone Voila.

    Enable with ``{"Voila": {"identity_provider_class": "stepguide.serve.hooks.VoilaIdentityProvider"}}``.
    """

    async def get_user(self, handler: Any) -> Any:
        """Voila's user, after refusing a request about a kernel from anyone but the visitor it was handed to."""
        user = await ensure_async(super().get_user(handler))
        _refuse_strangers(handler)
        return user

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
#: ipykernel_launcher does, but first sends the kernel's own log to the server's log, and makes two
#: optional imports fail.
#: * The log: ipykernel's comm manager logs a bad ``comm_open`` or ``comm_msg`` (an unknown target, a
#:   widget state it cannot build) with its traceback through Python's ``logging``; with no handler
#:   configured, that goes to ``sys.stderr``, which the kernel forwards to the page as a ``stream``
#:   message: server paths in the page (issue 19, item 10). A root handler on the process's real
#:   stderr, with :data:`LEAN_KERNEL_ARGS`' ``capture_fd_output=False``, keeps it in the server's log; at
#:   ERROR, as the WARNING left ("No such comm", a page's message to a widget the kernel has just closed) asks
#:   nothing of anyone.
#: The two imports:
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
#: * ``--IPKernelApp.capture_fd_output=False``: what is written to the process's file descriptors 1 and 2
#:   (the log above, a C library's warnings) stays in the server's log instead of going to the page.
LEAN_KERNEL_LAUNCHER = (
    "import sys\n"
    "if sys.path and sys.path[0] == '':\n"
    "    del sys.path[0]\n"
    "sys.modules['debugpy'] = None\n"
    "sys.modules['rfc3987_syntax'] = None\n"
    "import logging\n"
    "logging.getLogger('IPKernelApp').addFilter(lambda r: 'without encryption' not in str(r.msg))\n"
    "logging.basicConfig(stream=sys.stderr, level=logging.ERROR,\n"
    "                    format='stepguide kernel %(levelname)s %(name)s: %(message)s')\n"
    "from ipykernel import kernelapp\n"
    "kernelapp.launch_new_instance()\n"
)


LEAN_KERNEL_ARGS = ("--HistoryManager.enabled=False", "--InteractiveShell.xmode=Minimal",
                    "--IPKernelApp.capture_fd_output=False")


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


#: A message from a page larger than this is refused whole: an upload chunk is 256 KiB, a pasted program list at
#: most 512 KiB (a few bytes a character in JSON).
MAX_INCOMING_BYTES = 4 * 2**20
#: A widget state update from a page: a string ``value`` of at most this many characters (the program paste box's
#: limit is 524,288; the kernel's own widgets cut each field to its limit), any other string at most
#: :data:`MAX_OTHER_CHARS` (a page's widgets send only their value; a label, placeholder or style is never the
#: page's to set).
MAX_VALUE_CHARS = 600_000
MAX_OTHER_CHARS = 1_000


def refused_update(content: Any) -> str | None:
    """Why a ``comm_msg`` from a page is refused before it reaches the kernel, or None to let it through.

    ipywidgets stores whatever string a page sends for any synced trait: eleven 9 MiB text fields took a kernel
    to 250 MiB (issue 19, item 10), and a label or a style would have done the same.
    """
    data = content.get("data") if isinstance(content, dict) else None
    state = data.get("state") if isinstance(data, dict) and data.get("method") == "update" else None
    if not isinstance(state, dict):
        return None
    for name, value in state.items():
        limit = MAX_VALUE_CHARS if name == "value" else MAX_OTHER_CHARS
        if isinstance(value, str) and len(value) > limit:
            return f"widget state {name!r} of {len(value):,} characters (at most {limit:,})"
    return None


class NoDelayKernelWebsocketConnection(ZMQChannelsWebsocketConnection):
    """Kernel websocket with Nagle's algorithm off, and no more than the room allows to one kernel.

    A widget update is a burst of small frames (status busy, comm_msg, status
    idle); with Nagle on, the server holds back all but the first until the
    browser's delayed ACK (~40 ms), which dominates every widget round trip.
    Under :class:`stepguide.serve.room.RoomKernelManager`, a websocket past
    ``max_sockets_per_kernel`` to one kernel is refused with 429 while it is
    still an HTTP request (issue 19, item 2: ~400 sockets to one kernel ran a
    worker out of file descriptors). A message over the limits of :func:`refused_update` and
    :data:`MAX_INCOMING_BYTES` is dropped before it reaches the kernel. Enable with
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
        handler = self.websocket_handler
        handler.set_nodelay(True)
        # jupyter_server's handler forwards each message to handle_incoming_message and returns nothing; the same
        # call behind a wait for the device's message budget makes Tornado stop reading while it waits.
        setattr(handler, "on_message", functools.partial(self._paced, handler.on_message))  # noqa: B010
        return super().connect()

    def handle_incoming_message(self, incoming_msg: str) -> None:
        """Pass a page's message to the kernel unless it is over the limits (:data:`MAX_INCOMING_BYTES`,
        :func:`refused_update`): a refused one is logged here and never reaches the kernel."""
        why = self._over_limits(incoming_msg)
        if why:
            self.log.warning("stepguide: refused a message to kernel %s: %s", self.kernel_id, why)
            return
        super().handle_incoming_message(incoming_msg)

    async def _paced(self, forward: Any, message: str | bytes) -> None:
        """The websocket's ``on_message``: wait for the device's message budget, then ``forward``.

        Tornado reads a websocket's next message only once ``on_message``'s coroutine is done, so a device
        past its rate is not read at all meanwhile: its flood waits in its own TCP buffers and costs the
        server nothing (issue 19, item 2: under a slider flood another visitor's slider answered in 52 ms,
        531 ms at worst; paced, 13 and 20 ms). A page's own widgets send one update per answer and never wait
        here.
        """
        from stepguide.serve.room import RoomKernelManager

        km = self.multi_kernel_manager
        bucket = km.bucket(self.kernel_id) if isinstance(km, RoomKernelManager) else None
        if bucket is not None and not bucket.take():
            km.held_messages += 1
            while not bucket.take():
                await asyncio.sleep(bucket.wait())
        forward(message)

    def _parse(self, incoming: str | bytes) -> tuple[dict[str, Any], Any] | None:
        """A page's message as ``(header, content)``, or None if it cannot be read."""
        try:
            if self.subprotocol == "v1.kernel.websocket.jupyter.org":
                from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

                _channel, parts = deserialize_msg_from_ws_v1(incoming)
                return json.loads(parts[0]), json.loads(parts[3])
            msg = json.loads(incoming)
            return msg.get("header", {}), msg.get("content", {})
        except (ValueError, IndexError, TypeError, AttributeError):
            return None

    def _over_limits(self, incoming: str | bytes) -> str | None:
        if len(incoming) > MAX_INCOMING_BYTES:
            return f"{len(incoming):,} bytes (at most {MAX_INCOMING_BYTES:,})"
        if len(incoming) <= MAX_OTHER_CHARS:  # a slider move: nothing in it can be over a limit
            return None
        parsed = self._parse(incoming)  # None: not ours to judge, the server's own handling refuses it
        return refused_update(parsed[1]) if parsed is not None and parsed[0].get("msg_type") == "comm_msg" else None

    def disconnect(self) -> None:  # type: ignore[override]  # (the base declares a coroutine; the ZMQ one is not)
        try:
            super().disconnect()
        finally:
            self._uncount()

    def _uncount(self) -> None:
        if self._counted:
            self._counted = False
            self.multi_kernel_manager.close_socket(self.kernel_id)
