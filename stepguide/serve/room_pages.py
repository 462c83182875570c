"""The room's pages: the dashboard page behind the kernel cap, the room-full page, ``stepguide/room.json``.

:func:`page_handlers` mounts :class:`RoomPageHandler` on the dashboard's URL
(Voila's own page handler plus the admission check of
:class:`stepguide.serve.room.RoomKernelManager`) and ``stepguide/room.json`` (the
counts, for the workshop launcher, a container's probes and the tests).
``stepguide.serve.hooks.VoilaIdentityProvider`` adds them. Standalone Voila only.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from typing import Any

from jupyter_server.utils import url_path_join
from tornado import web

from stepguide.serve.room import RETRY_AFTER_S, RoomFull, RoomKernelManager

STATUS_ROUTE = "stepguide/room.json"

ROOM_FULL_PAGE = resources.files(__package__).joinpath("room_full.html")


def room_full_html(retry_after: int = RETRY_AFTER_S) -> str:
    """The styled 503 page (self-contained: no script, no request to anywhere)."""
    return ROOM_FULL_PAGE.read_text(encoding="utf-8").replace("{{retry_after}}", str(int(retry_after)))


def _page_handler_class() -> type:
    from voila.tornado.handler import TornadoVoilaHandler

    class RoomPageHandler(TornadoVoilaHandler):
        """Voila's page handler, but a visitor who cannot get a kernel gets the room-full page."""

        @web.authenticated
        async def get(self, path: str | None = None) -> None:
            km = self.kernel_manager
            if isinstance(km, RoomKernelManager):
                nb = self.notebook_path or path
                pool = km.get_pool_size(nb) if hasattr(km, "get_pool_size") else 0
                if not km.admits_visitor():
                    raise RoomFull()
                km.note_visit(pooled=pool > 0)
            await super().get(path=path)

        def write_error(self, status_code: int, **kwargs: Any) -> None:
            if status_code != 503:
                return super().write_error(status_code, **kwargs)
            retry = getattr(self.kernel_manager, "retry_after", RETRY_AFTER_S)
            self.set_header("Retry-After", str(retry))
            self.set_header("Cache-Control", "no-store")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(room_full_html(retry))

    return RoomPageHandler


class RoomStatusHandler(web.RequestHandler):
    """``GET stepguide/room.json``: cap and kernel counts of this server (no per-visitor data).

    ``warm`` is true once the preheated pool is full and has run the notebook;
    with ``?warm=1`` the reply is 503 until then (a container's startup probe).
    """

    def get(self) -> None:
        km = self.settings.get("kernel_manager")
        body = km.status() if isinstance(km, RoomKernelManager) else {"cap": 0, "kernels": len(km or ())}
        voila = self.settings.get("voila")  # Voila stores itself under its app name
        nb = os.path.relpath(voila.notebook_path, voila.root_dir) if voila is not None and voila.notebook_path else None
        body["pool"] = km.get_pool_size(nb) if nb and km is not None and hasattr(km, "get_pool_size") else 0
        conf = voila.voila_configuration if voila is not None else None
        target = conf.default_pool_size if conf is not None and conf.preheat_kernel else 0
        body["warm"] = (body["pool"] >= target and body["kernels"] + body.get("failed", 0) >= target
                        and not body.get("warming") and not body.get("starting"))
        if self.get_argument("warm", "") and not body["warm"]:
            self.set_status(503)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body))


def page_handlers(voila: Any) -> list[tuple[str, type, dict[str, Any]]]:
    """Routes for standalone ``voila``: the admission-checked page and the status JSON.

    The page route matches exactly the URL Voila serves the notebook at (``/``,
    or ``voila/render/<path>`` when serving a folder); Voila's other routes are untouched.
    """
    prefix = voila.server_url or voila.base_url
    kwargs: dict[str, Any] = {"template_paths": voila.template_paths, "config": voila.config,
                              "voila_configuration": voila.voila_configuration}
    if voila.notebook_path:
        kwargs["notebook_path"] = os.path.relpath(voila.notebook_path, voila.root_dir)
        page = (prefix, _page_handler_class(), kwargs)
    else:
        page = (url_path_join(prefix, r"/voila/render/(.*)"), _page_handler_class(), kwargs)
    return [page, (url_path_join(prefix, STATUS_ROUTE), RoomStatusHandler, {})]
