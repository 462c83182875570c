"""Every text field keeps a length limit in the kernel (issue 19, item 10: eleven 9 MiB fields took a kernel to
250 MiB). The attack goes in the way a page's does: a state ``update`` on each field's comm (a RecordingComm on
the page's side), carrying far more than the field takes; a second update tries to raise the limit first."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import comm
import ipywidgets as w
import pytest

from recording_comm import RecordingComm
from stepguide.rules.words import label
from stepguide.ui.pages import guide
from stepguide.ui.pages.dashboard import Dashboard
from stepguide.ui.widgets import MAX_TEXT_CHARS

HUGE = 600_000  # characters, over every limit (the attack sent 9 MiB a field)


@pytest.fixture(autouse=True)
def recording(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(comm, "create_comm", RecordingComm)


def widgets(root: w.Widget) -> Iterator[w.Widget]:
    yield root
    for child in getattr(root, "children", ()):
        yield from widgets(child)


def text_fields(root: w.Widget) -> list[Any]:
    return [x for x in widgets(root) if isinstance(x, w.Text | w.Textarea | w.Combobox)]


def from_page(widget: w.Widget, state: dict[str, Any]) -> None:
    """A state update from the page, delivered as the kernel's comm manager delivers it."""
    widget.comm.handle_msg({"content": {"comm_id": widget.comm.comm_id,
                                        "data": {"method": "update", "state": state, "buffer_paths": []}},
                            "buffers": []})


def test_eleven_huge_fields_are_cut_in_the_kernel_and_the_page_names_the_field_and_limit() -> None:
    d = Dashboard(month="Oct")
    fields = text_fields(d.widget)
    typed = {label("email_field", k) for k in d.fields} | {label("email_field", "evidence")}
    assert {f.description for f in fields} >= typed and len(typed) == 11
    for field in fields:
        from_page(field, {"max_chars": 10**9})  # not a synced trait: the page cannot raise the limit
        from_page(field, {"value": "x" * HUGE})
    kept = {f.description: len(f.value) for f in fields}
    assert all(n <= MAX_TEXT_CHARS for name, n in kept.items() if name in typed), kept
    assert sum(kept.values()) <= 11 * MAX_TEXT_CHARS + 512 * 1024, kept  # the program paste box takes a list
    assert all(f.comm.sent[-1]["state"]["value"] == f.value for f in fields), "the page's field shows the cut value"
    assert d.error.layout.display != "none"
    assert "at most 1,000 characters" in d.error.value and "Your evidence" in d.error.value
    assert "at most 524,288 characters" in d.programs.message.value
    assert not d.programs.programs, "nothing is read from a paste cut short"


def test_every_chapter_field_has_its_limit_and_says_so() -> None:
    for page in (guide.to_email_or_not(), guide.after_a_drop(), guide.risk_by_profile(), guide.my_programs()):
        fields = text_fields(page)
        assert fields
        for field in fields:
            assert field.max_chars <= 512 * 1024, (type(page).__name__, field.description)
            from_page(field, {"value": "y" * (field.max_chars + 1)})
            assert len(field.value) == field.max_chars
        # the last field cut is the one the message names (a specialty cut short is then refused as no specialty)
        if isinstance(fields[-1], w.Text) and not isinstance(fields[-1], w.Combobox):
            assert f"{fields[-1].description}”</b>: at most 1,000 characters" in page.message.value


def test_a_value_within_the_limit_is_kept_whole() -> None:
    d = Dashboard(month="Oct")
    from_page(d.fields["name"], {"value": "Jordan Lee"})
    assert d.fields["name"].value == "Jordan Lee" and d.model.texts["name"] == "Jordan Lee"
    assert d.error.layout.display == "none"
