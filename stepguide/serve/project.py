"""Where the served notebooks and Voila's settings are: the clone, or the installed package.

In a clone they are the repository's ``notebooks/`` and ``voila.json``. The wheel carries the same files in
``stepguide/_project/`` (pyproject.toml's ``force-include``), so ``pip install stepguide`` then ``stepguide
dashboard`` serves the same pages from any folder. Voila reads ``voila.json`` from its working directory, so a
server runs with :func:`project_root` as its cwd.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
PACKAGED = PACKAGE / "_project"


def in_checkout() -> bool:
    """Whether the package runs from a clone of the repository (``voila.json`` and ``notebooks/`` beside it)."""
    return (PACKAGE.parent / "voila.json").is_file() and (PACKAGE.parent / "notebooks").is_dir()


def project_root() -> Path:
    """The folder holding ``voila.json`` and ``notebooks/``: the clone, else the installed package's copy."""
    if in_checkout():
        return PACKAGE.parent
    if (PACKAGED / "voila.json").is_file():
        return PACKAGED
    raise FileNotFoundError(f"voila.json not found beside the stepguide package ({PACKAGE.parent}) nor in "
                            f"{PACKAGED}: reinstall stepguide")


def notebooks() -> dict[str, Path]:
    """The guide's notebooks by name (``dashboard``, ``presenter``, ``00_start_here``...)."""
    return {p.stem: p for p in sorted((project_root() / "notebooks").glob("*.ipynb"))}


def find_notebook(name: str) -> Path:
    """A notebook by its name in the guide (with or without ``.ipynb``), else a path to one."""
    known = notebooks()
    stem = name.removesuffix(".ipynb")
    if stem in known:
        return known[stem]
    path = Path(name).expanduser()
    if path.suffix == ".ipynb" and path.is_file():
        return path.resolve()
    raise FileNotFoundError(f"notebook {name!r} not found: give one of {', '.join(known)} or a path to a .ipynb file")


def server_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a server (and its kernels): in a clone, the clone first on ``PYTHONPATH`` (voila.json
    names our classes) and its ``share/jupyter`` first on ``JUPYTER_PATH`` (Voila then uses the clone's template,
    not an older installed copy, with its made files current: :func:`stepguide.ui.front_ends.write_template_files`);
    ``base`` (default: this process's environment) otherwise unchanged."""
    env = dict(os.environ if base is None else base)
    if in_checkout():
        from stepguide.ui.front_ends import write_template_files  # stdlib only: the server stays light

        write_template_files()
        root = PACKAGE.parent
        for name, first in (("PYTHONPATH", root), ("JUPYTER_PATH", root / "share" / "jupyter")):
            parts = [str(first)] + [p for p in env.get(name, "").split(os.pathsep) if p]
            env[name] = os.pathsep.join(dict.fromkeys(parts))
    return env


def static_python() -> str:
    """The static build's own environment (``make install-static``): ``$STEPGUIDE_STATIC_PYTHON``, else the clone's
    ``.venv-static``, else this interpreter (which then needs the ``static`` extra itself)."""
    chosen = os.environ.get("STEPGUIDE_STATIC_PYTHON")
    if chosen:
        return chosen
    venv = PACKAGE.parent / ".venv-static" / "bin" / "python"
    return str(venv) if venv.is_file() else sys.executable
