"""The ``stepguide`` command: the guide's ways to run, from a clone or from ``pip install stepguide``.

    stepguide dashboard [--port 8866] [--host 127.0.0.1] [--notebook dashboard] [--pool N] [-- VOILA OPTIONS]
    stepguide workshop  [--room 60] [--workers N] [--host 0.0.0.0] [--port 8866] [--cap K] ...
    stepguide lab       [--port 8888] [--host 127.0.0.1] [--dir FOLDER] [--no-browser]
    stepguide static    [--out _site] [--serve] [--port 8000] [--host 127.0.0.1]

``dashboard`` is standalone Voila with the guide's ``voila.json`` (:mod:`stepguide.serve.project` finds it and
the notebooks, in the clone or in the installed package); ``workshop`` is :mod:`stepguide.serve.workshop`;
``lab`` opens the chapters in JupyterLab (from an installed package, it first copies them into a folder of
yours, so your edits are yours); ``static`` builds the in-browser edition, which needs a clone.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from stepguide.serve import project


def _fail(message: str) -> int:
    print(f"stepguide: {message}", file=sys.stderr)
    return 2


def dashboard_argv(notebook: Path, port: int, host: str, pool: int | None, extra: list[str]) -> list[str]:
    """The Voila command line that ``stepguide dashboard`` runs (from :func:`project.project_root`)."""
    argv = [sys.executable, "-m", "voila", str(notebook), f"--port={port}", f"--Voila.ip={host}",
            "--Voila.port_retries=0", "--no-browser"]
    if pool is not None:
        argv.append(f"--pool_size={pool}")
    return argv + extra


def dashboard(a: argparse.Namespace) -> int:
    try:
        notebook = project.find_notebook(a.notebook)
    except FileNotFoundError as exc:
        return _fail(str(exc))
    if a.pool is not None and a.pool < 0:
        print(f"stepguide: --pool must be 0 or more (kernels kept warm), got {a.pool}", file=sys.stderr)
        return 2
    shown = "127.0.0.1" if a.host in ("0.0.0.0", "") else a.host
    print(f"stepguide {notebook.stem}: http://{shown}:{a.port}/  (Ctrl-C to stop)", flush=True)
    os.chdir(project.project_root())  # Voila reads voila.json from here
    argv = dashboard_argv(notebook, a.port, a.host, a.pool, a.voila_args)
    os.execve(sys.executable, argv, project.server_env())
    return 0  # not reached


def workshop(rest: list[str]) -> int:
    from stepguide.serve import workshop as shop

    return shop.main(rest)


def copy_chapters(folder: Path) -> list[Path]:
    """Copy the guide's notebooks into ``folder``, never over a file already there; returns those copied."""
    folder.mkdir(parents=True, exist_ok=True)
    copied = []
    for path in project.notebooks().values():
        target = folder / path.name
        if not target.exists():
            shutil.copy2(path, target)
            copied.append(target)
    return copied


def culling_args() -> list[str]:
    """``voila.json``'s kernel culling as command-line options, for a Jupyter Server we start (``stepguide lab``):
    a kernel whose tab is gone without shutting it down is stopped after the same idle time as the dashboard's."""
    settings = json.loads((project.project_root() / "voila.json").read_text())["MappingKernelManager"]
    return [f"--MappingKernelManager.{key}={value}" for key, value in settings.items()]


def lab_argv(folder: Path, port: int, host: str, browser: bool) -> list[str]:
    """The JupyterLab command line that ``stepguide lab`` runs: culling as the dashboard's, ``--allow-root`` when
    run as root (containers)."""
    argv = [sys.executable, "-m", "jupyterlab", f"--port={port}", f"--ServerApp.ip={host}",
            f"--ServerApp.root_dir={folder}", "--ServerApp.default_url=/lab/tree/00_start_here.ipynb",
            *culling_args()]
    if not browser:
        argv.append("--no-browser")
    if hasattr(os, "getuid") and os.getuid() == 0:
        argv.append("--allow-root")
    return argv


