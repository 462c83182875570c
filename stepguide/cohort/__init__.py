"""A room of applicants at once (the adviser's view): read any class file, judge every row, take the results away.

    import stepguide as sg
    from stepguide.cohort import export_csv
    from stepguide.ui.cohort_html import summary_html

    room = sg.read_cohort("class.csv")          # a path, the file's bytes, or an open file
    room.named[["line", "error"]]               # the rows to fix, by line
    open("class-judged.csv", "wb").write(export_csv(room))

The work is split by idea: :mod:`.file` (limits, encoding, separator), :mod:`.headers`,
:mod:`.records`, :mod:`.read` (the reader) and :mod:`.report` (tallies and the CSV); the one-page
summary and the judged table as HTML are :mod:`stepguide.ui.cohort_html`, the chapter's widgets
:mod:`stepguide.ui.pages.cohort_page`.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_PUBLIC = {  # name -> the module of this folder that defines it; loaded on first use (PEP 562), so a page
    # that imports one part (file limits, headers) does not load the reader, the report or pandas
    "MAX_BYTES": "file", "MAX_ROWS": "file", "Cohort": "read", "judge_cohort": "read", "parse_cohort": "read",
    "read_cohort": "read", "attention": "report", "by_month": "report", "by_specialty": "report",
    "export_csv": "report", "export_table": "report", "neutralise": "report",
    "trend_shares": "report", "verdict_counts": "report",
}
__all__ = [*_PUBLIC, "examples_csv"]

if TYPE_CHECKING:
    from stepguide.cohort.file import MAX_BYTES, MAX_ROWS  # noqa: F401
    from stepguide.cohort.read import Cohort, judge_cohort, parse_cohort, read_cohort  # noqa: F401
    from stepguide.cohort.report import (  # noqa: F401
        attention,
        by_month,
        by_specialty,
        export_csv,
        export_table,
        neutralise,
        trend_shares,
        verdict_counts,
    )


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'stepguide.cohort' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"stepguide.cohort.{_PUBLIC[name]}"), name)
    globals()[name] = value
    return value


def examples_csv() -> str:
    """The articles' worked examples as a class CSV: a ready-made room for a workshop (no pandas needed)."""
    import csv
    import io

    from stepguide.rules.frame import INPUT_COLUMNS
    from stepguide.rules.tables import table

    examples = table("examples")
    columns = [c for c in INPUT_COLUMNS if c in examples[0]]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([row[c] for c in columns] for row in examples)
    return text.getvalue()
