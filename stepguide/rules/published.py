"""Published numbers with the edition each comes from, so no number reaches a student without its source.

Specialty means and USMLE facts differ from edition to edition (a 2020 Step 1 mean is not a 2022 one), and
a student who checks a number has to know which report to open. ``publications.csv`` holds one row per
publication edition; ``specialties.csv`` and ``exam_facts.csv`` name a row by id, and the words here put
the edition's short name (its ``cite``) next to the value. Where no mean was reachable the tier's fallback
is used and the words say so instead of naming an edition.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache

from stepguide.rules.tables import Row, fact, int_fact, specialties, table
from stepguide.rules.words import say  # noqa: F401  (the one way to fetch a sentence; pages import it from here too)

PASSING_PREFIX = "step2_passing_from_"  # exam_facts keys of the dated passing standards


@cache
def publications() -> dict[str, Row]:
    """Publication id -> its row of publications.csv."""
    return table("publications").by("id")


def edition(pid: str) -> str:
    """The short name the page shows for a publication edition (e.g. "NRMP Charting Outcomes 2024")."""
    return str(publications()[pid]["cite"])


def fact_publication(key: str) -> str:
    """The publication id an exam fact comes from (its ``source`` cell); KeyError if it names none."""
    pid = str(table("exam_facts").by("key")[key]["source"])
    if pid not in publications():
        raise KeyError(f"exam_facts.csv {key}: source {pid!r} is not a publications.csv id")
    return pid


def passing_publication(score: int) -> str:
    """The publication of the dated passing standard whose score is ``score`` (214 and 218 differ)."""
    hits = [fact_publication(str(r["key"])) for r in table("exam_facts")
            if str(r["key"]).startswith(PASSING_PREFIX) and str(r["value"]) == str(score)]
    if len(hits) != 1:
        raise KeyError(f"no single dated passing standard of {score} in exam_facts.csv")
    return hits[0]




def cited(value: object, source: str) -> str:
    """A value followed by where it comes from: ``250 (NRMP Charting Outcomes 2024)``."""
    return say("cited", value=value, edition=source)


def newest_passing() -> int:
    """The passing score in force since the last change (exam_facts.csv step2_passing_change_date)."""
    return int_fact(PASSING_PREFIX + fact("step2_passing_change_date").replace("-", "_"))


@cache
def exam_words(passing: int | None = None) -> dict[str, object]:
    """The USMLE facts a sentence may show, each as ``x``, ``x_edition`` and ``x_cited``; ``passing`` is the
    standard of the exam's date (214 or 218; default :func:`newest_passing`), cited with its own edition."""
    passing = newest_passing() if passing is None else passing
    values = {"passing": (passing, passing_publication(passing)),
              "sem": (int_fact("sem"), fact_publication("sem")),
              "step2_sd": (int_fact("step2_sd"), fact_publication("step2_sd")),
              "step1_sd": (int_fact("step1_sd"), fact_publication("step1_sd")),
              "national_mean": (f"{fact('step2_national_mean_low')}-{fact('step2_national_mean_high')}",
                                fact_publication("step2_national_mean_low"))}
    out: dict[str, object] = {}
    for name, (value, pid) in values.items():
        out.update({name: value, f"{name}_edition": edition(pid), f"{name}_cited": cited(value, edition(pid))})
    return out


def _mean_words(name: str, value: int, own: object, pid: str, gap: object, tier: str) -> dict[str, object]:
    """``name``, ``name_edition``, ``name_cited``: the published mean, or the tier's fallback saying why."""
    source = edition(pid) if own is not None else say("fallback_edition", tier=tier, gap=gap)
    return {name: value, f"{name}_edition": source, f"{name}_cited": cited(value, source)}


@cache
def specialty_words(specialty: str) -> dict[str, object]:
    """A specialty's reference points as sentences show them: each mean with its edition (or the fallback and
    why), where the usual range starts and on what basis, and ``step1_low``, the low-Step-1 edge."""
    spec = specialties()[specialty]
    tier = str(spec["tier_label"]).lower()
    out: dict[str, object] = {"step1_low": spec["step1_low"], "floor": spec["usual_floor"],
                              "matched_mean_gap": spec["step2_mean_gap"] or ""}
    out.update(_mean_words("step1_mean", spec["step1_mean"], spec["matched_mean_step1"], spec["step1_mean_pub"],
                           spec["step1_mean_gap"], tier))
    mean2 = spec["matched_mean_step2"]
    out["matched_edition"] = edition(spec["step2_mean_pub"])  # the edition the mean is (or is not) in
    if mean2 is None:
        out.update(matched_mean=None, matched_mean_edition=out["matched_edition"], matched_mean_cited="")
        out["floor_basis"] = say("floor_fallback", floor=spec["usual_floor"], tier=tier)
    else:
        out.update(_mean_words("matched_mean", mean2, mean2, spec["step2_mean_pub"], None, tier))
        out["floor_basis"] = say("floor_from_mean", **out, **exam_words())
    return out


class _BySpecialty(Mapping[str, Mapping[str, object]]):
    """Every specialty's words, for a sentence about a named specialty: ``{spec[Internal Medicine][step1_low]}``."""

    def __getitem__(self, name: str) -> Mapping[str, object]:
        return specialty_words(name)

    def __iter__(self) -> Iterator[str]:
        return iter(specialties())

    def __len__(self) -> int:
        return len(specialties())


def words(specialty: str, passing: int | None = None) -> dict[str, object]:
    """Every published number a sentence about ``specialty`` may show, with its edition (``passing`` as for
    :func:`exam_words`)."""
    return {**exam_words(passing), **specialty_words(specialty), "spec": _BySpecialty()}


#: placeholders that show a published number: a text that uses ``{x}`` must also show ``{x_edition}``.
PUBLISHED = ("passing", "sem", "step2_sd", "step1_sd", "national_mean", "step1_mean", "matched_mean")
