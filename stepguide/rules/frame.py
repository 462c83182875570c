"""``assess_frame``: the same rules as ``assess`` over a whole class or cohort at once.

It runs the one engine (:func:`stepguide.rules.classify.classify`) row by row: there is
no second implementation of the rules to keep equal. pandas is imported only
here, for the DataFrame in and out.
"""
from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING, Any

from stepguide.rules.classify import classify
from stepguide.rules.inputs import DEFAULTS, FIELDS, SPEC, InputError, make_profile

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

INPUT_COLUMNS = FIELDS
REQUIRED_COLUMNS = tuple(f.name for f in SPEC if f.required)
RESULT_COLUMNS = ("trend", "delta", "value", "value_score", "reading", "explain_drop",
                  "helps", "email", "template", "phase", "c1_profile")


_cells = attrgetter(*RESULT_COLUMNS)


def _verdict_cells(kwargs: dict[str, Any]) -> tuple[Any, ...] | str:
    try:
        return _cells(classify(make_profile(**kwargs)))
    except InputError as exc:  # the row's own problem (any other error is a bug, and says so)
        return str(exc)


def assess_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with result columns added; a bad row gets its :class:`~stepguide.rules.inputs.InputError`'s
    message in an ``error`` column instead. A missing required column raises ``InputError`` for ``columns``.

    Columns are the keyword arguments of :func:`stepguide.assess`; only step1,
    step2 and specialty are required, the others fall back to the same defaults.
    Result values are the verdicts' stable IDs (trend ``up15``, value ``strong``...).
    """
    import pandas as pd

    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise InputError("columns", f"at least the columns {list(REQUIRED_COLUMNS)}, and any of {list(INPUT_COLUMNS)}",
                         list(df.columns), problem=f"missing required column(s) {missing}; "
                                                   f"allowed columns are {list(INPUT_COLUMNS)}")
    present = [c for c in INPUT_COLUMNS if c in df.columns]
    absent = {c: DEFAULTS[c] for c in INPUT_COLUMNS if c not in df.columns}
    cache: dict[tuple[Any, ...], tuple[Any, ...] | str] = {}
    results: list[tuple[Any, ...] | str] = []
    for key in zip(*(df[c].tolist() for c in present), strict=True) if present else []:
        hit = cache.get(key)  # a repeated row is judged once (NaN cells never match, so they are just re-judged)
        if hit is None:
            hit = cache[key] = _verdict_cells({**absent, **dict(zip(present, key, strict=True))})
        results.append(hit)
    out = df.copy()
    blank = (None,) * len(RESULT_COLUMNS)
    cells = [r if isinstance(r, tuple) else blank for r in results]
    for i, name in enumerate(RESULT_COLUMNS):
        out[name] = pd.Series([c[i] for c in cells], index=out.index, dtype=object)
    for name in ("delta", "value_score"):
        out[name] = pd.array(list(out[name]), dtype="Int64")
    out["error"] = pd.Series([r if isinstance(r, str) else None for r in results], index=out.index, dtype=object)
    return out
