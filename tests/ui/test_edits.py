"""A long text or figure goes to the page as edits (stepguide.ui.edits), and the page's edits.js makes the same value.

The round trip runs the real ``static/edits.js`` under node on the edits Python made, for the dashboard's own
texts and figures at two scores.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import comm
import pytest

from recording_comm import RecordingComm
from stepguide import charts
from stepguide.rules.assessment import assess
from stepguide.ui.edits import json_edits, text_edits
from stepguide.ui.front_ends import STATIC
from stepguide.ui.plan import plan_markdown
from stepguide.ui.render import why
from stepguide.ui.widgets import CopyButton, DownloadLink

NODE = shutil.which("node")


def _pages(cases: list[tuple[Any, list[Any]]]) -> list[Any]:
    """What the page's ``applyEdits`` makes of each (value, edits)."""
    assert NODE is not None
    script = (STATIC / "edits.js").read_text(encoding="utf-8") + """
let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", () => console.log(JSON.stringify(JSON.parse(input).map(([v, ops]) => applyEdits(v, ops)))));
"""
    run = subprocess.run([NODE, "--input-type=module", "-e", script], input=json.dumps(cases), capture_output=True,
                         text=True, timeout=60, check=True)
    return json.loads(run.stdout)


def _states(step2: int, month: Any = "Oct") -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    from stepguide.rules.email import draft_email

    a = assess(step1=228, step2=step2, specialty="Internal Medicine", month=month)
    return (plan_markdown(a, draft_email(a), None), why(a.trace), charts.figure_for(a, "matched"),
            charts.figure_for(a, "c2"))


@pytest.mark.skipif(NODE is None, reason="node is not installed (.ci/run installs npm, which brings node)")
def test_the_page_makes_the_same_value_from_the_edits() -> None:
    (plan_a, why_a, matched_a, c2_a), (plan_b, why_b, matched_b, c2_b) = _states(248), _states(243, "Nov")
    sentence = "the arrow → points at {} ± 6, and the rest of this sentence stays as it was"
    texts = [(plan_a, plan_b), (why_a, why_b), (sentence.format(248), sentence.format(247)), ("", "new"),
             ("x" * 50, "")]
    figures = [(matched_a, matched_b), (c2_a, c2_b), ({"a": 1, "b": [1, 2], "c": {"d": 1}, "e": "same" * 20},
                                                              {"a": True, "b": [1], "c": {}, "e": "same" * 20})]
    cases: list[tuple[Any, list[Any]]] = []
    wanted: list[Any] = []
    for old_text, new_text in texts:
        ops = text_edits(old_text, new_text)
        if ops is not None:
            cases.append((old_text, ops))
            wanted.append(new_text)
    for old, new in figures:
        ops = json_edits(old, new)
        assert ops is not None
        cases.append((old, ops))
        wanted.append(new)
    assert len(cases) >= 6
    assert _pages(cases) == wanted


def test_edits_are_small_or_not_sent() -> None:
    plan_a, why_a, matched_a, _ = _states(248)
    plan_b, why_b, matched_b, _ = _states(247)
    for old, new in ((plan_a, plan_b), (why_a, why_b)):
        ops = text_edits(old, new)
        assert ops is not None and len(json.dumps(ops)) < len(new) / 5
    ops = json_edits(matched_a, matched_b)
    assert ops is not None and len(json.dumps(ops)) < len(json.dumps(matched_b)) / 3
    assert text_edits("a 😀 b", "a 😀 c") is None  # the page counts UTF-16 units: sent whole
    assert text_edits("abc", "xyz") is None and json_edits({"a": 1}, [1, 2]) is None  # no smaller: sent whole
    assert json_edits({"a": 1, "b": "long" * 9}, {"a": True, "b": "long" * 9}) == [[["a"], True]]  # true is not 1


def test_a_widget_sends_whole_first_then_edits_and_whole_again_when_the_page_asks(monkeypatch) -> None:
    monkeypatch.setattr(comm, "create_comm", RecordingComm)
    button = CopyButton("Copy")
    sent = button.comm.sent
    long = "".join(f"line {i} of the email, about the score 248\n" for i in range(40))
    button.text = long
    assert sent[-1]["method"] == "update" and sent[-1]["state"]["text"] == long
    button.text = long.replace("248", "247", 1)
    assert sent[-1]["method"] == "custom"
    assert sent[-1]["content"] == {"edits": {"text": [[37, 41, "247\n"]]}, "sizes": {"text": len(long)}}
    button.name = "Copy the email"  # not an edited trait: sent as ipywidgets sends it
    assert sent[-1] == {"method": "update", "state": {"name": "Copy the email"}, "buffer_paths": []}
    button._handle_msg({"content": {"data": {"method": "custom", "content": {"resend": "text"}}}, "buffers": []})
    assert sent[-1]["method"] == "update" and sent[-1]["state"]["text"] == button.text


def test_a_download_is_made_when_the_page_asks_and_sent_nowhere_else(monkeypatch) -> None:
    """A download link holds no text: a click asks for the file, and the answer names the click it answers."""
    monkeypatch.setattr(comm, "create_comm", RecordingComm)
    plan = ["version 1"]
    link = DownloadLink("Save", "plan.md", make=lambda: plan[0])
    sent = link.comm.sent
    assert "text" not in link.get_state()
    opened = len(sent)
    plan[0] = "version 2"  # the inputs moved: nothing goes to the page
    assert len(sent) == opened and link.text == "version 2"
    link._handle_msg({"content": {"data": {"method": "custom", "content": {"kind": "want", "id": 3}}},
                      "buffers": []})
    assert sent[-1]["method"] == "custom"
    assert sent[-1]["content"] == {"kind": "file", "id": 3, "text": "version 2"}


