"""Installing the wheel changes nothing that is not ours (issue 18).

A fresh environment that already has its own ``etc/jupyter/jupyter_server_config.json`` gets the wheel: that
file stays byte for byte the same after install and after uninstall, and a notebook that is not ours, served by
Voila inside Jupyter Server (JupyterLab's ``/voila/render``), gets the same page as before: the same template and
the same front-end extensions (plotly's included, so its figure draws). Our own dashboard, copied anywhere, asks
for our template in its metadata and gets it, and draws every chart and frees its kernel under every Voila:
``jupyter server`` with a ``base_url``, a plain ``voila dashboard.ipynb`` anywhere, ``stepguide dashboard``.

The environment is a new venv whose own ``site-packages`` holds only what the wheel installs; the test
environment's packages (Jupyter, Voila, plotly...) are reachable through a ``.pth`` line, and its ``share/jupyter``
(less its own copy of our template) through ``JUPYTER_PATH``, so nothing is downloaded. Its config path is its own
``etc/jupyter`` and an empty user folder: the test environment's Jupyter config does not apply.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import site
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from testing.voila import free_port

ROOT = Path(__file__).resolve().parent.parent

USER_CONFIG = {
    "ServerApp": {"jpserver_extensions": {"voila": True}, "open_browser": False},
    "VoilaConfiguration": {"show_tracebacks": True},
    "MappingKernelManager": {"cull_idle_timeout": 3600},
}

PLOT_NOTEBOOK = {
    "cells": [{"cell_type": "code", "execution_count": None, "id": "plot", "metadata": {}, "outputs": [],
               "source": ["import plotly.express as px\n", "px.bar(x=['a', 'b'], y=[1, 3])"]},
              {"cell_type": "code", "execution_count": None, "id": "widget", "metadata": {}, "outputs": [],
               "source": ["import ipywidgets\n", "ipywidgets.IntSlider(value=7, description='mine')"]}],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4, "nbformat_minor": 5,
}


@dataclass
class FreshEnv:
    prefix: Path
    python: Path
    home: Path  # an empty user config folder and the server's cwd
    notebooks: Path
    shared: Path  # the test environment's share/jupyter, less our template

    @property
    def user_config(self) -> Path:
        return self.prefix / "etc" / "jupyter" / "jupyter_server_config.json"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "PYTHONPATH"))}
        env["PATH"] = os.pathsep.join([str(self.python.parent), env.get("PATH", "")])
        env["JUPYTER_CONFIG_DIR"] = str(self.home / ".jupyter")
        env["JUPYTER_DATA_DIR"] = str(self.home / ".local-share-jupyter")
        env["JUPYTER_RUNTIME_DIR"] = str(self.home / "runtime")
        env["JUPYTER_PATH"] = str(self.shared)  # Voila's own templates, the front-end extensions
        env["JUPYTER_PLATFORM_DIRS"] = "0"
        return env

    def pip(self, *args: str) -> None:
        subprocess.run([sys.executable, "-m", "pip", "--python", str(self.python), "--disable-pip-version-check",
                        *args], check=True, env=self.env(), capture_output=True)

    def has_stepguide(self) -> bool:
        """Whether ``import stepguide`` finds a package installed in this environment (the test environment's
        editable install leaves a bare ``stepguide/_data`` folder in its site-packages, which does not count)."""
        code = ("import importlib.util, sys; spec = importlib.util.find_spec('stepguide')\n"
                "sys.exit(not (spec and spec.origin and spec.origin.startswith(sys.prefix)))")
        return subprocess.run([str(self.python), "-c", code], env=self.env(), cwd=self.home).returncode == 0


def share_without_ours(source: Path, into: Path, skip: Path = Path("voila", "templates", "stepguide")) -> Path:
    """``into`` mirrors ``source`` (links) except ``skip``: the test environment's editable install put a copy of
    our template in its ``share/jupyter``, which would stand in front of the one the wheel installs."""
    into.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        if entry.name != skip.parts[0]:
            (into / entry.name).symlink_to(entry)
        elif len(skip.parts) > 1 and entry.is_dir():
            share_without_ours(entry, into / entry.name, Path(*skip.parts[1:]))
    return into


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wheel_builder = pytest.importorskip("hatchling.builders.wheel")  # the build backend, in the test extra
    out = tmp_path_factory.mktemp("wheel")
    [built] = wheel_builder.WheelBuilder(str(ROOT)).build(directory=str(out), versions=["standard"])
    return Path(built)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> FreshEnv:
    base = tmp_path_factory.mktemp("fresh")
    prefix = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(prefix)], check=True)
    python = prefix / "bin" / "python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  check=True, capture_output=True, text=True).stdout.strip())
    ours = {sysconfig.get_paths()["purelib"], *site.getsitepackages()}
    # Only directory lines: the test environment's own .pth files (our editable install) are not read from there.
    (purelib / "zz_test_environment.pth").write_text("".join(f"{p}\n" for p in sorted(ours) if Path(p).is_dir()))
    home = base / "home"
    (home / ".jupyter").mkdir(parents=True)
    notebooks = base / "notebooks"
    notebooks.mkdir()
    (notebooks / "plot.ipynb").write_text(json.dumps(PLOT_NOTEBOOK, indent=1))
    shutil.copy(ROOT / "notebooks" / "dashboard.ipynb", notebooks / "dashboard.ipynb")
    env = FreshEnv(prefix, python, home, notebooks, share_without_ours(Path(sys.prefix) / "share" / "jupyter",
                                                                      base / "share-jupyter"))
    env.user_config.parent.mkdir(parents=True)
    env.user_config.write_text(json.dumps(USER_CONFIG, indent=2) + "\n")
    assert not env.has_stepguide(), "the fresh environment must not see the checkout's stepguide"
    return env


class JupyterServer:
    """``jupyter server`` (``base_url`` as JupyterHub/Binder give one), or with ``voila`` set, a plain standalone
    ``voila <notebook>`` run from the notebook's folder (no voila.json there)."""

    def __init__(self, env: FreshEnv, log: Path, base_url: str = "/", voila: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}{base_url}"
        self.log = log
        if voila is None:
            argv = [str(env.python), "-m", "jupyter_server", "--no-browser", f"--port={self.port}",
                    "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0", "--allow-root",
                    "--IdentityProvider.token=", "--ServerApp.password=", f"--ServerApp.root_dir={env.notebooks}",
                    f"--ServerApp.base_url={base_url}"]
            cwd, ready = env.home, "api/status"
        else:
            argv = [str(env.python), "-m", "voila", voila.name, "--no-browser", f"--port={self.port}",
                    "--Voila.ip=127.0.0.1", "--Voila.port_retries=0"]
            cwd, ready = voila.parent, "voila/static/voila.js"
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(argv, cwd=cwd, env=env.env(), stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 90
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}{ready}", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(log.read_text()[-3000:]) from None
                time.sleep(0.2)

    def get(self, path: str) -> str:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=120) as r:
            return r.read().decode()

    def __enter__(self) -> JupyterServer:
        return self

    def __exit__(self, *exc: object) -> None:
        from stepguide.serve.processes import stop_processes

        stop_processes([self.proc], timeout=20)