def lab(a: argparse.Namespace) -> int:
    if a.dir is not None:
        folder = a.dir.expanduser().resolve()
        copied = copy_chapters(folder)
        print(f"stepguide lab: {len(copied)} notebook(s) copied into {folder}")
    elif project.in_checkout():
        folder = project.project_root() / "notebooks"
    else:
        folder = Path.cwd() / "stepguide-notebooks"
        copied = copy_chapters(folder)
        print(f"stepguide lab: the chapters are in {folder} ({len(copied)} copied now; your changes stay yours)")
    argv = lab_argv(folder, a.port, a.host, not a.no_browser)
    os.execve(sys.executable, argv, project.server_env())
    return 0  # not reached


def static(a: argparse.Namespace) -> int:
    root = project.project_root()
    build = root / "deploy" / "static" / "build_site.py"
    if not project.in_checkout() or not build.is_file():
        print("stepguide: the static edition is built from a clone of the repository (it builds stepguide's own "
              "wheel for the browser): git clone the repository, then run `make static` there", file=sys.stderr)
        return 2
    out = (a.out or root / "_site").resolve()
    done = subprocess.run([project.static_python(), str(build), "--out", str(out)], env=project.server_env())
    if done.returncode or not a.serve:
        return done.returncode
    shown = "127.0.0.1" if a.host in ("0.0.0.0", "") else a.host
    print(f"The static edition: http://{shown}:{a.port}/ (Ctrl-C stops it)", flush=True)
    argv = [sys.executable, "-m", "http.server", str(a.port), "--bind", a.host, "--directory", str(out)]
    os.execve(sys.executable, argv, dict(os.environ))
    return 0  # not reached


def parser() -> argparse.ArgumentParser:
    env = os.environ.get
    ap = argparse.ArgumentParser(prog="stepguide", description="Run the Step 2 CK score guide.")
    sub = ap.add_subparsers(dest="command", required=True, metavar="{dashboard,workshop,lab,static}")

    d = sub.add_parser("dashboard", help="serve the dashboard (or another of the guide's notebooks) on this machine")
    d.add_argument("--port", type=int, default=int(env("PORT") or 8866), help="port (env PORT; default 8866)")
    d.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine)")
    d.add_argument("--notebook", default="dashboard",
                   help="which page: dashboard, presenter, 00_start_here ... 06_for_advisers, or a .ipynb path")
    d.add_argument("--pool", type=int, default=None, help="kernels kept warm (default: voila.json's, 1)")
    d.add_argument("voila_args", nargs="*", help="further Voila options, after --")

    sub.add_parser("workshop", add_help=False,
                   help="serve a room on its network (--room, --workers, --host, --port, --cap; see --help)")

    lb = sub.add_parser("lab", help="open the chapters in JupyterLab")
    lb.add_argument("--port", type=int, default=int(env("PORT") or 8888), help="port (env PORT; default 8888)")
    lb.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    lb.add_argument("--dir", type=Path, default=None,
                    help="folder to copy the chapters into and open (default: the clone's notebooks/, "
                         "else ./stepguide-notebooks)")
    lb.add_argument("--no-browser", action="store_true", help="do not open a browser")

    st = sub.add_parser("static", help="build the in-browser edition (from a clone; needs npm)")
    st.add_argument("--out", type=Path, default=None, help="folder to build into (default: _site in the clone)")
    st.add_argument("--serve", action="store_true", help="then serve it")
    st.add_argument("--port", type=int, default=int(env("PORT") or 8000), help="port for --serve (default 8000)")
    st.add_argument("--host", default="127.0.0.1", help="address for --serve (default 127.0.0.1)")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "workshop":  # its own options and --help
        return workshop(args[1:])
    a = parser().parse_args(args)
    return {"dashboard": dashboard, "lab": lab, "static": static}[a.command](a)


if __name__ == "__main__":
    sys.exit(main())
