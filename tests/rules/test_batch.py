"""Judging many rows at once (stepguide.rules.batch) gives, row by row, what one assessment gives."""
from __future__ import annotations

import math
import random
from typing import Any

import pytest

from stepguide.rules.batch import Judge
from stepguide.rules.classify import SCORE_INPUTS, SITUATION_INPUTS, classify
from stepguide.rules.inputs import (
    APPLICANTS,
    FAILED_EXAMS,
    FIELDS,
    FLAGS,
    MONTHS,
    STAGES,
    InputError,
    make_profile,
)
from stepguide.rules.tables import specialties

# spellings a class file or a DataFrame really holds, some equal across types; then wrong ones, one row in ten
STEP1 = [231, "231", 231.0, " Pass", "pass", "Fail", 250, "250", 262]
STEP2 = [None, float("nan"), "", 216, "216", 250, 250.0, 262, 230, 190]
MONTH = [*MONTHS, "sept", 9, "9"]
BAD: dict[str, list[Any]] = {
    "step1": ["2400", "", None, True], "step2": ["abc", 99], "specialty": ["Astrology", 42], "month": ["Smarch"],
    "applicant": ["Martian"], "stage": ["married"], "failed_exam": ["Step 3"], "step2_exam": ["soon"],
    **{f: [1, "yes"] for f in FLAGS}}  # only real booleans are flags: 1 is an error even beside True


def _rows(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    names = [*specialties(), "IM", "derm"]
    rows = [{"step1": rng.choice(STEP1), "step2": rng.choice(STEP2), "specialty": rng.choice(names),
             "month": rng.choice(MONTH), "applicant": rng.choice([*APPLICANTS, "img"]),
             "stage": rng.choice([*STAGES, "waitlisted"]), "failed_exam": rng.choice([*FAILED_EXAMS, "", None]),
             "step2_exam": rng.choice(["from", "before", "", "2025-01-02"]),
             **{f: rng.random() < 0.3 for f in FLAGS}} for _ in range(n)]
    for row in rows:
        while rng.random() < 0.1:  # now and then one wrong value, sometimes two (the first one is named)
            field = rng.choice(sorted(BAD))
            row[field] = rng.choice(BAD[field])
    return rows


def _one(kw: dict) -> Any:
    try:
        return classify(make_profile(**kw))
    except InputError as exc:
        return str(exc)


def test_each_input_is_read_by_exactly_one_half_of_the_engine() -> None:
    assert sorted(SCORE_INPUTS + SITUATION_INPUTS) == sorted(FIELDS)


def test_a_batch_judged_in_chunks_equals_each_row_judged_alone() -> None:
    rows = _rows(4000, seed=3)
    judge = Judge()
    got = []
    for start in (0, 1500):  # one judge, two chunks: its memories carry over
        chunk = rows[start:start + 1500] if start == 0 else rows[start:]
        judged = judge.judge({name: [r[name] for r in chunk] for name in FIELDS})
        got += [judged.errors[i] or judged.verdict(i) for i in range(len(chunk))]
    want = [_one(kw) for kw in rows]
    assert sum(isinstance(w, str) for w in want) > 100 and sum(not isinstance(w, str) for w in want) > 100
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        assert g == w, f"row {i} {rows[i]}: batch {g!r}, alone {w!r}"


def test_columns_hold_each_verdict_field_and_absent_inputs_take_their_defaults() -> None:
    columns: dict[str, list[Any]] = {"step1": [230, "Pass", 240, 230], "step2": [218, 250, None, "x"],
                                     "specialty": ["IM"] * 4}
    judged = Judge().judge(columns)
    alone = [_one({"step1": a, "step2": b, "specialty": "IM"})
             for a, b in zip(columns["step1"], columns["step2"], strict=True)]
    assert judged.errors == [None, None, None, alone[3]] and alone[3].startswith("step2:")
    assert judged.column("delta") == [-12, None, None, None]
    assert judged.column("drop_size") == [12, None, None, None]
    assert judged.column("email") == [v.email for v in alone[:3]] + [None]
    pending = Judge().judge({**columns, "step2": [math.nan] * 4})  # a blank score from pandas: not out yet
    assert pending.errors == [None] * 4 and pending.column("helps") == ["pending"] * 4


def test_a_missing_required_column_is_named() -> None:
    with pytest.raises(InputError) as err:
        Judge().judge({"step1": [230], "specialty": ["IM"]})
    assert err.value.field == "columns" and "['step2']" in err.value.problem
