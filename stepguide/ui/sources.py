"""The Sources section: the three articles by title, site and date, what each gives the guide, and the
published data its numbers rest on.

A student told "the Emailing Programs article says..." must be able to find and read that article, and a
number such as a matched mean must say which publication it comes from. The articles are
``data/articles.csv``; the published data is whatever :func:`stepguide.rules.articles.publications` finds in the
tables' source columns, so this section never lists a source the data does not use.
"""
from __future__ import annotations

from stepguide.rules.articles import Article, Publication, article_name, articles, publications
from stepguide.rules.words import label
from stepguide.ui.render import esc


def _article(a: Article) -> str:
    """One article: its title as a link, site and date (or that our copy has none), short name, contribution."""
    basis = f' <span class="sg-source-meta">({esc(a.title_basis)})</span>' if a.title_basis else ""
    name = esc(label("sources", "in_guide").format(name=article_name(a)))
    return (f'<li><a href="{esc(a.url)}" target="_blank" rel="noopener">“{esc(a.title)}”</a>{basis}, '
            f'{esc(a.site)}, {esc(a.published)}. <b>{name}</b> <span class="sg-source-gives">'
            f'{esc(label("sources", "items"))} {esc(a.contributes)}</span></li>')


def _publication(p: Publication) -> str:
    """One publication and what it backs: "Matched Step 2 CK means: Dermatology, ..."."""
    uses = "; ".join(f"{u.what}: {', '.join(u.items)}" + (f" ({', '.join(u.details)})" if u.details else "")
                     for u in p.uses)
    return f"<li><b>{esc(p.name)}</b>. {esc(uses)}.</li>"


def sources_html(title: str = "", level: int = 2) -> str:
    """The Sources section (``title`` defaults to the vocabulary's "Sources"), its headings at ``level``."""
    sub = level + 1
    title = title or label("sources", "heading")
    return (f'<section class="sg-sources" aria-label="{esc(title)}"><h{level}>{esc(title)}</h{level}>'
            f'<p>{esc(label("sources", "intro"))}</p>'
            f'<h{sub}>{esc(label("sources", "articles"))}</h{sub}>'
            f'<ul>{"".join(_article(a) for a in articles().values())}</ul>'
            f'<div class="sg-source-data"><h{sub}>{esc(label("sources", "publications"))}</h{sub}>'
            f'<ul>{"".join(_publication(p) for p in publications())}</ul></div></section>')

