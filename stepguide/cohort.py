"""A room of applicants at once (the adviser's view): read any class file, judge every row, take the results away.

    import stepguide as sg
    from stepguide.cohort import export_csv, summary_html

    room = sg.read_cohort("class.csv")          # a path, the file's bytes, or an open file
    room.named[["line", "error"]]               # the rows to fix, by line
    open("class-judged.csv", "wb").write(export_csv(room))

The work is split by idea: :mod:`.cohort_file` (limits, encoding, separator),
:mod:`.cohort_headers`, :mod:`.cohort_records`, :mod:`.cohort_read` (the reader),
:mod:`.cohort_report` (tallies and exports) and :mod:`.cohort_page` (the chapter's widgets).
"""
from __future__ import annotations

from .cohort_file import MAX_BYTES, MAX_ROWS
from .cohort_read import Cohort, judge_cohort, parse_cohort, read_cohort
from .cohort_report import (attention, by_month, by_specialty, export_csv, export_table, neutralise, summary_html,
                            trend_shares, verdict_counts)
from .data import frame
from .frame import INPUT_COLUMNS

__all__ = ["MAX_BYTES", "MAX_ROWS", "Cohort", "attention", "by_month", "by_specialty", "examples_csv", "export_csv",
           "export_table", "judge_cohort", "neutralise", "parse_cohort", "read_cohort", "summary_html",
           "trend_shares", "verdict_counts"]


def examples_csv() -> str:
    """The articles' worked examples as a class CSV: a ready-made room for a workshop."""
    examples = frame("examples")
    rows = examples[[c for c in INPUT_COLUMNS if c in examples.columns]].copy()
    rows["step2"] = rows["step2"].astype("Int64")
    return rows.to_csv(index=False)
