"""Write the README's screenshots from the real page: ``make screenshot``.

    docs/dashboard.png   desktop (1400 px), light, the whole page
    docs/phone.png       phone (390x844), light: inputs and the first verdicts
    docs/dark.png        phone (390x844), dark theme (prefers-color-scheme: dark): the verdict and a chart

Starts its own standalone Voila from the repository root (so voila.json applies) on a free loopback
port, takes the pictures with headless Debian Chromium, and stops the server. The tests never write
these files.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SITUATION = "#step1_mode=Score&step1=228&step2=248&specialty=Internal%20Medicine&month=Oct"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_voila(port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "voila", "notebooks/dashboard.ipynb", "--no-browser", f"--port={port}",
         "--Voila.ip=127.0.0.1", "--Voila.port_retries=0"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"voila exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/static/voila.js", timeout=2):
                return proc
        except OSError:
            time.sleep(0.2)
    raise SystemExit("voila did not answer")


def ready(page) -> None:
    page.locator(".sg-main[role=main]").wait_for(timeout=90_000)
    page.wait_for_function("() => location.hash.includes('step2=248')")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.sg-main .stepguide-plotly-view')].filter(e => e.offsetParent)"
        ".every(e => Number(e.dataset.renders || 0) > 0)", timeout=60_000)


def main() -> int:
    from playwright.sync_api import sync_playwright

    port = free_port()
    proc = start_voila(port)
    url = f"http://127.0.0.1:{port}/" + SITUATION
    DOCS.mkdir(exist_ok=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            ready(page)
            # The page scrolls inside Voila's shell: make the window as tall as the page, let charts follow.
            height = page.evaluate("document.querySelector('.sg-main').scrollHeight")
            page.set_viewport_size({"width": 1400, "height": height + 40})
            ready(page)
            page.locator(".sg-main").screenshot(path=str(DOCS / "dashboard.png"))
            page.close()
            shots: tuple[tuple[str, Literal["light", "dark"], str], ...] = (
                ("phone", "light", ".sg-step1-mode"), ("dark", "dark", ".sg-chart-c5"))
            for name, theme, target in shots:
                context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=theme,
                                              is_mobile=True, has_touch=True, device_scale_factor=2)
                page = context.new_page()
                page.goto(url)
                ready(page)
                page.locator(target).scroll_into_view_if_needed()
                page.evaluate("t => document.querySelector(t).scrollIntoView({block: 'start'})", target)
                page.screenshot(path=str(DOCS / f"{name}.png"))
                context.close()
            browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    for name in ("dashboard", "phone", "dark"):
        print(f"wrote docs/{name}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
