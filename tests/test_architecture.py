"""The package's shape: its folders are its layers (rules -> charts -> cohort -> ui -> ui.pages -> serve),
imports run one way between them, and every user-facing label lives once, in data/labels.csv."""
from __future__ import annotations

import ast
import csv
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "stepguide"
ORDER = ("rules", "charts", "cohort", "ui", "ui.pages", "serve")  # a folder may import only itself and earlier ones


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> str | None:
    """The folder (layer) a module lives in: the longest folder of ORDER its dotted name starts with."""
    inside = module.removeprefix("stepguide.")
    found = [f for f in ORDER if inside == f or inside.startswith(f + ".")]
    return max(found, key=len) if found else None


def _imports(path: Path) -> set[str]:
    """The stepguide modules a file imports at run time (imports for type hints only do not run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and isinstance(block.test, ast.Name) and block.test.id == "TYPE_CHECKING"
                   for n in ast.walk(block)}
    here = module_name(path).split(".")
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this file's package
                base = here[:len(here) - node.level + (1 if path.name == "__init__.py" else 0)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.startswith("stepguide"):
                out.add(name)
                out.update(f"{name}.{a.name}" for a in node.names if f"{name}.{a.name}" in MODULES)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("stepguide"))
    return out


def test_every_module_lives_in_a_layer_folder():
    loose = [m for m in MODULES if m != "stepguide" and layer_of(m) is None]
    assert not loose, f"put these modules in one of the folders {ORDER}: {loose}"


def upward(module: str, imported: set[str]) -> list[str]:
    """The imports of ``module`` that reach a later folder than its own."""
    mine = ORDER.index(layer_of(module) or ORDER[0])
    return sorted(m for m in imported if (lay := layer_of(m)) and ORDER.index(lay) > mine)


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != "stepguide"))
def test_imports_run_one_way(module):
    bad = upward(module, _imports(MODULES[module]))
    assert not bad, f"{module} ({layer_of(module)}) imports from a later folder: {bad}"


def test_the_layer_test_catches_an_import_against_the_order():
    assert upward("stepguide.rules.classify", {"stepguide.ui.pages.guide"}) == ["stepguide.ui.pages.guide"]
    assert upward("stepguide.charts.figures", {"stepguide.cohort.read", "stepguide.rules.tables"}) == [
        "stepguide.cohort.read"]
    assert upward("stepguide.ui.views", {"stepguide.ui.pages.dashboard"}) == ["stepguide.ui.pages.dashboard"]
    assert not upward("stepguide.ui.pages.guide", {"stepguide.ui.views", "stepguide.rules.assessment"})


def test_nothing_but_serve_imports_serve():
    for module, path in MODULES.items():
        if layer_of(module) != "serve":
            assert not {m for m in _imports(path) if layer_of(m) == "serve"}, module


def test_the_voila_server_imports_no_pandas_or_widgets():
    """serve/ is imported by the Voila server process: it must not pull in the rules' pandas or the ui's
    widgets at import time (the server never runs a verdict)."""
    for module in ("stepguide.serve.hooks", "stepguide.serve.room"):
        tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
        top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        names = {(n.module or "") if isinstance(n, ast.ImportFrom) else n.names[0].name for n in top}
        assert not {n for n in names if n.split(".")[0] in ("pandas", "ipywidgets", "anywidget")}, module


def test_labels_are_defined_once_in_the_vocabulary():
    rows = list(csv.DictReader((PACKAGE.parent / "data" / "labels.csv").open(encoding="utf-8")))
    assert len({(r["group"], r["id"]) for r in rows}) == len(rows)
    literals = {node.value for p in PACKAGE.rglob("*.py") for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    twice = [r["label"] for r in rows
             if len(r["label"].split()) >= 2 and r["label"] != r["id"] and r["label"] in literals]
    assert not twice, f"labels also written out in code (read them from labels.csv): {twice}"
