"""Build the static, in-browser edition of the guide into one folder (``make static`` -> ``_site/``).

Python runs in the visitor's browser (Pyodide, in a web worker), so a static host serves any number of
students and their scores never leave the tab. Everything comes from the registries at build time:

* Pyodide's core from the npm registry (``npm pack pyodide@PYODIDE``, checked by npm against the registry's
  integrity hash); the compiled packages of a full Pyodide distribution are not in it and none is needed.
* the kernel's pure-Python wheels from PyPI, pinned with hashes in ``browser-wheels.txt``; the JupyterLite
  kernel's own wheels (pyodide_kernel, piplite, the ipykernel and widgetsnbextension stand-ins) from the
  installed ``jupyterlite-pyodide-kernel`` package; stepguide's wheel built from this checkout.
* the page (Voici's app, our Voila template, the widget front ends) from the installed Python packages.

The kernel's packages are shipped as bytecode, compiled by that same Pyodide under Node (``precompile.js``),
as Pyodide's own distribution ships them: a visitor's browser then does not compile IPython on every visit.
stepguide keeps its sources beside its bytecode (``__pycache__``), so its tracebacks stay readable.

The site gets its own ``pyodide-lock.json`` listing exactly the wheels it carries, and every one is loaded at
kernel start (``loadPyodideOptions.packages``), so neither piplite nor micropip ever looks for a package
index. Run: ``python deploy/static/build_site.py [--out _site] [--cache DIR]``.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

#: The Pyodide that jupyterlite-pyodide-kernel 0.7.0 (the release built for Voici 0.10's JupyterLite 0.7.0
#: front end) was made for: its ``constants.PYODIDE_VERSION``; checked below.
PYODIDE = "0.29.0"
PYODIDE_CORE = ("pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip", "package.json")
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
#: The kernel's own wheels, shipped inside jupyterlite-pyodide-kernel (``static/pypi``).
KERNEL_WHEELS = ("ipykernel-", "piplite-", "pyodide_kernel-", "widgetsnbextension-4.")
#: What stepguide imports in the browser (one person: no pandas, numpy, plotly, voila or segno;
#: tests/test_static_site.py checks it against a fresh interpreter).
BROWSER_DEPENDS = ("anywidget", "ipywidgets", "traitlets")
#: jupyterlab_widgets only carries the JupyterLab extension, which the page already has: ipywidgets'
#: requirement on it is dropped rather than shipping the extension a second time inside a wheel.
NOT_SHIPPED = ("jupyterlab-widgets",)
#: The kernel asks for the standard library's sqlite3 at start (for IPython's history). Pyodide builds it as a
#: separate compiled package that neither the npm core nor PyPI serves, so the lock names an empty
#: placeholder (metadata only, the way JupyterLite stands in for widgetsnbextension): ``import sqlite3``
#: then fails as in any Python built without it, and IPython keeps its history in memory.
#: jedi (with its parso) serves only tab completion while editing code, which no page of the site offers, but
#: IPython 9.0 imports it at start whenever it is installed (and does without it when not), and the kernel asks
#: for it by name: a placeholder too, so no visit downloads, unpacks and imports it (benchmarks/README.md).
PLACEHOLDERS = ("sqlite3", "jedi")
#: Loaded when the kernel starts, in one batch, with their dependencies from the lock.
START_PACKAGES = ("micropip", "piplite", "sqlite3", "ipykernel", "comm", "pyodide_kernel", "jedi", "ipython",
                  "ipywidgets", "anywidget", "stepguide")
#: Front ends the page needs (everything else in the environment, e.g. plotly's own mime renderer, stays out).
#: The whole folder, on disk (benchmarks/README.md: what it holds and what a first visit fetches).
SIZE_BUDGET_MIB = 40
FRONT_ENDS = ("@jupyter-widgets/jupyterlab-manager", "@jupyterlite/pyodide-kernel-extension", "anywidget")


def run(*cmd: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
    """Run a build step, echoing it, and stop the build with its output if it fails."""
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], cwd=cwd, check=True, env=env)


def fetch_pyodide(cache: Path) -> Path:
    """Pyodide's core files from the npm registry, unpacked once into the cache."""
    core = cache / f"pyodide-{PYODIDE}"
    if all((core / name).exists() for name in (*PYODIDE_CORE, "pyodide-lock.json")):
        return core
    cache.mkdir(parents=True, exist_ok=True)
    run("npm", "pack", f"pyodide@{PYODIDE}", "--pack-destination", cache, "--silent", cwd=cache)
    with tarfile.open(cache / f"pyodide-{PYODIDE}.tgz") as tgz:
        tmp = Path(tempfile.mkdtemp(dir=cache))
        tgz.extractall(tmp, filter="data")
    shutil.rmtree(core, ignore_errors=True)
    (tmp / "package").rename(core)
    shutil.rmtree(tmp)
    return core


