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

Each tally is plain Python over the room's columns (``verdict_tally``, ``specialty_grid``, ``month_grid``,
``attention_list``, ``attention_rows``, ``export_columns``), so the page and the exports work without pandas
(the in-browser edition); ``verdict_counts``, ``by_specialty``, ``by_month``, ``attention_reasons``,
``attention`` and ``export_table`` give the same as pandas objects for a notebook.
"""
from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from stepguide.cohort.read import Cohort, map_unique
from stepguide.rules.cells import FORMULA_STARTS, QUOTING, neutralise  # noqa: F401 (the class export's, defined once)
from stepguide.rules.frame import NUMBER_COLUMNS
from stepguide.rules.inputs import DEFAULTS, parse_month, parse_specialty
from stepguide.rules.scores import trend_labels
from stepguide.rules.tables import chart_values, season_months, table
from stepguide.rules.words import label, options

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

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

def verdict_tally(cohort: Cohort) -> dict[str, dict[str, int]]:
    """How many judged students got each verdict (by id, most first), for each of :data:`SUMMARY_COLUMNS`."""
    return {col: dict(Counter(NOT_OUT if v is None else v for v in cohort.judged_column(col)).most_common())
            for col in SUMMARY_COLUMNS}


def verdict_counts(cohort: Cohort) -> dict[str, pd.Series]:
    """:func:`verdict_tally` as pandas Series (id -> students)."""
    import pandas as pd

    return {col: pd.Series(tally, dtype="int64", name="count").rename_axis(col)
            for col, tally in verdict_tally(cohort).items()}


def trend_shares(cohort: Cohort) -> dict[str, float]:
    """Percent of judged students with a numeric trend in each C5 bucket (by bucket id), in the article's order."""
    ids = chart_values("C5").col("id")
    trends = [t for t in cohort.judged_column("trend") if t is not None]
    if not trends:
        return {key: 0.0 for key in ids}
    counts = Counter(trends)
    return {key: round(100 * float(counts.get(key, 0)) / len(trends), 1) for key in ids}


@dataclass(frozen=True)
class Grid:
    """A tally by two verdicts: ``index`` (rows, named ``index_name``) by ``columns``, the first column being the
    students in the row."""

    index_name: str
    index: list[str]
    columns: list[str]
    rows: list[list[int]]

    def frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self.rows, index=pd.Index(self.index, name=self.index_name, dtype=object),
                            columns=pd.Index(self.columns, dtype=object), dtype="int64")


def _grid(index_name: str, keys: list[Any], columns: list[Any], counts: Counter[tuple[Any, Any]]) -> Grid:
    rows = [[counts.get((k, c), 0) for c in columns] for k in keys]
    return Grid(index_name, list(keys), [label("cohort", "students"), *columns], [[sum(r), *r] for r in rows])


def specialty_grid(cohort: Cohort) -> Grid:
    """Judged students per specialty (aliases folded into one name, most students first) and per value verdict id
    (C3's order; "not out yet" only when some are)."""
    values = chart_values("C3").col("id")
    spec = map_unique(cohort.judged_column("specialty"), parse_specialty)
    verdicts = [NOT_OUT if v is None else v for v in cohort.judged_column("value")]
    counts = Counter(zip(spec, verdicts, strict=True))
    columns = values + ([NOT_OUT] if NOT_OUT in verdicts else [])
    grid = _grid(label("field", "specialty"), sorted(set(spec)), columns, counts)
    order = sorted(range(len(grid.index)), key=lambda i: -grid.rows[i][0])  # stable: ties stay alphabetical
    return Grid(grid.index_name, [grid.index[i] for i in order], grid.columns, [grid.rows[i] for i in order])


def by_specialty(cohort: Cohort) -> pd.DataFrame:
    """:func:`specialty_grid` as a DataFrame."""
    return specialty_grid(cohort).frame()


def month_grid(cohort: Cohort) -> Grid:
    """Judged students per month the score comes out (season order) and per email decision id.

    Without a month column every row was judged with the guide's default month, so that is the one shown.
    """
    n = len(cohort.judged_rows)
    months = map_unique(cohort.judged_column("month"), parse_month) if "month" in cohort.columns \
        else [DEFAULTS["month"]] * n
    emails = cohort.judged_column("email")
    present = set(months)
    order = [m for m in season_months() if m in present]
    known = list(verdict_words()["email"])
    seen = set(emails)
    columns = [e for e in known if e in seen] + sorted(seen - set(known) - {None})
    return _grid(label("cohort", "month"), order, columns, Counter(zip(months, emails, strict=True)))


