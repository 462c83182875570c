"""Sources a student can read (issue 16): the three articles by title, site and date; every inventory ID on a
page is a badge whose plain-words explanation (article and section) is on the same page; the published data the
numbers rest on is listed from the data's own source columns."""
from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from test_guide import BUILDERS
from test_properties import profiles

import stepguide as sg
from data_tables import table_names
from stepguide.rules.articles import articles, glossary, ids_in, ids_in_text, publications
from stepguide.rules.tables import table
from stepguide.ui import render
from stepguide.ui.front_ends import GLOSSARY, SCOPE, TEMPLATE, url
from stepguide.ui.pages.dashboard import Dashboard
from stepguide.ui.pages.guide import start_here
from stepguide.ui.plan import plan_markdown
from stepguide.ui.sources import sources_html
from stepguide.ui.views import page_edits, page_key

ANY_ID = re.compile(r"\b[A-Z][0-9]{1,2}\b")
BADGE = re.compile(r'<button type="button" class="sg-rule" popovertarget="([^"]+)"[^>]*>([A-Z][0-9]+)</button>')


def page_html(d: Dashboard) -> str:
    """Everything the dashboard shows as HTML, in page order (its HTML widgets, at any depth)."""
    out: list[str] = []

    def walk(widget):
        if hasattr(widget, "value") and isinstance(widget.value, str) and "<" in widget.value:
            out.append(widget.value)
        for child in getattr(widget, "children", ()) or ():
            walk(child)

    walk(d.widget)
    return "\n".join(out)


def bare_ids(fragment: str) -> list[str]:
    """IDs a reader sees without a badge: the page's words less badges, attributes and the glossary block."""
    fragment = fragment.split('<div class="sg-glossary">')[0]
    words = html.unescape(re.sub(r"<[^>]+>", " ", BADGE.sub(" ", fragment)))
    return ANY_ID.findall(words)


# ---------------------------------------------------------------- the data


def test_every_id_in_the_data_has_a_glossary_row():
    """Any ID a table names (a source cell, a sentence, a chart or list key) can reach a badge."""
    found: dict[str, str] = {}
    for name in table_names():
        for r in table(name):
            for column, cell in r.items():
                for item in ANY_ID.findall(str(cell or "")):
                    found.setdefault(item, f"{name}.{column}")
    missing = {i: where for i, where in found.items() if i not in glossary()}
    assert not missing, missing


def test_glossary_rows_name_their_articles_and_sections():
    for e in glossary().values():
        assert e.name and e.explanation.endswith((".", ")")) and e.places, e.id
        assert all(a.id in articles() and section for a, section in e.places), e.id
        assert not re.search(r"\b[Dd]oc [ABC]\b", e.explanation), e.id  # students read short names
    assert set(glossary()) >= {f"K{i}" for i in range(1, 10)} | {f"R{i}" for i in range(1, 16)} | {"S1", "Q1"}
    assert set(glossary()) >= set(table("conflicts").col("id"))


def test_the_three_articles():
    a = articles()
    assert list(a) == ["A", "B", "C"] and len({x.short_name for x in a.values()}) == 3
    for x in a.values():
        assert x.url.startswith("https://") and x.title and x.site and x.published and x.contributes
    assert "not stated" in a["B"].published and "web address" in a["B"].title_basis  # said honestly


def test_published_data_comes_from_the_tables_source_columns():
    """The published-data list is publications.csv: each cited publication once, with its edition; each
    specialty mean and exam fact is listed under the publication it cites."""
    pubs = publications()
    cited = {r["id"]: r for r in table("publications")}
    backs = {item for p in pubs for u in p.uses for item in u.items}
    for r in table("specialties"):
        if r["matched_mean_step2"] is not None or r["matched_mean_step1"] is not None:
            assert r["specialty"] in backs
    for p in pubs:
        assert any(str(row["edition"]) in p.name and str(row["cite"]) in p.name for row in cited.values()), p.name
    assert {str(r["detail"]) for r in table("exam_facts") if str(r["source"]) in cited} <= backs
    assert not [p.name for p in pubs if ANY_ID.fullmatch(p.name)]


# ---------------------------------------------------------------- what the pages show


def test_sources_section_lists_titles_sites_dates_links_and_publications():
    out = sources_html()
    for a in articles().values():
        for part in (a.title, a.site, a.published, a.url, f"the {a.short_name} article"):
            assert html.escape(part) in out, part
    for p in publications():
        assert html.escape(p.name) in out


def test_badge_is_a_button_that_opens_its_explanation():
    with render.badge_scope("sg-test"):
        badge = render.badge("R6")
        block = render.glossary_block()
        sentence = render.prose("Doc B (R3, R7): a <score>")
    assert badge.startswith('<button type="button" class="sg-rule" popovertarget="sg-test-R6"')
    assert 'aria-label="R6: whom to email' in badge and "Emailing Programs article" in badge
    assert 'id="sg-test-R6" popover role="dialog" aria-labelledby="sg-test-R6-h"' in block
    assert block.count(" popover ") == len(glossary())
    assert sentence.count("<button") == 2 and "&lt;score&gt;" in sentence  # IDs in a sentence, text escaped
    assert render.prose("PGY1, Step 1, 2025 and Z9") == "PGY1, Step 1, 2025 and Z9"  # only glossary IDs


