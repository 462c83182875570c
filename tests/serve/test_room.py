"""The kernel cap against a real Voila serving the dashboard: past the cap a visitor gets the room-full page.

Visitors are protocol-level (``testing/visitor.py``: page, kernel websocket,
widget comm, slider move), so the cap is exercised the way browsers reach it;
the room-full page itself is also opened in Chromium at phone width.
"""

from __future__ import annotations

import asyncio
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from stepguide.serve.admission import KERNEL_MIB
from testing.visitor import Visit

pytestmark = pytest.mark.browser

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "dashboard.ipynb"
CAP = 3


@pytest.fixture(scope="module")
def server(voila_server):
    return voila_server(NOTEBOOK, f"--RoomKernelManager.max_kernels={CAP}")


def _visit(url: str) -> Visit:
    async def go() -> Visit:
        v = await Visit(url).open()
        v.disconnect()
        return v

    # In a thread of its own: Playwright's sync API keeps an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, go()).result()


def _get(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def _kernel_budget_ok(server) -> tuple[int, float]:
    procs = server.kernel_processes().values()
    return len(procs), sum(p.memory_full_info().uss for p in procs) / 2**20


def test_past_the_cap_visitors_get_the_room_full_page(server, page):
    inside = [_visit(server.url) for _ in range(CAP)]
    assert [v.outcome for v in inside] == ["ok"] * CAP, [v.error for v in inside]
    assert all(v.updates for v in inside), "each admitted visitor moved the slider"

    # A reload loop from one laptop: every attempt is turned away, and nothing new starts.
    for _ in range(5):
        status, headers, body = _get(server.url)
        assert status == 503
        assert headers.get("Retry-After") == "60"
        assert "The room is full" in body and "Traceback" not in body
    extra = _visit(server.url)
    assert extra.outcome == "full" and extra.status == 503

    count, uss_mib = _kernel_budget_ok(server)
    assert count <= CAP, f"{count} kernels alive with a cap of {CAP}"
    assert uss_mib <= CAP * KERNEL_MIB, f"kernels use {uss_mib:.0f} MiB, budget {CAP * KERNEL_MIB} MiB"

    # The page a student sees, on a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    response = page.goto(server.url)
    assert response.status == 503
    heading = page.get_by_role("heading", name="The room is full")
    heading.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.get_by_role("link", name="Try again now").is_visible()

    # The server is still up; when someone leaves, the next visitor gets in.
    assert server.shutdown_kernel(inside[0].kernel_id, inside[0].cookies["stepguide_visitor"]) == 204
    deadline = time.monotonic() + 60
    again = _visit(server.url)
    while again.outcome == "full" and time.monotonic() < deadline:
        time.sleep(0.5)
        again = _visit(server.url)
    assert again.outcome == "ok", again.error or again.outcome
    assert _kernel_budget_ok(server)[0] <= CAP

    for v in [*inside[1:], again]:
        assert server.shutdown_kernel(v.kernel_id, v.cookies["stepguide_visitor"]) == 204
    assert server.wait_for_kernel_count(server.pool_size, timeout=60) == server.pool_size
    # The startup probe of deploy/k8s: 200 once the pool is full and has run the notebook again.
    deadline = time.monotonic() + 60
    status, _headers, body = _get(server.url + "stepguide/room.json?warm=1")
    while status != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
        status, _headers, body = _get(server.url + "stepguide/room.json?warm=1")
    assert status == 200 and '"warm": true' in body, body
