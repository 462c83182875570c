"""``assess_frame``: the same rules as ``assess`` over a whole class or cohort at once.

It runs the one engine through :class:`stepguide.rules.batch.Judge` (each distinct input, score combination
and situation worked out once): there is no second implementation of the rules to keep equal. pandas is
imported only here, for the DataFrame in and out.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from stepguide.rules.batch import REQUIRED_COLUMNS, Judge
from stepguide.rules.inputs import FIELDS

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

INPUT_COLUMNS = FIELDS
RESULT_COLUMNS = ("trend", "delta", "value", "value_score", "reading", "explain_drop",
                  "helps", "email", "template", "phase", "c1_profile")
NUMBER_COLUMNS = ("delta", "value_score")  # whole numbers or missing: pandas' Int64
__all__ = ["INPUT_COLUMNS", "REQUIRED_COLUMNS", "RESULT_COLUMNS", "assess_frame"]


def assess_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with result columns added; a bad row gets its :class:`~stepguide.rules.inputs.InputError`'s
    message in an ``error`` column instead. A missing required column raises ``InputError`` for ``columns``.

    Columns are the keyword arguments of :func:`stepguide.assess`; only step1,
    step2 and specialty are required, the others fall back to the same defaults.
    Result values are the verdicts' stable IDs (trend ``up15``, value ``strong``...).
    """
    import pandas as pd

    judged = Judge().judge({c: df[c].tolist() for c in INPUT_COLUMNS if c in df.columns})
    out = df.copy()
    for name in RESULT_COLUMNS:
        values = judged.column(name)
        out[name] = pd.array(values, dtype="Int64") if name in NUMBER_COLUMNS else \
            pd.Series(values, index=out.index, dtype=object)
    out["error"] = pd.Series(judged.errors, index=out.index, dtype=object)
    return out
