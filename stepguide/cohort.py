"""A room of applicants at once (the adviser's view), on top of :func:`stepguide.assess_frame`.

An adviser uploads an anonymised CSV, one row per student, with the columns of
``assess``; every row is judged by the same rules, bad rows say what is wrong
and the rest still count.
"""
from __future__ import annotations

import io

import pandas as pd

from .data import chart_values
from .frame import INPUT_COLUMNS, assess_frame
from .inputs import FLAGS

SUMMARY_COLUMNS = ("trend", "value", "reading", "email")


def read_cohort_csv(data: bytes | str) -> pd.DataFrame:
    """Parse an uploaded CSV; ``ValueError`` names what is missing or unreadable."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise ValueError(f"file: not a readable CSV ({exc})") from None
    frame.columns = [c.strip().lower() for c in frame.columns]
    unknown = [c for c in frame.columns if c not in INPUT_COLUMNS]
    if unknown:
        raise ValueError(f"file: unknown column(s) {unknown}; allowed columns are {list(INPUT_COLUMNS)}")
    for flag in FLAGS:
        if flag in frame.columns:  # CSV cells are text: only an explicit true/false is accepted
            frame[flag] = frame[flag].map(lambda v: {"true": True, "false": False, "": False}.get(v.strip().lower(), v))
    if "step2" in frame.columns:
        frame["step2"] = frame["step2"].map(lambda v: None if v.strip() == "" else v)
    return assess_frame(frame)


def verdict_counts(assessed: pd.DataFrame) -> dict[str, pd.Series]:
    """How many students got each verdict, per verdict column (rows with errors left out)."""
    ok = assessed[assessed["error"].isna()]
    return {col: ok[col].fillna("—").value_counts() for col in SUMMARY_COLUMNS}


def trend_shares(assessed: pd.DataFrame) -> dict[str, float]:
    """Percent of students with a numeric trend in each C5 bucket (by bucket id), in the article's order."""
    ids = chart_values("C5").col("id")
    trends = assessed.loc[assessed["error"].isna(), "trend"].dropna()
    if trends.empty:
        return {key: 0.0 for key in ids}
    counts = trends.value_counts()
    return {key: round(100 * float(counts.get(key, 0)) / len(trends), 1) for key in ids}


def examples_csv() -> str:
    """The articles' worked examples as a cohort CSV: a ready-made room for a workshop."""
    from .data import frame

    rows = frame("examples")[list(INPUT_COLUMNS)].copy()
    rows["step2"] = rows["step2"].astype("Int64")
    return rows.to_csv(index=False)
