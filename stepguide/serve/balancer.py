"""HAProxy in front of several Voila workers: one port for the room, every core used.

One Voila process serves every websocket of its visitors from one Python
thread, so a workshop runs N workers and HAProxy spreads visitors over them.
A page and its kernel live in one worker, so every later request of that page
(the kernel websocket, ``api/kernels/<id>``, the shutdown beacon) must reach the
same worker: HAProxy inserts a ``SGWORKER`` cookie on the first response and
routes by it afterwards. New visitors (no cookie yet) take the workers in turn
(``roundrobin``), which matches the plan: each worker's preheated pool holds
an equal share of the room. (``leastconn`` was tried: a cold browser's six
parallel asset connections skew it, and one worker's pool ran dry while the
other's was still full.) A cookie is per browser, not per source address, so
a whole room behind one NAT still spreads over the workers.

A page request (``GET /``) is the one request that may go anywhere: it takes a
new kernel. It goes to the ``pages`` backend, where a worker counts as down
while it would turn a visitor away (its health check asks
``stepguide/room.json?admit=1``, 503 then); HAProxy ignores a cookie naming a
server that is down, sends the page to a worker with room and sets the cookie to
that worker; everything else follows the cookie
(issue 19, item 4: a visitor pinned to a full worker got the room-full page
while another worker had room). When no worker has room, or none answers,
HAProxy answers with the room's own page (``errorfile``), not its generic one.

The workers limit the pages one client address holds
(:class:`stepguide.serve.room.RoomKernelManager`), so HAProxy writes the client's
address into ``X-Forwarded-For`` itself, replacing whatever the client sent.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence

COOKIE = "SGWORKER"
#: Connections one client address may hold at once through HAProxy.
PER_SOURCE = 100

_TEMPLATE = """\
# Written by stepguide.serve.workshop; regenerated on every start.
global
    maxconn {maxconn}

defaults
    mode http
    timeout connect 5s
    timeout client 1h
    timeout server 1h
    # a kernel websocket stays open as long as the student's tab
    timeout tunnel 12h
    # a client that never finishes its request headers holds a connection this long at most
    timeout http-request 10s

frontend room
    bind {host}:{port}
    # One source holds at most {per_source} connections (a browser needs ~6 plus a websocket per tab): thousands of
    # half-open requests from one client would otherwise take every slot of maxconn and stall the room.
    stick-table type ipv6 size 100k expire 60s store conn_cur
    tcp-request connection track-sc0 src
    tcp-request connection reject if {{ sc0_conn_cur gt {per_source} }}
    # The workers count pages per client address: they believe X-Forwarded-For from this proxy only, and
    # this proxy writes it afresh (a client's own header would otherwise name someone else).
    http-request set-header X-Forwarded-For %[src]
    use_backend pages if {{ method GET }} {{ path / }}
    default_backend workers

cache assets
    # Voila's scripts, styles and fonts: the same ~6 MB for every cold browser in the room.
    total-max-size 256
    max-object-size 16777216
    max-age 3600
    process-vary on

backend workers
    balance roundrobin
    cookie {cookie} insert indirect nocache httponly attr "SameSite=Lax"
    # Voila serves its scripts and styles uncompressed; a room's Wi-Fi is the narrow part.
    # The cache keeps each file once, as Voila sent it; compression applies to every reply, hits included.
    filter cache assets
    filter compression
    compression algo gzip
    compression type text/html text/css text/javascript application/javascript application/json
    acl asset path_beg /voila/static/ /voila/templates/ /voila/labextensions/
    http-request set-var(txn.asset) bool(true) if asset
    http-request cache-use assets if asset
    http-response cache-store assets if {{ var(txn.asset) -m bool }}
    http-response set-header X-Cache hit if {{ var(txn.asset) -m bool }} !{{ srv_id -m found }}
    # A worker busy warming its pool can be slow to answer: mark it down only after 10 s of silence.
    option httpchk GET /stepguide/room.json
    timeout check 5s
    default-server check inter 2s fall 5 rise 1
{errorfiles}
{servers}

backend pages
    # A new page takes a kernel. Its cookie's worker is DOWN here while full (the check below), and HAProxy
    # ignores a cookie naming a server that is down: the page goes to a worker with room, and the cookie follows.
    balance roundrobin
    cookie {cookie} insert indirect nocache httponly attr "SameSite=Lax"
    # a worker that has just died (before its check fails) refuses the connection: try the page on another one
    option redispatch 1
    retries 2
    filter compression
    compression algo gzip
    compression type text/html
    option httpchk GET /stepguide/room.json?admit=1
    timeout check 5s
    default-server check inter 1s fall 1 rise 1
{errorfiles}
{servers}
"""


def haproxy_config(host: str, port: int, worker_ports: Sequence[int], *, maxconn: int = 4096,
                   per_source: int = PER_SOURCE, room_full: str | None = None) -> str:
    """HAProxy configuration: ``host:port`` in front of Voila workers on ``127.0.0.1:<worker_ports>``.

    ``per_source``: most connections one client address holds at once (issue 19, item 7).
    ``room_full``: path of an HTTP response file (:func:`room_full_response`) HAProxy sends when no worker can
    take a page (502, 503, 504) instead of its own error page.
    """
    if not worker_ports:
        raise ValueError("worker_ports must name at least one worker port")
    if per_source < 1:
        raise ValueError(f"per_source must be >= 1 (connections one client address holds), got {per_source}")
    for p in (port, *worker_ports):
        if not 0 < int(p) < 65536:
            raise ValueError(f"port must be in 1..65535, got {p}")
    servers = "\n".join(f"    server w{i} 127.0.0.1:{p} cookie w{i}" for i, p in enumerate(worker_ports, 1))
    errorfiles = "\n".join(f"    errorfile {code} {room_full}" for code in (502, 503, 504)) if room_full else ""
    return _TEMPLATE.format(host=host, port=int(port), cookie=COOKIE, servers=servers, maxconn=int(maxconn),
                            per_source=int(per_source),
                            errorfiles=errorfiles)


def room_full_response(html: str, retry_after: int) -> str:
    """A raw HTTP 503 response carrying ``html``, for HAProxy's ``errorfile``."""
    body = html.encode("utf-8")
    return ("HTTP/1.0 503 Service Unavailable\r\nCache-Control: no-store\r\nConnection: close\r\n"
            f"Content-Type: text/html; charset=utf-8\r\nRetry-After: {int(retry_after)}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n") + html


def haproxy_binary() -> str | None:
    """Path of the ``haproxy`` executable, or None (Debian: ``apt-get install haproxy``)."""
    return shutil.which("haproxy") or next(
        (p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy") if shutil.which(p)), None)


def haproxy_argv(binary: str, config_path: str) -> list[str]:
    """Run in the foreground (``-db``) in master-worker mode (``-W``), so SIGTERM stops it."""
    return [binary, "-W", "-db", "-f", config_path]
