"""The room: a cap on kernels, a polite "room is full" page, and a throttled preheated pool.

Every visitor of the dashboard costs one kernel (~66 MiB, ``benchmarks/README.md``).
Nothing in Voila limits how many start, so a reload loop can fill the server's
memory. :class:`RoomKernelManager` (``VoilaConfiguration.multi_kernel_manager_class``)
counts every kernel, pooled or in use, against ``max_kernels``:

* a preheated-pool refill that would go over the cap waits until a kernel is
  shut down (page closed, or culled), so the pool never pushes memory past
  the budget;
* pool kernels start ``pool_starts`` at a time (start and notebook execution),
  and a refill waits until no page has opened for ``refill_quiet`` seconds
  (unless the pool has run dry), so a wave of arrivals keeps the CPU;
* a visitor who would need a kernel over the cap gets the room-full page:
  HTTP 503 with ``Retry-After``, a short styled page, no traceback.

A kernel belongs to the page that uses it (issue 19, item 1). A plain ``GET``
(``curl``, a script, another site's ``fetch(url, {mode: "no-cors"})``) used to
take a kernel that stayed until the culler came, so eight requests filled a
room of eight for ten minutes. Now:

* a page request that a browser marks as not a navigation to a page of its
  own (Fetch Metadata: ``Sec-Fetch-Mode`` other than ``navigate``,
  ``Sec-Fetch-Dest`` other than ``document``, or a prefetch) is refused with
  403 before any kernel is touched (:func:`refuses_page_request`);
* a page whose kernel websocket has not opened ``claim_timeout`` seconds after
  its kernel was handed out (and that kernel has been idle as long) has its
  kernel shut down: a fetched page that never connects holds no place;
* a page whose websockets have all closed for ``reconnect_timeout`` seconds
  (a tab gone without its beacon, a script that connects and lets go) has its
  kernel shut down too;
* one client address holds at most ``max_pending_per_client`` pages still
  waiting to connect and ``max_per_client`` pages open or opening (HTTP 429, the
  "too many pages from your device" page). Behind HAProxy the address is the
  one the proxy forwards, believed only from ``trusted_proxies``
  (:func:`client_address`).

A kernel is bound to the visitor it was handed to (issue 19, item 10): the page
request carries (or is given) the ``stepguide_visitor`` cookie, a random token
the page's scripts cannot read (HttpOnly), and :meth:`RoomKernelManager.belongs`
says whether a request for a kernel comes from that visitor. The identity
provider (:mod:`stepguide.serve.hooks`) refuses with 403 every kernel request
(websocket, REST, shutdown beacon) from anyone else: a kernel ID alone no longer
reads or controls a kernel.

The pages that go with it (the room-full page, ``stepguide/room.json``) are in
:mod:`stepguide.serve.room_pages`. Standalone Voila only.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Float, Integer, List, Unicode

from stepguide.serve.admission import (
    KERNEL_MIB,
    PAGES_RETRY_AFTER_S,
    RESERVE_MIB,
    RETRY_AFTER_S,
    RoomFull,
    TooManyPages,
    auto_cap,
    available_mib,
)
from stepguide.serve.pacing import Bucket


@dataclass
class Arrival:
    """A page request admitted and not yet handed a kernel (held in :data:`ARRIVAL` while Voila renders)."""

    client: str
    handed: bool = False
    visitor: str = ""  # the page's visitor cookie (VISITOR_COOKIE)


@dataclass
class Page:
    """A kernel handed to a page: whose it is, when it was handed out (loop time), whether its websocket opened."""

    client: str
    served: float
    connected: bool = False
    sockets: int = 0  # websockets open now
    left: float = 0.0  # loop time its last websocket closed
    visitor: str = ""  # the visitor cookie of the page it was handed to; "" for a kernel no page asked for

    @property
    def held(self) -> bool:
        """Still opening, or open: what counts against its client's limit. A page whose websockets all closed does
        not (a phone drops tabs without a word); its kernel goes after ``reconnect_timeout``."""
        return not self.connected or self.sockets > 0


@dataclass
class PoolCount:
    """The warm pool as the room counts it; neither number goes below zero.

    ``free``: entries holding a reservation (starting or started) that no visitor has taken. ``owed``:
    visitors who took an entry before it reserved; Voila hands out an entry still waiting out its
    ``fill_delay``, and counting that as ``free - 1`` drove the room's counts negative (issue 19,
    items 1 and 5: ``pool_free: -2``). The entry's reservation then pays the visitor back instead.
    """

    free: int = 0
    owed: int = 0

    def take(self) -> None:
        """A visitor took a pool entry."""
        if self.free > 0:
            self.free -= 1
        else:
            self.owed += 1

    def reserve(self) -> bool:
        """An entry reserved its kernel; True if it is free for the next visitor, False if a visitor already has it."""
        if self.owed > 0:
            self.owed -= 1
            return False
        self.free += 1
        return True

    def fail(self, was_free: bool) -> None:
        """An entry that :meth:`reserve` counted (``was_free``) failed to start: it is free for nobody."""
        if was_free and self.free > 0:
            self.free -= 1


#: The cookie naming a visitor's browser: random, HttpOnly, set on the first page request that lacks it.
VISITOR_COOKIE = "stepguide_visitor"

#: The page request being served in this task: Voila hands the page its kernel deep in its own code, which
#: :class:`RoomKernelManager` sees only as a kernel start or a pool entry taken; this says for whom.
ARRIVAL: ContextVar[Arrival | None] = ContextVar("stepguide_room_arrival", default=None)


class RoomKernelManager(AsyncMappingKernelManager):
    """jupyter_server's kernel manager with a cap on live kernels. See the module docstring."""

    max_kernels = Integer(-1, config=True, help=(
        "Most kernels alive at once, pooled or in use. -1: from free memory at start "
        "((MemAvailable - reserve_mib) / kernel_mib); 0: no cap."))
    kernel_mib = Float(KERNEL_MIB, config=True, help="Memory budget of one kernel for the automatic cap, MiB.")
    reserve_mib = Float(RESERVE_MIB, config=True, help="Memory left free by the automatic cap, MiB.")
    pool_starts = Integer(os.cpu_count() or 1, config=True, help=(
        "Preheated-pool kernels starting (and running the notebook) at once; default: cores. "
        "make workshop gives each of its workers cores / workers."))
    retry_after = Integer(RETRY_AFTER_S, config=True, help="Seconds a visitor of a full room is told to wait.")
    refill_quiet = Float(2.0, config=True, help=(
        "A pool refill waits until no page has opened for this many seconds (at most refill_max_wait), "
        "unless the pool has run dry: a room arriving at once keeps the CPU. 0: refill at once."))
    refill_max_wait = Float(30.0, config=True, help="Longest a pool refill waits for a quiet moment, seconds.")
    claim_timeout = Float(60.0, config=True, help=(
        "A kernel handed to a page whose websocket has not opened this many seconds later (and that has been "
        "idle as long) is shut down: a page fetched by a script or another site holds no place. 0: never."))
    max_pending_per_client = Integer(2, config=True, help=(
        "Pages one client address may hold that have not opened their websocket yet. 0: no limit."))
    max_per_client = Integer(4, config=True, help=(
        "Kernels one client address may hold, pages open or opening. 0: no limit. Raise it when a whole room "
        "reaches the server through one address (a NAT)."))
    reconnect_timeout = Float(120.0, config=True, help=(
        "A page whose websockets have all been closed this many seconds (a closed tab whose beacon was lost, a "
        "script that connects and lets go) has its kernel shut down; a page that reconnects sooner keeps it. "
        "0: leave it to the culler."))
    pages_retry_after = Integer(PAGES_RETRY_AFTER_S, config=True, help=(
        "Seconds a client with too many pages is told to wait."))
    max_sockets_per_kernel = Integer(3, config=True, help=(
        "Kernel websockets open (or opening) at once to one kernel; a page needs one. Past it the upgrade gets "
        "HTTP 429: hundreds of sockets to one kernel ran the server out of file descriptors. 0: no limit."))
    messages_per_second = Float(20.0, config=True, help=(
        "Messages one device's pages may send their kernels each second, on average (bursts of message_burst). "
        "Past it the server stops reading that device's websockets until its budget allows, so a flood waits "
        "in the device's own buffers. A page's own widgets send one update per answer. 0: no limit."))
    message_burst = Integer(60, config=True, help="Messages a device may send at once before messages_per_second.")
    trusted_proxies = List(Unicode(), ["127.0.0.1", "::1"], config=True, help=(
        "Addresses (or networks) whose X-Forwarded-For names the client: the balancer in front of this server."))

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pages: dict[str, Page] = {}  # kernels handed to pages, by kernel id
        self.arriving: Counter[str] = Counter()  # page requests admitted and not yet handed a kernel, by client
        self.freed_unclaimed = 0  # kernels shut down because their page never connected
        self.freed_abandoned = 0  # kernels shut down because their page's websockets closed and never came back
        self.sockets: Counter[str] = Counter()  # kernel websockets open or opening, by kernel id
        self.refused_sockets = 0
        self.refused_strangers = 0  # kernel requests refused because they came from another visitor
        self.buckets: dict[str, Bucket] = {}  # message budgets, by device
        self.held_messages = 0  # messages that waited for their device's message budget
        voila_take = getattr(self, "get_rendered_notebook", None)
        if voila_take is not None:  # Voila's preheated pool (its class derives from this one) hands out pool kernels

            async def get_rendered_notebook(*args: Any, **kw: Any) -> Any:
                taken = await voila_take(*args, **kw)
                self._hand_out(taken[2])
                return taken

            setattr(self, "get_rendered_notebook", get_rendered_notebook)  # noqa: B010 - shadows Voila's own
        if self.max_kernels < 0:
            self.cap = auto_cap(available_mib(), kernel_mib=self.kernel_mib, reserve_mib=self.reserve_mib)
        else:
            self.cap = self.max_kernels
        self.reserved = 0  # starts that passed the cap check and are not yet in the kernel list
        self.blocked = 0  # pool refills waiting for a kernel to go away
        self.warming = 0  # pool kernels starting or running the notebook (holding the pool gate)
        self.pool = PoolCount()  # pool entries free for the next visitor, and visitors owed one
        self.failed = 0  # pool kernels that failed to start
        self.last_visit = float("-inf")
        self._closing = False
        self._changed = asyncio.Condition()
        self._pool_gate = asyncio.Semaphore(max(1, self.pool_starts))
        self.log.info("stepguide room: at most %s kernels", self.cap or "unlimited")

    # -- counting ------------------------------------------------------------
    def committed(self) -> int:
        """Kernels alive or starting: what the cap is checked against."""
        return len(self) + self.reserved

    def has_room(self) -> bool:
        return self.cap <= 0 or self.committed() < self.cap

    def admits_visitor(self) -> bool:
        """True if a new page would get a kernel: a pool entry that holds a reservation, or room to start one.

        Voila's pool also holds refills that have not reached :meth:`start_kernel`
        yet (they wait ``fill_delay`` first); at the cap a visitor handed one of
        those would wait for someone to leave, so they do not count.
        """
        return self.cap <= 0 or self.pool.free > 0 or self.has_room()

    def note_visit(self, pooled: bool) -> None:
        """A page was admitted; ``pooled``: it takes a preheated kernel."""
        self.last_visit = asyncio.get_running_loop().time()
        if pooled:
            self.pool.take()

    async def _wait_quiet(self) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        # pool.free counts this entry too: wait only while another one is free for the next visitor
        while (self.refill_quiet > 0 and self.pool.free > 1 and not self._closing
               and loop.time() - self.last_visit < self.refill_quiet and loop.time() - start < self.refill_max_wait):
            await asyncio.sleep(0.1)

    def status(self) -> dict[str, int]:
        live = [p for kid, p in self.pages.items() if kid in self]
        return {"cap": self.cap, "kernels": len(self), "starting": self.reserved, "blocked": self.blocked,
                "warming": self.warming, "pool_free": self.pool.free,
                "pool_owed": self.pool.owed, "failed": self.failed,
                "pages": len(live), "unclaimed": sum(not p.connected for p in live),
                "freed_unclaimed": self.freed_unclaimed, "freed_abandoned": self.freed_abandoned,
                "sockets": sum(self.sockets.values()),
                "refused_sockets": self.refused_sockets, "refused_strangers": self.refused_strangers,
                "held_messages": self.held_messages}

    # -- pages and their clients -------------------------------------------
    def admit(self, client: str, visitor: str = "") -> Arrival:
        """Let one more page request from ``client`` in, or raise :class:`TooManyPages`.

        Counts the client's pages still opening (no websocket yet, or not yet
        handed a kernel) and all its pages; the caller must :meth:`arrived` the
        returned arrival when the request ends.
        """
        for gone in [kid for kid in self.pages if kid not in self]:  # died without a shutdown call
            del self.pages[gone]
        pages = [p for p in self.pages.values() if p.client == client and p.held]
        coming = self.arriving[client]
        pending = coming + sum(not p.connected for p in pages)
        if (0 < self.max_pending_per_client <= pending) or (0 < self.max_per_client <= coming + len(pages)):
            raise TooManyPages()
        self.arriving[client] += 1
        return Arrival(client, visitor=visitor)

    def arrived(self, arrival: Arrival) -> None:
        """The page request of ``arrival`` has ended (its kernel, if it got one, is counted in :attr:`pages`)."""
        if not arrival.handed:
            arrival.handed = True
            self._leave_arriving(arrival.client)

    def _leave_arriving(self, client: str) -> None:
        self.arriving[client] -= 1
        if self.arriving[client] <= 0:
            del self.arriving[client]

    def _hand_out(self, kernel_id: str) -> None:
        """``kernel_id`` now belongs to the page being served: count it for its client, free it if it never connects."""
        arrival = ARRIVAL.get() or Arrival("?", handed=True)
        self.arrived(arrival)
        self.pages[kernel_id] = Page(arrival.client, asyncio.get_running_loop().time(), visitor=arrival.visitor)
        if self.claim_timeout > 0:
            asyncio.ensure_future(self._free_if_unclaimed(kernel_id))

    def belongs(self, kernel_id: str, visitor: str) -> bool:
        """True if a request for ``kernel_id`` carrying the visitor cookie ``visitor`` may use it: the kernel was
        handed to that visitor, or to no page at all (a pool kernel not handed out, one started outside a page).
        A refusal is counted in ``refused_strangers``."""
        page = self.pages.get(kernel_id)
        if page is None or not page.visitor or secrets.compare_digest(page.visitor, visitor):
            return True
        self.refused_strangers += 1
        return False

    def bucket(self, kernel_id: str) -> Bucket | None:
        """The message budget of the device whose page has ``kernel_id`` (None: no limit)."""
        if self.messages_per_second <= 0:
            return None
        page = self.pages.get(kernel_id)
        device = page.client if page is not None else kernel_id
        if len(self.buckets) > 4096:  # forget devices that have been quiet long enough to be full again
            self.buckets = {k: b for k, b in self.buckets.items() if not b.full()}
        if device not in self.buckets:
            self.buckets[device] = Bucket(self.messages_per_second, max(1, self.message_burst))
        return self.buckets[device]

    def open_socket(self, kernel_id: str) -> None:
        """Count one more websocket to ``kernel_id`` before it connects, or raise 429 past ``max_sockets_per_kernel``.

        Called by :class:`stepguide.serve.hooks.NoDelayKernelWebsocketConnection`
        while the upgrade request is still plain HTTP, so a refused socket
        costs no ZMQ sockets; :meth:`close_socket` gives the place back.
        """
        if 0 < self.max_sockets_per_kernel <= self.sockets[kernel_id]:
            self.refused_sockets += 1
            raise web.HTTPError(429)
        self.sockets[kernel_id] += 1

    def close_socket(self, kernel_id: str) -> None:
        if self.sockets[kernel_id] <= 1:
            self.sockets.pop(kernel_id, None)
        else:
            self.sockets[kernel_id] -= 1

    def notify_connect(self, kernel_id: str) -> None:
        """A kernel websocket opened: the page has claimed its kernel."""
        super().notify_connect(kernel_id)
        page = self.pages.get(kernel_id)
        if page is not None:
            page.connected = True
            page.sockets += 1

    def notify_disconnect(self, kernel_id: str) -> None:
        """A kernel websocket closed: once a page has none left for ``reconnect_timeout`` s, its kernel goes."""
        super().notify_disconnect(kernel_id)
        page = self.pages.get(kernel_id)
        if page is None:
            return
        page.sockets = max(0, page.sockets - 1)
        if page.sockets == 0 and self.reconnect_timeout > 0:
            page.left = asyncio.get_running_loop().time()
            asyncio.ensure_future(self._free_if_abandoned(kernel_id, page))

    async def _due(self, remaining: Callable[[], float | None]) -> bool:
        """Wait, checking each second, until ``remaining()`` seconds reach 0 (True) or it says the page is fine
        (None) or the room closes (False): the one clock both timeouts below run on."""
        while not self._closing:
            left = remaining()
            if left is None:
                return False
            if left <= 0:
                return True
            await asyncio.sleep(min(left, 1.0) + 0.05)
        return False

    async def _free_if_abandoned(self, kernel_id: str, page: Page) -> None:
        loop = asyncio.get_running_loop()

        def remaining() -> float | None:
            if self.pages.get(kernel_id) is not page or page.sockets > 0:
                return None
            return self.reconnect_timeout - (loop.time() - page.left)

        if not await self._due(remaining):
            return
        self.freed_abandoned += 1
        self.log.info("stepguide room: kernel %s freed, its page (from %s) left %.0f s ago without closing",
                      kernel_id, page.client, self.reconnect_timeout)
        with suppress(Exception):  # gone meanwhile: nothing left to free
            await self.shutdown_kernel(kernel_id)

    async def _free_if_unclaimed(self, kernel_id: str) -> None:
        """Shut ``kernel_id`` down once its page has not connected for ``claim_timeout`` s and it has been idle as long.

        Idle matters for a kernel started for the page itself (no warm kernel
        left): it runs the notebook while the page streams, and only then can
        the page connect.
        """
        loop = asyncio.get_running_loop()

        def remaining() -> float | None:
            page = self.pages.get(kernel_id)
            if page is None or page.connected or kernel_id not in self:
                return None
            return self.claim_timeout - min(self._idle_for(kernel_id, float("inf")), loop.time() - page.served)

        if not await self._due(remaining):
            return
        page = self.pages[kernel_id]
        self.freed_unclaimed += 1
        self.log.info("stepguide room: kernel %s freed, its page (from %s) did not connect within %.0f s",
                      kernel_id, page.client, self.claim_timeout)
        with suppress(Exception):  # gone meanwhile (beacon, culler): nothing left to free
            await self.shutdown_kernel(kernel_id)

    # -- starting and stopping -----------------------------------------------
    # (jupyter_client types the async managers' methods as its sync base's, -> str and -> None: hence the ignores)
    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:  # type: ignore[override]
        pooled = kwargs.get("env", {}).get("VOILA_PREHEAT") == "True"
        free = False  # this pool entry counted as free for the next visitor
        if pooled:
            await self._reserve_when_room()
            free = self.pool.reserve()
        elif self.has_room():
            self.reserved += 1
        else:
            raise RoomFull()
        gated = False
        try:
            if pooled:
                await self._wait_quiet()
                await self._pool_gate.acquire()
                gated = True
                self.warming += 1
            kernel_id: str = await ensure_async(super().start_kernel(*args, **kwargs))
        except BaseException:
            if gated:
                self.warming -= 1
                self._pool_gate.release()
            if pooled:
                self.pool.fail(free)
                self.failed += 1  # Voila keeps the failed pool entry until a visitor or the culler drops it
                self.log.warning("stepguide room: a pool kernel failed to start", exc_info=True)
            raise
        finally:
            self.reserved -= 1
        if gated:
            asyncio.ensure_future(self._release_when_executed(kernel_id))
        if not pooled:  # Voila starts a kernel of its own only for the page being served
            self._hand_out(kernel_id)
        return kernel_id

    async def _reserve_when_room(self) -> None:
        """Wait until a kernel fits under the cap, then reserve it (no await between check and reserve)."""
        self.blocked += 1
        try:
            async with self._changed:
                while not (self._closing or self.has_room()):
                    with suppress(TimeoutError):  # re-check now and then: a dead kernel goes without a shutdown call
                        await asyncio.wait_for(self._changed.wait(), 5)
                if self._closing:
                    raise RuntimeError("server is shutting down")
                self.reserved += 1
        finally:
            self.blocked -= 1

    async def _release_when_executed(self, kernel_id: str, quiet: float = 0.3, timeout: float = 60.0) -> None:
        """Let the next pool kernel start once this one has run the notebook (idle for ``quiet`` s)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            await asyncio.sleep(quiet)
            while loop.time() < deadline and kernel_id in self:
                idle_for = self._idle_for(kernel_id, quiet)
                # idle after running the notebook; or silent for a while if the state was never reported
                if idle_for >= 2 or (getattr(self.get_kernel(kernel_id), "execution_state", "") == "idle"
                                     and idle_for >= quiet):
                    break
                await asyncio.sleep(0.05)
        finally:
            self.warming -= 1
            self._pool_gate.release()

    def _idle_for(self, kernel_id: str, unknown: float) -> float:
        """Seconds since ``kernel_id``'s last activity (``unknown`` if it never reported any)."""
        last = getattr(self.get_kernel(kernel_id), "last_activity", None)
        return (datetime.now(UTC) - last).total_seconds() if last else unknown

    async def shutdown_kernel(self, kernel_id: str, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        try:
            await ensure_async(super().shutdown_kernel(kernel_id, *args, **kwargs))
        finally:
            self.pages.pop(kernel_id, None)
            self.sockets.pop(kernel_id, None)
            async with self._changed:
                self._changed.notify_all()

    async def shutdown_all(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self._closing = True
        async with self._changed:
            self._changed.notify_all()
        await ensure_async(super().shutdown_all(*args, **kwargs))
