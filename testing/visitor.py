"""A protocol-level dashboard visitor: what a browser sends and waits for, without the browser.

One :func:`visit` does, in order, what Chromium does when a student opens the
dashboard (recorded from a real page load, see ``benchmarks/README.md``):

1. ``GET`` the page. Voila serves the notebook as executed in a preheated
   kernel; the HTML names that kernel (``jupyter-config-data``/``kernelId``).
   Set-Cookie headers (the load balancer's worker cookie) are kept, as a
   browser keeps them for the later requests, and, as the page's own script
   does, a random ``_xsrf`` cookie is added if the server set none.
2. Optionally fetch the page's static assets (``assets``), six at a time like a
   browser's per-host connection limit.
3. ``GET api/kernels/<id>``, then open ``api/kernels/<id>/channels`` with the
   ``v1.kernel.websocket.jupyter.org`` subprotocol.
4. ``kernel_info_request`` -> reply; then the widget manager's
   ``comm_open`` on ``jupyter.widget.control`` and ``request_states``, whose
   ``update_states`` reply holds every widget model. *Ready* is when that
   reply has arrived: the page can now render every widget.
5. A slider move: ``comm_msg`` ``update`` of the slider's ``value``; *update*
   is the time until the kernel reports ``idle`` for that message, i.e. every
   callback has run and sent its outputs.
6. :meth:`Visit.leave` sends the page's ``beforeunload`` beacon
   (``POST voila/api/shutdown/<id>`` with the ``_xsrf`` cookie) and closes.

A page answered with 503 (the room-full page) ends the visit with
``outcome == "full"``. ``client`` names the device the visitor stands for: it
is sent as ``X-Forwarded-For``, which the server believes from loopback (as it
does from the workshop's HAProxy), so one test machine can be a room of devices.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

SUBPROTOCOL = "v1.kernel.websocket.jupyter.org"
CONFIG_RE = re.compile(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', re.S)

AsyncHTTPClient.configure(None, max_clients=1000)


def _pack(msg: dict[str, Any], channel: str) -> bytes:
    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

    parts = [json.dumps(msg[k]).encode() for k in ("header", "parent_header", "metadata", "content")]
    return serialize_msg_to_ws_v1(parts, channel)


class _Msg(dict):
    """A received message whose ``content`` is decoded only when read (the client shares the server's CPU)."""

    def __missing__(self, key: str) -> Any:
        if key != "content":
            raise KeyError(key)
        value = self["content"] = json.loads(self.pop("_content") or b"{}")
        return value


def _unpack(frame: bytes) -> tuple[str, dict[str, Any]]:
    from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

    channel, parts = deserialize_msg_from_ws_v1(frame)
    msg = _Msg(header=json.loads(parts[0]), parent_header=json.loads(parts[1] or b"{}"), _content=parts[3])
    return channel, msg


@dataclass
class Visit:
    """One visitor's timings (seconds from arrival) and state."""

    base_url: str
    client: str | None = None  # the device's address, sent as X-Forwarded-For
    outcome: str = "pending"  # ok | full | failed
    error: str = ""
    status: int = 0
    kernel_id: str = ""
    t_html: float | None = None
    t_assets: float | None = None
    t_ws: float | None = None
    t_ready: float | None = None
    updates: list[float] = field(default_factory=list)
    cookies: dict[str, str] = field(default_factory=dict)
    page_text: str = ""
    moves_sent: int = 0  # slider moves written by spam_slider so far
    _ws: WebSocketClientConnection | None = None
    _session: str = field(default_factory=lambda: str(uuid.uuid4()))

    # -- HTTP with a cookie jar ----------------------------------------------
    def _keep_cookies(self, headers: Any) -> None:
        for raw in headers.get_list("Set-Cookie"):
            jar = SimpleCookie()
            jar.load(raw)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value

    def request_headers(self) -> dict[str, str]:
        """The cookie jar, and the device's address if the visitor stands for one."""
        out = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        return {**out, "X-Forwarded-For": self.client} if self.client else out

    async def fetch(self, path: str, *, method: str = "GET", body: str | None = None,
                    headers: dict[str, str] | None = None, timeout: float = 60.0, decompress: bool = True) -> Any:
        req = HTTPRequest(self.base_url + path, method=method, body=body,
                          headers={**self.request_headers(), **(headers or {})}, decompress_response=decompress,
                          request_timeout=timeout, connect_timeout=timeout, follow_redirects=False)
        resp = await AsyncHTTPClient().fetch(req, raise_error=False)
        self._keep_cookies(resp.headers)
        return resp

    # -- websocket -----------------------------------------------------------
    def _msg(self, msg_type: str, content: dict[str, Any]) -> dict[str, Any]:
        header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": self._session, "username": "",
                  "version": "5.2", "date": datetime.now(UTC).isoformat()}
        return {"header": header, "parent_header": {}, "metadata": {}, "content": content}

    async def _send(self, msg: dict[str, Any]) -> None:
        assert self._ws is not None
        await self._ws.write_message(_pack(msg, "shell"), binary=True)

    async def _wait_for(self, match: Any, timeout: float) -> dict[str, Any]:
        assert self._ws is not None
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no reply from the kernel websocket")
            frame = await asyncio.wait_for(self._ws.read_message(), left)
            if frame is None:
                raise ConnectionError("kernel websocket closed")
            if isinstance(frame, str):  # legacy JSON protocol: not expected with the v1 subprotocol
                continue
            _channel, msg = _unpack(frame)
            if match(msg):
                return msg

    # -- the visit -------------------------------------------------------------
    async def open(self, *, assets: Sequence[str] = (), timeout: float = 120.0, slider_class: str = "sg-step2",
                   updates: int = 1) -> Visit:
        """Open the page as a browser does and move the slider ``updates`` times."""
        t0 = time.monotonic()
        try:
            resp = await self.fetch("", timeout=timeout)
            self.status = resp.code
            text = resp.body.decode(errors="replace") if resp.body else ""
            self.t_html = time.monotonic() - t0
            if resp.code == 503:
                self.outcome, self.page_text = "full", text
                return self
            if resp.code != 200:
                raise RuntimeError(f"page answered {resp.code}")
            found = CONFIG_RE.search(text)
            if not found:
                raise RuntimeError(f"page has no jupyter-config-data ({len(text)} chars: "
                                   f"{text[:120]!r} ... {text[-200:]!r})")
            self.kernel_id = json.loads(found.group(1))["kernelId"]
            self.cookies.setdefault("_xsrf", secrets.token_hex(16))  # the template's script
            if assets:
                await self._fetch_assets(assets, timeout)
                self.t_assets = time.monotonic() - t0
            r = await self.fetch(f"api/kernels/{self.kernel_id}?{int(time.time() * 1000)}", timeout=timeout)
            if r.code != 200:
                raise RuntimeError(f"api/kernels/<id> answered {r.code}")
            ws_url = self.base_url.replace("http", "ws", 1) + f"api/kernels/{self.kernel_id}/channels?" + urlencode(
                {"session_id": self._session})
            self._ws = await websocket_connect(
                HTTPRequest(ws_url, headers=self.request_headers(), connect_timeout=timeout, request_timeout=timeout),
                subprotocols=[SUBPROTOCOL], max_message_size=64 * 2**20)
            self.t_ws = time.monotonic() - t0
            left = max(1.0, timeout - (time.monotonic() - t0))

            info = self._msg("kernel_info_request", {})
            await self._send(info)
            await self._wait_for(lambda m: m["parent_header"].get("msg_id") == info["header"]["msg_id"]
                                 and m["header"]["msg_type"] == "kernel_info_reply", left)
            control = uuid.uuid4().hex
            opening = self._msg("comm_open", {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}})
            opening["metadata"] = {"version": "1.0.0"}
            await self._send(opening)
            await self._send(self._msg("comm_msg", {"comm_id": control, "data": {"method": "request_states"}}))
            reply = await self._wait_for(lambda m: m["header"]["msg_type"] == "comm_msg"
                                         and m["content"].get("comm_id") == control
                                         and m["content"].get("data", {}).get("method") == "update_states", left)
            self.t_ready = time.monotonic() - t0
            await self._send(self._msg("comm_close", {"comm_id": control, "data": {}}))

            slider_id, value = _find_slider(reply["content"]["data"]["states"], slider_class)
            for _ in range(updates):
                value -= 1
                move = self._msg("comm_msg", {"comm_id": slider_id, "data": {
                    "method": "update", "state": {"value": value}, "buffer_paths": []}})
                t1 = time.monotonic()
                await self._send(move)
                await self._wait_for(partial(_idle_after, move["header"]["msg_id"]), left)
                self.updates.append(time.monotonic() - t1)
            self.outcome = "ok"
        except (TimeoutError, Exception) as exc:  # noqa: BLE001 - every failure is recorded, not raised
            self.outcome, self.error = "failed", f"{type(exc).__name__}: {exc}"[:300]
        return self

    async def send(self, msg_type: str, content: dict[str, Any]) -> None:
        """Send one shell message on the open websocket and wait for nothing."""
        await self._send(self._msg(msg_type, content))

    async def widget_states(self) -> dict[str, Any]:
        """Every widget's state by model id, asked for as the page's widget manager asks for it."""
        control = uuid.uuid4().hex
        await self.request("comm_open", {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}},
                           {"version": "1.0.0"})
        got = await self.request("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
        return next(m["content"]["data"]["states"] for m in got if m["header"]["msg_type"] == "comm_msg"
                    and m["content"]["data"].get("method") == "update_states")

    async def spam_slider(self, stop: asyncio.Event, slider_class: str = "sg-step2") -> tuple[str, int, int]:
        """Move the slider as fast as the websocket takes the messages, waiting for no answer, until ``stop``
        (the slider-spam attack); returns the slider's model id, how many moves were sent and the last value."""
        slider, value = _find_slider(await self.widget_states(), slider_class)
        last = value
        while not stop.is_set():
            last = value - 1 - self.moves_sent % 20
            await self.send("comm_msg", {"comm_id": slider, "data": {
                "method": "update", "state": {"value": last}, "buffer_paths": []}})
            self.moves_sent += 1
            if self.moves_sent % 20 == 0:
                await asyncio.sleep(0)
        return slider, self.moves_sent, last

    async def request(self, msg_type: str, content: dict[str, Any], metadata: dict[str, Any] | None = None,
                      timeout: float = 30.0) -> list[dict[str, Any]]:
        """Send one shell message on the open websocket; every message the kernel sends until it is idle again
        after handling it (iopub and shell, whatever their parent), content decoded."""
        msg = self._msg(msg_type, content)
        msg["metadata"] = metadata or {}
        seen: list[dict[str, Any]] = []

        def keep(m: dict[str, Any]) -> bool:
            m["content"]  # noqa: B018 - decoded now, for the caller
            seen.append(m)
            return _idle_after(msg["header"]["msg_id"], m)

        await self._send(msg)
        await self._wait_for(keep, timeout)
        return seen

    async def _fetch_assets(self, assets: Sequence[str], timeout: float) -> None:
        queue = list(assets)

        async def lane() -> None:
            while queue:
                path = queue.pop(0)
                # Kept compressed: unpacking is the student's device's work, not this machine's.
                r = await self.fetch(path, timeout=timeout, headers={"Accept-Encoding": "gzip"}, decompress=False)
                if r.code not in (200, 304):
                    raise RuntimeError(f"asset {path} answered {r.code}")

        await asyncio.gather(*(lane() for _ in range(6)))

    async def leave(self) -> None:
        """Close the page: the ``beforeunload`` shutdown beacon, then the websocket."""
        try:
            if self.kernel_id:
                xsrf = self.cookies.get("_xsrf", "")
                await self.fetch(f"voila/api/shutdown/{self.kernel_id}", method="POST", body=urlencode({"_xsrf": xsrf}),
                                 headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30)
        except (HTTPClientError, OSError):
            pass
        finally:
            if self._ws is not None:
                self._ws.close()
                self._ws = None

    def disconnect(self) -> None:
        """Drop the websocket without the beacon (a lost connection): the kernel keeps running."""
        if self._ws is not None:
            self._ws.close()
            self._ws = None

    async def kernel_alive(self) -> bool:
        """True while ``api/kernels/<id>`` answers 200 (asked through the same cookies, so the same worker)."""
        if not self.kernel_id:
            return False
        r = await self.fetch(f"api/kernels/{self.kernel_id}", timeout=30)
        return r.code == 200


def _idle_after(msg_id: str, m: dict[str, Any]) -> bool:
    """Whether ``m`` is the kernel's "idle" status that closes the handling of message ``msg_id``."""
    return (m["parent_header"].get("msg_id") == msg_id and m["header"]["msg_type"] == "status"
            and m["content"].get("execution_state") == "idle")


def _find_slider(states: dict[str, Any], css_class: str) -> tuple[str, int]:
    """Return ``(model_id, value)`` of the slider carrying ``css_class``, else of the first IntSlider."""
    sliders = [(mid, s["state"]) for mid, s in states.items()
               if s.get("state", {}).get("_model_name") == "IntSliderModel"]
    if not sliders:
        raise RuntimeError("the page has no IntSlider to move")
    for mid, state in sliders:
        if css_class in state.get("_dom_classes", ()):
            return mid, int(state["value"])
    return sliders[0][0], int(sliders[0][1]["value"])
