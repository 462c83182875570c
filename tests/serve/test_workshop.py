"""The workshop plan (pool and cap per worker), the HAProxy configuration and the projector page."""

from __future__ import annotations

import io
import subprocess

import pytest

from stepguide.serve.balancer import COOKIE, haproxy_binary, haproxy_config
from stepguide.serve.join import join_page, share_url
from stepguide.serve.room import KERNEL_MIB, RESERVE_MIB, auto_cap
from stepguide.serve.room_pages import room_full_html
from stepguide.serve.workshop import WORKER_MIB, plan_room, say_why_capped


@pytest.mark.parametrize(
    ("available", "kernel_mib", "reserve", "share", "expected"),
    [
        (9216, 100, 1024, 1, 81),   # (9216 - 1024) // 100
        (9216, 100, 1024, 2, 40),   # split over two workers, rounded down
        (1500, 100, 1024, 1, 4),
        (900, 100, 1024, 1, 1),     # less than the reserve: still one kernel, never zero or negative
        (24000, 90, 1024, 1, 255),
    ],
)
def test_auto_cap(available, kernel_mib, reserve, share, expected):
    assert auto_cap(available, kernel_mib=kernel_mib, reserve_mib=reserve, share=share) == expected


@pytest.mark.parametrize(("kwargs", "field"), [({"kernel_mib": 0}, "kernel_mib"), ({"share": 0}, "share")])
def test_auto_cap_rejects_bad_input(kwargs, field):
    with pytest.raises(ValueError, match=field):
        auto_cap(4096, **kwargs)


@pytest.mark.parametrize(
    ("room", "workers", "cap", "pool", "caps"),
    [
        (60, 2, 240, 30, (120, 120)),   # the room is split over the workers
        (61, 2, 240, 31, (120, 120)),   # rounded up: nobody is left without a warm kernel
        (60, 2, 40, 20, (20, 20)),      # memory-bound: the pool never exceeds a worker's cap
        (1, 4, 8, 1, (2, 2, 2, 2)),
        (10, 1, 100, 10, (100,)),
        (60, 2, 3, 1, (2, 1)),          # CAP=3 over two workers is a cap of 3, not 2
        (60, 3, 41, 13, (14, 14, 13)),
    ],
)
def test_plan_spreads_the_room(room, workers, cap, pool, caps):
    p = plan_room(room, workers, cap=cap)
    assert (p.pool, p.caps, p.workers, p.room) == (pool, caps, workers, room)
    assert p.total_cap == cap


def test_plan_default_cap_comes_from_memory():
    available = 8 * 1024
    p = plan_room(60, 2, available=available)
    assert p.total_cap == (available - 2 * WORKER_MIB - RESERVE_MIB) // KERNEL_MIB


def test_a_capped_room_says_why():
    by_hand, by_memory = io.StringIO(), io.StringIO()
    say_why_capped(plan_room(60, 2, cap=3), cap_given=True, out=by_hand)
    say_why_capped(plan_room(60, 2, available=2048), cap_given=False, out=by_memory)
    assert "3 of the 60" in by_hand.getvalue() and "CAP=3" in by_hand.getvalue()
    assert "memory" not in by_hand.getvalue() and "memory" in by_memory.getvalue()


@pytest.mark.parametrize(
    ("args", "field"),
    [((0, 2), "room"), ((60, 0), "workers"), ((60, 4), "cap")],
)
def test_plan_rejects_bad_input(args, field):
    with pytest.raises(ValueError, match=field):
        plan_room(*args, cap=2 if field == "cap" else 100)


def test_haproxy_config_is_sticky_and_spreads_new_visitors():
    cfg = haproxy_config("0.0.0.0", 8866, [9001, 9002])
    assert "bind 0.0.0.0:8866" in cfg
    assert f"cookie {COOKIE} insert indirect nocache" in cfg
    assert "balance roundrobin" in cfg  # new visitors alternate: each worker holds an equal pool
    assert "server w1 127.0.0.1:9001 cookie w1" in cfg and "server w2 127.0.0.1:9002 cookie w2" in cfg
    assert "timeout tunnel" in cfg  # websockets outlive ordinary requests
    # static files are cached and compressed; pages and the kernel API never are
    cached = next(line for line in cfg.splitlines() if line.strip().startswith("acl asset"))
    assert "/voila/static/" in cached and "/api/" not in cached and " / " not in cached + " "


@pytest.mark.parametrize(("port", "workers"), [(0, [9001]), (8866, []), (8866, [70000])])
def test_haproxy_config_rejects_bad_ports(port, workers):
    with pytest.raises(ValueError, match="port"):
        haproxy_config("127.0.0.1", port, workers)


@pytest.mark.skipif(haproxy_binary() is None, reason="haproxy not installed (make haproxy)")
def test_haproxy_accepts_the_config(tmp_path):
    path = tmp_path / "haproxy.cfg"
    path.write_text(haproxy_config("127.0.0.1", 8866, [9001, 9002]))
    result = subprocess.run([haproxy_binary(), "-c", "-f", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_share_url_names_the_machine_on_the_network():
    assert share_url("127.0.0.1", 8866) == "http://127.0.0.1:8866/"
    url = share_url("0.0.0.0", 9000)
    assert url.startswith("http://") and url.endswith(":9000/") and "0.0.0.0" not in url


def test_join_page_escapes_the_url_and_draws_a_qr_code():
    html = join_page('http://x/"><script>', 4)
    assert "<script>" not in html and "&quot;&gt;&lt;script&gt;" in html
    assert "<svg" in html


def test_room_full_page_is_self_contained():
    html = room_full_html(45)
    assert "The room is full" in html and 'content="45"' in html
    assert "<script" not in html and "http" not in html.replace('http-equiv', '')


@pytest.mark.parametrize(
    ("limit", "current", "expected_at_most"),
    [("max", "0", None), (str(3 * 2**30), str(2**30), 2048.0), ("garbage", "0", None)],
)
def test_available_memory_respects_a_container_limit(tmp_path, limit, current, expected_at_most):
    from stepguide.serve.room import available_mib

    (tmp_path / "memory.max").write_text(limit + "\n")
    (tmp_path / "memory.current").write_text(current + "\n")
    host = available_mib(tmp_path / "absent")  # no cgroup files: the host's MemAvailable
    got = available_mib(tmp_path)
    assert got == pytest.approx(min(host, expected_at_most) if expected_at_most else host, rel=0.05)
