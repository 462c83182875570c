"""The case book (data/casebook.csv) as the tests read it: the rows, and each row's ``assess`` keywords."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from stepguide.rules.inputs import FIELDS

CASEBOOK = Path(__file__).resolve().parent.parent / "data" / "casebook.csv"
CASES = list(csv.DictReader(CASEBOOK.open(encoding="utf-8")))


def case_kwargs(case: dict[str, str]) -> dict[str, Any]:
    """A case's inputs as ``assess`` takes them (True/False flags, whole-number scores, blanks as None)."""
    out: dict[str, Any] = {}
    for field in FIELDS:
        raw = case[field]
        if raw in ("True", "False"):
            out[field] = raw == "True"
        elif field in ("step1", "step2") and raw.isdigit():
            out[field] = int(raw)
        else:
            out[field] = raw or None
    return out


def case_today(case: dict[str, str]) -> date | None:
    """The day a case is read on (it picks the application cycle); None: the real date."""
    return date.fromisoformat(case["today"]) if case["today"] else None
