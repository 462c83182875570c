"""``make workshop``'s setup on loopback: two Voila workers behind HAProxy, driven by Chromium through the proxy.

Two students (a phone and a laptop) open the room's one URL. Each page, its
kernel websocket and its slider moves must reach the worker that holds its
kernel (HAProxy's worker cookie); new visitors are spread over the workers.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import stepguide as sg
from stepguide.serve.balancer import COOKIE, haproxy_binary
from testing.visitor import Visit
from testing.workshop import start_workshop

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(haproxy_binary() is None, reason="haproxy not installed (make haproxy)"),
]

START: dict[str, Any] = {"step1": 228, "step2": 248, "specialty": "Internal Medicine", "month": "Oct"}
WIDTHS = [{"width": 390, "height": 844}, {"width": 1400, "height": 1000}]


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    shop = start_workshop("--room", "2", "--workers", "2", "--cap", "8", run_dir=tmp_path_factory.mktemp("workshop"))
    try:
        yield shop
    finally:
        shop.stop()


def _open_and_move(page, url: str, viewport: dict[str, int], step2: int) -> None:
    from playwright.sync_api import expect

    page.set_viewport_size(viewport)
    page.goto(url)
    page.locator(".sg-chart-c5 .js-plotly-plot").wait_for(timeout=60_000)
    first = sg.assess(**START)
    expect(page.locator(".sg-value")).to_contain_text(first.value_label)
    readout = page.locator(".sg-step2 .widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(str(step2))
    page.keyboard.press("Enter")
    moved = sg.assess(**{**START, "step2": step2})
    expect(page.locator(".sg-trend")).to_contain_text(f"{moved.trend_label} ({moved.delta:+d} points)")
    expect(page.locator(".sg-value")).to_contain_text(moved.value_label)


def test_pages_sliders_and_verdicts_through_the_proxy(room, browser):
    contexts = [browser.new_context() for _ in WIDTHS]
    try:
        workers = []
        for ctx, viewport, step2 in zip(contexts, WIDTHS, (224, 238), strict=True):
            page = ctx.new_page()
            page.set_default_timeout(30_000)
            _open_and_move(page, room.url, viewport, step2)
            worker = {c["name"]: c["value"] for c in ctx.cookies()}.get(COOKIE)
            assert worker, f"HAProxy set no {COOKIE} cookie"
            kernel_id = page.evaluate(
                "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
            # the cookie names the worker (w1, w2: in start order) whose process holds this page's kernel
            holder = room.worker_of_kernel(kernel_id)
            assert holder == worker, f"kernel {kernel_id} lives on {holder}, cookie says {worker}"
            workers.append(worker)
        in_use = sum(s["kernels"] for s in room.statuses())
        assert in_use >= 2
        for ctx in contexts:
            for page in ctx.pages:
                page.close(run_before_unload=True)
    finally:
        for ctx in contexts:
            ctx.close()
    # Each beacon reached its own worker: every worker goes back to its warm pool only.
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        st = room.statuses()
        if all(s["kernels"] == s["pool"] == room.plan["pool"] and not s["warming"] for s in st):
            break
        time.sleep(0.5)
    assert all(s["kernels"] == room.plan["pool"] for s in room.statuses()), room.statuses()


def test_new_visitors_are_spread_over_the_workers(room):
    """Four newcomers (no cookie yet) through the proxy: both workers get some. (HAProxy's round robin
    may give one worker two in a row right after the workers come up, so two visitors would not do.)"""
    async def visit_all() -> tuple[list[Visit], list[str | None]]:
        visits = [await Visit(room.url).open() for _ in range(4)]
        holders = [room.worker_of_kernel(v.kernel_id) for v in visits]
        for v in visits:
            await v.leave()
        return visits, holders

    # In a thread of its own: Playwright's sync API keeps an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        visits, holders = pool.submit(asyncio.run, visit_all()).result()
    assert [v.outcome for v in visits] == ["ok"] * 4, [v.error for v in visits]
    landed = [v.cookies.get(COOKIE) for v in visits]
    assert set(landed) == {"w1", "w2"}, f"all newcomers landed on {landed}"
    assert holders == landed, f"kernels on {holders}, cookies say {landed}"


def test_a_visitor_pinned_to_a_full_worker_gets_a_page_on_the_other(room):
    """Issue 19, item 4: a visitor whose worker cookie names a full worker got the room-full page (and its reload
    stayed pinned there) while the other worker had room. A page request now goes to a worker with room."""
    import time

    full_port = room.worker_ports[0]  # w1

    async def go() -> tuple[list[Visit], Visit, str | None]:
        # Fill w1 through its own port, each page from its own device.
        filled: list[Visit] = []
        while room.statuses()[0]["admit"] and len(filled) < room.plan["caps"][0]:
            v = await Visit(f"http://127.0.0.1:{full_port}/", client=f"10.9.0.{len(filled) + 1}").open()
            assert v.outcome == "ok", v.error
            filled.append(v)
        assert not room.statuses()[0]["admit"], room.statuses()
        # HAProxy checks every second which worker can take a page: poll until it has seen w1 full.
        deadline = time.monotonic() + 15
        while True:
            pinned = Visit(room.url)
            pinned.cookies[COOKIE] = "w1"
            await pinned.open()
            if pinned.outcome != "full" or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
        holder = room.worker_of_kernel(pinned.kernel_id) if pinned.kernel_id else None
        for v in [*filled, pinned]:
            await v.leave()
        return filled, pinned, holder

    with ThreadPoolExecutor(1) as pool:
        _filled, pinned, holder = pool.submit(asyncio.run, go()).result()
    assert pinned.outcome == "ok", (pinned.outcome, pinned.status, pinned.error)
    assert holder == "w2" and pinned.cookies.get(COOKIE) == "w2", (holder, pinned.cookies)


def test_a_client_that_never_finishes_its_headers_does_not_stall_the_room(room):
    """Issue 19, item 7: thousands of half-sent requests from one client delayed everyone by 9-28 s. One source
    now holds at most PER_SOURCE connections; the attacker here is 127.0.0.3, the visitor 127.0.0.1."""
    import socket
    import time
    import urllib.request
    from urllib.parse import urlsplit

    from stepguide.serve.balancer import PER_SOURCE

    host, port = urlsplit(room.url).hostname, urlsplit(room.url).port
    held: list[socket.socket] = []
    try:
        for _ in range(PER_SOURCE * 3):
            s = socket.socket()
            s.bind(("127.0.0.3", 0))
            s.settimeout(5)
            try:
                s.connect((host, port))
                s.sendall(b"GET / HTTP/1.1\r\nHost: room\r\n")  # and never the blank line that ends the headers
            except OSError:
                s.close()
                continue
            held.append(s)
        start = time.monotonic()
        with urllib.request.urlopen(room.url + "stepguide/room.json", timeout=30) as r:
            assert r.status == 200
        took = time.monotonic() - start
        # HAProxy closed every connection past the source's share: reading them ends at once.
        still_open = 0
        for s in held:
            s.settimeout(0.5 if still_open <= PER_SOURCE else 0.05)
            try:
                still_open += s.recv(1) != b""
            except TimeoutError:
                still_open += 1
            except OSError:
                pass
    finally:
        for s in held:
            s.close()
    assert took < 2, f"a visitor waited {took:.1f} s behind {len(held)} half-open connections"
    assert still_open <= PER_SOURCE, f"{still_open} half-open connections from one source still held"
    async def visit() -> Visit:
        v = await Visit(room.url).open()
        await v.leave()
        return v

    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API may keep an event loop running in this thread
        v = pool.submit(asyncio.run, visit()).result()
    assert v.outcome == "ok", v.error


def test_a_killed_worker_is_noticed_and_restarted(room):
    """Issue 19, item 6: after ``kill -9`` of a worker, new visitors got HAProxy's 502/503, the launcher kept a
    zombie, printed the old capacity and restarted nothing. (Last in this file: it replaces w2.)"""
    import json
    import os
    import signal
    import time

    import psutil

    deadline = time.monotonic() + 120
    while not all(s["warm"] for s in room.statuses()) and time.monotonic() < deadline:
        time.sleep(0.5)  # the earlier tests' pages are gone and both pools warm again
    victim = psutil.Process(room.server_pids[1])  # w2
    kernels = victim.children(recursive=True)
    assert kernels, "w2 holds its warm kernels"
    os.kill(victim.pid, signal.SIGKILL)

    async def visits_meanwhile() -> list[Visit]:
        out = []
        for _ in range(4):  # new visitors while w2 is down or warming
            v = await Visit(room.url).open()
            await v.leave()
            out.append(v)
        return out

    with ThreadPoolExecutor(1) as pool:
        meanwhile = pool.submit(asyncio.run, visits_meanwhile()).result()
    # Until HAProxy's next check (every second) has seen w2 gone, a page sent there gets the room's own page,
    # never HAProxy's generic 502/503; from then on every newcomer gets a working page on w1.
    for v in meanwhile:
        assert v.outcome == "ok" or "The room is full" in v.page_text, (v.status, v.error, v.page_text[:200])
    assert [v.outcome for v in meanwhile[1:]] == ["ok"] * 3, [(v.status, v.error) for v in meanwhile]

    deadline = time.monotonic() + 120
    while "restarted" not in room.log_text() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert "worker 2" in room.log_text() and "restarted" in room.log_text(), room.log_text()[-2000:]
    assert not victim.is_running() or victim.status() != psutil.STATUS_ZOMBIE, "the dead worker is left a zombie"
    _gone, alive = psutil.wait_procs(kernels, timeout=10)
    assert not alive, f"{len(alive)} kernels of the dead worker still run"
    new_pid = json.loads((room.run_dir / "servers.json").read_text())["pids"][1]
    assert new_pid != victim.pid
    while time.monotonic() < deadline:
        try:
            if all(s["warm"] for s in room.statuses()):
                break
        except OSError:
            pass
        time.sleep(0.5)
    assert all(s["warm"] for s in room.statuses()), "the restarted worker warms its pool again"
