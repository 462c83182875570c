"""A room arriving at once: protocol-level visitors against the workshop setup and the one-process baseline.

    .venv/bin/python benchmarks/bench_load.py --users 60 --spread 10                 # workshop vs baseline
    .venv/bin/python benchmarks/bench_load.py --users 30 --spread 10 --configs workshop
    .venv/bin/python benchmarks/bench_load.py --users 60 --configs workshop --room 60 --workers 2 --assets

Each visitor (``testing/visitor.py``) does what a browser does: GET the page,
``api/kernels/<id>``, the kernel websocket, ``kernel_info``, the widget
manager's ``comm_open`` + ``request_states`` (*ready*: every widget can now
render), then one slider move (*update*: until the kernel is idle again after
running every callback). ``--assets`` also fetches, six at a time, the static
files a cold Chromium loads (listed once per config by a real Chromium load).
Arrival times are uniform at random over ``--spread`` seconds (seeded). Every
visitor keeps its page open until all have finished, then all leave (the
shutdown beacon, like closing the tab). *Kernels left* counts visitors'
kernels still alive ``--settle`` seconds later.

Configs:
  workshop   ``python -m stepguide.serve.workshop`` on loopback (what ``make workshop`` runs) with its defaults,
             or ``--room``/``--workers``/``--cap`` when given
  dashboard  the issue's baseline: one Voila with voila.json as before the room manager (jupyter_server's
             stock kernel manager: no cap, no refill throttle) and ``--pool_size=--baseline-pool`` (default 2)

Prints a table and appends one JSON record to benchmarks/results/load.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from contextlib import suppress
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from testing.visitor import Visit  # noqa: E402
from testing.voila import VoilaProcess, start_voila  # noqa: E402
from testing.workshop import WorkshopProcess, start_workshop  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "load.json"
NOTEBOOK = ROOT / "notebooks" / "dashboard.ipynb"
STOCK_KM = "jupyter_server.services.kernels.kernelmanager.AsyncMappingKernelManager"


def pct(xs: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of ``xs`` in ms, None if empty."""
    if not xs:
        return None
    s = sorted(xs)
    return round(1000 * s[max(0, min(len(s) - 1, int(round(q / 100 * len(s) + 0.5)) - 1))], 1)


def list_assets(url: str) -> list[str]:
    """Same-origin static files a cold Chromium fetches for the page (paths relative to ``url``)."""
    from playwright.sync_api import sync_playwright

    seen: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                    args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.on("request", lambda r: seen.append(r.url))
        page.goto(url)
        page.locator(".jupyter-widgets").first.wait_for(timeout=60_000)
        page.wait_for_timeout(2000)
        page.close(run_before_unload=True)
        browser.close()
    paths = [u[len(url):] for u in seen if u.startswith(url)]
    return [p for p in dict.fromkeys(paths) if p and not p.startswith(("api/", "voila/api/", "voila/query/"))]


