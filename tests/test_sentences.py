"""Every sentence is data: no user-facing sentence is written out in ``stepguide/``'s code.

A reader's words live in ``data/wording.csv`` (sentences, with ``{placeholders}``) and
``data/labels.csv`` (labels, headings, options), each row with its source; code fetches them by
id (``words.say``, ``words.label``). This test reads every module's syntax tree and fails on a
*user-facing sentence literal*:

- a string constant, or the text of an f-string with each ``{...}`` as a hole,
- that, once HTML tags and ``{placeholders}`` are taken out, holds three words in a row
  (letters, one space apart, a word may end in , ; or :) — a label of three words counts too;
- and that is none of these, which are not for a reader of the guide's pages:
  a docstring; the message of a ``raise`` (it names the field or file and what is allowed, for the
  caller; the pages show input errors under the field's label from labels.csv, and typing the errors
  is the "Errors as types" part of issue 17); an argument of a logging call (for whoever runs the
  server); command-line help and terminal output of ``serve/`` (``help=``, ``description=``, ``print``: the
  operator's);
  a stable id that labels.csv names (``"after rank lists"`` is the stage's id, not words shown).

What is left and cannot move yet is in :data:`ALLOWED`, each with its reason; an entry that no
longer matches anything fails too, so the list only shrinks.
"""
from __future__ import annotations

import ast
import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "stepguide"
THREE_WORDS = re.compile(r"[A-Za-z][A-Za-z'’]*[,;:]? [A-Za-z][A-Za-z'’]*[,;:]? [A-Za-z][A-Za-z'’]*")
TAG_OR_HOLE = re.compile(r"<[^>]*>|\{[^{}]*\}")
LOG_CALLS = {"debug", "info", "warning", "error", "exception", "critical", "log"}

# module (dotted, without "stepguide.") -> {the text's beginning: why it may stay}
ALLOWED: dict[str, dict[str, str]] = {
    "charts.figures": {"your SEM band": "a Plotly shape's name: an id tests and the redraw key on, never shown"},
    "charts.look": {"system-ui, -apple-system": "CSS font stack"},
    "rules.inputs": {
        "on or after": "an alias the step2_exam parser accepts (typed input), not words shown",
        "from the change": "an alias the step2_exam parser accepts (typed input), not words shown",
        "before the change": "an alias the step2_exam parser accepts (typed input), not words shown",
    },
    "rules.schema": {"": "messages about data/*.csv for whoever edits the tables, collected and raised as one error"},
    "serve.join": {"<!DOCTYPE html>": "the workshop's join page (a static page the operator projects)"},
    "serve.hooks": {"import sys": "Python source run in each kernel at start",
                    "Notebook %s is not trusted": "Jupyter's own log line, matched to leave it out of the log",
                    "Adapting from protocol version": "Jupyter's own log line, matched to leave it out of the log"},
    "serve.balancer": {"# Written by stepguide": "HAProxy's configuration file"},
}


@dataclass(frozen=True)
class Literal:
    module: str
    line: int
    text: str


