"""What an adviser takes away from a judged room: tallies, the rows to act on, a CSV and a one-page summary.

Counts are of judged rows; rows that could not be judged are listed first, with their line, in
"needing attention" along with the rows ``data/cohort_attention.csv`` flags. The CSV export is
safe to open in a spreadsheet: every text cell starting with ``= + - @``, tab, carriage return or
NUL gets a leading ``'`` (OWASP's advice against formula injection). Columns that hold numbers we
computed (``line``, ``delta``, ``value_score``) are written as numbers, so a delta of -12 stays the
number -12: a spreadsheet reads it as a value, never as a formula. Everything in HTML is escaped.
"""
from __future__ import annotations

import datetime
import html
import io
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from stepguide.rules.articles import credit
from stepguide.rules.cells import FORMULA_STARTS, neutralise  # noqa: F401 (the class export's, defined once)
from stepguide.cohort.read import Cohort
from stepguide.rules.tables import chart_info, chart_values, season_months, table
from stepguide.rules.inputs import DEFAULTS, parse_month, parse_specialty
from stepguide.rules.scores import trend_labels
from stepguide.rules.words import options

SUMMARY_COLUMNS = ("value", "email")
WORDED = ("trend", "value", "reading", "email")  # verdict ids shown to readers in words
SHOWN = ("line", "step1", "step2", "specialty", "month", "stage", "trend", "value", "reading", "email", "template",
         "attention", "error")
NOT_OUT = "—"  # a judged row without a value verdict: Step 2 CK is not out yet
ATTENTION_ON_SUMMARY = 15  # rows listed on the one-page summary; the CSV has them all


def esc(text: object) -> str:
    """The same escape as :func:`stepguide.ui.render.esc` (a view, which this rules-layer module may not import)."""
    return html.escape(str(text), quote=True)


@cache
def verdict_words() -> dict[str, dict[str, str]]:
    """Verdict column -> id -> the words the chapters show for it (C3, C5 and ``labels.csv``)."""
    return {"trend": dict(trend_labels()), "value": {r["id"]: r["label"] for r in chart_values("C3")},
            "reading": {key: lab for lab, key in options("reading")},
            "email": {key: lab for lab, key in options("email")}}


def _word(col: str, key: object) -> object:
    if key == NOT_OUT:
        return "Score not out yet"
    return verdict_words().get(col, {}).get(key, key) if isinstance(key, str) else key


# ---------------------------------------------------------------- tallies

def verdict_counts(cohort: Cohort) -> dict[str, pd.Series]:
    """How many judged students got each verdict (by id), for each of :data:`SUMMARY_COLUMNS`."""
    ok = cohort.judged
    return {col: ok[col].fillna(NOT_OUT).value_counts() for col in SUMMARY_COLUMNS}


def trend_shares(cohort: Cohort) -> dict[str, float]:
    """Percent of judged students with a numeric trend in each C5 bucket (by bucket id), in the article's order."""
    ids = chart_values("C5").col("id")
    trends = cohort.judged["trend"].dropna()
    if trends.empty:
        return {key: 0.0 for key in ids}
    counts = trends.value_counts()
    return {key: round(100 * float(counts.get(key, 0)) / len(trends), 1) for key in ids}


def _canonical(values: pd.Series, parse) -> pd.Series:
    return values.map({u: parse(u) for u in pd.unique(values.to_numpy())})


def by_specialty(cohort: Cohort) -> pd.DataFrame:
    """Judged students per specialty (aliases folded into one name) and per value verdict id (C3's order)."""
    ok = cohort.judged
    values = chart_values("C3").col("id")
    spec = _canonical(ok["specialty"], parse_specialty)
    grid = pd.crosstab(spec, ok["value"].fillna(NOT_OUT)).reindex(columns=values + [NOT_OUT], fill_value=0)
    grid = grid.loc[:, (grid != 0).any() | grid.columns.isin(values)]
    grid.insert(0, "Students", grid.sum(axis=1))
    return grid.sort_values("Students", ascending=False, kind="stable").rename_axis("Specialty")


def by_month(cohort: Cohort) -> pd.DataFrame:
    """Judged students per month the score comes out (season order) and per email decision id.

    Without a month column every row was judged with the guide's default month, so that is the one shown.
    """
    ok = cohort.judged
    months = _canonical(ok["month"], parse_month) if "month" in ok else pd.Series(DEFAULTS["month"], index=ok.index)
    order = [m for m in season_months() if m in set(months)]
    known = list(verdict_words()["email"])
    emails = [e for e in known if e in set(ok["email"])] + sorted(set(ok["email"].dropna()) - set(known))
    grid = pd.crosstab(months, ok["email"]).reindex(index=order, columns=emails, fill_value=0)
    grid.insert(0, "Students", grid.sum(axis=1))
    return grid.rename_axis("Month")


