"""Judging many people at once (a class file, a DataFrame): the one engine, each distinct thing worked out once.

A class repeats itself. Each column holds a few spellings (``IM``, ``Internal Medicine``), the two scores and the
specialty a few thousand combinations, everything else (month, stage, flags) a few hundred. So each column's
distinct values are read once (:meth:`~stepguide.rules.inputs.Field.parse`), each distinct score input is scored
once (:func:`~stepguide.rules.classify.scores_of`), each distinct situation placed once
(:func:`~stepguide.rules.classify.situation_of`) and each distinct pair of the two decided once
(:func:`~stepguide.rules.classify.decide`), exactly as :func:`~stepguide.rules.classify.classify` does for one
person; a row is then a few dictionary lookups. Plain Python over lists (no pandas, no numpy): the in-browser
edition judges a class file with it too, and :func:`stepguide.assess_frame` wraps it for DataFrames.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from stepguide.rules.classify import (
    SCORE_INPUTS,
    SITUATION_INPUTS,
    Scores,
    Situation,
    Verdict,
    decide,
    scores_of,
    situation_of,
    with_delta,
)
from stepguide.rules.inputs import DEFAULTS, FIELD, FIELDS, SPEC, InputError

REQUIRED_COLUMNS = tuple(f.name for f in SPEC if f.required)


class Judged:
    """A batch judged: per row the index of its :class:`Verdict` in ``verdicts`` (-1: the row has an error, and
    ``verdicts[-1]`` is None), the change in points, and the error (the row's first bad input, worded as
    :func:`stepguide.assess` raises it) or None. Rows that decide alike share one verdict, whose ``delta`` and
    ``drop_size`` are left None (:meth:`column` fills them from ``deltas``)."""

    def __init__(self, index: list[int], verdicts: list[Verdict | None], deltas: list[int | None],
                 errors: list[str | None]) -> None:
        self.index, self.verdicts, self.deltas, self.errors = index, verdicts, deltas, errors

    def __len__(self) -> int:
        return len(self.index)

    def column(self, name: str) -> list[Any]:
        """One verdict field for every row (None for a row with an error); ``delta`` and ``drop_size`` too."""
        if name == "delta":
            return self.deltas
        if name == "drop_size":
            drops = self.column("drop")
            return [-d if drop and d is not None else None for drop, d in zip(drops, self.deltas, strict=True)]
        at = Verdict._fields.index(name)
        values = [None if v is None else v[at] for v in self.verdicts]
        return [values[i] for i in self.index]

    def verdict(self, row: int) -> Verdict | None:
        """Row ``row``'s whole verdict, as :func:`stepguide.rules.classify.classify` gives it (None: an error)."""
        v = self.verdicts[self.index[row]]
        return None if v is None else with_delta(v, self.deltas[row])


class Judge:
    """Judges batches of rows with memories that last from one batch to the next (a file judged in chunks)."""

    def __init__(self) -> None:
        self._scores: dict[tuple[Any, ...], int] = {}       # score inputs -> the index of their Scores
        self._situations: dict[tuple[Any, ...], int] = {}   # situation inputs -> the index of their Situation
        self._score_ids: dict[Scores, int] = {}
        self._situation_ids: dict[Situation, int] = {}
        self._score_list: list[Scores] = []
        self._situation_list: list[Situation] = []
        self._decided: dict[tuple[int, int], int] = {}      # (scores, situation) -> the index of its verdict
        self._verdict_ids: dict[Verdict | str, int] = {}
        self._verdicts: list[Verdict | str] = []

    def judge(self, columns: Mapping[str, Sequence[Any]]) -> Judged:
        """Every row of ``columns`` (input name -> one value per row; absent inputs take their defaults).

        A missing required column raises :class:`InputError` for ``columns``; an unknown column is ignored
        (a class file keeps its own columns). A bad value never raises: its row gets the error instead.
        """
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise InputError("columns", f"at least the columns {list(REQUIRED_COLUMNS)}, and any of {list(FIELDS)}",
                             list(columns), problem=f"missing required column(s) {missing}; "
                                                    f"allowed columns are {list(FIELDS)}")
        rows = len(columns[REQUIRED_COLUMNS[0]])
        read: dict[str, Sequence[Any]] = {}
        errors: list[str | None] = [None] * rows
        for f in reversed(SPEC):  # the last bad field first, so a row keeps the error of its first one
            if f.name not in columns:
                read[f.name] = [DEFAULTS[f.name]] * rows
                continue
            values, bad = _read_column(f.name, columns[f.name])
            read[f.name] = values
            for i in bad:
                errors[i] = str(values[i])
        score_ids = _ids(zip(*(read[c] for c in SCORE_INPUTS), strict=True), errors, self._scores,
                         self._score_ids, self._score_list, scores_of)
        situation_ids = _ids(zip(*(read[c] for c in SITUATION_INPUTS), strict=True), errors,
                             self._situations, self._situation_ids, self._situation_list, situation_of)
        index = _ids(zip(score_ids, situation_ids, strict=True), errors, self._decided, self._verdict_ids,
                     self._verdicts, self._decide)
        verdicts: list[Verdict | None] = [v if isinstance(v, Verdict) else None for v in self._verdicts]
        for i, at in enumerate(index):
            if at >= 0 and verdicts[at] is None:  # the engine refused this combination: it names the input
                errors[i], index[i] = str(self._verdicts[at]), -1
        deltas = [b - a if type(a) is int and b is not None and e is None else None
                  for a, b, e in zip(read["step1"], read["step2"], errors, strict=True)]
        return Judged(index, [*verdicts, None], deltas, errors)

    def _decide(self, score: int, situation: int) -> Verdict | str:
        try:
            return decide(self._score_list[score], self._situation_list[situation])
        except InputError as exc:  # the row's own problem (any other error is a bug, and says so)
            return str(exc)


def _ids(keys: Any, errors: list[str | None], memo: dict[Any, int], ids: dict[Any, int], found: list[Any],
         make: Any) -> list[int]:
    """Each row's index in ``found`` of ``make(*key)`` (equal results share one), -1 for a row with an error."""
    out = []
    for key, error in zip(keys, errors, strict=True):
        if error is not None:
            out.append(-1)
            continue
        i = memo.get(key)
        if i is None:
            value = make(*key)
            i = ids.get(value)
            if i is None:
                i = ids[value] = len(found)
                found.append(value)
            memo[key] = i
        out.append(i)
    return out


def _read_column(name: str, values: Sequence[Any]) -> tuple[list[Any], list[int]]:
    """Each value read as the input ``name`` (each distinct one once), and the rows whose value is an error
    (their entry is the :class:`InputError`)."""
    f = FIELD[name]
    kinds = set(map(type, values))
    # one type: equal values read alike. Mixed types (True and 1, a flag and a number) are told apart by type.
    keys: Sequence[Any] = values if len(kinds) <= 1 else [(type(v), v) for v in values]
    try:
        seen: dict[Any, Any] = dict.fromkeys(keys)
    except TypeError:  # unhashable cells (a list): read one by one
        seen, keys = {}, None  # type: ignore[assignment]
    if keys is None:
        out = [_parse(f.parse, v) for v in values]
    else:
        for key in seen:
            seen[key] = _parse(f.parse, key[1] if len(kinds) > 1 else key)
        out = [seen[k] for k in keys]
    bad = [i for i, v in enumerate(out) if isinstance(v, InputError)] if any(
        isinstance(v, InputError) for v in (seen.values() if keys is not None else out)) else []
    return out, bad


def _parse(parse: Any, value: Any) -> Any:
    try:
        return parse(value)
    except InputError as exc:
        return exc
