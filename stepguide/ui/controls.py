"""Profile controls: one input widget per field, kept in step with a :class:`~stepguide.ui.model.GuideModel`.

Every page (the dashboard, each chapter) builds its inputs here, so a field
looks and behaves the same everywhere; a page only picks which fields to show.
Widgets write to the model through :meth:`GuideModel.set` and follow it back
when something else (an example, a situation link) changes the situation.
The words on every control come from the one vocabulary (``labels.csv``).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import ipywidgets as w

from stepguide.rules.inputs import FIELD, FIELDS, exam_date_matters, score_range
from stepguide.rules.words import hint, label, options
from stepguide.ui.model import GuideModel
from stepguide.ui.widgets import Combobox, show

# The inputs as the widgets show them: Step 1 as a result (Score, Pass, Fail) and a score, Step 2 CK as a score
# and "not out yet"; every other input is one widget, made from its definition (stepguide.rules.inputs.SPEC).
WIDGET_FIELDS = ("step1_mode", "step1", "step2", "step2_pending", *FIELDS[2:])
_WIDE = {"width": "calc(100% - 6px)", "max_width": "720px"}  # minus the widgets' own margins


def _css(name: str) -> str:
    return "sg-" + name.replace("_", "-")


def make_widget(name: str, specialty_kind: str = "dropdown") -> w.ValueWidget:
    """The one widget for a field, with its visible (and accessible) name and CSS hook ``sg-<field>``.

    A choice (applicant, stage, month, the exam date...) offers its field's options, a flag is a checkbox: a new
    input of either kind needs nothing here.
    """
    text = label("field", name)
    wide_label, short = {"description_width": "15em"}, {"description_width": "9em"}
    spec = FIELD.get(name)
    if name in ("step1", "step2"):
        lo, hi = score_range()
        widget: w.ValueWidget = w.IntSlider(
            value=240, min=lo, max=hi, step=1, description=text,
            continuous_update=True, readout=True, style=short, layout=w.Layout(**_WIDE))
    elif name == "step1_mode":
        modes = options("step1_mode")
        widget = w.ToggleButtons(options=modes, value="Score", description=text, layout=w.Layout(width="auto"),
                                 style={**short, "button_width": "6em"},
                                 tooltips=[hint("step1_mode", key) for _, key in modes])
    elif name == "step2_pending" or (spec is not None and spec.kind == "flag"):
        widget = w.Checkbox(value=False, description=text, indent=False, layout=w.Layout(width="auto"))
    elif name == "specialty" and specialty_kind == "combobox":  # free text, so aliases such as "IM" work
        widget = Combobox(value="", options=sorted(value for _, value in FIELD[name].options()),
                            ensure_option=False, continuous_update=False, placeholder=FIELD[name].help,
                            description=text, style=wide_label, layout=w.Layout(**_WIDE))
    elif spec is not None:  # a list to pick from: labels.csv's words, the season's months, the specialties
        widget = w.Dropdown(options=spec.options(), description=text, style=wide_label, layout=w.Layout(**_WIDE))
    else:
        raise KeyError(f"no control for field {name!r}; the fields are {', '.join(WIDGET_FIELDS)}")
    return widget.add_class(_css(name))


def widget_values(values: dict[str, Any]) -> dict[str, Any]:
    """Model values (``assess``'s keywords) -> what the widgets show (a Pass/Fail or pending score keeps its slider)."""
    out = {k: v for k, v in values.items() if k not in ("step1", "step2")}
    out["step1_mode"] = values["step1"] if isinstance(values["step1"], str) else "Score"
    out["step2_pending"] = values["step2"] is None
    if not isinstance(values["step1"], str):
        out["step1"] = values["step1"]
    if values["step2"] is not None:
        out["step2"] = values["step2"]
    return out


def model_values(shown: dict[str, Any]) -> dict[str, Any]:
    """Widget values -> ``assess`` keywords for the fields shown (the model keeps the others)."""
    out = {k: v for k, v in shown.items() if k in FIELDS and k not in ("step1", "step2")}
    if "step1_mode" in shown or "step1" in shown:
        mode = shown.get("step1_mode", "Score")
        out["step1"] = shown.get("step1") if mode == "Score" else mode
    if "step2" in shown or "step2_pending" in shown:
        out["step2"] = None if shown.get("step2_pending") else shown.get("step2")
    return {k: v for k, v in out.items() if v is not None or k == "step2"}


class ProfileControls(w.VBox):
    """The inputs for ``fields`` (default: all), bound to ``model``; ``inputs`` maps field -> widget."""

    def __init__(self, model: GuideModel, fields: Sequence[str] = WIDGET_FIELDS, specialty_kind: str = "dropdown",
                 guard: Callable[[BaseException], None] | None = None, **kwargs: Any) -> None:
        self.model, self._guard = model, guard
        self.inputs: dict[str, w.ValueWidget] = {name: make_widget(name, specialty_kind) for name in fields}
        self._syncing = False
        super().__init__(children=list(self.inputs.values()), **kwargs)
        self.add_class("sg-controls")
        self._show(model.values)
        for name, widget in self.inputs.items():
            widget.observe(self._on_widget, names="value")
            if isinstance(widget, Combobox):  # free text: cut at its limit, and the page says so
                widget.on_too_long(partial(model.too_long, label("field", name), widget.max_chars))
        model.observe(lambda change: self._show(change.new), names="values")

    def values(self) -> dict[str, Any]:
        return {name: widget.value for name, widget in self.inputs.items()}

    def _show(self, values: dict[str, Any]) -> None:
        self._syncing = True
        try:
            for name, value in widget_values(values).items():
                if name in self.inputs and self.inputs[name].value != value:
                    self.inputs[name].value = value
        finally:
            self._syncing = False
        self._enable()

    def _enable(self) -> None:
        i = self.inputs
        if "step1" in i and "step1_mode" in i:
            i["step1"].disabled = i["step1_mode"].value != "Score"
        if "step2" in i and "step2_pending" in i:
            i["step2"].disabled = bool(i["step2_pending"].value)
        if "step2_exam" in i:  # asked only when the exam date decides pass or fail (the model's score, 214-217)
            asked = exam_date_matters(self.model.values.get("step2"))
            i["step2_exam"].disabled = not asked
            show(i["step2_exam"], asked)

    def _on_widget(self, change: Any) -> None:
        self._enable()
        if self._syncing:
            return
        try:
            self.model.set(**model_values(self.values()))
        except Exception as exc:  # a bug in a view: the page says so in one line and keeps working
            if self._guard is None:
                raise
            self._guard(exc)
