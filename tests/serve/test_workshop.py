"""The workshop plan (pool and cap per worker), the HAProxy configuration and the projector page."""

from __future__ import annotations

import io
import subprocess

import pytest

from stepguide.serve.admission import KERNEL_MIB, RESERVE_MIB, auto_cap, client_address, refuses_page_request
from stepguide.serve.balancer import COOKIE, haproxy_binary, haproxy_config
from stepguide.serve.join import join_page, share_url
from stepguide.serve.room_pages import not_a_page_html, room_full_html, too_many_pages_html
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


def test_haproxy_writes_the_client_address_itself():
    """The workers count pages per device from X-Forwarded-For: the proxy must overwrite the client's own."""
    cfg = haproxy_config("0.0.0.0", 8866, [9001, 9002])
    assert "http-request set-header X-Forwarded-For %[src]" in cfg
    assert "option forwardfor" not in cfg  # that would append to a header the client may have forged


@pytest.mark.parametrize("html", [room_full_html(45), too_many_pages_html(45), not_a_page_html()])
def test_the_pages_that_turn_a_visitor_away_are_self_contained(html):
    assert "<script" not in html and "http" not in html.replace('http-equiv', '')
    assert len(html) < 4096


def test_room_pages_say_what_happened():
    assert "The room is full" in room_full_html(45) and 'content="45"' in room_full_html(45)
    assert "Too many pages from your device" in too_many_pages_html(15) and 'content="15"' in too_many_pages_html(15)
    assert "Open the guide as a page" in not_a_page_html() and "refresh" not in not_a_page_html()


@pytest.mark.parametrize(
    ("headers", "refused"),
    [
        ({}, False),  # curl, an old browser: the per-device limits and the claim timeout deal with it
        ({"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document", "Sec-Fetch-Site": "none"}, False),
        ({"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document", "Sec-Fetch-Site": "cross-site"}, False),
        ({"Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "empty", "Sec-Fetch-Site": "cross-site"}, True),
        ({"Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty", "Sec-Fetch-Site": "same-origin"}, True),
        ({"Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}, True),
        ({"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe", "Sec-Fetch-Site": "cross-site"}, True),
        ({"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document", "Sec-Purpose": "prefetch;prerender"}, True),
        ({"Purpose": "prefetch"}, True),
        ({"Sec-Fetch-Mode": " Navigate ", "Sec-Fetch-Dest": "DOCUMENT"}, False),
    ],
)
def test_only_a_navigation_to_the_page_may_take_a_kernel(headers, refused):
    assert refuses_page_request(headers) is refused


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        ("10.0.0.9", None, ["127.0.0.1"], "10.0.0.9"),
        ("10.0.0.9", "1.2.3.4", ["127.0.0.1"], "10.0.0.9"),  # a client naming someone else is not believed
        ("127.0.0.1", "10.0.0.7", ["127.0.0.1"], "10.0.0.7"),
        ("127.0.0.1", "6.6.6.6, 10.0.0.7", ["127.0.0.1"], "10.0.0.7"),  # only the proxy's own, last entry
        ("127.0.0.1", "not-an-address", ["127.0.0.1"], "127.0.0.1"),
        ("::1", "fd00::5", ["127.0.0.1", "::1"], "fd00::5"),
        ("10.1.2.3", "10.0.0.7", ["10.1.0.0/16"], "10.0.0.7"),  # a proxy network (a cluster's ingress)
        ("10.2.2.3", "10.0.0.7", ["10.1.0.0/16", "garbage"], "10.2.2.3"),
        (None, "10.0.0.7", ["127.0.0.1"], "?"),
    ],
)
def test_the_client_address_is_the_trusted_proxys_word_or_the_peer(peer, forwarded, trusted, expected):
    assert client_address(peer, forwarded, trusted) == expected


@pytest.mark.parametrize(
    ("limit", "current", "expected_at_most"),
    [("max", "0", None), (str(3 * 2**30), str(2**30), 2048.0), ("garbage", "0", None)],
)
def test_available_memory_respects_a_container_limit(tmp_path, limit, current, expected_at_most):
    from stepguide.serve.admission import available_mib

    (tmp_path / "memory.max").write_text(limit + "\n")
    (tmp_path / "memory.current").write_text(current + "\n")
    host = available_mib(tmp_path / "absent")  # no cgroup files: the host's MemAvailable
    got = available_mib(tmp_path)
    assert got == pytest.approx(min(host, expected_at_most) if expected_at_most else host, rel=0.05)


def test_workers_believe_haproxy_and_the_named_proxies(tmp_path):
    from stepguide.serve.workshop import Workshop

    shop = Workshop(tmp_path / "nb.ipynb", plan_room(2, 1, cap=4), "127.0.0.1", 8866, tmp_path, ["--x=1"],
                    use_proxy=False, trusted_proxies=["10.0.0.0/8"])
    trusted = [a.split("=", 1)[1] for a in shop.voila_args if a.startswith("--RoomKernelManager.trusted_proxies=")]
    assert trusted == ["127.0.0.1", "::1", "10.0.0.0/8"] and shop.voila_args[-1] == "--x=1"


def test_workshop_rejects_a_proxy_that_is_no_address(tmp_path, capsys):
    from stepguide.serve.workshop import main

    assert main(["--trusted-proxies", "10.0.0.0/8,ingress", "--workers", "1", "--cap", "4",
                 "--run-dir", str(tmp_path)]) == 2
    assert "--trusted-proxies" in capsys.readouterr().err


def test_workshop_rejects_a_connection_limit_below_one(tmp_path, capsys):
    from stepguide.serve.workshop import main

    assert main(["--per-source", "0", "--workers", "1", "--cap", "4", "--run-dir", str(tmp_path)]) == 2
    assert "--per-source must be at least 1" in capsys.readouterr().err


def test_a_new_page_goes_to_a_worker_with_room(tmp_path):
    """Issue 19, items 4 and 6: page requests ignore the worker cookie and skip full workers; when none can take
    one, HAProxy answers with the room's own page."""
    from stepguide.serve.balancer import room_full_response

    full = tmp_path / "room_full.http"
    full.write_text(room_full_response(room_full_html(60), 60))
    cfg = haproxy_config("127.0.0.1", 8866, [9001, 9002], room_full=str(full))
    pages = cfg[cfg.index("backend pages"):]
    assert "use_backend pages if { method GET } { path / }" in cfg
    assert "room.json?admit=1" in pages and "ignore-persist" not in pages  # (that would set no cookie)
    assert "option redispatch 1" in pages and "redispatch" not in cfg[:cfg.index("backend pages")]
    assert f"errorfile 503 {full}" in pages
    raw = full.read_bytes().decode()
    head, body = raw.split("\r\n\r\n", 1)
    assert head.startswith("HTTP/1.0 503") and "Retry-After: 60" in head
    assert f"Content-Length: {len(body.encode())}" in head and "The room is full" in body
    if haproxy_binary():
        path = tmp_path / "haproxy.cfg"
        path.write_text(cfg)
        result = subprocess.run([haproxy_binary(), "-c", "-f", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_one_source_holds_a_bounded_share_of_the_connections():
    cfg = haproxy_config("0.0.0.0", 8866, [9001], per_source=50)
    assert "tcp-request connection track-sc0 src" in cfg and "sc0_conn_cur gt 50" in cfg
    assert "timeout http-request 10s" in cfg
    with pytest.raises(ValueError, match="per_source"):
        haproxy_config("0.0.0.0", 8866, [9001], per_source=0)
