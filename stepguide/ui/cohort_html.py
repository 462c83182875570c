"""A judged room as HTML: the one-page summary an adviser prints or keeps, and the judged table for the page.

The tallies come from :mod:`stepguide.cohort.report`; this module only lays them out, with
:mod:`stepguide.ui.render`'s escape and table, in the words of ``data/labels.csv`` and
``data/wording.csv``. Everything typed in the class file is escaped.
"""
from __future__ import annotations

import datetime
import math
from pathlib import Path

import numpy as np
import pandas as pd

from stepguide.cohort.read import Cohort
from stepguide.cohort.report import (
    NOT_OUT,
    attention,
    attention_reasons,
    by_month,
    by_specialty,
    trend_shares,
    verdict_counts,
    verdict_words,
)
from stepguide.rules.articles import credit
from stepguide.rules.tables import chart_info, chart_values
from stepguide.rules.words import label, say
from stepguide.ui.render import esc, html_table

SHOWN = ("line", "step1", "step2", "specialty", "month", "stage", "trend", "value", "reading", "email", "template",
         "attention", "error")  # the judged table's columns on the page (the CSV has them all)
ATTENTION_ON_SUMMARY = 15  # rows listed on the one-page summary; the CSV has them all
SUMMARY_CSS = (Path(__file__).resolve().parent / "static" / "cohort.css").read_text(encoding="utf-8")


def _cell(value: object) -> str:
    """A typed or computed cell: escaped; a missing value (None, NA, NaN) is an empty cell."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return esc(str(value))


def _word(col: str, key: object) -> object:
    """A verdict id in the words the chapters show for it; anything else as it is."""
    if key == NOT_OUT:
        return label("cohort", "not_out")
    return verdict_words().get(col, {}).get(key, key) if isinstance(key, str) else key


def _note(text: str) -> str:
    return f"<p class='sg-note'>{esc(text)}</p>"


def _part(title: str, body: str) -> str:
    return f"<section class='sg-part'><h2>{esc(title)}</h2>{body}</section>"


def _grid_html(grid: pd.DataFrame, column: str) -> str:
    if grid.empty:
        return _note(label("cohort", "no_rows"))
    header = [str(grid.index.name or "")] + [str(_word(column, c)) for c in grid.columns]
    rows = [[i, *map(int, r)] for i, r in zip(grid.index, grid.to_numpy(), strict=True)]
    return html_table(header, rows, None, numeric=[False] + [True] * len(grid.columns), cls="", cell=_cell)


def _counts_html(title: str, counts: pd.Series, column: str) -> str:
    rows = [(_word(column, k), int(v)) for k, v in counts.items()]
    header = (label("cohort", "verdict"), label("cohort", "students"))
    return _part(title, html_table(header, rows, None, numeric=(False, True), cls="", cell=_cell))


def _c5_html(cohort: Cohort) -> str:
    article = chart_values("C5")
    shares = trend_shares(cohort)
    n = int(cohort.judged["trend"].notna().sum())
    rows = [(r["label"], f"{r['value']:g}%", f"{shares[r['id']]:g}%") for r in article]
    header = (label("cohort", "c5_trend"), label("cohort", "article_pattern"),
              label("cohort", "your_group").format(n=n))
    table_html = html_table(header, rows, None, numeric=(False, True, True), cls="", cell=_cell)
    info = chart_info("C5")
    note = say("cohort_c5_note", caption=info["caption"], credit=credit(str(info["doc"]), "C5"))
    return _part(label("cohort", "c5_title"), table_html + _note(note))


def _attention_html(cohort: Cohort, limit: int) -> str:
    todo = attention(cohort)
    if todo.empty:
        return _part(label("cohort", "attention"), _note(say("cohort_none_flagged")))
    shown = todo.head(limit)
    more = len(todo) - len(shown)
    tail = _note(say("cohort_more", more=more)) if more else ""
    fix = label("cohort_kind", "fix")
    header = (label("cohort", "line"), label("cohort", "what_to_do"), label("cohort", "why"))
    return _part(label("cohort", "attention_first"),
                 html_table(header, shown[["line", "kind", "why"]].itertuples(index=False), None, numeric=(True,),
                       row_class=["sg-fix" if k == fix else "" for k in shown["kind"]], cls="sg-attention",
                       cell=_cell)
                 + tail)


def _title(cohort: Cohort) -> str:
    return label("cohort", "summary_named" if cohort.name else "summary").format(name=cohort.name)


def summary_body(cohort: Cohort, today: datetime.date | None = None, limit: int = ATTENTION_ON_SUMMARY) -> str:
    """The one-page summary's content (a ``div.sg-cohort-summary``), shown on the page and in the file."""
    today = today or datetime.date.today()
    counts = verdict_counts(cohort)
    title = _title(cohort)
    notes = "".join(_note(n) for n in cohort.notes())
    parts = lambda key: label("cohort", key)  # noqa: E731
    # a region that may scroll sideways on a phone: focusable, so a keyboard can scroll it too
    return (f"<div class='sg-cohort-summary' tabindex='0' role='region' aria-label='{esc(title)}'><h1>{esc(title)}</h1>"
            f"{_note(say('cohort_made_on', date=today.isoformat()))}{notes}{_attention_html(cohort, limit)}"
            f"<div class='sg-grid'>{_counts_html(parts('by_value'), counts['value'], 'value')}"
            f"{_counts_html(parts('by_email'), counts['email'], 'email')}{_c5_html(cohort)}</div>"
            f"<div class='sg-grid sg-wide'>{_part(parts('by_specialty'), _grid_html(by_specialty(cohort), 'value'))}"
            f"{_part(parts('by_month'), _grid_html(by_month(cohort), 'email'))}</div></div>")


def summary_html(cohort: Cohort, today: datetime.date | None = None) -> str:
    """A standalone printable page (one A4 sheet) with the summary; open it and print, or keep the file."""
    title = esc(f"{label('cohort', 'summary')} {cohort.name}".strip())
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
            f"<style>body{{margin:16px}}{SUMMARY_CSS}</style></head><body>{summary_body(cohort, today)}</body></html>")


def rows_html(cohort: Cohort, limit: int = 200) -> str:
    """The judged table for the page: rows needing attention first, then the rest, at most ``limit`` rows."""
    rows = cohort.rows.assign(attention=attention_reasons(cohort))
    order = np.argsort(np.where(rows["error"].notna(), 0, np.where(rows["attention"] != "", 1, 2)), kind="stable")
    shown = rows.iloc[order[:limit]]
    cols = [c for c in SHOWN if c in shown.columns]
    note = "" if len(rows) <= limit else f"<p>{esc(say('cohort_showing', limit=limit, total=len(rows)))}</p>"
    cells = ([_word(c, v) for c, v in zip(cols, row, strict=True)] for row in shown[cols].itertuples(index=False))
    body = html_table(cols, cells, None, numeric=[c == "line" for c in cols], cls="", cell=_cell,
                 row_class=["sg-fix" if isinstance(e, str) else "" for e in shown["error"]])
    region = esc(label("cohort", "rows"))
    return (f"{note}<div class='sg-cohort-table' tabindex='0' role='region' aria-label='{region}'>"
            f"{body}</div>")
