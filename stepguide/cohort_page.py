"""Chapter 6's page: upload an anonymised CSV and see the room at once (on top of the cohort functions)."""
from __future__ import annotations

from typing import Any

import ipywidgets as w

from . import charts
from .plotly_view import PlotlyView
from .render import esc, p, section, table

# ---------------------------------------------------------------- 06 for advisers (assess_frame on a cohort)

COHORT_SHOWN = ("step1", "step2", "specialty", "month", "trend", "value", "reading", "email", "template", "error")


def cohort_html(assessed: Any) -> str:
    """The verdict counts and every row's verdict (or its error), escaped."""
    from .cohort import verdict_counts

    counts = verdict_counts(assessed)
    bad = int(assessed["error"].notna().sum())
    summary = p(f"{len(assessed)} rows: {len(assessed) - bad} assessed, {bad} with an error to fix.")
    tallies = "".join(section(f"By {col}", table(("Verdict", "Students"), list(counts[col].items()), mark=None))
                      for col in ("value", "email"))
    shown = [c for c in COHORT_SHOWN if c in assessed.columns]
    rows = [["" if v is None or v != v else v for v in r] for r in assessed[shown].itertuples(index=False)]
    return summary + tallies + section("Every row", table(shown, rows, mark=None))


class Cohort(w.VBox):
    """The adviser's view; ``upload``, ``examples_button``, ``message``, ``view`` and ``body`` are public
    so tests and notebooks can drive and read it without walking ``children``."""

    upload: w.FileUpload
    examples_button: w.Button
    message: w.HTML
    view: PlotlyView
    body: w.HTML


def cohort(csv: bytes | str | None = None) -> Cohort:
    """Upload an anonymised CSV (one student per row, assess's column names) and see the room at once."""
    from .cohort import examples_csv, read_cohort_csv, trend_shares
    from .frame import INPUT_COLUMNS

    upload = w.FileUpload(accept=".csv", multiple=False, description="Upload a CSV").add_class("sg-cohort-upload")
    examples_button = w.Button(description="Use the articles' examples",
                               layout=w.Layout(width="auto")).add_class("sg-cohort-examples")
    message, body = w.HTML(), w.HTML().add_class("sg-cohort")
    view = PlotlyView(label="Your group's trends next to the article's")

    def show(data: bytes | str) -> None:
        try:
            assessed = read_cohort_csv(data)
        except ValueError as exc:
            message.value = f"<p role='alert'><b>Please check the file.</b> {esc(str(exc))}</p>"
            return
        message.value = ""
        body.value = cohort_html(assessed)
        n = int(assessed["trend"].notna().sum())
        spec = charts.cohort_c5_figure(trend_shares(assessed), n)
        with view.batch_update():
            view.figure, view.label = spec, charts.describe(spec)

    def on_upload(change: dict) -> None:
        if change["new"]:
            show(bytes(change["new"][0]["content"]))

    upload.observe(on_upload, names="value")
    examples_button.on_click(lambda _: show(examples_csv()))
    show(csv if csv is not None else examples_csv())
    columns = p("Columns: " + ", ".join(INPUT_COLUMNS) + " (only step1, step2 and specialty are required; "
                 "flags are true/false; leave step2 empty when the score is not out).")
    box = Cohort([w.HTML(columns), w.HBox([upload, examples_button]), message, view, body])
    box.upload, box.examples_button, box.message, box.view, box.body = upload, examples_button, message, view, body
    return box