def attention_reasons(cohort: Cohort) -> pd.Series:
    """Per row: why it needs an adviser's attention ("" if it does not), from ``data/cohort_attention.csv``."""
    rows = cohort.rows
    reasons = np.full(len(rows), "", dtype=object)
    for rule in table("cohort_attention").sorted_by("order"):
        col = rows[rule["column"]]
        hits = {u for u in pd.unique(col.to_numpy()) if str(u) == str(rule["value"])}
        mask = col.isin(hits).to_numpy() & rows["error"].isna().to_numpy()
        reasons[mask] = np.where(reasons[mask] == "", rule["why"], reasons[mask] + "; " + rule["why"])
    return pd.Series(reasons, index=rows.index, name="attention")


def attention(cohort: Cohort) -> pd.DataFrame:
    """Rows to act on, first the ones to fix in the file (by line), then the students to talk to (by line)."""
    rows = cohort.rows
    why = attention_reasons(cohort)
    fix = rows.loc[rows["error"].notna(), ["line"]].assign(kind="Fix this row", why=rows["error"])
    talk = rows.loc[why != "", ["line"]].assign(kind="Talk it through", why=why[why != ""])
    return pd.concat([fix, talk], ignore_index=True)


# ---------------------------------------------------------------- the CSV to take away

def export_table(cohort: Cohort) -> pd.DataFrame:
    """The judged table as exported: every row, its verdicts, why it needs attention, text cells neutralised."""
    out = cohort.rows.copy(deep=False)  # columns are replaced, never edited in place
    for col in WORDED:  # the id for a program, the words for a person reading the sheet
        if col in out.columns:
            out.insert(out.columns.get_loc(col) + 1, f"{col}_label", out[col].map(verdict_words()[col]))
    out.insert(len(out.columns) - 1, "attention", attention_reasons(cohort))
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            uniques = pd.unique(out[col].to_numpy())
            risky = {u: neutralise(u) for u in uniques if neutralise(u) is not u}
            if risky:
                out[col] = out[col].replace(risky)
    return out


def export_csv(cohort: Cohort) -> bytes:
    """The judged table as a CSV (UTF-8 with BOM, so Excel shows ± right; the file's own separator)."""
    buffer = io.BytesIO()
    export_table(cohort).to_csv(buffer, index=False, sep=cohort.separator, lineterminator="\r\n", encoding="utf-8-sig")
    return buffer.getvalue()


# ---------------------------------------------------------------- HTML

SUMMARY_CSS = (Path(__file__).resolve().parents[1] / "ui" / "static" / "cohort.css").read_text(encoding="utf-8")


