"""The widgets' front ends and the pages' style sheets: fetched once per page by URL, not sent in every widget's state.

anywidget sends a widget's ``_esm`` (its ES module) and ``_css`` (its style sheet) inside the state of every
instance: three download buttons sent the same module three times, and the page's style sheets (25 kB) travelled
in a widget's state at every visit. Under Voila each widget's ``_esm`` is instead a small loader
(``static/front_end_loader.js``) that links the widget's style sheets and imports its module from the stepguide
template's static folder, ``<base_url>voila/templates/stepguide/static/<file>?v=<hash>``, which every Voila serves
(standalone, in JupyterLab's server, under any base URL; ``?v=`` makes it send the file with a long cache), so a
page fetches each file once and a later visit not at all. :func:`write_template_files` makes those files and the
template's preloads of the dashboard's first screen (made wherever the template is used, never kept in git). The
in-browser kernel (Pyodide: no Voila route) sends the module and the style sheets themselves.

A module is its files in ``static/`` joined, helpers first (``clipboard.js``'s ``copyText``, ``edits.js``'s
``followEdits``): anywidget loads an inline ``_esm`` from a blob: URL, which has no folder for
``import "./clipboard.js"`` to resolve against, and one file per widget is one request per widget.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from pathlib import Path

__all__ = ["GLOSSARY", "IN_BROWSER", "MODULES", "PRELOADS", "SCOPE", "STATIC", "esm", "joined", "module_text",
           "styled", "template_files", "url", "version", "write_template_files"]

#: The widgets' ES modules and style sheets, as written (``tests/js`` tests their pure functions).
STATIC = Path(__file__).with_name("static")


def joined(*names: str) -> str:
    """The files ``static/<name>`` as one text, in order."""
    return "\n".join((STATIC / part).read_text(encoding="utf-8") for part in names)


#: Each front end (its file name in the template's static folder) and the files of ``static/`` it joins.
MODULES: dict[str, tuple[str, ...]] = {
    "plotly_view.js": ("edits.js", "plotly_view.js"),
    "download_link.js": ("download_link.js",),
    "copy_button.js": ("clipboard.js", "edits.js", "copy_button.js"),
    "page_edits.js": ("edits.js", "page_edits.js"),
    "url_state.js": ("clipboard.js", "edits.js", "url_state.js"),
    "page_landmark.js": ("page_landmark.js",),
    "disclosure.js": ("edits.js", "disclosure.js"),
    "theme.js": ("theme.js",),
    "connection.js": ("connection.js",),
    "cohort.js": ("cohort.js",),
}
#: Pages made here: the badges' glossary (the same on every page but for its scope, :data:`SCOPE`).
GLOSSARY = "glossary.html"
#: The template's preloads of the front ends (:func:`preloads`), in the template's folder; ``index.html.j2``
#: includes it (``ignore missing``: without it a page still works, only later).
PRELOADS = "stepguide_preloads.html.j2"
SCOPE = "SG-SCOPE"
#: Style sheets are copied one by one (a page links several, in order, and shares them with the other pages).
SHEETS = ("guide.css", "dashboard.css", "presenter.css", "cohort.css")
#: What the template preloads on the dashboard (``resources.metadata.name == "dashboard"``) under Voila: every file
#: its widgets import, fetched while the kernel connects (the page shows its widgets once each has its module: the
#: one left to fetch after they mounted, the program list's cohort.js, delayed the first chart by a round trip; the
#: static edition sends them inline, so a preload there would go unused). The charts' module is preloaded on every
#: page.
DASHBOARD_FIRST = ("guide.css", "dashboard.css", "cohort.css", "page_landmark.js", "theme.js", "url_state.js",
                   "disclosure.js", "page_edits.js", "download_link.js", "copy_button.js", "connection.js", "cohort.js")

#: True in the static edition's kernel (Pyodide), which has no server to fetch from.
IN_BROWSER = sys.platform == "emscripten"
TEMPLATE = Path(__file__).resolve().parents[2] / "share" / "jupyter" / "voila" / "templates" / "stepguide"
FOLDER = "voila/templates/stepguide/static/"  # under the page's base URL
# sent once per widget: without its comment lines
_LOADER = "\n".join(line for line in (STATIC / "front_end_loader.js").read_text(encoding="utf-8").splitlines()
                    if not line.startswith("//"))


@functools.cache
def module_text(name: str) -> str:
    """The file ``name`` as the page runs it: a module's parts joined, or a style sheet."""
    if name == GLOSSARY:
        from stepguide.ui import render  # the page's words; not needed to load a widget

        with render.badge_scope(SCOPE):
            return render.glossary_block()
    return joined(*MODULES[name]) if name in MODULES else (STATIC / name).read_text(encoding="utf-8")