def page_facts(html: str) -> dict[str, object]:
    """What decides how a page draws: its template's static files, its front-end extensions, its stylesheets and
    scripts from elsewhere, and whether anything of ours is in it."""
    config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                  html, re.S)[1])  # type: ignore[index]
    return {
        "templates": sorted(set(re.findall(r"voila/templates/([\w-]+)/", html))),
        "extensions": sorted(e["name"] for e in config.get("federated_extensions", [])),
        "outside": sorted(set(re.findall(r'(?:src|href)="(https?://[^"]+)"', html))),
        "plotly_output": "application/vnd.plotly.v1+json" in html,
        "ours": "stepguide" in html.lower(),
    }


def test_install_and_uninstall_leave_the_users_jupyter_alone(wheel: Path, fresh: FreshEnv,
                                                             tmp_path: Path) -> None:
    before_bytes = fresh.user_config.read_bytes()
    with JupyterServer(fresh, tmp_path / "before.log") as jupyter:
        with_nothing = page_facts(jupyter.get("voila/render/plot.ipynb"))
    assert with_nothing["plotly_output"] and not with_nothing["ours"]

    fresh.pip("install", "--no-deps", "--no-index", "--no-cache-dir", str(wheel))
    try:
        assert fresh.has_stepguide()
        assert fresh.user_config.read_bytes() == before_bytes
        installed = {p.relative_to(fresh.prefix).as_posix() for p in (fresh.prefix / "etc").rglob("*")}
        assert installed == {"etc/jupyter", "etc/jupyter/jupyter_server_config.json"}  # no config of ours
        assert (fresh.prefix / "share/jupyter/voila/templates/stepguide/index.html.j2").is_file()
        assert (fresh.prefix / "share/jupyter/voila/templates/stepguide/static/plotly-basic.min.js").is_file()
        assert (fresh.prefix / "bin" / "stepguide").is_file()

        with JupyterServer(fresh, tmp_path / "after.log") as jupyter:
            assert page_facts(jupyter.get("voila/render/plot.ipynb")) == with_nothing
            dashboard = jupyter.get("voila/render/dashboard.ipynb")  # ours, copied anywhere: our template
            assert 'id="stepguide-plotly"' in dashboard
    finally:
        fresh.pip("uninstall", "-y", "stepguide")
    assert fresh.user_config.read_bytes() == before_bytes
    assert not fresh.has_stepguide()
    assert not (fresh.prefix / "share/jupyter/voila/templates/stepguide").exists()


