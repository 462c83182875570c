"""What an adviser takes away from a judged room: tallies, the rows to act on and a CSV.

Counts are of judged rows; rows that could not be judged are listed first, with their line, in
"needing attention" along with the rows ``data/cohort_attention.csv`` flags. The CSV export is
safe to open in a spreadsheet: every text cell starting with ``= + - @``, tab, carriage return or
NUL, first or after spaces, gets a leading ``'`` (OWASP's advice against formula injection), and every
text cell is quoted, so a spreadsheet splitting on another separator than the file's still sees one cell
(:mod:`stepguide.rules.cells`). Columns that hold numbers we
computed (``line``, ``delta``, ``value_score``) are written as numbers, so a delta of -12 stays the
number -12: a spreadsheet reads it as a value, never as a formula. The one-page summary and the judged
table lay these out as HTML in :mod:`stepguide.ui.cohort_html`.
"""
from __future__ import annotations

import io
from functools import cache
from typing import cast

import numpy as np
import pandas as pd

from stepguide.cohort.read import Cohort
from stepguide.rules.cells import FORMULA_STARTS, QUOTING, neutralise  # noqa: F401 (the class export's, defined once)
from stepguide.rules.inputs import DEFAULTS, parse_month, parse_specialty
from stepguide.rules.scores import trend_labels
from stepguide.rules.tables import chart_values, season_months, table
from stepguide.rules.words import label, options

SUMMARY_COLUMNS = ("value", "email")
WORDED = ("trend", "value", "reading", "email")  # verdict ids shown to readers in words
NOT_OUT = "—"  # a judged row without a value verdict: Step 2 CK is not out yet


@cache
def verdict_words() -> dict[str, dict[str, str]]:
    """Verdict column -> id -> the words the chapters show for it (C3, C5 and ``labels.csv``)."""
    return {"trend": dict(trend_labels()), "value": {r["id"]: r["label"] for r in chart_values("C3")},
            "reading": {key: lab for lab, key in options("reading")},
            "email": {key: lab for lab, key in options("email")}}


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
    students = label("cohort", "students")
    grid.insert(0, students, grid.sum(axis=1))
    return grid.sort_values(students, ascending=False, kind="stable").rename_axis(label("field", "specialty"))


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
    grid.insert(0, label("cohort", "students"), grid.sum(axis=1))
    return grid.rename_axis(label("cohort", "month"))


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
    fix = rows.loc[rows["error"].notna(), ["line"]].assign(kind=label("cohort_kind", "fix"), why=rows["error"])
    talk = rows.loc[why != "", ["line"]].assign(kind=label("cohort_kind", "talk"), why=why[why != ""])
    return pd.concat([fix, talk], ignore_index=True)


# ---------------------------------------------------------------- the CSV to take away

def export_table(cohort: Cohort) -> pd.DataFrame:
    """The judged table as exported: every row, its verdicts, why it needs attention, text cells neutralised."""
    out = cohort.rows.copy(deep=False)  # columns are replaced, never edited in place
    for col in WORDED:  # the id for a program, the words for a person reading the sheet
        if col in out.columns:
            at = int(cast(int, out.columns.get_loc(col)))  # a unique column name: one position
            out.insert(at + 1, f"{col}_label", out[col].map(verdict_words()[col]))
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
    export_table(cohort).to_csv(buffer, index=False, sep=cohort.separator, lineterminator="\r\n", encoding="utf-8-sig",
                                quoting=QUOTING)
    return buffer.getvalue()
