"""Files in and out of the pages: a picker that refuses a file over the limit before sending it in chunks, and a
save button whose file is made only when clicked.

ipywidgets' ``FileUpload`` sends a whole file in one websocket message with no size check and no
progress; :class:`CohortUpload` (``static/cohort.js``) reads the file in the browser, refuses one over
the limit and sends the rest in acknowledged chunks. :class:`CohortDownload` holds a function, not the
file: a page step only hands it a new one, and the bytes are made and sent when the reader clicks. The class
file (chapter 6) and the program list (the dashboard's "My programs") both use them.

The limit lives in the kernel (issue 19, item 3): ``max_bytes`` is a plain attribute, not a synced
trait, so a page cannot raise it. The page gets a copy (``page_max_bytes``) only to refuse a big file
before sending it; the kernel checks its own limit on the announced size and on every chunk, and
stops an upload as soon as either goes over it.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

from stepguide.cohort.file import MAX_BYTES, human_size, size_error
from stepguide.rules.words import label, say
from stepguide.ui.front_ends import styled

CHUNK_BYTES = 256 * 1024
SEND_SHARE = 0.4  # of the progress bar: sending (the front end's part); the rest is reading and judging


def _button(key: str) -> str:
    """A button's words (labels.csv, group ``button``); widgets here take a ``label`` argument that hides ``label``."""
    return label("button", key)


class CohortWidget(anywidget.AnyWidget):
    _esm, _css = styled("cohort.js", "cohort.css")
    kind = traitlets.Unicode("").tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)


class CohortUpload(CohortWidget):
    """A file picker that refuses a file over ``max_bytes`` before sending, then sends it in chunks.

    ``on_file(callback)`` registers ``callback(name, data)``, run once the whole file has arrived (or
    :meth:`load` is called); while it runs, :meth:`report` moves the same progress bar. ``max_bytes``
    is the kernel's own limit, fixed when the widget is made: nothing the page sends changes it.
    """

    accept = traitlets.Unicode(".csv,.tsv,.txt,text/csv,text/plain").tag(sync=True)
    # the page's copy of the limit, for refusing a big file before sending it; the kernel never reads it
    page_max_bytes = traitlets.Int(MAX_BYTES).tag(sync=True)
    chunk_size = traitlets.Int(CHUNK_BYTES).tag(sync=True)
    too_big = traitlets.Unicode("").tag(sync=True)  # the refusal, with {size} for the front end to fill
    progress = traitlets.Float(-1.0).tag(sync=True)  # -1 hides the bar
    status = traitlets.Unicode("").tag(sync=True)

    def __init__(self, label: str | None = None, *, max_bytes: int = MAX_BYTES, **kwargs: Any) -> None:
        too_big = "{name}: " + size_error(None, max_bytes)
        super().__init__(kind="upload", label=label if label is not None else _button("choose_csv"), too_big=too_big,
                         page_max_bytes=max_bytes, **kwargs)
        self._max_bytes = int(max_bytes)
        self._callbacks: list[Callable[[str, bytes], None]] = []
        self._upload: dict[str, Any] | None = None
        self.on_msg(self._on_message)

    @property
    def max_bytes(self) -> int:
        """The largest file this kernel takes, in bytes (read-only: set when the widget is made)."""
        return self._max_bytes

    def on_file(self, callback: Callable[[str, bytes], None]) -> None:
        self._callbacks.append(callback)

    def load(self, name: str, data: bytes) -> None:
        """Hand a complete file to the callbacks, as when an upload finishes."""
        self.progress, self.status = SEND_SHARE, say("cohort_status_reading", name=name)
        for callback in self._callbacks:
            callback(name, data)

    def report(self, fraction: float, text: str) -> None:
        """Progress of reading and judging (0-1) on the bar after the sending share."""
        self.progress = SEND_SHARE + (1 - SEND_SHARE) * max(0.0, min(1.0, fraction))
        self.status = text

    def _on_message(self, _: Any, content: dict[str, Any], buffers: list[memoryview]) -> None:
        kind = content.get("kind")
        if kind == "start":
            size, name = int(content.get("size", 0)), str(content.get("name", ""))
            if size > self.max_bytes or size < 0:
                self._upload = None
                self.send({"kind": "refuse", "id": content.get("id")})
                self.progress, self.status = -1.0, f"{name}: {size_error(size, self.max_bytes)}"
                return
            self._upload = {"id": content.get("id"), "name": name, "size": size, "got": 0, "data": bytearray(size)}
            self.progress, self.status = 0.0, say("cohort_status_sending", name=name)
            if size == 0:
                self._finish()
        elif kind == "chunk" and self._upload is not None and content.get("id") == self._upload["id"] and buffers:
            up, piece, offset = self._upload, buffers[0], int(content.get("offset", -1))
            if offset < 0 or offset + len(piece) > up["size"] or up["got"] + len(piece) > up["size"]:
                self._upload = None  # more than announced: the announced size was checked, this was not
                self.send({"kind": "refuse", "id": up["id"]})
                self.progress, self.status = -1.0, f"{up['name']}: " + say(
                    "cohort_upload_overrun", size=human_size(up["size"]), limit=human_size(self.max_bytes))
                return
            up["data"][offset:offset + len(piece)] = piece
            up["got"] += len(piece)
            self.send({"kind": "ack", "id": up["id"], "received": up["got"]})
            if up["got"] >= up["size"]:
                self._finish()

    def _finish(self) -> None:
        up, self._upload = self._upload, None
        if up is not None:
            self.load(up["name"], bytes(up["data"]))


class CohortDownload(CohortWidget):
    """A button that saves the bytes ``make()`` returns as ``filename``; made only when clicked."""

    filename = traitlets.Unicode("download.csv").tag(sync=True)
    mime = traitlets.Unicode("text/csv").tag(sync=True)
    ready = traitlets.Bool(False).tag(sync=True)
    version = traitlets.Int(0).tag(sync=True)  # bumped on every provide(): the page drops an older saved file
    part_size = 1024 * 1024

    def __init__(self, label: str, filename: str, mime: str, **kwargs: Any) -> None:
        super().__init__(kind="download", label=label, filename=filename, mime=mime, **kwargs)
        self._make: Callable[[], bytes] | None = None
        self.on_msg(self._on_message)

    def provide(self, make: Callable[[], bytes] | None, filename: str | None = None) -> None:
        """What to save from now on (None disables the button). Disabling a disabled button sends nothing: a
        slider step with an empty program list would otherwise send three updates that change nothing."""
        if make is None and self._make is None and (not filename or filename == self.filename):
            return
        self._make = make
        with self.hold_sync():
            if filename:
                self.filename = filename
            self.ready = make is not None
            self.version += 1

    def content(self) -> bytes:
        """The bytes a click would save now."""
        if self._make is None:
            raise ValueError("download: nothing to save yet")
        return self._make()

    def _on_message(self, _: Any, content: dict[str, Any], buffers: list[memoryview]) -> None:
        if content.get("kind") != "want" or self._make is None:
            return
        data = self.content()
        parts = range(0, max(len(data), 1), self.part_size)
        for i, start in enumerate(parts):
            self.send({"kind": "part", "last": i == len(parts) - 1}, buffers=[data[start:start + self.part_size]])
