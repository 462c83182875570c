"""Send a widget's long text or figure as the edits that turn the page's copy into the new value.

A slider step changes a few words of the plan export (11 kB) and one line of the matched-applicant chart
(4 kB), but ipywidgets sends every changed trait whole. :class:`SendsEdits` sends the traits a widget names
in ``_edited`` as edits instead, once the page has a copy: ``static/edits.js`` (put in front of the widget's
module) applies them, so the page's value is the same as if it had been sent whole. A text's edits are
checked by its length on the page; when they do not match, the page asks for the whole value.
"""
from __future__ import annotations

import difflib
import functools
import itertools
import json
import re
from collections.abc import Iterable
from typing import Any, ClassVar

_CHUNK = re.compile(r"[^\n>]*[\n>]|[^\n>]+")  # lines and tags: what the diff compares first
_WORD = re.compile(r"[^\s<>]*[\s>]|[^\s<>]+|<")  # then, inside a changed line or tag, words
_LIMIT = 2_000  # chunks: a text longer than this is sent whole (the diff's time grows with it)


def _ops(a: list[str], b: list[str]) -> list[tuple[Any, int, int, int, int]]:
    if len(a) == len(b):  # the usual step: the same lines and tags, a few of them changed (no search needed)
        return [("replace", i, i + 1, i, i + 1) for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


@functools.lru_cache(maxsize=256)
def _chunks(text: str) -> list[str]:
    return _CHUNK.findall(text)


def _bmp(text: str) -> bool:
    """No character outside the Basic Multilingual Plane (one UTF-16 unit each, as the page counts)."""
    return text.isascii() or len(text.encode("utf-16-le")) == 2 * len(text)


def text_edits(old: str, new: str) -> list[list[Any]] | None:
    """``[start, end, insert]`` edits of ``old`` (offsets into ``old``, in order) that make ``new``.

    Lines and tags are compared first (fast: a plan has ~100), then the words of each changed one, so an edit is
    usually a word. None when sending ``new`` whole is no larger, or the text has a character outside the BMP (the
    page counts UTF-16 units, Python code points).
    """
    if not (_bmp(old) and _bmp(new)):
        return None
    a, b = _chunks(old), _chunks(new)
    if max(len(a), len(b)) > _LIMIT:
        return None
    starts = list(itertools.accumulate(map(len, a), initial=0))
    edits: list[list[Any]] = []
    for tag, i1, i2, j1, j2 in _ops(a, b):
        if tag == "equal":
            continue
        if tag != "replace" or i2 - i1 != j2 - j1:
            edits.append([starts[i1], starts[i2], "".join(b[j1:j2])])
            continue
        for k in range(i2 - i1):  # the same number of lines changed: the words that changed in each
            wa, wb = _WORD.findall(a[i1 + k]), _WORD.findall(b[j1 + k])
            at = list(itertools.accumulate(map(len, wa), initial=starts[i1 + k]))
            ops = difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes()
            edits.extend([at[x1], at[x2], "".join(wb[y1:y2])] for t, x1, x2, y1, y2 in ops if t != "equal")
    return edits if sum(len(text) + 16 for _, _, text in edits) < len(new) else None  # 16: an edit's own JSON


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON: True is not 1 there."""
    return type(a) is type(b) and a == b


def json_edits(old: Any, new: Any) -> list[list[Any]] | None:
    """``[path, value]`` (set) and ``[path]`` (delete) edits that make ``new`` from ``old``; a list whose length
    changed is set whole. None when sending ``new`` whole is no larger."""
    edits: list[list[Any]] = []

    def walk(a: Any, b: Any, path: list[Any]) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for key, value in b.items():
                if key in a:
                    walk(a[key], value, [*path, key])
                else:
                    edits.append([[*path, key], value])
            edits.extend([[*path, key]] for key in a if key not in b)
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                walk(x, y, [*path, i])
        elif not _same(a, b):
            edits.append([path, b])

    walk(old, new, [])
    return edits if len(json.dumps(edits)) < len(json.dumps(new)) else None


class SendsEdits:
    """Mixin for an anywidget whose traits ``_edited`` (a text or a JSON value) are sent as edits.

    The first send of each is whole (the page has nothing to edit); after that the changes sent together (as
    in ``hold_sync``) go as one custom message ``{"edits": {name: ops}, "sizes": {name: n}}`` (``sizes``: each
    text's length, which the page checks), except a value whose edits are no smaller than itself, which goes
    whole. A page asking ``{"resend": name}`` gets it whole.
    """

    _edited: ClassVar[tuple[str, ...]] = ()

    def _page_copy(self) -> dict[str, Any]:
        """What the page holds of each edited trait: the value last sent."""
        copy: dict[str, Any] | None = self.__dict__.get("_sg_page_copy")
        if copy is None:
            copy = self.__dict__["_sg_page_copy"] = {}
            self.on_msg(self._on_page_msg)  # type: ignore[attr-defined]
        return copy

    def send_state(self, key: str | Iterable[str] | None = None) -> None:
        keys = list(self.keys if key is None else [key] if isinstance(key, str) else key)  # type: ignore[attr-defined]
        whole, edits, sizes = [], {}, {}
        for name in keys:
            if name not in self._edited or getattr(self, "comm", None) is None:
                whole.append(name)
                continue
            new, copy = getattr(self, name), self._page_copy()
            old = copy.get(name)
            copy[name] = new
            ops = None if old is None else text_edits(old, new) if isinstance(new, str) else json_edits(old, new)
            if ops is None:
                whole.append(name)
            elif ops:
                edits[name] = ops
                if isinstance(new, str):
                    sizes[name] = len(new)
        if edits:
            self.send({"edits": edits, "sizes": sizes})  # type: ignore[attr-defined]
        if whole:
            super().send_state(whole)  # type: ignore[misc]

    def _on_page_msg(self, widget: Any, content: Any, buffers: Any) -> None:
        name = content.get("resend") if isinstance(content, dict) else None
        if name in self._edited:
            self._page_copy().pop(name, None)
            self.send_state(name)
