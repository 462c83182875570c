"""One visit's websocket bytes: load the dashboard, ten slider steps, leave; payload by widget, bytes on the wire.

    .venv/bin/python benchmarks/bench_bytes.py                 # 3 visits with compression (voila.json), 3 without
    .venv/bin/python benchmarks/bench_bytes.py --visits 1 --steps 10 --no-save

Standalone Voila with the project's ``voila.json`` (as ``make dashboard``), headless Chromium. The browser talks to
Voila through a counting TCP proxy in this process, so **on the wire** is what crossed the socket of the kernel
websocket (frames, headers and all, compressed when the two ends agreed on ``permessage-deflate``); **payload** is
the frames' content as the page sees it (Playwright's frame events: after decompression). ``plain`` visits strip
``Sec-WebSocket-Extensions`` from the browser's upgrade request in the proxy, so the server does not compress: the
same server, the same run. **Server CPU** is the Voila process's user + system time over the visit (the kernel's is
the same in both, so it is left out); as that is noisy on a shared machine, the script also times compressing the
visit's frames the way tornado does (``deflate_cpu_ms``), which is what compression adds.

A visit: open the page, wait until every chart is drawn and 1 s more, press ArrowLeft ``--steps`` times on the Step 2
CK slider (each step waits until the page shows the new score in the reasons and the matched chart), then close the
page. The payload is split by phase (load, steps) and by the widget class a message is for: the ``update_states``
reply by each model's class, comm messages by their target. Appends to ``results/bytes.json``.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import json
import statistics
import struct
import sys
import threading
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_page import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from testing.voila import free_port, start_voila  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "bytes.json"

WAIT_STEP = """(want) => new Promise((resolve) => {
  const check = () => {
    const why = document.querySelector('.sg-why');
    const plot = document.querySelector('.sg-chart-matched .js-plotly-plot');
    const meta = plot && plot._fullLayout && plot._fullLayout.meta;
    if (why && why.textContent.includes('Step 2 CK ' + want + ' ') && meta && meta.step2 === want) resolve(true);
    else requestAnimationFrame(check);
  };
  check();
})"""


class CountingProxy:
    """A loopback TCP proxy counting each connection's bytes; ``strip`` drops websocket compression offers."""

    def __init__(self, target_port: int, strip: bool) -> None:
        self.target_port, self.strip, self.port = target_port, strip, free_port()
        self.ws = {"down": 0, "up": 0}  # server -> browser, browser -> server, on kernel websockets
        self.http = {"down": 0, "up": 0}
        self.deflate: list[bool] = []  # per websocket: did the server agree to compress
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()
        self._ready.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", self.port))
        self._ready.set()
        self._loop.run_until_complete(server.serve_forever())

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_r, up_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        first = await reader.read(65536)
        is_ws = b"upgrade: websocket" in first.lower() and b"/channels" in first
        if is_ws and self.strip:
            lines = first.split(b"\r\n")
            first = b"\r\n".join(x for x in lines if not x.lower().startswith(b"sec-websocket-extensions"))
        counts = self.ws if is_ws else self.http
        counts["up"] += len(first)
        up_w.write(first)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter, key: str, head: bool) -> None:
            try:
                while data := await src.read(65536):
                    if head:
                        self.deflate.append(b"permessage-deflate" in data.split(b"\r\n\r\n")[0].lower())
                        head = False
                    counts[key] += len(data)
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_w, "up", False), pipe(up_r, writer, "down", is_ws))

    def reset(self) -> None:
        self.ws.update(down=0, up=0)
        self.http.update(down=0, up=0)
        self.deflate.clear()


def parse(payload: str | bytes) -> dict[str, Any]:
    """A kernel websocket message: JSON text, or the v1 binary protocol (offsets, then channel and JSON parts)."""
    if isinstance(payload, str):
        return json.loads(payload)
    n = struct.unpack_from("<Q", payload, 0)[0]
    offsets = [struct.unpack_from("<Q", payload, 8 * (i + 1))[0] for i in range(n)] + [len(payload)]
    parts = [payload[offsets[i]:offsets[i + 1]] for i in range(n)]
    return {"channel": parts[0].decode(), "header": json.loads(parts[1]), "content": json.loads(parts[4])}


def split(frames: list[tuple[str, str, str | bytes]]) -> dict[str, dict[str, int]]:
    """Payload bytes by phase/direction and by what they are for (the model class, or the message type)."""
    names: dict[str, str] = {}
    out: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for phase, way, payload in frames:
        size = len(payload.encode()) if isinstance(payload, str) else len(payload)
        bucket = out[f"{phase} {way}"]
        msg = parse(payload)
        kind, content = msg["header"]["msg_type"], msg["content"]
        data = content.get("data") or {}
        if kind == "comm_msg" and data.get("method") == "update_states":
            counted = 0
            for model_id, s in data["states"].items():
                name = s["model_name"]
                if name == "AnyModel":
                    name = s["state"].get("_anywidget_id", "AnyModel").rsplit(".", 1)[-1]
                names[model_id] = name
                n = len(json.dumps(s, ensure_ascii=False).encode())
                bucket[f"state {name}"] += n
                counted += n
            bucket["state: message around them"] += size - counted
        elif kind == "comm_msg":
            bucket[f"{data.get('method')} {names.get(content.get('comm_id', ''), 'control')}"] += size
        else:
            bucket[kind] += size
    return {k: dict(v.most_common()) for k, v in out.items()}