def _cell(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return esc(str(value))


def html_table(header: Sequence[str], rows: Iterable[Sequence[object]], numeric: Sequence[bool] = (),
               row_class: Sequence[str] = (), cls: str = "") -> str:
    """An escaped HTML table (``numeric[i]`` right-aligns column i; ``row_class[r]`` marks row r)."""
    num = list(numeric) + [False] * (len(header) - len(numeric))
    head = "".join(f'<th scope="col"{" class=num" if n else ""}>{esc(h)}</th>' for h, n in zip(header, num))
    body = []
    for r, row in enumerate(rows):
        marked = f' class="{esc(row_class[r])}"' if r < len(row_class) and row_class[r] else ""
        body.append(f"<tr{marked}>" + "".join(f'<td{" class=num" if n else ""}>{_cell(v)}</td>'
                                           for v, n in zip(row, num)) + "</tr>")
    table_class = f' class="{esc(cls)}"' if cls else ""
    return f"<table{table_class}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _grid_html(grid: pd.DataFrame, column: str) -> str:
    if grid.empty:
        return "<p class='sg-note'>No judged rows.</p>"
    header = [grid.index.name or ""] + [str(_word(column, c)) for c in grid.columns]
    rows = [[i, *map(int, r)] for i, r in zip(grid.index, grid.to_numpy())]
    return html_table(header, rows, numeric=[False] + [True] * len(grid.columns))


def _part(title: str, body: str) -> str:
    return f"<section class='sg-part'><h2>{esc(title)}</h2>{body}</section>"


def _counts_html(title: str, counts: pd.Series, column: str) -> str:
    rows = [(_word(column, k), int(v)) for k, v in counts.items()]
    return _part(title, html_table(("Verdict", "Students"), rows, numeric=(False, True)))


def _c5_html(cohort: Cohort) -> str:
    article = chart_values("C5")
    shares = trend_shares(cohort)
    n = int(cohort.judged["trend"].notna().sum())
    rows = [(r["label"], f"{r['value']:g}%", f"{shares[r['id']]:g}%") for r in article]
    table_html = html_table(("Step 1 to Step 2 CK", "The article's pattern", f"Your group (n={n})"), rows,
                            numeric=(False, True, True))
    note = (f"Source: {chart_info('C5')['caption']} ({credit(str(chart_info('C5')['doc']), 'C5')}). A small group will not match it, and need not; "
            "students with Step 1 as Pass/Fail or no Step 2 CK yet have no trend.")
    return _part("Trends next to the article's (C5)", f"{table_html}<p class='sg-note'>{esc(note)}</p>")


def _attention_html(cohort: Cohort, limit: int) -> str:
    todo = attention(cohort)
    if todo.empty:
        return _part("Rows needing attention", "<p class='sg-note'>None: every row was judged and none is flagged.</p>")
    shown = todo.head(limit)
    more = len(todo) - len(shown)
    tail = f"<p class='sg-note'>…and {more:,} more: every one is in the CSV (column attention or error).</p>" \
        if more else ""
    return _part("Rows needing attention first",
                 html_table(("Line", "What to do", "Why"), shown[["line", "kind", "why"]].itertuples(index=False),
                            numeric=(True,), row_class=["sg-fix" if k == "Fix this row" else "" for k in shown["kind"]],
                            cls="sg-attention")
                 + tail)


def summary_body(cohort: Cohort, today: datetime.date | None = None, limit: int = ATTENTION_ON_SUMMARY) -> str:
    """The one-page summary's content (a ``div.sg-cohort-summary``), shown on the page and in the file."""
    today = today or datetime.date.today()
    counts = verdict_counts(cohort)
    title = f"Class summary{': ' + cohort.name if cohort.name else ''}"
    notes = "".join(f"<p class='sg-note'>{esc(n)}</p>" for n in cohort.notes())
    # a region that may scroll sideways on a phone: focusable, so a keyboard can scroll it too
    return (f"<div class='sg-cohort-summary' tabindex='0' role='region' aria-label='{esc(title)}'><h1>{esc(title)}</h1>"
            f"<p class='sg-note'>Made on {today.isoformat()} with the Step 2 CK guide; counts are of judged rows."
            f"</p>{notes}{_attention_html(cohort, limit)}"
            f"<div class='sg-grid'>{_counts_html('By value of the score', counts['value'], 'value')}"
            f"{_counts_html('By email decision', counts['email'], 'email')}{_c5_html(cohort)}</div>"
            f"<div class='sg-grid sg-wide'>{_part('By specialty', _grid_html(by_specialty(cohort), 'value'))}"
            f"{_part('By month the score comes out', _grid_html(by_month(cohort), 'email'))}</div></div>")


def summary_html(cohort: Cohort, today: datetime.date | None = None) -> str:
    """A standalone printable page (one A4 sheet) with the summary; open it and print, or keep the file."""
    title = esc(f"Class summary {cohort.name}".strip())
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
            f"<style>body{{margin:16px}}{SUMMARY_CSS}</style></head><body>{summary_body(cohort, today)}</body></html>")


def rows_html(cohort: Cohort, limit: int = 200) -> str:
    """The judged table for the page: rows needing attention first, then the rest, at most ``limit`` rows."""
    rows = cohort.rows.assign(attention=attention_reasons(cohort))
    order = np.argsort(np.where(rows["error"].notna(), 0, np.where(rows["attention"] != "", 1, 2)), kind="stable")
    shown = rows.iloc[order[:limit]]
    cols = [c for c in SHOWN if c in shown.columns]
    note = "" if len(rows) <= limit else (f"<p>Showing {limit:,} of {len(rows):,} rows, those needing attention "
                                          "first; the CSV download has every row.</p>")
    cells = ([_word(c, v) for c, v in zip(cols, row)] for row in shown[cols].itertuples(index=False))
    body = html_table(cols, cells, numeric=[c == "line" for c in cols],
                      row_class=["sg-fix" if isinstance(e, str) else "" for e in shown["error"]])
    return f"{note}<div class='sg-cohort-table' tabindex='0' role='region' aria-label='Judged rows'>{body}</div>"
