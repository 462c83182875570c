"""Every published number names its edition: in data (a publications.csv row) and on the page (next to it)."""
from __future__ import annotations

import re
import string

import pytest

from stepguide import assess, charts
from stepguide.rules.email import draft_email
from stepguide.rules.published import PUBLISHED, edition, exam_words, fact_publication, publications, specialty_words
from stepguide.rules.tables import specialties, table
from stepguide.rules.words import ids
from stepguide.ui.chapter_text import trends
from stepguide.ui.plan import matched_sentence, plan_markdown
from stepguide.ui.render import bands

# The exam facts that are published numbers (the cycle rows are dates of a season, sourced elsewhere).
PUBLISHED_FACTS = ("score_min", "score_max", "step2_passing_from_2022_07_01", "step2_passing_from_2025_07_01",
                   "step1_pass_fail_from", "step2_national_mean_low", "step2_national_mean_high", "step2_sd", "sem",
                   "step1_sd")


def test_every_publication_names_its_edition_and_how_sure_it_is():
    for pid, row in publications().items():
        assert row["edition"] and row["cite"] and row["url"].startswith("https://"), pid
        assert row["certainty"] in ids("certainty"), pid
        assert row["seen_at"], f"{pid}: say where the numbers were read"
        if row["certainty"] != "primary-seen":
            assert row["note"], f"{pid}: a secondary source needs a note on what was not seen"


@pytest.mark.parametrize("key", PUBLISHED_FACTS)
def test_every_published_exam_fact_resolves_to_a_publication(key):
    assert fact_publication(key) in publications()


def test_each_mean_column_comes_from_named_editions_and_says_why_a_mean_is_missing():
    known = set(publications())
    for name, row in specialties().items():
        for mean, pub, gap in (("matched_mean_step2", "step2_mean_pub", "step2_mean_gap"),
                               ("matched_mean_step1", "step1_mean_pub", "step1_mean_gap")):
            assert row[pub] in known, (name, pub)
            assert (row[mean] is None) == bool(row[gap]), f"{name}: {gap} is needed exactly when {mean} is blank"
    assert len({r["step2_mean_pub"] for r in specialties().values()}) == 1  # one edition per Step 2 CK column


def test_the_step1_means_disputed_in_issue_16_follow_the_2020_edition():
    spec = specialties()
    names = ("Internal Medicine", "Obstetrics and Gynecology", "Physical Medicine and Rehabilitation",
             "Plastic Surgery")
    got = {n: (spec[n]["matched_mean_step1"], spec[n]["step1_mean_pub"]) for n in names}
    assert got == {"Internal Medicine": (235, "co2020_md"), "Obstetrics and Gynecology": (232, "co2020_md"),
                   "Physical Medicine and Rehabilitation": (228, "co2020_md"), "Plastic Surgery": (249, "co2020_md")}


def _placeholders(text: str) -> set[str]:
    return {name.split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


def test_a_text_that_shows_a_published_number_also_shows_its_edition():
    """``{passing}`` without ``{passing_edition}`` (or ``{passing_cited}``) would put a bare number on the page."""
    for name in table_names_with_text():
        for row in table(name):
            for column, cell in row.items():
                if not isinstance(cell, str) or "{" not in cell or column == "source":
                    continue
                try:
                    used = _placeholders(cell)
                except ValueError:  # not a format string (e.g. literal braces in a hover template)
                    continue
                for key in PUBLISHED:
                    if key in used:
                        assert f"{key}_edition" in used or f"{key}_cited" in used, (name, column, cell[:80])


def table_names_with_text() -> list[str]:
    from data_tables import table_names
    return [n for n in table_names() if n not in ("schema", "casebook")]


def _bare_means(text: str) -> list[str]:
    """Every "mean ... <number>" in ``text`` whose number is not followed, in the next words, by an edition
    (a publication's short name or the guide's own fallback)."""
    sources = [str(r["cite"]) for r in publications().values()] + ["the guide's fallback"]
    bare = []
    for m in re.finditer(r"\bmean\b[^.\d:;)]{0,60}?(?<![\d.+−-])(\d{3})(?!\d)", text):
        after = text[m.end():m.end() + 120]
        if not any(s in after for s in sources):
            bare.append(text[max(0, m.start() - 40):m.end() + 40])
    return bare


def _with_edition(text: str, number: int, editions: str) -> bool:
    """``number`` is on the page, and each time after the word "mean" it is followed by one of ``editions``."""
    shown = [m.end() for m in re.finditer(rf"\bmean\b[^.\d:;)]{{0,60}}?(?<![\d.]){number}(?!\d)", text)]
    return bool(shown) and all(any(e in text[end:end + 160] for e in editions.split("|")) for end in shown)


PEOPLE = [dict(step1=205, step2=245, specialty="IM"), dict(step1=240, step2=236, specialty="Family Medicine"),
          dict(step1="Pass", step2=244, specialty="PM&R"), dict(step1=248, step2=252, specialty="derm"),
          dict(step1=230, step2=214, specialty="Anesthesiology"), dict(step1=240, step2=246, specialty="ophtho")] + [
    dict(step1=232, step2=241, specialty=name) for name in specialties()]  # every specialty's own numbers


@pytest.mark.parametrize("person", PEOPLE, ids=lambda p: f"{p['specialty']}-{p['step2']}")
def test_every_specialty_mean_on_the_page_is_followed_by_its_edition(person):
    a = assess(**person)
    words = specialty_words(a.profile.specialty)
    page = " ".join([matched_sentence(a), bands(a), trends(a, {}, draft_email(a))[0],
                     plan_markdown(a, draft_email(a)), *(t.reason for t in a.trace), *(x.text for x in a.actions)])
    page = re.sub(r"<[^>]+>", " ", page).replace("&#x27;", "'")
    if a.matched_mean is not None:
        assert _with_edition(page, a.matched_mean, str(words["matched_mean_edition"]))
    assert _with_edition(page, a.step1_mean, str(words["step1_mean_edition"]))
    assert not _bare_means(page)
    exam = exam_words()
    assert all(str(exam["sem_edition"]) in page[m.end():m.end() + 120]  # "about 6 points (edition)"
               for m in re.finditer(rf"about {exam['sem']} points", page))


def test_the_matched_chart_names_the_edition_of_every_number_it_draws():
    spec = charts.matched_figure("IM", 248)
    layout = spec["layout"]
    key, caption = layout["xaxis"]["title"]["text"], layout["meta"]["source"]
    assert edition("co2024_md") in key and edition("co2024_md") in caption
    assert edition(fact_publication("step2_national_mean_low")) in key
    assert edition(fact_publication("sem")) in key
    assert edition("co2024_md") in spec["data"][0]["hovertemplate"]
    assert edition("co2024_md") in charts.describe(spec)  # screen readers hear it too


def test_a_missing_mean_is_explained_where_the_mean_would_be():
    fm = assess(step1=230, step2=236, specialty="Family Medicine")
    assert specialties()["Family Medicine"]["step2_mean_gap"] in matched_sentence(fm)
    note = " ".join(a["text"] for a in charts.matched_figure("Family Medicine", 236)["layout"]["annotations"])
    assert "Family Medicine has no matched mean in " + edition("co2024_md") in note.replace("<br>", " ")
