"""``make workshop``: serve the dashboard to a room on its network, one command.

    stepguide workshop [--room 60] [--workers N] [--host 0.0.0.0] [--port 8866] [--cap K]
                       [--trusted-proxies 10.0.0.0/8,...]

What it starts (and stops again on Ctrl-C or SIGTERM):

* N standalone Voila workers (default: one per core) on free loopback ports,
  each with the project's ``voila.json`` (the clone's, or the installed package's copy:
  :mod:`stepguide.serve.project`; culling, lean kernels, the shutdown fix) plus a preheated pool of
  ``ceil(room / N)`` kernels and a share of the kernel cap (:mod:`stepguide.serve.room`);
* HAProxy on ``host:port`` in front of them with a worker cookie
  (:mod:`stepguide.serve.balancer`). With one worker, or without HAProxy, the single
  worker listens on ``host:port`` itself.

The workers limit the pages one device holds by its address; behind HAProxy
they take it from the ``X-Forwarded-For`` that HAProxy writes (it connects from
loopback, which they trust). Behind another proxy (a cluster's Ingress), name
its addresses with ``--trusted-proxies``, or every visitor looks like one device.

It waits until every pool has run the notebook, then prints the link to share,
a QR code, and the path of a page to project with both. The cap defaults to
what memory allows: ``(available - 1 GiB - workers) / 90 MiB`` kernels.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import math
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from stepguide.serve import balancer
from stepguide.serve.admission import KERNEL_MIB, RESERVE_MIB, RETRY_AFTER_S, auto_cap, available_mib
from stepguide.serve.join import join_page, qr_text, share_url
from stepguide.serve.processes import stop_processes
from stepguide.serve.project import project_root, server_env
from stepguide.serve.room_pages import room_full_html

#: Resident memory of one Voila worker with 30 pages open, MiB (2 workers and HAProxy: 326-352 MiB,
#: bench_load.py); its kernels are counted apart.
WORKER_MIB = 160
DEFAULT_ROOM = 60


@dataclass(frozen=True)
class RoomPlan:
    """How a room is spread over workers and memory."""

    room: int
    workers: int
    pool: int  # preheated kernels per worker
    caps: tuple[int, ...]  # each worker's most kernels, pooled and in use; they add up to the room's cap

    @property
    def total_cap(self) -> int:
        return sum(self.caps)


def plan_room(room: int, workers: int, *, cap: int | None = None, available: float | None = None,
              kernel_mib: float = KERNEL_MIB, reserve_mib: float = RESERVE_MIB) -> RoomPlan:
    """Pool and cap per worker for ``room`` visitors. ``cap`` (total kernels) defaults to what memory allows."""
    if room < 1:
        raise ValueError(f"room must be >= 1 (people expected), got {room}")
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    if cap is None:
        free = available_mib() if available is None else available
        cap = auto_cap(free - workers * WORKER_MIB, kernel_mib=kernel_mib, reserve_mib=reserve_mib)
    if cap < workers:
        raise ValueError(f"cap must be >= workers ({workers}) so each worker can hold a kernel, got {cap}")
    # The cap is the room's: CAP=3 over two workers is 2 + 1 kernels, not 1 + 1.
    per_worker, left = divmod(cap, workers)
    caps = tuple(per_worker + (i < left) for i in range(workers))
    return RoomPlan(room=room, workers=workers, pool=min(math.ceil(room / workers), per_worker), caps=caps)


def say_why_capped(room_plan: RoomPlan, cap_given: bool, out: TextIO | None = None) -> None:
    """Tell the operator the room holds fewer people than expected, and why: the cap they set, or the machine's
    memory."""
    print(f"workshop: {room_plan.total_cap} of the {room_plan.room} expected visitors fit, because of "
          + (f"the cap you set (--cap/CAP={room_plan.total_cap})" if cap_given
             else f"this machine's memory ({KERNEL_MIB} MiB per visitor)")
          + "; more will see the room-full page.", file=out or sys.stdout)


def pick_port(rng: random.Random | None = None) -> int:
    """A free loopback port below Linux's ephemeral range (32768+).

    Kernels bind their ZMQ ports in the ephemeral range at any moment; a port
    picked there could be taken between this check and the worker's bind.
    """
    rng = rng or random.Random()
    for _ in range(200):
        port = rng.randrange(20000, 32768)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 20000..32767")


def _status(port: int) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/stepguide/room.json", timeout=5) as r:
            return json.load(r)
    except Exception:  # noqa: BLE001 - not up yet (refused, reset, half-written reply): ask again later
        return None


def _program(proc: subprocess.Popen[bytes]) -> str:
    """The program a process runs (its argv[0]), for messages."""
    return str(proc.args[0]) if isinstance(proc.args, (list, tuple)) else str(proc.args)


class Workshop:
    """The running workers and proxy; :meth:`stop` ends them and every kernel."""

    def __init__(self, notebook: Path, room_plan: RoomPlan, host: str, port: int, run_dir: Path,
                 voila_args: list[str], use_proxy: bool, trusted_proxies: list[str] | None = None,
                 per_source: int = balancer.PER_SOURCE) -> None:
        self.notebook, self.room_plan, self.host, self.port = notebook, room_plan, host, port
        self.run_dir, self.use_proxy, self.per_source = run_dir, use_proxy, per_source
        self.worker_ports = [pick_port() for _ in range(room_plan.workers)] if use_proxy else [port]
        self.procs: list[subprocess.Popen[bytes]] = []
        self._kids: dict[int, list[Any]] = {}  # each worker's kernels as last seen, to stop them if it dies
        # loopback (HAProxy) is always trusted; the operator adds the proxy in front of a lone worker
        trusted = ["127.0.0.1", "::1", *(trusted_proxies or [])]
        self.voila_args = [*(f"--RoomKernelManager.trusted_proxies={t}" for t in trusted), *voila_args]

    def start(self) -> None:
        """Start the workers, then the proxy; ``stop()`` ends whatever was started."""
        notebook, plan, host, port, run_dir = self.notebook, self.room_plan, self.host, self.port, self.run_dir
        use_proxy, voila_args = self.use_proxy, self.voila_args
        env, root = server_env(), project_root()
        bind = "127.0.0.1" if use_proxy else host
        self._worker_env, self._root = env, root
        self._worker_argvs = [
            [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={wport}",
             f"--Voila.ip={bind}", "--Voila.port_retries=0", "--preheat_kernel=True",
             f"--pool_size={plan.pool}", f"--RoomKernelManager.max_kernels={plan.caps[i]}",
             f"--RoomKernelManager.pool_starts={max(1, (os.cpu_count() or 1) // plan.workers)}", *voila_args]
            for i, wport in enumerate(self.worker_ports)]
        for i in range(len(self.worker_ports)):
            self.procs.append(self._spawn_worker(i))
        if use_proxy:
            full = run_dir / "room_full.http"
            full.write_text(balancer.room_full_response(room_full_html(RETRY_AFTER_S), RETRY_AFTER_S), encoding="utf-8")
            cfg = run_dir / "haproxy.cfg"
            cfg.write_text(balancer.haproxy_config(host, port, self.worker_ports, per_source=self.per_source,
                                                     room_full=str(full)))
            binary = balancer.haproxy_binary()
            if binary is None:
                raise RuntimeError("haproxy not found: install it (Debian: apt-get install haproxy) or use one worker")
            with open(run_dir / "haproxy.log", "wb") as log:
                self.procs.append(subprocess.Popen(balancer.haproxy_argv(binary, str(cfg)),
                                                   stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                                   start_new_session=True))

        self._write_servers()

    def _spawn_worker(self, i: int) -> subprocess.Popen[bytes]:
        with open(self.run_dir / f"worker-{i + 1}.log", "ab") as log:  # the worker keeps its own copy
            return subprocess.Popen(self._worker_argvs[i], cwd=self._root, env=self._worker_env, stdout=log,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)

    def watch(self) -> int:
        """Restart any worker that has died (issue 19, item 6), after killing the kernels it left; print what was
        done and return how many were restarted.

        A worker killed outright (``kill -9``, the out-of-memory killer) leaves
        its kernels running in their own sessions with nobody to talk to them:
        they are found among the children seen on the previous call.
        """
        import psutil

        done = 0
        for i in range(len(self.worker_ports)):
            proc = self.procs[i]
            if proc.poll() is None:  # (poll also reaps a dead worker: no zombie is left)
                with suppress(psutil.Error):
                    self._kids[i] = psutil.Process(proc.pid).children(recursive=True)
                continue
            orphans = [k for k in self._kids.pop(i, []) if k.is_running()]
            for k in orphans:
                with suppress(psutil.Error):
                    k.kill()
            self.procs[i] = self._spawn_worker(i)
            self._write_servers()
            done += 1
            print(f"workshop: worker {i + 1} (port {self.worker_ports[i]}) exited with code {proc.returncode}; "
                  f"{len(orphans)} of its kernels stopped; restarted", flush=True)
        return done

    def _write_servers(self) -> None:
        plan, host, port = self.room_plan, self.host, self.port
        (self.run_dir / "servers.json").write_text(json.dumps({
            "url": f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}/",
            "worker_ports": self.worker_ports, "pids": [p.pid for p in self.procs], "proxy": self.use_proxy,
            "plan": {"room": plan.room, "workers": plan.workers, "pool": plan.pool, "caps": list(plan.caps)}}))

    def statuses(self) -> list[dict | None]:
        return [_status(p) for p in self.worker_ports]

    def wait_ready(self, timeout: float = 600.0, progress=None) -> bool:
        """Wait until every worker's pool is full and has run the notebook; False if ``timeout`` came first.

        Serving with a pool not quite full beats not serving: the caller warns and goes on.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for p in self.procs:
                if p.poll() is not None:
                    raise RuntimeError(f"a server exited ({_program(p)} ... code {p.returncode}); "
                                       f"logs in {self.run_dir}")
            st = self.statuses()
            warm = sum(s["kernels"] for s in st if s)
            if progress:
                progress(warm, self.room_plan.pool * self.room_plan.workers)
            if all(s and s["warm"] for s in st):
                return True
            time.sleep(0.5)
        if not all(self.statuses()):
            raise TimeoutError(f"workers not answering after {timeout:.0f} s; logs in {self.run_dir}")
        return False

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM every server (Voila shuts its kernels down), the proxy first so no new visitor arrives while the
        workers stop; then kill whatever is left, kernels included."""
        stop_processes(list(reversed(self.procs)), timeout)


def main(argv: list[str] | None = None) -> int:
    env = os.environ.get
    ap = argparse.ArgumentParser(prog="stepguide workshop",
                                 description="Serve the dashboard to a workshop room (see README).")
    ap.add_argument("--room", type=int, default=int(env("ROOM") or DEFAULT_ROOM), help="people expected (env ROOM)")
    ap.add_argument("--workers", type=int, default=int(env("WORKERS") or os.cpu_count() or 1),
                    help="Voila processes (env WORKERS; default: cores)")
    ap.add_argument("--host", default=env("HOST") or "0.0.0.0", help="address to listen on (env HOST)")
    ap.add_argument("--port", type=int, default=int(env("PORT") or 8866), help="port to listen on (env PORT)")
    cap = env("CAP")
    ap.add_argument("--cap", type=int, default=int(cap) if cap else None,
                    help="most kernels in all (env CAP; default: what memory allows)")
    ap.add_argument("--trusted-proxies", default=env("TRUSTED_PROXIES") or "",
                    help="addresses or networks of a proxy in front of the workers whose X-Forwarded-For names "
                         "the visitor's device, comma-separated (env TRUSTED_PROXIES; HAProxy on loopback always)")
    ap.add_argument("--per-source", type=int, default=int(env("PER_SOURCE") or balancer.PER_SOURCE),
                    help="connections one client address may hold through HAProxy (env PER_SOURCE; default "
                         f"{balancer.PER_SOURCE}: ~6 per browser and a websocket per tab); raise it for a room "
                         "behind one NAT, with the workers' max_per_client and messages_per_second")
    ap.add_argument("--notebook", type=Path, default=None, help="default: notebooks/dashboard.ipynb")
    ap.add_argument("--run-dir", type=Path, default=None, help="logs and generated files (default: a temp dir)")
    ap.add_argument("--no-qr", action="store_true", help="do not draw the QR code in the terminal")
    ap.add_argument("voila_args", nargs="*", help="further Voila options, after --")
    a = ap.parse_args(argv)

    workers = a.workers
    if workers > 1 and balancer.haproxy_binary() is None:
        print("workshop: haproxy not found (Debian: apt-get install haproxy); using one worker", file=sys.stderr)
        workers = 1
    try:
        p = plan_room(a.room, workers, cap=a.cap)
    except ValueError as exc:
        print(f"workshop: {exc}", file=sys.stderr)
        return 2
    run_dir = a.run_dir or Path(tempfile.mkdtemp(prefix=f"stepguide-workshop-{a.port}-"))
    run_dir.mkdir(parents=True, exist_ok=True)
    print(f"stepguide workshop: room of {p.room}, {p.workers} worker(s), {p.pool} warm kernels each, "
          f"at most {p.total_cap} kernels in all (~{p.total_cap * KERNEL_MIB / 1024:.1f} GiB). Logs: {run_dir}")
    if p.total_cap < p.room:
        say_why_capped(p, a.cap is not None)
    notebook = (a.notebook or project_root() / "notebooks" / "dashboard.ipynb").resolve()
    if not notebook.is_file():
        print(f"workshop: notebook not found: {notebook}", file=sys.stderr)
        return 2
    if a.per_source < 1:
        print("workshop: --per-source must be at least 1 (connections one client address holds), "
              f"got {a.per_source}", file=sys.stderr)
        return 2
    trusted = [t.strip() for t in a.trusted_proxies.split(",") if t.strip()]
    for t in trusted:
        try:
            ipaddress.ip_network(t, strict=False)
        except ValueError:
            print(f"workshop: --trusted-proxies must list addresses or networks (10.0.0.0/8), got {t!r}",
                  file=sys.stderr)
            return 2
    shop = Workshop(notebook, p, a.host, a.port, run_dir, a.voila_args, use_proxy=workers > 1,
                    trusted_proxies=trusted, per_source=a.per_source)

    def _stop(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)  # also when started with SIGINT ignored (a background job)
    try:
        shop.start()
        shown: list[int] = []

        def progress(n: int, of: int) -> None:
            if not shown or n == of != shown[-1] or n - shown[-1] >= max(1, of // 10):
                shown.append(n)
                print(f"  warming kernels: {n}/{of}", flush=True)

        if not shop.wait_ready(timeout=300, progress=progress):
            print(f"workshop: the warm pools are not full after 5 minutes (see {run_dir}); serving anyway")
        url = share_url(a.host, a.port)
        (run_dir / "join.html").write_text(join_page(url, p.room), encoding="utf-8")
        print(f"\nReady. Share this link with the room:\n\n    {url}\n")
        qr = None if a.no_qr else qr_text(url)
        if qr:
            print(qr)
        print(f"Page to project (link and QR code): {run_dir / 'join.html'}\nCtrl-C stops everything.", flush=True)
        last = time.monotonic()
        while True:
            time.sleep(2)
            shop.watch()
            if time.monotonic() - last < 30:
                continue
            last = time.monotonic()
            st = [s for s in shop.statuses() if s]
            # the capacity of the workers that answer, not the plan's: a worker down or restarting holds nobody
            print(f"  kernels: {sum(s['kernels'] for s in st)} of {sum(s['cap'] for s in st)} "
                  f"({sum(s['pool'] for s in st)} warm in the pools; {len(st)} of {p.workers} workers up)", flush=True)
    except KeyboardInterrupt:
        print("\nstopping...", flush=True)
    finally:
        shop.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