class Server:
    """A config under test: its URL, kernel processes and how to stop it."""

    def __init__(self, name: str, args: argparse.Namespace, workdir: Path) -> None:
        self.name = name
        self.proc: WorkshopProcess | VoilaProcess
        if name == "workshop":
            extra = [f"--{k}={getattr(args, k)}" for k in ("room", "workers", "cap") if getattr(args, k) is not None]
            # This one machine stands for every device in the room: the workers' per-device page limits and message
            # budgets are off, and HAProxy lets this one address hold every visitor's connections (a websocket
            # each, then the beacons; before, the 101st connection was refused and no beacon of a room of 100
            # arrived, so no kernel was freed).
            extra += [f"--per-source={8 * max(args.users) + 20}"]  # --assets: six files at once each
            extra += ["--", "--RoomKernelManager.max_per_client=0", "--RoomKernelManager.max_pending_per_client=0",
                      "--RoomKernelManager.messages_per_second=0",
                      *(args.voila_arg or [])]
            started = time.monotonic()
            self.proc = start_workshop(*extra, run_dir=workdir / "workshop", timeout=900)
            self.start_s = time.monotonic() - started  # launch -> "Ready." (every pool filled, the link shareable)
            self.settings = {"launcher_args": extra, "plan": self.proc.plan}
        elif name == "dashboard":
            workdir.mkdir(parents=True, exist_ok=True)
            vargs = [f"--pool_size={args.baseline_pool}", f"--VoilaConfiguration.multi_kernel_manager_class={STOCK_KM}"]
            started = time.monotonic()
            voila = start_voila(NOTEBOOK, *vargs, log_path=workdir / "voila.log")
            voila.wait_quiescent()
            self.start_s = time.monotonic() - started
            self.proc = voila
            self.settings = {"voila_args": vargs}
        else:
            raise ValueError(f"config must be workshop or dashboard, got {name!r}")
        self.url = self.proc.url

    def kernels(self) -> dict[str, Any]:
        return self.proc.kernel_processes()

    def server_rss_mib(self) -> float:
        import psutil

        pids = self.proc.server_pids if isinstance(self.proc, WorkshopProcess) else [self.proc.proc.pid]
        total = 0.0
        for pid in pids:
            with suppress(psutil.NoSuchProcess):
                total += psutil.Process(pid).memory_info().rss / 2**20
        return round(total, 1)

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time used so far by each server process (by its name) and by all kernels together."""
        import psutil

        pids = self.proc.server_pids if isinstance(self.proc, WorkshopProcess) else [self.proc.proc.pid]
        out: dict[str, float] = {}
        for pid in pids:
            try:
                proc = psutil.Process(pid)
                t = proc.cpu_times()
                key = "haproxy" if "haproxy" in proc.name() else "voila"
                out[key] = out.get(key, 0.0) + t.user + t.system
                if key == "haproxy":  # master-worker: the worker does the work
                    for child in proc.children():
                        ct = child.cpu_times()
                        out[key] += ct.user + ct.system
            except psutil.NoSuchProcess:
                pass
        kernels = 0.0
        for proc in self.kernels().values():
            try:
                t = proc.cpu_times()
                kernels += t.user + t.system
            except psutil.NoSuchProcess:
                pass
        out["kernels"] = kernels
        return out

    def stop(self) -> None:
        self.proc.stop()


def memory(server: Server) -> dict[str, Any]:
    """USS of every kernel and RSS of the server processes, now."""
    import psutil

    uss = []
    for proc in server.kernels().values():
        with suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            uss.append(proc.memory_full_info().uss / 2**20)
    return {"kernels": len(uss), "kernel_uss_mib_median": round(statistics.median(uss), 1) if uss else None,
            "kernel_uss_mib_sum": round(sum(uss), 1), "server_rss_mib": server.server_rss_mib()}


async def run_room(url: str, users: int, spread: float, seed: int, assets: list[str], settle: float,
                   on_peak, cpu) -> dict[str, Any]:
    rng = random.Random(seed)
    arrivals = sorted(rng.uniform(0, spread) for _ in range(users))
    t0 = time.monotonic()

    async def one(at: float) -> Visit:
        await asyncio.sleep(max(0.0, at - (time.monotonic() - t0)))
        return await Visit(url).open(assets=assets)

    cpu0 = time.process_time()
    server_cpu0 = cpu()
    load_before = os.getloadavg()[0]
    visits = await asyncio.gather(*(one(a) for a in arrivals))
    load_after = os.getloadavg()[0]
    elapsed = time.monotonic() - t0
    server_cpu1 = cpu()
    peak = on_peak()
    await asyncio.gather(*(v.leave() for v in visits))
    deadline = time.monotonic() + settle
    alive = [v for v in visits if v.kernel_id]
    while alive and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        flags = await asyncio.gather(*(v.kernel_alive() for v in alive))
        alive = [v for v, f in zip(alive, flags, strict=True) if f]
    ok = [v for v in visits if v.outcome == "ok"]
    ready = [v.t_ready for v in ok if v.t_ready is not None]  # every visit that ended "ok" was ready
    html = [v.t_html for v in ok if v.t_html is not None]
    updates = [u for v in ok for u in v.updates]
    return {
        "users": users, "spread_s": spread, "seed": seed, "assets": len(assets), "elapsed_s": round(elapsed, 1),
        "client_cpu_s": round(time.process_time() - cpu0, 1),
        # kernels: those alive at the end of the arrivals (pooled kernels used before and after count)
        "server_cpu_s": {k: round(server_cpu1.get(k, 0) - server_cpu0.get(k, 0), 1) for k in server_cpu1},
        # other work on the machine skews every figure: the 1-minute load average before and after the arrivals
        "loadavg_1min": [round(load_before, 2), round(load_after, 2)],
        "ok": len(ok), "full": sum(v.outcome == "full" for v in visits),
        "failed": sum(v.outcome == "failed" for v in visits),
        "errors": sorted({v.error for v in visits if v.error})[:5],
        "ready_ms": {"p50": pct(ready, 50), "p95": pct(ready, 95), "max": pct(ready, 100)},
        "html_ms": {"p50": pct(html, 50), "p95": pct(html, 95)},
        "update_ms": {"p50": pct(updates, 50), "p95": pct(updates, 95), "max": pct(updates, 100)},
        "kernels_left": len(alive), "peak": peak,
        "visits": [{"outcome": v.outcome, "html": v.t_html, "ready": v.t_ready, "updates": v.updates,
                    "error": v.error} for v in visits],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, nargs="+", default=[60], help="arrivals per run (several: one run each)")
    ap.add_argument("--spread", type=float, default=10.0, help="seconds over which the users arrive")
    ap.add_argument("--configs", default="workshop,dashboard")
    ap.add_argument("--room", type=int, default=None)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--cap", type=int, default=None)
    ap.add_argument("--voila-arg", action="append", default=[], help="extra Voila option for the workers (repeat)")
    ap.add_argument("--baseline-pool", type=int, default=2)
    ap.add_argument("--assets", action="store_true", help="also fetch the page's static files, as a cold browser")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--settle", type=float, default=60.0)
    ap.add_argument("--no-save", action="store_true")
    args = ap.parse_args()

    record: dict[str, Any] = {
        "benchmark": "load", "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "env": {"cpus": os.cpu_count(), "python": platform.python_version(), "machine": platform.machine()},
        "args": vars(args), "runs": [],
    }
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        for name in args.configs.split(","):
            for n in args.users:
                server = Server(name, args, Path(tmp) / f"{name}-{n}")
                try:
                    assets = list_assets(server.url) if args.assets else []
                    if assets and isinstance(server.proc, VoilaProcess):  # the dashboard config
                        server.proc.wait_quiescent()
                    idle = memory(server)
                    run = asyncio.run(run_room(server.url, n, args.spread, args.seed, assets, args.settle,
                                               partial(memory, server), server.cpu_seconds))
                    run.update(config=name, settings=server.settings, idle=idle, start_s=round(server.start_s, 1))
                    record["runs"].append(run)
                finally:
                    server.stop()
                print_row(run)
    if not args.no_save:
        RESULTS.parent.mkdir(exist_ok=True)
        old = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
        RESULTS.write_text(json.dumps(old + [record], indent=1) + "\n")


HEADER = False


def print_row(r: dict[str, Any]) -> None:
    global HEADER
    if not HEADER:
        print("times in ms unless marked s; USS/k: median kernel USS (MiB) at the peak; srv RSS: servers' RSS (MiB)")
        print(f"{'config':10} {'users':>5} {'spread':>6} {'ready p50':>9} {'ready p95':>9} {'ready max':>9} "
              f"{'upd p50':>8} {'upd p95':>8} {'ok':>4} {'full':>4} {'fail':>4} {'left':>4} {'kernels':>7} "
              f"{'USS/k':>6} {'srv RSS':>8} {'load':>9}")
        HEADER = True
    pk = r["peak"]
    print(f"{r['config']:10} {r['users']:5} {r['spread_s']:6.0f} {fmt(r['ready_ms']['p50']):>9} "
          f"{fmt(r['ready_ms']['p95']):>9} {fmt(r['ready_ms']['max']):>9} {fmt(r['update_ms']['p50']):>8} "
          f"{fmt(r['update_ms']['p95']):>8} {r['ok']:4} {r['full']:4} {r['failed']:4} {r['kernels_left']:4} "
          f"{pk['kernels']:7} {fmt(pk['kernel_uss_mib_median']):>6} {fmt(pk['server_rss_mib']):>8} "
          f"{'/'.join(f'{x:.1f}' for x in r['loadavg_1min']):>9}", flush=True)
    idle = r["idle"]
    print(f"   started in {r['start_s']:.1f} s (launch to Ready); before anyone came: {idle['kernels']} kernels, "
          f"USS sum {idle['kernel_uss_mib_sum'] / 1024:.2f} GiB, servers RSS {fmt(idle['server_rss_mib'])} MiB")
    cpu = ", ".join(f"{k} {v:.1f}" for k, v in r["server_cpu_s"].items())
    print(f"   CPU s during the arrivals: {cpu}, this client {r['client_cpu_s']:.1f} ({r['elapsed_s']:.1f} s wall)")
    for e in r["errors"]:
        print("   error:", e)


def fmt(x: float | None) -> str:
    return "-" if x is None else (f"{x / 1000:.2f}s" if x >= 1000 else f"{x:.0f}")


if __name__ == "__main__":
    main()
