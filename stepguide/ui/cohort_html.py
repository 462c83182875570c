"""A judged room as HTML: the one-page summary an adviser prints or keeps, and the judged table for the page.

The tallies come from :mod:`stepguide.cohort.report`; this module only lays them out, with
:mod:`stepguide.ui.render`'s escape and table, in the words of ``data/labels.csv`` and
``data/wording.csv``. Everything typed in the class file is escaped.
"""
from __future__ import annotations

import datetime
import math
from pathlib import Path

from stepguide.cohort.read import Cohort
from stepguide.cohort.report import (
    NOT_OUT,
    Grid,
    attention_list,
    attention_rows,
    month_grid,
    specialty_grid,
    trend_shares,
    verdict_tally,
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
    """A typed or computed cell: escaped; a missing value (None, NaN) is an empty cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
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


def _grid_html(grid: Grid, column: str) -> str:
    if not grid.index:
        return _note(label("cohort", "no_rows"))
    header = [grid.index_name] + [str(_word(column, c)) for c in grid.columns]
    rows = [[i, *r] for i, r in zip(grid.index, grid.rows, strict=True)]
    return html_table(header, rows, None, numeric=[False] + [True] * len(grid.columns), cls="", cell=_cell)


def _counts_html(title: str, counts: dict[str, int], column: str) -> str:
    rows = [(_word(column, k), int(v)) for k, v in counts.items()]
    header = (label("cohort", "verdict"), label("cohort", "students"))
    return _part(title, html_table(header, rows, None, numeric=(False, True), cls="", cell=_cell))


def _c5_html(cohort: Cohort) -> str:
    article = chart_values("C5")
    shares = trend_shares(cohort)
    n = sum(t is not None for t in cohort.judged_column("trend"))
    rows = [(r["label"], f"{r['value']:g}%", f"{shares[r['id']]:g}%") for r in article]
    header = (label("cohort", "c5_trend"), label("cohort", "article_pattern"),
              label("cohort", "your_group").format(n=n))
    table_html = html_table(header, rows, None, numeric=(False, True, True), cls="", cell=_cell)
    info = chart_info("C5")
    note = say("cohort_c5_note", caption=info["caption"], credit=credit(str(info["doc"]), "C5"))
    return _part(label("cohort", "c5_title"), table_html + _note(note))


def _attention_html(cohort: Cohort, limit: int) -> str:
    todo = attention_rows(cohort)
    if not todo:
        return _part(label("cohort", "attention"), _note(say("cohort_none_flagged")))
    shown = todo[:limit]
    more = len(todo) - len(shown)
    tail = _note(say("cohort_more", more=more)) if more else ""
    fix = label("cohort_kind", "fix")
    header = (label("cohort", "line"), label("cohort", "what_to_do"), label("cohort", "why"))
    return _part(label("cohort", "attention_first"),
                 html_table(header, shown, None, numeric=(True,),
                       row_class=["sg-fix" if kind == fix else "" for _, kind, _ in shown], cls="sg-attention",
                       cell=_cell)
                 + tail)


def _title(cohort: Cohort) -> str:
    return label("cohort", "summary_named" if cohort.name else "summary").format(name=cohort.name)


def summary_body(cohort: Cohort, today: datetime.date | None = None, limit: int = ATTENTION_ON_SUMMARY) -> str:
    """The one-page summary's content (a ``div.sg-cohort-summary``), shown on the page and in the file."""
    today = today or datetime.date.today()
    counts = verdict_tally(cohort)
    title = _title(cohort)
    notes = "".join(_note(n) for n in cohort.notes())
    parts = lambda key: label("cohort", key)  # noqa: E731
    # a region that may scroll sideways on a phone: focusable, so a keyboard can scroll it too
    return (f"<div class='sg-cohort-summary' tabindex='0' role='region' aria-label='{esc(title)}'><h1>{esc(title)}</h1>"
            f"{_note(say('cohort_made_on', date=today.isoformat()))}{notes}{_attention_html(cohort, limit)}"
            f"<div class='sg-grid'>{_counts_html(parts('by_value'), counts['value'], 'value')}"
            f"{_counts_html(parts('by_email'), counts['email'], 'email')}{_c5_html(cohort)}</div>"
            f"<div class='sg-grid sg-wide'>{_part(parts('by_specialty'), _grid_html(specialty_grid(cohort), 'value'))}"
            f"{_part(parts('by_month'), _grid_html(month_grid(cohort), 'email'))}</div></div>")


def summary_html(cohort: Cohort, today: datetime.date | None = None) -> str:
    """A standalone printable page (one A4 sheet) with the summary; open it and print, or keep the file."""
    title = esc(f"{label('cohort', 'summary')} {cohort.name}".strip())
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
            f"<style>body{{margin:16px}}{SUMMARY_CSS}</style></head><body>{summary_body(cohort, today)}</body></html>")


def rows_html(cohort: Cohort, limit: int = 200) -> str:
    """The judged table for the page: rows needing attention first, then the rest, at most ``limit`` rows."""
    columns = {**cohort.columns, "attention": attention_list(cohort)}
    errors, why = columns["error"], columns["attention"]
    order = sorted(range(len(errors)), key=lambda i: 0 if errors[i] is not None else 1 if why[i] else 2)[:limit]
    cols = [c for c in SHOWN if c in columns]
    total = len(errors)
    note = "" if total <= limit else f"<p>{esc(say('cohort_showing', limit=limit, total=total))}</p>"
    cells = ([_word(c, columns[c][i]) for c in cols] for i in order)
    body = html_table(cols, cells, None, numeric=[c == "line" for c in cols], cls="", cell=_cell,
                 row_class=["sg-fix" if isinstance(errors[i], str) else "" for i in order])
    region = esc(label("cohort", "rows"))
    return (f"{note}<div class='sg-cohort-table' tabindex='0' role='region' aria-label='{region}'>"
            f"{body}</div>")
