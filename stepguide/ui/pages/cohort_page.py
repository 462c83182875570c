"""Chapter 6's page: upload a class file (size checked first, sent in chunks, with progress), see it judged,
take it away.

The uploader and the download buttons are small anywidgets (``static/cohort.js``): ipywidgets'
``FileUpload`` sends a whole file in one websocket message with no size check and no progress.
Importing this module loads neither pandas nor the readers; the page builder does, when called.
"""
from __future__ import annotations

import logging
import secrets
from pathlib import Path

import ipywidgets as w

from stepguide.cohort.file import MAX_BYTES, MAX_ROWS, SAVE_AS_CSV, size_limit_text
from stepguide.rules.tables import has_pandas
from stepguide.rules.words import label, say
from stepguide.ui import render
from stepguide.ui.plotly_view import PlotlyView
from stepguide.ui.render import esc
from stepguide.ui.upload import CHUNK_BYTES, SEND_SHARE, CohortDownload, CohortUpload

__all__ = ["CHUNK_BYTES", "SEND_SHARE", "CohortDownload", "CohortPage", "CohortUpload", "cohort", "cohort_example",
           "intro_html"]

log = logging.getLogger(__name__)


def _button(key: str) -> str:
    """A button's words (labels.csv, group ``button``); widgets here take a ``label`` argument that hides ``label``."""
    return label("button", key)


def intro_html(max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES) -> str:
    """What the file should hold, which headers are read, the limits and how to turn a workbook into a CSV."""
    from stepguide.cohort.headers import accepted_headers

    also = label("cohort", "header_aliases")
    names = "".join(f"<li><code>{esc(col)}</code>" + (f": {esc(also.format(aliases=', '.join(aliases)))}"
                                                      if aliases else "")
                    + "</li>" for col, aliases in accepted_headers().items())
    files = say("cohort_files", limits=size_limit_text(max_rows, max_bytes), save_as_csv=SAVE_AS_CSV)
    return (f"<p>{esc(say('cohort_intro'))}</p>"
            f"<details><summary>{esc(label('cohort', 'headers_read'))}</summary><ul>{names}</ul></details>"
            f"<p>{esc(files)}</p>")


def cohort_example() -> str:
    """The articles' examples as a room with one line cut short: rows, verdict and trend tallies, as text."""
    if not has_pandas():
        return label("message", "cohort_unavailable")
    from stepguide.cohort import examples_csv
    from stepguide.cohort.read import read_cohort
    from stepguide.cohort.report import trend_shares, verdict_counts

    room = read_cohort((examples_csv() + "250,,IM\n").encode())  # the last line is cut short
    counts = verdict_counts(room)
    tally = say("cohort_example_tally", rows=len(room.rows), judged=len(room.judged), lines=room.named["line"].tolist())
    return "\n".join([tally,
                      str(counts["value"].to_dict()), str(counts["email"].to_dict()), str(trend_shares(room))])


def _stem(name: str) -> str:
    stem = Path(name).stem if name else "class"
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in stem)[:60] or "class"


class CohortPage(w.VBox):
    """Chapter 6's page; its parts are public so tests and notebooks drive and read it without walking ``children``."""

    upload: CohortUpload
    examples_button: w.Button
    message: w.HTML
    csv_link: CohortDownload
    summary_link: CohortDownload
    summary: w.HTML
    view: PlotlyView
    table: w.HTML
    legend: w.HTML  # the IDs the summary and table show (E3, C5...), each a badge
    about: w.HTML  # what those badges open