def fetch_wheels(cache: Path) -> list[Path]:
    """The pinned pure-Python wheels, downloaded by pip (hash-checked) into the cache."""
    dest = cache / "wheels"
    run(sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check", "--no-deps",
        "--only-binary=:all:", "--python-version", "3.13", "--platform", "any", "--implementation", "py",
        "--abi", "none", "--require-hashes", "-r", HERE / "browser-wheels.txt", "-d", dest)
    pinned = {line.split("==")[0].lower().replace("_", "-") for line in
              (HERE / "browser-wheels.txt").read_text(encoding="utf-8").splitlines() if "==" in line}
    return sorted(w for w in dest.glob("*.whl") if w.name.split("-")[0].lower().replace("_", "-") in pinned)


def kernel_wheels() -> list[Path]:
    """The JupyterLite kernel's own wheels, from the installed jupyterlite-pyodide-kernel package."""
    pypi = Path(sys.prefix) / "share/jupyter/labextensions/@jupyterlite/pyodide-kernel-extension/static/pypi"
    found = sorted(w for w in pypi.glob("*.whl") if w.name.startswith(KERNEL_WHEELS))
    if len(found) != len(KERNEL_WHEELS):
        raise SystemExit(f"expected {len(KERNEL_WHEELS)} kernel wheels in {pypi}, found {[w.name for w in found]}")
    return found


def stepguide_wheel(dest: Path) -> Path:
    """stepguide's wheel, built from this checkout (its data/ goes inside as stepguide/_data)."""
    run(sys.executable, "-m", "pip", "wheel", "-q", "--disable-pip-version-check", "--no-deps", ROOT, "-w", dest)
    return next(dest.glob("stepguide-*.whl"))