def _text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(str(v.value) if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def _not_for_readers(node: ast.AST, parents: dict[int, ast.AST], serve: bool) -> bool:
    """A raise message, a logging argument, or (in serve/) command-line help and terminal output."""
    child = node
    while id(child) in parents:
        up = parents[id(child)]
        if isinstance(up, ast.Raise):
            return True
        if isinstance(up, ast.Call):
            name = up.func.attr if isinstance(up.func, ast.Attribute) else getattr(up.func, "id", "")
            if isinstance(up.func, ast.Attribute) and name in LOG_CALLS:
                return True
            if serve and name == "print":
                return True
        if isinstance(up, ast.keyword) and up.arg in ("help", "description") and serve:
            return True
        child = up
    return False


def label_ids() -> set[str]:
    with (ROOT / "data" / "labels.csv").open(encoding="utf-8") as f:
        return {r["id"] for r in csv.DictReader(f)}


def is_sentence(text: str) -> bool:
    """Three words in a row once tags and placeholders are out."""
    return bool(THREE_WORDS.search(TAG_OR_HOLE.sub(" ", text)))


def sentence_literals(source: str, module: str) -> list[Literal]:
    """The user-facing sentence literals of one module's source (see the module docstring)."""
    tree = ast.parse(source)
    docs, ids = _docstrings(tree), label_ids()
    parents = {id(c): n for n in ast.walk(tree) for c in ast.iter_child_nodes(n)}
    serve = module.startswith("serve.")
    found = []
    for node in ast.walk(tree):
        if id(node) in docs or isinstance(parents.get(id(node)), ast.JoinedStr):
            continue
        text = _text(node)
        if text is None or not is_sentence(text) or text in ids:
            continue
        if _not_for_readers(node, parents, serve):
            continue
        found.append(Literal(module, getattr(node, "lineno", 0), text))
    return found


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_literals() -> list[Literal]:
    return [lit for p in sorted(PACKAGE.rglob("*.py"))
            for lit in sentence_literals(p.read_text(encoding="utf-8"), _module(p))]


def _allowed(lit: Literal) -> bool:
    return any(lit.text.startswith(prefix) for prefix in ALLOWED.get(lit.module, {}))


def test_no_user_facing_sentence_is_written_out_in_code():
    left = [f"{lit.module}:{lit.line}: {lit.text[:90]!r}" for lit in all_literals() if not _allowed(lit)]
    assert not left, ("sentences written out in code: put each in data/wording.csv (or a label in "
                      "data/labels.csv) with its source and fetch it with words.say/words.label:\n" + "\n".join(left))


def test_every_allowance_still_matches_something():
    """An entry whose literal has moved to data goes too, so the allow-list only shrinks."""
    literals = all_literals()
    stale = [(m, prefix) for m, entries in ALLOWED.items() for prefix in entries
             if not any(lit.module == m and lit.text.startswith(prefix) for lit in literals)]
    assert not stale, f"remove these from ALLOWED, nothing matches them any more: {stale}"


def test_a_sentence_of_the_words_tables_is_not_also_written_out_in_code():
    """The labels test (test_architecture) for wording.csv: a sentence lives once, in data."""
    with (ROOT / "data" / "wording.csv").open(encoding="utf-8") as f:
        sentences = {r["text"] for r in csv.DictReader(f) if is_sentence(r["text"])}
    literals = {node.value for p in PACKAGE.rglob("*.py") for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    twice = sorted(sentences & literals)
    assert not twice, f"sentences of wording.csv also written out in code: {twice}"


@pytest.mark.parametrize("source,flagged", [
    ('x = "Your Step 2 CK is not out yet."', True),
    ('x = f"Your Step 1 is {s}, not a number."', True),  # an f-string: its words count, its holes do not
    ('x = "How the file looks"', True),  # a three-word label is a sentence too
    ('x = "<p class=\'sg-note\'>{}</p>"', False),  # an HTML skeleton
    ('x = "Step 2"', False),
    ('x = "after rank lists"', False),  # a stage id labels.csv names
    ('def f():\n    """A docstring says why, for developers."""', False),
    ('raise ValueError("step1: expected a score from 1 to 300")', False),
    ('log.warning("stepguide room: a pool kernel failed to start")', False),
    ('x = say("chart_pending")', False),
])
def test_the_sentence_test_tells_a_sentence_from_code(source, flagged):
    assert bool(sentence_literals(source, "ui.example")) == flagged


def test_serve_output_for_the_operator_is_not_a_readers_sentence():
    source = 'ap.add_argument("--room", help="people expected in the room")\nprint("workshop: ready to serve the room")'
    assert not sentence_literals(source, "serve.example")
    assert sentence_literals(source, "ui.example")  # the same words on a reader's page would be flagged