def cohort(csv: bytes | str | None = None, *, max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES) -> CohortPage:
    """Upload an anonymised class file and see every row judged, with a CSV and a one-page summary to take away.

    ``csv`` is shown first (default: the articles' worked examples); the limits default to the measured ones.
    Without pandas (the in-browser edition) the page says so instead of offering an upload that cannot work.
    """
    if not has_pandas():
        notice = w.HTML(f"<p role='note' class='sg-note'>{esc(label('message', 'cohort_unavailable'))}</p>")
        page = CohortPage([w.HTML(intro_html(max_rows, max_bytes)), notice])
        page.message = notice
        return page.add_class("sg-cohort-page")
    from stepguide import charts
    from stepguide.cohort import examples_csv
    from stepguide.cohort.read import read_cohort
    from stepguide.cohort.report import export_csv, trend_shares
    from stepguide.ui.cohort_html import rows_html, summary_body, summary_html

    upload = CohortUpload(max_bytes=max_bytes)
    examples_button = w.Button(description=_button("cohort_examples"),
                               layout=w.Layout(width="auto")).add_class("sg-cohort-examples")
    message, summary, table = w.HTML(), w.HTML().add_class("sg-cohort"), w.HTML().add_class("sg-cohort-rows")
    csv_link = CohortDownload(_button("cohort_csv"), "class-judged.csv", "text/csv")
    summary_link = CohortDownload(_button("cohort_summary"), "class-summary.html", "text/html")
    view = PlotlyView(label=label("cohort", "c5_view"))
    scope = f"sg-about-{secrets.token_hex(4)}"  # the page's badges open its own glossary block
    with render.badge_scope(scope):
        legend = w.HTML().add_class("sg-cohort-ids")
        about = w.HTML(render.glossary_block()).add_class("sg-glossary-box")

    def show(name: str, data: bytes) -> None:
        try:
            room = read_cohort(data, name=name, max_rows=max_rows, max_bytes=max_bytes, progress=upload.report)
        except ValueError as exc:
            message.value = f"<p role='alert'><b>{esc(label('message', 'check_file'))}</b> {esc(str(exc))}</p>"
            upload.progress, upload.status = -1.0, say("cohort_status_not_read", name=name)
            return
        except Exception:  # never a traceback on the page; the log keeps it
            log.exception("cohort upload %r failed", name)
            message.value = f"<p role='alert'><b>{esc(say('cohort_unexpected'))}</b></p>"
            upload.progress, upload.status = -1.0, say("cohort_status_not_read", name=name)
            return
        message.value = ""
        summary.value = summary_body(room)
        table.value = rows_html(room)
        with render.badge_scope(scope):  # the IDs in the summary and the table (E3, C5...), each explained
            legend.value = render.id_legend(summary.value + table.value)
        spec = charts.cohort_c5_figure(trend_shares(room), int(room.judged["trend"].notna().sum()))
        with view.batch_update():
            view.figure, view.label = spec, charts.describe(spec)
        csv_link.provide(lambda: export_csv(room), f"{_stem(name)}-judged.csv")
        summary_link.provide(lambda: summary_html(room).encode("utf-8"), f"{_stem(name)}-summary.html")
        rows = len(room.rows)
        upload.progress, upload.status = 1.0, say("cohort_status_done", name=name, rows=rows,
                                                  row_word=label("cohort", "row_one" if rows == 1 else "row_many"),
                                                  judged=len(room.judged), fix=len(room.named))

    upload.on_file(show)
    examples_button.on_click(lambda _: upload.load("examples.csv", examples_csv().encode()))
    first = csv if csv is not None else examples_csv()
    upload.load("examples.csv" if csv is None else "class.csv", first.encode() if isinstance(first, str) else first)
    page = CohortPage([w.HTML(intro_html(max_rows, max_bytes)),
                       w.HBox([upload, examples_button], layout=w.Layout(flex_flow="row wrap")), message,
                       w.HBox([csv_link, summary_link], layout=w.Layout(flex_flow="row wrap")), summary, view, table,
                       legend, about])
    page.upload, page.examples_button, page.message, page.view = upload, examples_button, message, view
    page.csv_link, page.summary_link, page.summary, page.table = csv_link, summary_link, summary, table
    page.legend, page.about = legend, about
    return page.add_class("sg-cohort-page")