def placeholder_wheel(name: str, dest: Path) -> Path:
    """A wheel with metadata and no modules, so the lock can name a package the site does not carry."""
    info = f"{name}-1.0.0.dist-info"
    files = {f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0.0\n"
                                 "Summary: not in this static edition (see deploy/static/build_site.py)\n",
             f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: stepguide\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = []
    path = dest / f"{name}-1.0.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as whl:
        for arcname, text in files.items():
            data = text.encode()
            whl.writestr(zipfile.ZipInfo(arcname, (1980, 1, 1, 0, 0, 0)), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{arcname},sha256={digest},{len(data)}")
        record.append(f"{info}/RECORD,,")
        whl.writestr(zipfile.ZipInfo(f"{info}/RECORD", (1980, 1, 1, 0, 0, 0)), "\n".join(record) + "\n")
    return path


def lock_spec(core: Path, pyodide_dir: Path) -> tuple[Any, dict[str, list[str]]]:
    """The lock for the (source) wheels in pyodide_dir, their dependencies closed, and what each runs without.

    Read from the source wheels: their import names come from the ``.py`` files, which precompile() replaces.
    """
    from pyodide_lock import PyodideLockSpec
    from pyodide_lock.spec import PackageSpec
    from pyodide_lock.utils import add_wheels_to_spec

    base = PyodideLockSpec.from_json(core / "pyodide-lock.json")
    base.packages = {}  # only what this site carries: a name the lock lists is a file the site has
    wheels = sorted(w for w in pyodide_dir.glob("*.whl") if w.name.split("-")[0] not in PLACEHOLDERS)
    spec = add_wheels_to_spec(base, wheels, base_path=pyodide_dir, ignore_missing_dependencies=True)
    for name in PLACEHOLDERS:  # the hash is filled in with the others, when the lock is written
        spec.packages[name] = PackageSpec(name=name, version="1.0.0", file_name=f"{name}-1.0.0-py3-none-any.whl",
                                          sha256="", package_type="package", install_dir="site", imports=[],
                                          depends=[])
    dropped = {}
    for name, package in spec.packages.items():
        if name == "stepguide":
            missing = sorted(set(package.depends) - set(BROWSER_DEPENDS))
            package.depends = list(BROWSER_DEPENDS)
        else:
            missing = sorted(d for d in package.depends if d not in spec.packages)
            if set(missing) - set(NOT_SHIPPED):
                raise SystemExit(f"{name} needs {missing}, which browser-wheels.txt does not list")
            package.depends = [d for d in package.depends if d in spec.packages]
        if missing:
            dropped[name] = missing
    absent = [n for n in START_PACKAGES if n.replace("_", "-") not in spec.packages]
    if absent:
        raise SystemExit(f"the kernel would start without {absent}")
    return spec, dropped


def precompile(core: Path, pyodide_dir: Path, wheels: list[str], keep_source: list[str]) -> None:
    """Ship bytecode instead of source (as Pyodide's own packages do), compiled by Pyodide under Node; the
    ``keep_source`` wheels get their bytecode beside their sources instead."""
    run("node", HERE / "precompile.js", core, pyodide_dir, *[f"--keep-source={w}" for w in sorted(keep_source)],
        *sorted(wheels))


def write_lock(spec: Any, pyodide_dir: Path) -> None:
    """pyodide-lock.json, each wheel with the hash of the file the site ships."""
    for package in spec.packages.values():
        package.sha256 = hashlib.sha256((pyodide_dir / package.file_name).read_bytes()).hexdigest()
    spec.to_json(pyodide_dir / "pyodide-lock.json")


def lite_config(lite: Path) -> None:
    """jupyter-lite.json: the local Pyodide, no package index, the kernel's packages loaded at start."""
    settings = {"pyodideUrl": "./static/pyodide/pyodide.js", "disablePyPIFallback": True,
                "loadPyodideOptions": {"packages": list(START_PACKAGES)}}
    config = {"jupyter-lite-schema-version": 0,
              "jupyter-config-data": {"litePluginSettings": {KERNEL_PLUGIN: settings}}}
    (lite / "jupyter-lite.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


LANDING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<script>/* a situation link (#step1=...) made for the site's root opens the dashboard with it */
if (/(^|[#&])step2=/.test(location.hash)) location.replace("voici/render/dashboard.html" + location.hash);</script>
<style>
body {{ font: 17px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; margin: 0 auto;
       max-width: 44rem; padding: 1.5rem 1rem; color: #1a1a1a; background: #fff; }}
a {{ color: #0b5394; }} li {{ margin: .35rem 0; }}
.from-file {{ border: 3px solid #8a4b00; background: #fff8ec; color: #5c3200; border-radius: 6px; padding: .6rem 1rem;
             font-weight: 600; }}
code {{ font-size: .95em; background: rgba(127,127,127,.15); padding: 0 .25em; border-radius: 3px; }}
.open {{ display: inline-block; padding: .7rem 1.2rem; background: #0b5394; color: #fff; border-radius: 4px;
        text-decoration: none; font-weight: 600; min-height: 44px; box-sizing: border-box; }}
@media (prefers-color-scheme: dark) {{ body {{ background: #14181d; color: #eceff2; }} a {{ color: #8cc4ff; }}
  .open {{ background: #56b4e9; color: #0d1116; }}
  .from-file {{ background: #33240f; color: #ffe0b5; border-color: #e8a54f; }} }}
</style></head><body>
<main>
<h1>{title}</h1>
<p class="from-file" id="from-file" role="alert" hidden>{from_file}</p>
<p>{private}</p>
<p><a class="open" href="voici/render/dashboard.html">Open the dashboard</a></p>
<h2>The chapters</h2>
<ol start="0">{chapters}</ol>
<p>{limits}</p>
</main>
<script>/* Opened from a file (file://), the pages would spin for ever: say how to serve the folder instead. */
function needsServing(protocol) {{ return protocol === "file:"; }}
if (needsServing(location.protocol)) document.getElementById("from-file").hidden = false;</script>
</body></html>
"""
#: What to run to serve the built folder, and where it then is (the `make static-serve` target's defaults).
SERVE = {"make": "make static-serve", "serve": "python -m http.server 8000", "address": "http://127.0.0.1:8000/"}


def from_file_hint(say: Any) -> str:
    """The front page's note for a copy opened from a file: the sentence from data/wording.csv, commands as code."""
    from html import escape

    text = escape(say("static_from_file", **{key: f"{{{key}}}" for key in SERVE}))
    for key, command in SERVE.items():
        text = text.replace(f"{{{key}}}", f"<code>{escape(command)}</code>")
    return text


def write_landing(out: Path, size_mib: float) -> None:
    """The site's front page: the dashboard, then the chapters (titles from stepguide.ui.pages.guide.CHAPTERS)."""
    from html import escape

    if str(ROOT) not in sys.path:  # this checkout's package (.venv's editable install is not on .venv-static's path)
        sys.path.insert(0, str(ROOT))
    from stepguide.rules.words import say
    from stepguide.ui.pages.guide import CHAPTERS

    chapters = [("00_start_here", "Start here"), *CHAPTERS]
    items = "".join(f'<li><a href="voici/render/{escape(stem)}.html">{escape(title)}</a></li>'
                    for stem, title in chapters)
    page = LANDING.format(
        title="What to do with your new Step 2 CK score", chapters=items,
        private=("This edition runs entirely in your browser: Python starts inside this tab, and the scores you "
                 f"enter are never sent anywhere. The first visit downloads up to {size_mib:.0f} MB; later visits "
                 "start from your browser's cache."),
        from_file=from_file_hint(say),
        limits=("Judging a whole class from a CSV (chapter 6) needs the full guide on a computer; everything else "
                "works here."))
    (out / "index.html").write_text(page, encoding="utf-8")


def check_versions() -> None:
    """The kernel front end and the Pyodide core must be the pair they were built for."""
    from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION

    if PYODIDE_VERSION != PYODIDE:
        raise SystemExit(f"jupyterlite-pyodide-kernel expects Pyodide {PYODIDE_VERSION}; this build pins {PYODIDE}")


def environment_shares() -> list[Path]:
    """``share/jupyter`` of every environment whose packages this build runs on: its own and, in ``.venv-static``
    (which reaches the guide's ``.venv`` through a ``.pth`` line, so it installs only the build's own packages),
    ``.venv``'s, where Voila's templates and the widgets' front ends are."""
    found = [Path(sys.prefix) / "share" / "jupyter"]
    for entry in map(Path, sys.path):
        if entry.name == "site-packages" and len(entry.parents) > 2:
            found.append(entry.parents[2] / "share" / "jupyter")
    return [p for p in dict.fromkeys(found) if p.is_dir()]


def front_end(name: str) -> Path:
    """A front-end extension's folder, from the first environment that has it."""
    for share in environment_shares():
        if (share / "labextensions" / name / "package.json").is_file():
            return share / "labextensions" / name
    raise SystemExit(f"front end {name} not found in {[str(p) for p in environment_shares()]}")


def checkout_templates() -> dict[str, str]:
    """The environment for Voici: this checkout's Voila template first (an installed copy may be older), then the
    environments' own (Voila's lab and base templates)."""
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(ROOT / "share" / "jupyter"), env.get("JUPYTER_PATH"),
                                                      *map(str, environment_shares())) if p)
    return env


def build(out: Path, cache: Path) -> None:
    """Assemble a lite folder in a temporary directory and let Voici build the site from it."""
    check_versions()
    # The template's made files (front ends, style sheets, glossary, preloads: stepguide.ui.front_ends), which git
    # does not keep: the pages include the preloads, and the site copies the static folder below.
    run(sys.executable, "-m", "stepguide.ui.front_ends", cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    core = fetch_pyodide(cache)
    with tempfile.TemporaryDirectory(prefix="stepguide-static-") as tmp:
        lite = Path(tmp)
        pyodide_dir = lite / "static" / "pyodide"
        pyodide_dir.mkdir(parents=True)
        for name in PYODIDE_CORE:
            shutil.copy2(core / name, pyodide_dir / name)
        for wheel in [*fetch_wheels(cache), *kernel_wheels()]:
            shutil.copy2(wheel, pyodide_dir / wheel.name)
        stepguide_wheel(pyodide_dir)
        for name in PLACEHOLDERS:
            placeholder_wheel(name, pyodide_dir)
        spec, dropped = lock_spec(core, pyodide_dir)
        for name, missing in dropped.items():
            print(f"  lock: {name} runs in the browser without {', '.join(missing)}")
        # stepguide keeps its sources (readable tracebacks) with its bytecode beside them: compiling it took
        # ~0.25 s of every visit's kernel start (benchmarks/README.md)
        precompile(core, pyodide_dir, [p.file_name for n, p in spec.packages.items()
                                       if n not in ("stepguide", *PLACEHOLDERS)],
                   keep_source=[spec.packages["stepguide"].file_name])
        write_lock(spec, pyodide_dir)
        lite_config(lite)
        contents = lite / "contents"
        contents.mkdir()
        for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
            shutil.copy2(notebook, contents / notebook.name)
        shutil.rmtree(out, ignore_errors=True)
        run(Path(sys.executable).with_name("voici"), "build", "--lite-dir", lite, "--contents", contents,
            "--output-dir", out.resolve(), "--template", "stepguide", "--no-sourcemaps", "--ignore-sys-prefix",
            *[arg for ext in FRONT_ENDS for arg in ("--LiteBuildConfig.federated_extensions", front_end(ext))],
            cwd=lite, env=checkout_templates())
    # The template's static folder, at the address Voila serves it from (Voici copies none of it).
    plotly = out / "voila" / "templates" / "stepguide" / "static"
    shutil.copytree(ROOT / "share" / "jupyter" / "voila" / "templates" / "stepguide" / "static", plotly,
                    dirs_exist_ok=True)
    # JupyterLite's own application shell (16 MB): its only user was the root index.html, which the front
    # page below replaces; the Voici pages load voici/build/ (tests/test_static_browser.py checks no 404).
    shutil.rmtree(out / "build", ignore_errors=True)
    (out / ".nojekyll").write_text("", encoding="utf-8")  # GitHub Pages: serve the folder as it is
    page_needs = [out / "static" / "pyodide", out / "voici" / "build", out / "extensions", plotly]
    write_landing(out, sum(f.stat().st_size for d in page_needs for f in d.rglob("*") if f.is_file()) / 1e6)
    total = sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) / 2**20
    if total > SIZE_BUDGET_MIB:
        raise SystemExit(f"{out} is {total:.0f} MiB, over its {SIZE_BUDGET_MIB} MiB budget (benchmarks/README.md)")
    print(f"built {out} ({total:.0f} MiB, budget {SIZE_BUDGET_MIB} MiB)")


def main(argv: list[str] | None = None) -> None:
    """Command line: where to write the site and where to keep downloads between builds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_site")
    default_cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "stepguide-static"
    parser.add_argument("--cache", type=Path, default=default_cache, help="downloads kept between builds")
    args = parser.parse_args(argv)
    if importlib.util.find_spec("voici_core") is None or importlib.util.find_spec("jupyterlite_pyodide_kernel") is None:
        raise SystemExit(f"{sys.executable} lacks the static build's packages: it runs in its own environment "
                         "(make install-static builds .venv-static; make static builds the site with it)")
    build(args.out, args.cache)


if __name__ == "__main__":
    main()
