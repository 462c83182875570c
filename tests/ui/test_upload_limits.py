"""The upload limit lives in the kernel (issue 19, item 3): what a page sends cannot raise it.

The attack: set ``CohortUpload.max_bytes`` from the browser (a comm ``update``), then announce a
1.5 GB file, or announce a small one and send more. The page's side is a RecordingComm; messages
from the page go in through the comm's own ``handle_msg``, as the kernel's comm manager delivers them.
"""
from __future__ import annotations

from typing import Any

import comm
import pytest

from recording_comm import RecordingComm
from stepguide.ui.upload import CohortUpload

LIMIT = 2048


class Recorded(CohortUpload):
    """The uploader, keeping every file it hands on."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.got: list[tuple[str, bytes]] = []
        self.on_file(lambda name, data: self.got.append((name, data)))


@pytest.fixture
def upload(monkeypatch: pytest.MonkeyPatch) -> Recorded:
    monkeypatch.setattr(comm, "create_comm", RecordingComm)
    return Recorded(max_bytes=LIMIT)


def from_page(widget: CohortUpload, data: dict[str, Any], buffers: list[bytes] | None = None) -> None:
    """A message from the page, as the kernel's comm manager hands it to the widget's comm."""
    assert widget.comm is not None
    widget.comm.handle_msg({"content": {"comm_id": widget.comm.comm_id, "data": data},
                            "buffers": [memoryview(b) for b in buffers or []]})


def custom(widget: CohortUpload, content: dict[str, Any], buffers: list[bytes] | None = None) -> None:
    from_page(widget, {"method": "custom", "content": content}, buffers)


def replies(widget: CohortUpload) -> list[dict[str, Any]]:
    assert isinstance(widget.comm, RecordingComm)
    return [m["content"] for m in widget.comm.sent if m.get("method") == "custom"]


def test_a_page_cannot_raise_the_limit_then_announce_a_huge_file(upload: Recorded) -> None:
    assert "max_bytes" not in upload.keys  # not a synced trait: nothing the page sends reaches it
    from_page(upload, {"method": "update", "state": {"max_bytes": 2**40, "page_max_bytes": 2**40},
                       "buffer_paths": []})
    assert upload.max_bytes == LIMIT
    custom(upload, {"kind": "start", "id": 1, "name": "huge.csv", "size": 1_500_000_000})
    assert replies(upload)[-1] == {"kind": "refuse", "id": 1}
    assert upload.status == "huge.csv: file: 1430.5 MiB is over the limit of 2 KiB; split the class into smaller " \
                            "files or delete columns the guide does not read"
    custom(upload, {"kind": "chunk", "id": 1, "offset": 0}, [b"x" * 1024])  # nothing was started: ignored
    assert not upload.got and replies(upload)[-1]["kind"] == "refuse"


def test_more_bytes_than_announced_are_refused_as_they_arrive(upload: Recorded) -> None:
    custom(upload, {"kind": "start", "id": 2, "name": "room.csv", "size": 1024})
    custom(upload, {"kind": "chunk", "id": 2, "offset": 0}, [b"a" * 1000])
    assert replies(upload)[-1] == {"kind": "ack", "id": 2, "received": 1000}
    custom(upload, {"kind": "chunk", "id": 2, "offset": 0}, [b"b" * 1000])  # the same place again: over 1024 in all
    assert replies(upload)[-1] == {"kind": "refuse", "id": 2}
    assert upload.status.startswith("room.csv: more arrived than the 1 KiB announced") and "2 KiB" in upload.status
    custom(upload, {"kind": "chunk", "id": 2, "offset": 1000}, [b"c" * 24])  # after the refusal: ignored
    assert not upload.got


def test_a_file_within_the_limit_still_arrives_whole(upload: Recorded) -> None:
    custom(upload, {"kind": "start", "id": 3, "name": "ok.csv", "size": LIMIT})
    custom(upload, {"kind": "chunk", "id": 3, "offset": 1024}, [b"2" * 1024])
    custom(upload, {"kind": "chunk", "id": 3, "offset": 0}, [b"1" * 1024])
    assert upload.got == [("ok.csv", b"1" * 1024 + b"2" * 1024)]
