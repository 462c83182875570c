"""The rules engine, written once over arrays so one person and ten thousand share it.

``classify(columns)`` takes equal-length arrays of *validated* inputs (see
:func:`columns_from_profiles`) and returns arrays of verdicts. Thresholds come
from ``data/``; decision tables (email, template) are matched first-row-wins,
like a lookup a person would do by hand.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import pandas as pd

from .data import band, chart_values, int_fact, season, specialties, table
from .inputs import Profile

VALUE_LABELS = ("Strong asset", "Mild asset", "Neutral", "Mild liability", "Major liability")
TREND_LABELS = ("Up 15+", "Up 5-14", "Flat (±4)", "Down 5-9", "Down 10+")
C1_PROFILES = {
    "low": "Low Step 1, strong Step 2 CK",
    "average": "Average Step 1, strong Step 2 CK",
    "pass_fail": "Pass/Fail Step 1 era",
    "high_weak": "High Step 1, weak Step 2 CK",
}


def columns_from_profiles(profiles: Sequence[Profile]) -> dict[str, np.ndarray]:
    """Lay validated profiles out as arrays: numbers as float (NaN = none), words as objects."""
    def col(getter, dtype=object):
        return np.array([getter(p) for p in profiles], dtype=dtype)

    return {
        "step1_num": col(lambda p: p.step1 if p.step1_numeric else np.nan, float),
        "step1_word": col(lambda p: "" if p.step1_numeric else p.step1),
        "step2": col(lambda p: np.nan if p.step2 is None else p.step2, float),
        "specialty": col(lambda p: p.specialty),
        "month": col(lambda p: p.month),
        "applicant": col(lambda p: p.applicant),
        "stage": col(lambda p: p.stage),
        "requires_step2": col(lambda p: p.requires_step2, bool),
        "prior_fail": col(lambda p: p.prior_fail, bool),
        "other_concerns": col(lambda p: p.other_concerns, bool),
        "credible_reason": col(lambda p: p.credible_reason, bool),
    }


def _cut(values: np.ndarray | pd.Series, edges: list[float], labels: list[str]) -> np.ndarray:
    """``pandas.cut`` with right-closed bins, giving plain labels and None for missing values."""
    codes = pd.cut(np.asarray(values, dtype=float), bins=edges, labels=False, right=True)
    codes = np.where(np.isnan(codes), len(labels), codes).astype(int)
    return np.array(list(labels) + [None], dtype=object)[codes]


@cache
def _trend_bins() -> tuple[list[float], list[str]]:
    rows = table("trend_buckets")
    edges = [float(rows["lower_exclusive"].iloc[0])] + [float(x) for x in rows["upper_inclusive"]]
    return edges, list(rows["label"])


def trend_bucket(delta: np.ndarray | pd.Series) -> np.ndarray:
    """R1: the C5 bucket of each Step 2 - Step 1 change (None where undefined)."""
    edges, labels = _trend_bins()
    return _cut(delta, edges, labels)


@cache
def _step1_bins() -> tuple[list[float], list[str]]:
    rows = table("score_bands")
    rows = rows[rows["measure"] == "step1"].sort_values("lo")
    edges = [float(rows["lo"].iloc[0]) - 1] + [float(x) for x in rows["hi"]]
    return edges, list(rows["band"])


def step1_band(step1: np.ndarray) -> np.ndarray:
    """'low' / 'average' / 'high' for a numeric Step 1 (score_bands.csv), else None."""
    edges, labels = _step1_bins()
    return _cut(step1, edges, labels)


@cache
def _value_scores() -> dict[str, int]:
    c3 = chart_values("C3")
    return dict(zip(c3["label"], c3["value"].astype(int)))


@cache
def _specialty_arrays() -> dict[str, pd.Series]:
    spec = specialties()
    return {k: spec[k] for k in ("step2_bar", "usual_floor", "weight_rank", "tier", "matched_mean_step2")}


def _lookup(series: pd.Series, keys: np.ndarray) -> np.ndarray:
    return series.reindex(keys).to_numpy()


@cache
def _compiled(name: str, keys: tuple[str, ...]) -> tuple[pd.DataFrame, list[list[tuple[str, list[str]]]]]:
    """A decision table in order, each row as (column, allowed values) tests; '*' tests nothing."""
    rules = table(name).sort_values("order").reset_index(drop=True)
    tests = [[(k, str(row[k]).split("|")) for k in keys if str(row[k]) != "*"] for _, row in rules.iterrows()]
    return rules, tests


def first_match(name: str, columns: dict[str, np.ndarray], keys: Sequence[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """The decision table ``name`` and, per row of ``columns``, the position of its first matching rule.

    Cells hold '*' (anything) or 'a|b' (either value); the first rule that matches wins.
    """
    rules, tests = _compiled(name, tuple(keys))
    n = len(next(iter(columns.values())))
    chosen = np.full(n, -1)
    for position, row_tests in enumerate(tests):
        mask = chosen < 0
        for key, allowed in row_tests:
            mask &= np.isin(columns[key], allowed)
        chosen[mask] = position
    if (chosen < 0).any():
        raise LookupError(f"{name}: no rule matches {int((chosen < 0).sum())} profile(s)")
    return rules, chosen


def _yes_no(flags: np.ndarray) -> np.ndarray:
    return np.where(flags, "yes", "no").astype(object)


def classify(c: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Apply R1-R15 to every row at once; see the module docstring."""
    s1, s2 = c["step1_num"], c["step2"]
    out: dict[str, np.ndarray] = {}
    has_s2 = ~np.isnan(s2)
    numeric_s1 = ~np.isnan(s1)
    delta = s2 - s1
    out["delta"] = delta
    out["trend"] = trend = trend_bucket(delta)
    # The value and reading rules speak in R1's buckets, so their edges live in trend_buckets.csv only.
    big_drop, drop_5_9, flat, big_rise = (trend == label for label in ("Down 10+", "Down 5-9", "Flat (±4)", "Up 15+"))
    clear_drop = big_drop | drop_5_9
    s1_band = step1_band(s1)
    out["step1_band"] = s1_band
    weak_s1 = np.isin(s1_band, ["low", "average"])

    spec = _specialty_arrays()
    bar = _lookup(spec["step2_bar"], c["specialty"]).astype(float)
    floor = _lookup(spec["usual_floor"], c["specialty"]).astype(float)
    weight = _lookup(spec["weight_rank"], c["specialty"]).astype(float)
    out["tier"] = _lookup(spec["tier"], c["specialty"])
    out["step2_bar"], out["usual_floor"] = bar, floor
    passing = int_fact("step2_passing_current")
    with np.errstate(invalid="ignore"):
        failed = has_s2 & (s2 < passing)
        strong = has_s2 & (s2 >= bar)
        below_range = has_s2 & (s2 < floor)

        # R2-R4: where the new score puts the application on the C3 scale.
        num_value = np.select(
            [failed, big_drop, drop_5_9, flat, strong & (weak_s1 | big_rise)],
            [VALUE_LABELS[4], np.where(strong, VALUE_LABELS[3], VALUE_LABELS[4]), VALUE_LABELS[3],
             np.where(below_range, VALUE_LABELS[3], VALUE_LABELS[2]), VALUE_LABELS[0]],
            default=VALUE_LABELS[1])
        word_value = np.select([failed, strong, ~below_range],
                               [VALUE_LABELS[4], VALUE_LABELS[0], VALUE_LABELS[2]], default=VALUE_LABELS[3])
        value = np.where(numeric_s1, num_value, word_value).astype(object)
        value[~has_s2] = None
        out["value"] = value
        scores = _value_scores()
        out["value_score"] = np.array([scores.get(v, np.nan) if v else np.nan for v in value], dtype=float)

        # R11/R12: how a program reads a drop below a numeric Step 1.
        drop = numeric_s1 & has_s2 & (delta < 0)
        signal = weak_s1 | (s2 < bar) | (big_drop & (weight >= 3)) | (clear_drop & (weight >= 4))
        reading = np.where(c["other_concerns"], "problem", np.where(signal, "signal", "blip")).astype(object)
        reading[~drop] = None
        out["reading"] = reading
        out["drop"] = drop
        out["explain_drop"] = drop & c["credible_reason"]  # R13
        out["competitive_after_drop"] = drop & strong  # F4's question

        # R5/R8: does the score clearly help enough to email about it?
        prior_fail = c["prior_fail"] | (c["step1_word"] == "Fail")
        out["prior_fail_any"] = prior_fail
        late = season()["late_score"].reindex(c["month"]).to_numpy() == "yes"  # R9: October on is catch-up
        out["late_score"] = late & has_s2
        r8 = (delta >= band("delta", "big jump")["lo"]) | (s2 >= band("step2", "very high")["lo"]) \
            | (c["applicant"] == "IMG") | late
        score = out["value_score"]
        # A mild asset earns an email only with an R8 reason and a score inside the field's usual range.
        helps = ~failed & ((value == VALUE_LABELS[0]) | ((value == VALUE_LABELS[1]) & r8 & ~below_range)
                           | (prior_fail & (score >= 2)))
        out["r8"] = r8 & has_s2
        out["helps"] = np.where(has_s2, _yes_no(helps), "pending").astype(object)
        out["redemption"] = _yes_no(weak_s1 & big_rise)
        out["c1_profile"] = np.select(
            [~numeric_s1, (s1_band == "low") & strong, (s1_band == "average") & strong,
             (s1_band == "high") & has_s2 & (~strong | clear_drop)],
            [C1_PROFILES["pass_fail"], C1_PROFILES["low"], C1_PROFILES["average"], C1_PROFILES["high_weak"]],
            default=None).astype(object)

    # R6/R9 + F2/F3: the season phase, then the email decision table.
    out["phase"] = season()["phase"].reindex(c["month"]).to_numpy()
    keyed = {**c, "phase": out["phase"], "helps": out["helps"], "requires_step2": _yes_no(c["requires_step2"])}
    rules, rule_at = first_match("email_decision", keyed, ("phase", "stage", "helps", "requires_step2"))
    out["email_rule"] = rule_at
    out["email"] = rules["email"].to_numpy()[rule_at]
    out["email_reason"] = rules["reason"].to_numpy()[rule_at]
    out["email_source"] = rules["source"].to_numpy()[rule_at]

    keyed.update(email=out["email"], step2_out=_yes_no(has_s2), prior_fail=_yes_no(prior_fail),
                 redemption=out["redemption"])
    templates, template_at = first_match("template_choice", keyed,
                                         ("email", "helps", "step2_out", "prior_fail", "stage", "redemption"))
    out["template_rule"] = template_at
    chosen = templates["template"].to_numpy()[template_at]
    out["template"] = np.array([t if isinstance(t, str) else None for t in chosen], dtype=object)
    return out
