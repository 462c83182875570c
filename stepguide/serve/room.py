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

The pages that go with it (the room-full page, ``stepguide/room.json``) are in
:mod:`stepguide.serve.room_pages`. Standalone Voila only.
"""

from __future__ import annotations

import asyncio
import os
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Float, Integer

#: Memory budget of one dashboard kernel, MiB: its unique memory (USS) after the notebook and a
#: slider move is 63-66 MiB here (``benchmarks/bench_load.py``; the issue measured 88 MiB on an
#: older kernel), rounded up for what a session adds. Lower it when the kernel gets leaner.
KERNEL_MIB = 90
#: Memory left free for the system and everything else.
RESERVE_MIB = 1024
RETRY_AFTER_S = 60


def auto_cap(available_mib: float, *, kernel_mib: float = KERNEL_MIB, reserve_mib: float = RESERVE_MIB,
             share: int = 1) -> int:
    """Kernels that fit in ``available_mib`` minus ``reserve_mib``, split over ``share`` servers (at least 1).

    >>> auto_cap(9216, kernel_mib=100, reserve_mib=1024)
    81
    """
    if kernel_mib <= 0 or share < 1:
        raise ValueError(f"kernel_mib must be > 0 and share >= 1, got kernel_mib={kernel_mib}, share={share}")
    return max(1, int((available_mib - reserve_mib) // kernel_mib) // share)


def available_mib(cgroup: Path = Path("/sys/fs/cgroup")) -> float:
    """Memory new processes can get now, in MiB: MemAvailable, or less inside a container's memory limit.

    In a container (cgroup v2 ``memory.max``), the host's free memory is not
    ours to take: the limit minus what the cgroup already uses counts instead.
    """
    import psutil

    free = psutil.virtual_memory().available
    try:
        limit = (cgroup / "memory.max").read_text().strip()
        used = int((cgroup / "memory.current").read_text())
    except (OSError, ValueError):
        return free / 2**20
    if limit.isdigit():
        free = min(free, int(limit) - used)
    return free / 2**20


class RoomFull(web.HTTPError):
    """No kernel can start without going over the room's cap."""

    def __init__(self) -> None:
        super().__init__(503, reason="Room full")


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

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if self.max_kernels < 0:
            self.cap = auto_cap(available_mib(), kernel_mib=self.kernel_mib, reserve_mib=self.reserve_mib)
        else:
            self.cap = self.max_kernels
        self.reserved = 0  # starts that passed the cap check and are not yet in the kernel list
        self.blocked = 0  # pool refills waiting for a kernel to go away
        self.warming = 0  # pool kernels starting or running the notebook (holding the pool gate)
        # Pool entries holding a reservation (starting or started) that no visitor has taken yet. A visitor
        # can take an entry still in Voila's fill_delay, before it reserves: then this dips below zero.
        self.pool_free = 0
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
        return self.cap <= 0 or self.pool_free > 0 or self.has_room()

    def note_visit(self, pooled: bool) -> None:
        """A page was admitted; ``pooled``: it takes a preheated kernel."""
        self.last_visit = asyncio.get_running_loop().time()
        if pooled:
            self.pool_free -= 1

    async def _wait_quiet(self) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        # pool_free counts this entry too: wait only while another one is free for the next visitor
        while (self.refill_quiet > 0 and self.pool_free > 1 and not self._closing
               and loop.time() - self.last_visit < self.refill_quiet and loop.time() - start < self.refill_max_wait):
            await asyncio.sleep(0.1)

    def status(self) -> dict[str, int]:
        return {"cap": self.cap, "kernels": len(self), "starting": self.reserved, "blocked": self.blocked,
                "warming": self.warming, "pool_free": self.pool_free, "failed": self.failed}

    # -- starting and stopping -----------------------------------------------
    # (jupyter_client types the async managers' methods as its sync base's, -> str and -> None: hence the ignores)
    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:  # type: ignore[override]
        pooled = kwargs.get("env", {}).get("VOILA_PREHEAT") == "True"
        if pooled:
            await self._reserve_when_room()
            self.pool_free += 1
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
                self.pool_free -= 1
                self.failed += 1  # Voila keeps the failed pool entry until a visitor or the culler drops it
                self.log.warning("stepguide room: a pool kernel failed to start", exc_info=True)
            raise
        finally:
            self.reserved -= 1
        if gated:
            asyncio.ensure_future(self._release_when_executed(kernel_id))
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
                kernel = self.get_kernel(kernel_id)
                last = getattr(kernel, "last_activity", None)
                idle_for = (_utcnow() - last).total_seconds() if last else quiet
                # idle after running the notebook; or silent for a while if the state was never reported
                if idle_for >= 2 or (getattr(kernel, "execution_state", "") == "idle" and idle_for >= quiet):
                    break
                await asyncio.sleep(0.05)
        finally:
            self.warming -= 1
            self._pool_gate.release()

    async def shutdown_kernel(self, kernel_id: str, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        try:
            await ensure_async(super().shutdown_kernel(kernel_id, *args, **kwargs))
        finally:
            async with self._changed:
                self._changed.notify_all()

    async def shutdown_all(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self._closing = True
        async with self._changed:
            self._changed.notify_all()
        await ensure_async(super().shutdown_all(*args, **kwargs))


def _utcnow() -> datetime:
    return datetime.now(UTC)