@functools.cache
def version(name: str) -> str:
    """A hash of :func:`module_text`: the URL query that lets the browser keep the file for good."""
    return hashlib.sha1(module_text(name).encode("utf-8")).hexdigest()[:12]


def url(name: str) -> str:
    """The file's address under the page's base URL."""
    return f"{FOLDER}{name}?v={version(name)}"


def styled(module: str, *sheets: str) -> tuple[str, str]:
    """A widget's ``_esm`` and ``_css``: the loader of ``module`` that links ``sheets`` first (in order), and no
    ``_css``; in Pyodide the module and the sheets themselves."""
    if IN_BROWSER:
        return module_text(module), "\n".join(module_text(name) for name in sheets)
    links = [[f"sg-sheet-{name.removesuffix('.css')}", f"{name}?v={version(name)}"] for name in sheets]
    return _LOADER.replace("SHEETS", json.dumps(links)).replace("MODULE", f"{module}?v={version(module)}"), ""


def esm(module: str) -> str:
    """A widget's ``_esm`` when it has no style sheet of its own (:func:`styled`)."""
    return styled(module)[0]


def preloads() -> str:
    """The template's lines that fetch the dashboard's first screen while the kernel connects."""
    lines = [f'<link rel="modulepreload" href="{{{{ resources.base_url }}}}{url("plotly_view.js")}">',
             "{%- if frontend != 'voici' and resources.metadata and resources.metadata.name == 'dashboard' %}"]
    for name in DASHBOARD_FIRST:
        kind = 'rel="preload" as="style"' if name.endswith(".css") else 'rel="modulepreload"'
        lines.append(f'<link {kind} href="{{{{ resources.base_url }}}}{url(name)}">')
    return "\n".join([*lines, "{%- endif %}", ""])


def template_files() -> dict[str, str]:
    """Every file this module makes for the template, by its path in the template's folder: the front ends,
    style sheets and glossary in ``static/``, and :data:`PRELOADS` (which the template includes)."""
    made = {f"static/{name}": module_text(name) for name in (*MODULES, *SHEETS, GLOSSARY)}
    made[PRELOADS] = preloads()
    return made


def write_template_files(template: Path = TEMPLATE) -> list[Path]:
    """Write :func:`template_files` into ``template`` (a file already current is left alone; a changed one is
    replaced whole, so a server reading it meanwhile never sees half of it).

    They are made, never edited, and git ignores them: ``stepguide dashboard``/``workshop``/``lab`` and the
    test harness write them when they start from a clone (:func:`stepguide.serve.project.server_env`), the
    package's build writes them into the wheel (``deploy/hatch_build.py``), ``make static`` into the static site.
    By hand: ``python -m stepguide.ui.front_ends``."""
    written = []
    for relative, text in template_files().items():
        path = template / relative
        data = text.encode("utf-8")
        if not path.is_file() or path.read_bytes() != data:
            part = path.with_name(f".{path.name}.{os.getpid()}.part")
            part.write_bytes(data)
            os.replace(part, path)
        written.append(path)
    return written


if __name__ == "__main__":
    for made in write_template_files():
        print(made)