def glossary_of(page: Any) -> str:
    """The page's glossary as its browser shows it: the template's static file that the page's PageEdits has it
    fetch, with the page's own scope."""
    fill = page_edits(page.model).fills[page.glossary.model_id]
    assert fill["src"] == url(GLOSSARY) and page.glossary.value == ""  # not sent in the page's state
    return (TEMPLATE / "static" / GLOSSARY).read_text(encoding="utf-8").replace(SCOPE, fill["scope"])


@pytest.fixture(scope="module")
def dash() -> Dashboard:
    return Dashboard()


@settings(max_examples=60)
@given(profiles)
def test_no_bare_id_on_the_dashboard(dash, kw):
    dash.set(**kw)
    out = page_html(dash)
    assert bare_ids(out) == []
    block = glossary_of(dash)
    for target, item in BADGE.findall(out):  # each badge opens an explanation on this page
        assert target == f"{page_key(dash.model)}-{item}" and f'id="{target}"' in block
    for key, view in dash.views.items():  # an ID a chart's words mention has a badge in its heading
        said = json.dumps([x.get("text", "") for x in view.figure["layout"].get("annotations", [])])
        assert set(ids_in_text(said)) <= {i for _, i in BADGE.findall(dash.chart_boxes[key].children[0].value)}, key


def test_chapters_and_start_here_have_badges_that_open():
    for make, _ in BUILDERS.values():
        ch = make()
        out = ch.verdict.value + ch.details.value
        assert bare_ids(out) == [], make.__name__
        assert all(f'id="{t}"' in glossary_of(ch) for t, _ in BADGE.findall(out)), make.__name__
    page = start_here()
    assert bare_ids(page.value) == [] and "sg-sources" in page.value
    assert all(f'id="{t}"' in page.glossary.value for t, _ in BADGE.findall(page.value))


def test_exported_plan_explains_every_id_it_names():
    a = sg.assess(step1=245, step2=224, specialty="Dermatology", month="Jan", stage="interviewed")
    text = plan_markdown(a, sg.draft_email(a))
    body, _, sources = text.partition("\n## Sources\n")
    for item in ids_in_text(body):
        assert f"- **{item}: {glossary()[item].name}" in sources, item
    for x in articles().values():
        assert f"[{x.title}]({x.url})" in sources
    assert all(i in ids_in_text(body) for i in ids_in("|".join(t.rule for t in a.trace)))


def test_readme_names_the_sources():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Sources\n", 1)[1].split("\n## ", 1)[0]
    for a in articles().values():
        assert a.title in section and a.url in section and f"the {a.short_name} article" in section, a.id
        assert a.site in section and (a.published in section or "no date" in section), a.id
    assert "Charting Outcomes" in section and "USMLE" in section


def test_the_class_page_explains_the_ids_it_shows():
    pytest.importorskip("pandas")
    from stepguide.ui.pages.guide import cohort

    page = cohort()
    shown = ids_in_text(html.unescape(re.sub(r"<[^>]+>", " ", page.summary.value + page.table.value)))
    assert {"C5", "E3"} <= set(shown)
    assert [i for _, i in BADGE.findall(page.legend.value)] == list(shown)
    assert all(f'id="{t}"' in page.about.value for t, _ in BADGE.findall(page.legend.value))


# ---------------------------------------------------------------- "doc A/B/C" never reaches a student

DOC_LETTER = re.compile(r"\b[Dd]ocs? (?:[ABC]\b|\{)|\bdoc the\b")


def _assessment_texts(a: sg.Assessment) -> list[str]:
    d = sg.draft_email(a, name="Sam")
    texts = [t.reason for t in a.trace] + [x.text for x in a.actions] + [d.why, d.subject, d.body]
    texts += [f"{x.topic} {x.reading_1} {x.reading_2} {x.decision} {x.reason}" for x in a.differences]
    texts += [p.note or "" for p in a.paths.values()]
    return texts + [plan_markdown(a, d)]


@settings(max_examples=60)
@given(profiles)
def test_no_doc_letter_in_what_a_student_reads(dash, kw):
    a = sg.assess(**kw)
    assert not [t for t in _assessment_texts(a) if DOC_LETTER.search(t)]
    dash.set(**kw)
    shown = page_html(dash) + json.dumps([v.figure for v in dash.views.values()]) + " ".join(
        v.label for v in dash.views.values())
    assert not DOC_LETTER.findall(shown)


def test_no_doc_letter_in_the_data_the_chapters_readme_or_notebooks():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found = [f"{name}.{column}: {cell}" for name in table_names() if name != "casebook"  # the tests' references
             for r in table(name) for column, cell in r.items() if DOC_LETTER.search(str(cell or ""))]
    assert not found, found[:5]
    pages = [make().verdict.value + make().details.value for make, _ in BUILDERS.values()]
    assert not [p for p in pages + [start_here().value] if DOC_LETTER.search(p)]
    assert not DOC_LETTER.search((root / "README.md").read_text(encoding="utf-8"))
    for nb in sorted((root / "notebooks").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        assert not DOC_LETTER.search(" ".join("".join(c["source"]) for c in cells)), nb.name
