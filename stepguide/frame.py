"""``assess_frame``: the same rules as ``assess`` over a whole class or cohort at once."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .classify import classify, columns_from_profiles
from .inputs import DEFAULTS, Profile, make_profile

INPUT_COLUMNS = ("step1", "step2", "specialty", "month", "applicant", "stage",
                 "requires_step2", "prior_fail", "other_concerns", "credible_reason")
RESULT_COLUMNS = ("trend", "delta", "value", "value_score", "reading", "explain_drop",
                  "helps", "email", "template", "phase", "c1_profile")


def assess_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with result columns added; a bad row gets an ``error`` message instead.

    Columns are the keyword arguments of :func:`stepguide.assess`; only step1,
    step2 and specialty are required, the others fall back to the same defaults.
    """
    missing = [c for c in ("step1", "step2", "specialty") if c not in df.columns]
    if missing:
        raise ValueError(f"assess_frame: missing required column(s) {missing}; "
                         f"allowed columns are {list(INPUT_COLUMNS)}")
    records = df.to_dict("records")
    profiles: list[Profile] = []
    good: list[int] = []
    errors: list[str | None] = [None] * len(records)
    for i, row in enumerate(records):
        kwargs = {k: row.get(k, DEFAULTS.get(k)) for k in INPUT_COLUMNS}
        try:
            profiles.append(make_profile(**kwargs))
            good.append(i)
        except ValueError as exc:
            errors[i] = str(exc)

    out = df.copy()
    result = {name: np.full(len(df), None, dtype=object) for name in RESULT_COLUMNS}
    if profiles:
        verdicts = classify(columns_from_profiles(profiles))
        for name in RESULT_COLUMNS:
            result[name][good] = verdicts[name]
    for name in RESULT_COLUMNS:
        out[name] = pd.Series(result[name], index=out.index, dtype=object)
    out["delta"] = pd.array([None if v is None or pd.isna(v) else int(v) for v in result["delta"]], dtype="Int64")
    out["value_score"] = pd.array([None if v is None or pd.isna(v) else int(v) for v in result["value_score"]],
                                  dtype="Int64")
    out["error"] = pd.Series(errors, index=out.index, dtype=object)
    return out
