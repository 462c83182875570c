"""The three source articles, the glossary of inventory IDs and the published data, read from ``data/``.

A student meets IDs such as R2 or K1 on every page; ``glossary.csv`` says in plain
words what each one is and where in which article (``articles.csv``) it comes from,
so every badge can open its explanation. :func:`publications` groups the published
sources named in the data tables, so the Sources section lists what the numbers rest on.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from stepguide.rules.tables import table
from stepguide.rules.words import label

ID = re.compile(r"[A-Z][0-9]+")
_ID_IN_TEXT = re.compile(r"\b[A-Z][0-9]{1,2}\b")  # "R3's", "(R3, R7)", "F2:"; not "PGY1" or "2025"

# Where published data is named: (table, source column, the column naming what it backs, the number it backs).
# A source cell counts only where its number exists (no mean, no publication behind it).
PUBLISHED = (("specialties", "step2_mean_pub", "specialty", "matched_mean_step2"),  # rows that cite a publication
             ("specialties", "step1_mean_pub", "specialty", "matched_mean_step1"),
             ("exam_facts", "source", "detail", None))


@dataclass(frozen=True)
class Article:
    """One source article: ``id`` is A, B or C as in the inventory; ``short_name`` is what the guide calls it."""

    id: str
    short_name: str
    title: str
    title_basis: str
    site: str
    published: str
    url: str
    contributes: str


@dataclass(frozen=True)
class Entry:
    """One inventory ID in plain words, and the (article, section) places it comes from."""

    id: str
    kind: str
    name: str
    explanation: str
    places: tuple[tuple[Article, str], ...]

    @property
    def articles(self) -> tuple[Article, ...]:
        return tuple(dict.fromkeys(a for a, _ in self.places))


@dataclass(frozen=True)
class Use:
    """What one publication backs in one table: the words for it, the items, and any table/page details."""

    what: str
    items: tuple[str, ...]
    details: tuple[str, ...]


@dataclass(frozen=True)
class Publication:
    name: str
    uses: tuple[Use, ...]


@cache
def articles() -> dict[str, Article]:
    """Article id -> :class:`Article`, in the table's order."""
    return {r["id"]: Article(r["id"], r["short_name"], r["title"], r["title_basis"] or "", r["site"],
                             r["published"], r["url"] or "", r["contributes"]) for r in table("articles")}


@cache
def glossary() -> dict[str, Entry]:
    """ID -> :class:`Entry`; raises ``KeyError`` if a row names an unknown article or its sections do not pair up."""
    out: dict[str, Entry] = {}
    for r in table("glossary"):
        ids, sections = str(r["article"]).split("|"), str(r["section"]).split("|")
        if len(ids) != len(sections):
            raise KeyError(f"glossary.csv {r['id']}: {len(ids)} articles but {len(sections)} sections")
        out[r["id"]] = Entry(r["id"], r["kind"], r["name"], r["explanation"],
                             tuple((articles()[a], s) for a, s in zip(ids, sections, strict=True)))
    return out


def entry(item: str) -> Entry | None:
    """The glossary entry of ``item`` (None for a source such as "inputs" that is not an inventory ID)."""
    return glossary().get(item)


def ids_in(source: object) -> tuple[str, ...]:
    """The inventory IDs in a ``source`` cell such as ``"R6|E1|T2"``, in order, without repeats."""
    return tuple(dict.fromkeys(t.strip() for t in str(source or "").split("|") if ID.fullmatch(t.strip())))


def ids_in_text(text: object) -> tuple[str, ...]:
    """The glossary IDs a sentence mentions ("Doc B (R3, R7): ..." -> R3, R7), in order, without repeats."""
    known = glossary()
    return tuple(dict.fromkeys(m for m in _ID_IN_TEXT.findall(str(text or "")) if m in known))


def split_ids(text: str) -> list[str]:
    """``text`` cut around the glossary IDs it mentions: odd items are IDs, even items the words between."""
    known = glossary()
    out, last = [], 0
    for m in _ID_IN_TEXT.finditer(text):
        if m.group() in known:
            out += [text[last:m.start()], m.group()]
            last = m.end()
    return out + [text[last:]]


def article_name(a: Article) -> str:
    """How a sentence names the article: "the Emailing Programs article"."""
    return label("sources", "article_name").format(short_name=a.short_name)


def credit(article: str, item: str, form: str = "credit") -> str:
    """A chart's credit: the article (by its id, A to C) and the chart's ID, "Score Drop article, C5"
    (``form="flow_credit"``: "From the Score Drop article (F4).")."""
    return label("sources", form).format(short_name=articles()[article].short_name, id=item)


def accessible_name(e: Entry) -> str:
    """The badge's name for assistive tech: ID, what it is, and the article and section it comes from."""
    places = "; ".join(label("sources", "badge_place").format(short_name=a.short_name, section=s)
                       for a, s in e.places)
    return label("sources", "badge_name").format(id=e.id, name=e.name, places=places)


@cache
def publications() -> tuple[Publication, ...]:
    """Each publication of ``publications.csv`` the data cites, named with its edition, table, page and how
    sure the guide is of it, and what it backs (which rows cite it: PUBLISHED), in the table's order."""
    found: dict[str, dict[str, dict[str, None]]] = {}
    for name, column, item_col, value_col in PUBLISHED:
        what = label("publication_use", f"{name}.{column}")
        for r in table(name):
            if value_col is not None and r[value_col] is None:
                continue
            for pid in str(r[column] or "").split("|"):
                found.setdefault(pid.strip(), {}).setdefault(what, {})[str(r[item_col])] = None
    out = []
    for row in table("publications"):
        if row["id"] not in found:
            continue
        where = "; ".join(label("sources", key).format(value=row[key]) for key in ("table", "page")
                          if row[key] and row[key] != "not seen")
        name = label("sources", "publication").format(
            cite=row["cite"], edition=row["edition"], where=f"{where}; " if where else "",
            certainty=label("certainty", str(row["certainty"])).lower())
        out.append(Publication(name, tuple(Use(what, tuple(items), ()) for what, items in found[row["id"]].items())))
    return tuple(out)