def test_the_dashboards_html_views_send_edits_through_the_page_carrier(monkeypatch) -> None:
    from stepguide.ui.pages.dashboard import Dashboard
    from stepguide.ui.views import page_edits

    monkeypatch.setattr(comm, "create_comm", RecordingComm)
    d = Dashboard(month="Oct")
    carrier = page_edits(d.model)
    for view in (d.why, carrier, *d.cards.values()):
        view.comm.sent.clear()
    d.inputs["step2"].value = 247
    assert not d.why.comm.sent and not any(card.comm.sent for card in d.cards.values())  # nothing whole
    edits = [e for m in carrier.comm.sent for e in m["content"]["edits"]]
    why_edit = next(e for e in edits if e["target"] == d.why.model_id)
    assert why_edit["size"] == len(d.why.value) and len(json.dumps(why_edit)) < len(d.why.value) / 4
    cards = {d.cards[k].model_id for k in ("trend", "value")}
    assert any(cards <= {e["target"] for e in m["content"]["edits"]} for m in carrier.comm.sent)  # one message
    carrier.comm.sent.clear()
    carrier._handle_msg({"content": {"data": {"method": "custom", "content": {"resend": d.why.model_id}}},
                         "buffers": []})
    assert carrier.comm.sent[-1]["content"] == {"edits": [{"target": d.why.model_id, "value": d.why.value}]}


def test_the_dashboards_layouts_leave_unset_properties_out(monkeypatch) -> None:
    import ipywidgets as w
    from ipywidgets.widgets.widget import _instances

    from stepguide.ui.pages.dashboard import Dashboard
    from stepguide.ui.widgets import LeanLayout

    monkeypatch.setattr(comm, "create_comm", RecordingComm)
    before = {id(x) for x in _instances.values() if isinstance(x, w.Layout)}
    d = Dashboard(month="Oct")
    made = [x for x in _instances.values() if isinstance(x, w.Layout) and id(x) not in before]
    assert made and all(isinstance(x, LeanLayout) for x in made)  # the default ones were closed
    step2 = d.inputs["step2"].layout
    state = step2.get_state()
    assert state["width"] == "calc(100% - 6px)" and "_model_name" in state  # the page needs the model's name
    assert not [k for k, v in state.items() if v is None and not k.startswith("_")]
    own = LeanLayout(width="10px")
    own.comm.sent.clear()
    own.display = "none"
    own.display = None  # an update says so, even though the whole state leaves None out
    assert [m["state"] for m in own.comm.sent] == [{"display": "none"}, {"display": None}]
    assert "display" not in own.get_state()


def test_widgets_that_set_no_layout_share_one_and_show_gives_a_widget_its_own(monkeypatch) -> None:
    import ipywidgets as w
    import traitlets
    from ipywidgets.widgets.widget import _instances

    from stepguide.ui.pages.dashboard import Dashboard
    from stepguide.ui.widgets import SharedLayout, show

    monkeypatch.setattr(comm, "create_comm", RecordingComm)
    before = {id(x) for x in _instances.values() if isinstance(x, w.Layout)}
    d = Dashboard(month="Oct")
    made = [x for x in _instances.values() if isinstance(x, w.Layout) and id(x) not in before]
    assert all(isinstance(x, SharedLayout) for x in made)
    [shared] = [x for x in made if not x.values()]  # the layout of the widgets that set none

    def tree(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from tree(child)

    laid_out = [x for x in tree(d.widget) if isinstance(getattr(x, "layout", None), w.Layout)]
    assert len(made) * 4 < len(laid_out)  # one layout for each set of properties, not one per widget
    sharing = [x for x in laid_out if x.layout is shared]
    with pytest.raises(traitlets.TraitError):
        shared.display = "none"  # it would hide every widget sharing it
    box = d.chart_boxes["c5"]
    boxes = box.layout  # shared by every chart's box (min-width 0)
    assert sum(x.layout is boxes for x in laid_out) > 1
    show(box, False)  # a layout of its own, hidden, with the properties it shared; the others stay as they were
    assert box.layout is not boxes and box.layout.display == "none" and box.layout.min_width == "0"
    assert boxes.display is None
    show(box, True)
    assert box.layout.display == ""  # not None: the in-browser kernel would leave a None out of its update
    width = d.inputs["step2"]
    assert isinstance(width.layout, SharedLayout) and width.layout.width == "calc(100% - 6px)"
    show(width, False)  # its own layout keeps the properties it shared
    assert width.layout.width == "calc(100% - 6px)" and width.layout.display == "none"
    assert all(x.layout is shared for x in sharing) and sharing


def test_the_dashboards_html_widgets_share_one_default_style_that_cannot_change(monkeypatch) -> None:
    import traitlets
    from ipywidgets.widgets.widget import _instances
    from ipywidgets.widgets.widget_string import HTMLStyle

    from stepguide.ui.pages.dashboard import Dashboard

    monkeypatch.setattr(comm, "create_comm", RecordingComm)
    before = {id(x) for x in _instances.values() if isinstance(x, HTMLStyle)}
    d = Dashboard(month="Oct")
    made = [x for x in _instances.values() if isinstance(x, HTMLStyle) and id(x) not in before]
    assert len(made) == 1 and d.why.style is d.sources.style is made[0]  # the per-widget ones were closed
    with pytest.raises(traitlets.TraitError):
        d.why.style.font_size = "30px"
    assert d.why.style.font_size is None