@pytest.mark.parametrize("command", [["dashboard"], ["workshop", "--workers=1", "--room=1", "--cap=2", "--no-qr"]])
def test_the_command_serves_the_dashboard_from_an_empty_folder(wheel: Path, fresh: FreshEnv, tmp_path: Path,
                                                               command: list[str]) -> None:
    """``pip install <wheel>`` then ``stepguide dashboard`` (or ``workshop``) in a folder with nothing in it: the
    notebooks and voila.json come from the package, the page has our template and the charts' library is served."""
    from stepguide.serve.processes import stop_processes

    fresh.pip("install", "--no-deps", "--no-index", "--no-cache-dir", str(wheel))
    try:
        empty = tmp_path / "empty"
        empty.mkdir()
        static = subprocess.run([str(fresh.prefix / "bin" / "stepguide"), "static"], cwd=empty, env=fresh.env(),
                                capture_output=True, text=True)
        assert static.returncode == 2 and "clone" in static.stderr  # says what to do instead of a traceback
        port = free_port()
        log_path = tmp_path / "command.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([str(fresh.prefix / "bin" / "stepguide"), *command, f"--port={port}"],
                                    cwd=empty, env=fresh.env(), stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + 180
            while True:
                assert proc.poll() is None, log_path.read_text()[-3000:]
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as r:
                        page = r.read().decode()
                    break
                except OSError:
                    assert time.monotonic() < deadline, log_path.read_text()[-3000:]
                    time.sleep(0.2)
            assert 'id="stepguide-plotly"' in page
            plotly = re.search(r'id="stepguide-plotly"[^>]* src="/([^"]+)"', page)
            assert plotly, "the template's plotly.js <script>"
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{plotly[1]}", timeout=30) as r:
                assert r.status == 200 and "max-age" in r.headers["Cache-Control"]
            assert list(empty.iterdir()) == []  # nothing written where it was started
        finally:
            stop_processes([proc], timeout=20)
    finally:
        fresh.pip("uninstall", "-y", "stepguide")


def dashboard_draws_and_frees_its_kernel(browser, server: JupyterServer, path: str) -> None:
    """Our dashboard at ``server.url + path``: every chart drawn, with plotly.js from our template's static folder
    on this server, nothing asked of any other host or outside the server's base URL; closing the tab stops its
    kernel (``api/kernels/<id>`` answers 404)."""
    from dashboard_page import new_page, open_dashboard

    page = new_page(browser, "desktop")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        open_dashboard(page, server.url + path)
        page.wait_for_function("() => { const shown = [...document.querySelectorAll('.stepguide-plotly-view')]"
                               "  .filter(v => v.offsetParent !== null);"  # (a chart of another situation is hidden)
                               " return shown.length >= 8 && shown.every(v => v.querySelector('.main-svg')); }",
                               timeout=60_000)
        kernel_id = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
        assert [u for u in requests if not u.startswith((server.url, "data:", "blob:"))] == []
        assert f"{server.url}voila/templates/stepguide/static/plotly-basic.min.js?v=basic-4.1.1" in requests
        with urllib.request.urlopen(f"{server.url}api/kernels/{kernel_id}", timeout=10) as r:
            assert r.status == 200
        page.close(run_before_unload=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{server.url}api/kernels/{kernel_id}", timeout=10).close()
            except urllib.error.HTTPError as gone:
                assert gone.code == 404
                break
            assert time.monotonic() < deadline, f"kernel {kernel_id} still running:\n{server.log.read_text()[-3000:]}"
            time.sleep(0.2)
        assert "_xsrf" not in server.log.read_text()  # the beacon was not refused
    finally:
        page.context.close()


@pytest.mark.browser
def test_every_voila_draws_our_charts_and_frees_the_kernel(wheel: Path, fresh: FreshEnv, browser,
                                                           tmp_path: Path) -> None:
    """Installed from the wheel, under ``jupyter server --ServerApp.base_url=/user/x/`` (JupyterHub, Binder):
    a notebook that is not ours draws its Plotly figure (jupyterlab-plotly's renderer, which our old allowlist left
    out) and its widget with the page's own template, and our dashboard draws every chart from the server and frees
    its kernel when the tab closes. The same for a plain ``voila dashboard.ipynb`` in a folder with nothing else."""
    fresh.pip("install", "--no-deps", "--no-index", "--no-cache-dir", str(wheel))
    try:
        with JupyterServer(fresh, tmp_path / "server.log", base_url="/user/x/") as jupyter:
            context = browser.new_context()
            try:
                page = context.new_page()
                page.goto(f"{jupyter.url}voila/render/plot.ipynb")
                page.wait_for_selector(".js-plotly-plot .main-svg .bars", timeout=60_000)
                page.wait_for_selector(".widget-slider .widget-readout", timeout=30_000)
                assert page.locator(".widget-slider .widget-readout").text_content() == "7"
                assert page.locator("#stepguide-plotly").count() == 0
            finally:
                context.close()
            dashboard_draws_and_frees_its_kernel(browser, jupyter, "voila/render/dashboard.ipynb")

        alone = tmp_path / "anywhere" / "dashboard.ipynb"
        alone.parent.mkdir()
        shutil.copy(ROOT / "notebooks" / "dashboard.ipynb", alone)
        with JupyterServer(fresh, tmp_path / "voila.log", voila=alone) as voila:
            dashboard_draws_and_frees_its_kernel(browser, voila, "")
    finally:
        fresh.pip("uninstall", "-y", "stepguide")
