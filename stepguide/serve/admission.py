"""Who may take a place in the room: how many kernels a machine holds (``auto_cap``), which requests are a
visit of the page at all (``refuses_page_request``), which device a request comes from (``client_address``),
and the refusals a visitor sees (room full, too many pages from one device, not a page).
"""
from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from contextlib import suppress
from pathlib import Path

from tornado import web

#: Memory budget of one dashboard kernel, MiB: its unique memory (USS) after the notebook and a
#: slider move is 63-66 MiB here (``benchmarks/bench_load.py``; the issue measured 88 MiB on an
#: older kernel), rounded up for what a session adds. Lower it when the kernel gets leaner.
KERNEL_MIB = 90
#: Memory left free for the system and everything else.
RESERVE_MIB = 1024
RETRY_AFTER_S = 60
#: Seconds a visitor with too many pages waits before the 429 page tries again: a real page connects in seconds.
PAGES_RETRY_AFTER_S = 15


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


class TooManyPages(web.HTTPError):
    """This client address already holds as many pages (or pages still opening) as the room allows."""

    def __init__(self) -> None:
        super().__init__(429)


class NotAPage(web.HTTPError):
    """A page request that is no navigation to the page itself (a background fetch, an image, a frame)."""

    def __init__(self) -> None:
        super().__init__(403)


def refuses_page_request(headers: Mapping[str, str]) -> bool:
    """True if the browser marks this page request as something other than opening the page in a tab of its own.

    Browsers send Fetch Metadata on every request: a page opened from a link, a
    QR code or the address bar comes with ``Sec-Fetch-Mode: navigate`` and
    ``Sec-Fetch-Dest: document``. Another site's ``fetch(url, {mode:
    "no-cors"})`` says ``no-cors``/``empty``, an ``<img>`` ``image``, an
    ``<iframe>`` ``iframe``, a prefetch ``Sec-Purpose: prefetch``: none of them
    shows the dashboard to anyone, so none may take a kernel. A client that
    sends no such header (an old browser, ``curl``) is not refused here; the
    per-client limits and ``claim_timeout`` deal with it.

    >>> refuses_page_request({"Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "empty", "Sec-Fetch-Site": "cross-site"})
    True
    >>> refuses_page_request({"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document", "Sec-Fetch-Site": "none"})
    False
    >>> refuses_page_request({})
    False
    """
    mode = headers.get("Sec-Fetch-Mode", "navigate").strip().lower()
    dest = headers.get("Sec-Fetch-Dest", "document").strip().lower()
    purpose = (headers.get("Sec-Purpose", "") + headers.get("Purpose", "")).lower()
    return mode != "navigate" or dest != "document" or "prefetch" in purpose


def client_address(remote_ip: str | None, forwarded_for: str | None, trusted_proxies: Sequence[str]) -> str:
    """The address a page request comes from: the peer, or the address a trusted proxy forwards for it.

    ``X-Forwarded-For`` is believed only when the peer is one of
    ``trusted_proxies`` (addresses or networks), and then only its last entry,
    the one that proxy added: anything before it came from the client.

    >>> client_address("127.0.0.1", "6.6.6.6, 10.0.0.7", ["127.0.0.1"])
    '10.0.0.7'
    >>> client_address("10.0.0.9", "10.0.0.7", ["127.0.0.1"])
    '10.0.0.9'
    """
    peer = remote_ip or "?"
    if not forwarded_for or not _in_networks(peer, trusted_proxies):
        return peer
    last = forwarded_for.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(last))
    except ValueError:
        return peer


def _in_networks(address: str, networks: Sequence[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for net in networks:
        with suppress(ValueError):
            if ip in ipaddress.ip_network(net, strict=False):
                return True
    return False
