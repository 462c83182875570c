"""Run ``python -m stepguide.serve.workshop`` (what ``make workshop`` runs) on loopback for tests and benchmarks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from stepguide.serve.workshop import pick_port

from .voila import REPO_ROOT, kernels_under, server_env


class WorkshopProcess:
    """The launcher, its Voila workers and HAProxy. ``url`` is the room's address (the proxy)."""

    def __init__(self, proc: subprocess.Popen, run_dir: Path, log_path: Path) -> None:
        self.proc, self.run_dir, self.log_path = proc, run_dir, log_path
        info = json.loads((run_dir / "servers.json").read_text())
        self.url: str = info["url"]
        self.worker_ports: list[int] = info["worker_ports"]
        self.server_pids: list[int] = info["pids"]
        self.plan: dict[str, int] = info["plan"]

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def statuses(self) -> list[dict[str, Any]]:
        """Each worker's ``stepguide/room.json`` (cap, kernels, pool...), asked directly, not through the proxy."""
        out = []
        for port in self.worker_ports:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/stepguide/room.json", timeout=10) as r:
                out.append(json.load(r))
        return out

    def kernel_processes(self) -> dict[str, Any]:
        """``{kernel_id: psutil.Process}`` over every worker."""
        return {kid: proc for pid in self.server_pids for kid, proc in kernels_under(pid).items()}

    def worker_of_kernel(self, kernel_id: str) -> str | None:
        """HAProxy's name (``w1``, ``w2``... in start order) of the worker whose process runs ``kernel_id``."""
        for i, pid in enumerate(self.server_pids[: len(self.worker_ports)], 1):
            if kernel_id in kernels_under(pid):
                return f"w{i}"
        return None

    def server_processes(self) -> list[Any]:
        import psutil

        return [psutil.Process(pid) for pid in self.server_pids if psutil.pid_exists(pid)]

    def stop(self, timeout: float = 60.0) -> None:
        """SIGTERM the launcher, which stops the proxy, the workers and their kernels."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)

    def __enter__(self) -> WorkshopProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_workshop(*args: str, port: int | None = None, run_dir: Path | str | None = None,
                   env: dict[str, str] | None = None, timeout: float = 300.0) -> WorkshopProcess:
    """Start the launcher on 127.0.0.1 with ``args`` (e.g. ``"--room", "4", "--workers", "2"``); wait for "Ready."."""
    port = port or pick_port()
    run_dir = Path(run_dir or tempfile.mkdtemp(prefix="workshop-"))
    run_dir.mkdir(parents=True, exist_ok=True)
    log_path = run_dir / "launcher.log"
    argv = [sys.executable, "-m", "stepguide.serve.workshop", "--host", "127.0.0.1", "--port", str(port),
            "--run-dir", str(run_dir), "--no-qr", *args]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(argv, cwd=REPO_ROOT, env=server_env(env), stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + timeout
    while "Ready." not in log_path.read_text(errors="replace"):
        if proc.poll() is not None:
            raise RuntimeError(f"workshop exited with {proc.returncode}:\n{log_path.read_text()[-4000:]}")
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGTERM)
            raise TimeoutError(f"workshop not ready after {timeout}s:\n{log_path.read_text()[-4000:]}")
        time.sleep(0.2)
    return WorkshopProcess(proc, run_dir, log_path)