def by_month(cohort: Cohort) -> pd.DataFrame:
    """:func:`month_grid` as a DataFrame."""
    return month_grid(cohort).frame()


def attention_list(cohort: Cohort) -> list[str]:
    """Per row: why it needs an adviser's attention ("" if it does not), from ``data/cohort_attention.csv``.

    Worked out once per judged file (the page's summary, its table and each export ask for it); kept on the
    cohort as its ``cached_property`` values are."""
    kept: list[str] | None = cohort.__dict__.get("_attention")
    if kept is not None:
        return kept
    errors = cohort.columns["error"]
    reasons = [""] * len(errors)
    for rule in table("cohort_attention").sorted_by("order"):
        col, want, why = cohort.columns[rule["column"]], str(rule["value"]), rule["why"]
        hits = {u for u in dict.fromkeys(col) if str(u) == want}
        for i, (v, e) in enumerate(zip(col, errors, strict=True)):
            if e is None and v in hits:
                reasons[i] = f"{reasons[i]}; {why}" if reasons[i] else why
    cohort.__dict__["_attention"] = reasons
    return reasons


def attention_reasons(cohort: Cohort) -> pd.Series:
    """:func:`attention_list` as a pandas Series named ``attention``."""
    import pandas as pd

    return pd.Series(attention_list(cohort), dtype=object, name="attention")


def attention_rows(cohort: Cohort) -> list[tuple[int, str, str]]:
    """Rows to act on as (line, what to do, why): first the ones to fix in the file, then the students to talk to
    (each by line)."""
    lines, errors, why = cohort.columns["line"], cohort.columns["error"], attention_list(cohort)
    fix, talk = label("cohort_kind", "fix"), label("cohort_kind", "talk")
    return ([(line, fix, e) for line, e in zip(lines, errors, strict=True) if e is not None]
            + [(line, talk, w) for line, w in zip(lines, why, strict=True) if w])


def attention(cohort: Cohort) -> pd.DataFrame:
    """:func:`attention_rows` as a DataFrame (``line``, ``kind``, ``why``)."""
    import pandas as pd

    return pd.DataFrame(attention_rows(cohort), columns=["line", "kind", "why"])


# ---------------------------------------------------------------- the CSV to take away

def export_columns(cohort: Cohort) -> dict[str, Sequence[Any]]:
    """The judged table as exported: every row, its verdicts, the words for them, why it needs attention, and
    every text cell neutralised (the room itself is not changed)."""
    out: dict[str, Sequence[Any]] = {}
    names = list(cohort.columns)
    for name in names[:-1]:  # the last column is the error; attention goes just before it
        out[name] = cohort.columns[name]
        if name in WORDED:  # the id for a program, the words for a person reading the sheet
            words = verdict_words()[name]
            out[f"{name}_label"] = [None if v is None else words.get(v) for v in out[name]]
    out["attention"] = attention_list(cohort)
    out[names[-1]] = cohort.columns[names[-1]]
    for name, values in out.items():
        if name == "line" or name in NUMBER_COLUMNS:  # numbers we computed stay numbers
            continue
        risky = {u: n for u in dict.fromkeys(values) if (n := neutralise(u)) is not u}
        if risky:
            out[name] = [risky.get(v, v) if isinstance(v, str) else v for v in values]
    return out


def export_table(cohort: Cohort) -> pd.DataFrame:
    """:func:`export_columns` as a DataFrame."""
    import pandas as pd

    return pd.DataFrame({name: pd.array(values, dtype="Int64") if name in NUMBER_COLUMNS else
                         pd.Series(values, dtype="int64" if name == "line" else object)
                         for name, values in export_columns(cohort).items()}, copy=False)


def export_csv(cohort: Cohort) -> bytes:
    """The judged table as a CSV (UTF-8 with BOM, so Excel shows ± right; the file's own separator)."""
    columns = export_columns(cohort)
    out = io.BytesIO()
    out.write(codecs.BOM_UTF8)
    rows = zip(*columns.values(), strict=True)
    part: list[Any] = [list(columns)]
    while part:  # encoded a few thousand rows at a time: never the whole text as one str beside its bytes
        text = io.StringIO()
        csv.writer(text, delimiter=cohort.separator, lineterminator="\r\n", quoting=QUOTING).writerows(part)
        out.write(text.getvalue().encode("utf-8"))
        part = list(itertools.islice(rows, 5000))
    return out.getvalue()
