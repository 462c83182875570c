"""The package's shape: imports run one way (data -> rules -> model -> views -> pages), modules stay small,
and every user-facing label lives once, in data/labels.csv."""
from __future__ import annotations

import ast
import csv
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "stepguide"
LAYERS = {  # module -> layer; a module may import only from its own layer or those before it
    "data": ("schema", "data", "vocabulary", "published", "articles"),
    "rules": ("inputs", "cycles", "scores", "decision", "classify", "flows", "actions", "assessment", "email", "frame",
              "cohort", "cohort_read", "cohort_file", "cohort_headers", "cohort_records", "cohort_report"),
    "model": ("model",),
    "views": ("plan", "bands", "chart_parts", "figures", "flow_chart", "charts", "render", "sources", "chapter_text",
              "plotly_view", "page", "controls", "views", "url_state", "theme", "connection"),
    "pages": ("dashboard", "guide", "cohort_page", "presenter"),
    "serving": ("serving", "_server", "room", "room_pages", "process_tree", "workshop", "balancer", "join"),
}
ORDER = list(LAYERS)
LAYER_OF = {module: layer for layer, modules in LAYERS.items() for module in modules}
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")


def _imports(module: str) -> set[str]:
    """The stepguide modules ``module`` imports (relative or absolute), at any depth of the file."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and isinstance(block.test, ast.Name) and block.test.id == "TYPE_CHECKING"
                   for n in ast.walk(block)}  # imports for type hints only do not run
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                out.add(node.module.split(".")[0])
            elif node.level == 1:
                out.update(alias.name for alias in node.names)
            elif node.module and node.module.startswith("stepguide."):
                out.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            out.update(a.name.split(".")[1] for a in node.names if a.name.startswith("stepguide."))
    return out & set(MODULES)


def test_every_module_has_a_layer():
    assert not [m for m in MODULES if m not in LAYER_OF], "give each new module a layer in LAYERS"


@pytest.mark.parametrize("module", MODULES)
def test_imports_run_one_way(module):
    if module not in LAYER_OF:
        pytest.skip("no layer yet (see test_every_module_has_a_layer)")
    mine = ORDER.index(LAYER_OF[module])
    upward = sorted(m for m in _imports(module) if m in LAYER_OF and ORDER.index(LAYER_OF[m]) > mine)
    assert not upward, f"{module} ({LAYER_OF[module]}) imports from a later layer: {upward}"


def test_nothing_but_serving_imports_serving():
    for module in MODULES:
        if LAYER_OF.get(module) != "serving":
            assert not {m for m in _imports(module) if LAYER_OF.get(m) == "serving"}, module


@pytest.mark.parametrize("module", MODULES)
def test_modules_stay_small(module):
    lines = len((PACKAGE / f"{module}.py").read_text(encoding="utf-8").splitlines())
    assert lines <= 330, f"{module}.py has {lines} lines (the aim is ~300): split it by idea"


def test_labels_are_defined_once_in_the_vocabulary():
    rows = list(csv.DictReader((PACKAGE.parent / "data" / "labels.csv").open(encoding="utf-8")))
    assert len({(r["group"], r["id"]) for r in rows}) == len(rows)
    literals = {node.value for p in PACKAGE.glob("*.py") for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    twice = [r["label"] for r in rows if len(r["label"].split()) >= 2 and r["label"] != r["id"] and r["label"] in literals]
    assert not twice, f"labels also written out in code (read them from labels.csv): {twice}"
