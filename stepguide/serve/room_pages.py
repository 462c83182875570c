"""The room's pages: the dashboard page behind the kernel cap, the pages that turn a request away, ``room.json``.

:func:`page_handlers` mounts :class:`RoomPageHandler` on the dashboard's URL
(Voila's own page handler plus the admission checks of
:class:`stepguide.serve.room.RoomKernelManager`: a navigation, not too many pages
from this client, room left) and ``stepguide/room.json`` (the counts, for the
workshop launcher, a container's probes and the tests). A request turned away
gets a short self-contained page: the room is full (503), too many pages from
this device (429), or this address opens only as a page (403). A page sets the
visitor cookie its kernel is bound to (``stepguide_visitor``, see
:mod:`stepguide.serve.room`).
``stepguide.serve.hooks.VoilaIdentityProvider`` adds them. Standalone Voila only.
"""

from __future__ import annotations

import functools
import json
import os
import re
import secrets
from importlib import resources
from typing import Any

from jupyter_server.utils import url_path_join
from tornado import web

from stepguide.serve.admission import (
    PAGES_RETRY_AFTER_S,
    RETRY_AFTER_S,
    NotAPage,
    RoomFull,
    client_address,
    refuses_page_request,
)
from stepguide.serve.room import ARRIVAL, VISITOR_COOKIE, RoomKernelManager

STATUS_ROUTE = "stepguide/room.json"
VISITOR_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")  # what secrets.token_urlsafe(24) gives; anything else gets a new one


@functools.cache
def notice_html(page: str, retry_after: int | None = None) -> str:
    """One of the room's notices (``room_full``, ``too_many_pages``, ``not_a_page``: ``<page>.body.html``, its
    title in its first line) in the one page shell, ``notice.html``: self-contained (no script, no request to
    anywhere), reloading itself after ``retry_after`` seconds when given. Made once per notice: refusals come
    in floods."""
    files = resources.files(__package__)
    first, body = files.joinpath(f"{page}.body.html").read_text(encoding="utf-8").split("\n", 1)
    title = first.removeprefix("<!-- title: ").removesuffix(" -->")
    refresh = "" if retry_after is None else f'<meta http-equiv="refresh" content="{int(retry_after)}">\n'
    shell = files.joinpath("notice.html").read_text(encoding="utf-8")
    page_html = shell.replace("{{refresh}}", refresh).replace("{{title}}", title).replace("{{body}}", body)
    return page_html.replace("{{retry_after}}", str(int(retry_after or 0)))


def room_full_html(retry_after: int = RETRY_AFTER_S) -> str:
    """The styled 503 page, reloading itself."""
    return notice_html("room_full", retry_after)


def too_many_pages_html(retry_after: int = PAGES_RETRY_AFTER_S) -> str:
    """The styled 429 page for a device holding too many pages, reloading itself."""
    return notice_html("too_many_pages", retry_after)


def not_a_page_html() -> str:
    """The 403 page for a request that is no visit of the page (a background fetch, a frame): no reload."""
    return notice_html("not_a_page")


def _page_handler_class() -> type:
    from voila.tornado.handler import TornadoVoilaHandler

    class RoomPageHandler(TornadoVoilaHandler):
        """Voila's page handler, but a visitor who cannot get a kernel gets the room-full page."""

        @web.authenticated
        async def get(self, path: str | None = None) -> None:
            km = self.kernel_manager
            if not isinstance(km, RoomKernelManager):
                return await super().get(path=path)
            if refuses_page_request(self.request.headers):
                raise NotAPage()
            self._drop_overrides_not_allowed()
            client = client_address(self.request.remote_ip, self.request.headers.get("X-Forwarded-For"),
                                    km.trusted_proxies)
            arrival = km.admit(client, self._visitor())  # raises TooManyPages
            try:
                nb = self.notebook_path or path
                pool = km.get_pool_size(nb) if hasattr(km, "get_pool_size") else 0
                if not km.admits_visitor():
                    raise RoomFull()
                km.note_visit(pooled=pool > 0)
                token = ARRIVAL.set(arrival)
                try:
                    await super().get(path=path)
                finally:
                    ARRIVAL.reset(token)
            finally:
                km.arrived(arrival)

        def _visitor(self) -> str:
            """This browser's visitor token (:data:`VISITOR_COOKIE`): the one it sent, or a new one set on the page."""
            sent = self.get_cookie(VISITOR_COOKIE) or ""
            if VISITOR_TOKEN.fullmatch(sent):
                return sent
            token = secrets.token_urlsafe(24)
            self.set_cookie(VISITOR_COOKIE, token, path=self.base_url or "/", httponly=True, samesite="Lax")
            return token

        def _drop_overrides_not_allowed(self) -> None:
            """Forget ``?template=``/``?theme=`` when the configuration allows no override (issue 19, item 5).

            Voila ignores them for the page then, yet still takes any such
            argument as a reason not to use the warm pool: ``/?theme=dark``
            started a fresh kernel beside the pool and threw the room's counts off.
            """
            conf = self.voila_configuration
            for name, allowed in (("template", conf.allow_template_override), ("theme", conf.allow_theme_override)):
                if allowed != "YES":
                    self.request.arguments.pop(name, None)
                    self.request.query_arguments.pop(name, None)

        def write_error(self, status_code: int, **kwargs: Any) -> None:
            km = self.kernel_manager
            if status_code == 503:
                retry = getattr(km, "retry_after", RETRY_AFTER_S)
                body = room_full_html(retry)
            elif status_code == 429:
                retry = getattr(km, "pages_retry_after", PAGES_RETRY_AFTER_S)
                body = too_many_pages_html(retry)
            elif status_code == 403 and isinstance(kwargs.get("exc_info", (None, None))[1], NotAPage):
                retry, body = 0, not_a_page_html()
            else:
                return super().write_error(status_code, **kwargs)
            if retry:
                self.set_header("Retry-After", str(retry))
            self.set_header("Cache-Control", "no-store")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(body)

    return RoomPageHandler


class RoomStatusHandler(web.RequestHandler):
    """``GET stepguide/room.json``: cap and kernel counts of this server (no per-visitor data).

    ``warm`` is true once the preheated pool is full and has run the notebook;
    with ``?warm=1`` the reply is 503 until then (a container's startup probe).
    ``admit`` is true while a new page would get a kernel here; with ``?admit=1``
    the reply is 503 otherwise (HAProxy's check for where a new page goes).
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
        body["admit"] = km.admits_visitor() if isinstance(km, RoomKernelManager) else True
        if (self.get_argument("warm", "") and not body["warm"]) or (self.get_argument("admit", "")
                                                                    and not body["admit"]):
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
