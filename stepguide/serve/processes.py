"""Stopping servers and every process they started, kernels included (the launcher and the test harness share it).

Kernels run in their own sessions (jupyter_client starts them with ``start_new_session=True``), so killing a
server's process group does not reach them: whatever survives the servers' own shutdown is killed by pid.
"""
from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Sequence
from contextlib import suppress
from typing import Any


def stop_processes(procs: Sequence[subprocess.Popen[Any]], timeout: float) -> None:
    """SIGTERM each process group in the given order, wait up to ``timeout`` each, SIGKILL what stays, then kill
    any descendant (a kernel) that outlived its server."""
    import psutil

    kids: list[psutil.Process] = []
    for p in procs:
        with suppress(psutil.NoSuchProcess):
            kids += psutil.Process(p.pid).children(recursive=True)
    for p in procs:
        if p.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait(5)
    _gone, alive = psutil.wait_procs(kids, timeout=5)
    for k in alive:
        with suppress(psutil.NoSuchProcess):
            k.kill()