def deflate_cost(frames: list[tuple[str, str, str | bytes]]) -> tuple[float, int]:
    """Compress the visit's server-to-page frames as tornado does (permessage-deflate: raw deflate, level 6,
    one compressor per connection, a sync flush per message): CPU ms (best of 3) and bytes out."""
    messages = [p.encode() if isinstance(p, str) else p for _, way, p in frames if way == "received"]
    best, size = float("inf"), 0
    for _ in range(3):
        t = time.process_time()
        z = zlib.compressobj(6, zlib.DEFLATED, -15, 8)
        size = sum(len(z.compress(m) + z.flush(zlib.Z_SYNC_FLUSH)) for m in messages)
        best = min(best, (time.process_time() - t) * 1000)
    return best, size


def visit(server: Any, proxy: CountingProxy, browser: Any, steps: int) -> dict[str, Any]:
    import psutil

    voila = psutil.Process(server.proc.pid)
    frames: list[tuple[str, str, str | bytes]] = []
    phase = ["load"]
    proxy.reset()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    def on_ws(ws: Any) -> None:
        ws.on("framereceived", lambda p: frames.append((phase[0], "received", p)))
        ws.on("framesent", lambda p: frames.append((phase[0], "sent", p)))

    page.on("websocket", on_ws)
    cpu0 = sum(voila.cpu_times()[:2])
    t0 = time.perf_counter()
    page.goto(f"http://127.0.0.1:{proxy.port}/")
    page.wait_for_selector(".sg-chart-f3 .main-svg", timeout=120_000)
    loaded = (time.perf_counter() - t0) * 1000
    page.wait_for_timeout(1000)
    phase[0] = "steps"
    handle = page.locator(".sg-step2 [role=slider]").first
    handle.focus()
    start = int(float(handle.get_attribute("aria-valuenow") or 248))
    for i in range(1, steps + 1):
        page.keyboard.press("ArrowLeft")
        page.evaluate(WAIT_STEP, start - i)
    page.wait_for_timeout(500)  # the situation link settles 300 ms after the last step
    phase[0] = "leave"
    page.close(run_before_unload=True)
    context.close()
    time.sleep(0.5)
    cpu = sum(voila.cpu_times()[:2]) - cpu0
    by = split(frames)
    deflate_ms, deflated = deflate_cost(frames)
    payload = {k: sum(v.values()) for k, v in by.items()}
    return {"load_ms": loaded, "payload": payload, "payload_total": sum(payload.values()),
            "wire_ws": dict(proxy.ws), "wire_ws_total": proxy.ws["down"] + proxy.ws["up"],
            "wire_http": dict(proxy.http), "deflate_cpu_ms": deflate_ms, "deflated_bytes": deflated,
            "deflate": list(proxy.deflate), "server_cpu_s": cpu, "by_widget": by}


def summarize(runs: list[dict[str, Any]]) -> dict[str, float]:
    """Medians over visits: payload (all, load, steps), websocket bytes on the wire, server CPU, load time."""
    def med(f: Any) -> float:
        return statistics.median(f(r) for r in runs)

    def phase(r: dict[str, Any], name: str) -> int:
        return sum(v for k, v in r["payload"].items() if k.startswith(name))

    return {"payload": med(lambda r: r["payload_total"]), "load": med(lambda r: phase(r, "load")),
            "steps": med(lambda r: phase(r, "steps")), "wire": med(lambda r: r["wire_ws_total"]),
            "server_cpu_s": med(lambda r: r["server_cpu_s"]), "load_ms": med(lambda r: r["load_ms"]),
            "deflate_cpu_ms": med(lambda r: r["deflate_cpu_ms"])}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--visits", type=int, default=3, help="visits per config, interleaved (default 3)")
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--configs", default="compressed,plain")
    ap.add_argument("--no-save", action="store_true")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    runs: dict[str, list[dict[str, Any]]] = {c: [] for c in configs}
    server = start_voila(ROOT / "notebooks" / "dashboard.ipynb", cwd=ROOT)
    proxies = {c: CountingProxy(server.port, strip=c == "plain") for c in configs}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for n in range(args.visits):
                for c in configs:
                    server.wait_for_kernel_count(server.pool_size, timeout=60)
                    server.wait_quiescent()
                    runs[c].append(visit(server, proxies[c], browser, args.steps))
                    r = runs[c][-1]
                    print(f"  {c} visit {n + 1}: payload {r['payload_total'] / 1e3:.0f} kB, websocket on the wire "
                          f"{r['wire_ws_total'] / 1e3:.0f} kB, server CPU {r['server_cpu_s']:.2f} s", file=sys.stderr)
            browser.close()
    finally:
        server.stop()
    print(f"\none visit (load, {args.steps} slider steps, leave); medians of {args.visits}")
    print(f"{'':12}{'payload':>10}{'load':>9}{'steps':>9}{'on the wire':>13}{'server CPU':>12}{'loaded':>9}")
    summary = {c: summarize(runs[c]) for c in configs}
    for c, s in summary.items():
        print(f"{c:12}{s['payload'] / 1e3:>8.0f}kB{s['load'] / 1e3:>7.0f}kB{s['steps'] / 1e3:>7.0f}kB"
              f"{s['wire'] / 1e3:>11.0f}kB{s['server_cpu_s']:>11.2f}s{s['load_ms']:>7.0f}ms")
    print(f"compressing one visit's frames as the server does: {summary[configs[0]]['deflate_cpu_ms']:.1f} ms of CPU")
    last = runs[configs[0]][-1]["by_widget"]
    for part in ("load received", "steps received", "steps sent"):
        top = list(last.get(part, {}).items())[:12]
        print(f"\n{part}: " + ", ".join(f"{k} {v / 1e3:.1f}" for k, v in top) + " (kB)")
    if not args.no_save:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        data = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
        data.append({"date": datetime.now(UTC).isoformat(timespec="seconds"), "steps": args.steps,
                     "summary": summary, "runs": runs})
        RESULTS.write_text(json.dumps(data, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
