"""Pure HTML for every view: an assessment (or a table from data) in, a string out; escaping happens here only.

Nothing in this module decides anything; it phrases what the rules decided,
using CSS classes (``static/guide.css``) rather than inline styles, so the
pages' look, dark theme and print layout live in the stylesheets.
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from stepguide.rules.articles import (
    Entry,
    accessible_name,
    article_name,
    entry,
    glossary,
    ids_in,
    ids_in_text,
    split_ids,
)
from stepguide.rules.assessment import Assessment, TraceItem
from stepguide.rules.bands import band_rows
from stepguide.rules.cycles import Cycle, cycle_note
from stepguide.rules.email import EmailDraft
from stepguide.rules.published import specialty_words
from stepguide.rules.tables import list_items
from stepguide.rules.words import label, say
from stepguide.ui.plan import NO_EMAIL_TITLE, Card

Mark = Callable[[int], bool] | None


def esc(text: object) -> str:
    """The one escape: every piece of text that reaches HTML, typed or from data, passes here."""
    return html.escape(str(text), quote=True)


def linked(text: str) -> str:
    """Escaped text in which each "(https://host/...)" becomes a short link showing the host."""
    def link(m: re.Match[str]) -> str:
        url = html.unescape(m.group(1))
        host = url.split("/")[2]
        return f'(<a class="sg-link" href="{esc(url)}" target="_blank" rel="noopener">{esc(host)}</a>)'
    return re.sub(r"\((https?://[^\s()<>\"]+)\)", link, esc(text))


def cycle_line(c: Cycle) -> str:
    """Whose dates the page states (and where to check them); a warning when they are not today's cycle."""
    css = "sg-cycle" if c.current else "sg-cycle sg-cycle-stale"
    role = "" if c.current else ' role="note"'
    return f'<p class="{css}"{role}>{linked(cycle_note(c))}</p>'


def said(key: str, bold: Mapping[str, object] | None = None, **words: object) -> str:
    """The sentence ``key`` of ``wording.csv`` as HTML (:func:`prose`), filled from ``words``; the ``bold`` words
    are filled in too, escaped and set in ``<b>``."""
    marks = {name: f"\0{i}\0" for i, name in enumerate(bold or {})}  # NUL survives escaping and ID-finding
    text = prose(say(key, **words, **marks))
    for name, mark in marks.items():
        text = text.replace(mark, f"<b>{esc((bold or {})[name])}</b>")
    return text


def p(text: str, css: str = "") -> str:
    """A paragraph; an inventory ID in it becomes a badge (:func:`prose`)."""
    return f'<p class="{esc(css)}">{prose(text)}</p>' if css else f"<p>{prose(text)}</p>"


def ul(items: Iterable[str], raw: bool = False, tag: str = "ul") -> str:
    """A list; ``raw`` items are already HTML (built from escaped parts), others go through :func:`prose`."""
    return f"<{tag}>" + "".join(f"<li>{i if raw else prose(i)}</li>" for i in items) + f"</{tag}>"


def heading(text: str, level: int = 2) -> str:
    return f"<h{level}>{esc(text)}</h{level}>"


def heading_with_badges(text: str, source: object, level: int = 3) -> str:
    """A heading followed by the badges of the IDs in ``source`` (a chart's own ID, those its notes mention)."""
    return f"<h{level}>{prose(text)}{badges(source)}</h{level}>"


def section(title: str, body: str, source: object = "") -> str:
    """A titled block; the inventory IDs in ``source`` follow the title as badges."""
    return f'<h4 class="sg-section">{prose(title)}{badges(source)}</h4>{body}'


def html_table(header: Sequence[str], rows: Iterable[Sequence[Any]], mark: Mark = lambda i: False, *,
          numeric: Sequence[bool] = (), row_class: Sequence[str] = (), cls: str = "sg-table",
          cell: Callable[[Any], str] | None = None) -> str:
    """The one HTML table; rows where ``mark(i)`` holds are marked "← you" (in words, for screen readers too).

    ``mark=None`` drops the "Yours" column (a table about a group, not one reader). ``numeric[j]``
    right-aligns column j, ``row_class[i]`` is row i's CSS class, ``cls`` the table's ('' for none) and
    ``cell`` turns a value into HTML: :func:`prose` (IDs become badges) unless the cells are typed data.
    """
    cell = cell or prose
    num = [bool(n) for n in numeric]
    right = lambda j: ' class=num' if j < len(num) and num[j] else ""  # noqa: E731
    head = "".join(f'<th scope="col"{right(j)}>{esc(h)}</th>' for j, h in enumerate(header))
    body = []
    for i, row in enumerate(rows):
        cells = "".join(f"<td{right(j)}>{cell(c)}</td>" for j, c in enumerate(row))
        yours = mark is not None and mark(i)
        css = " ".join(c for c in (row_class[i] if i < len(row_class) else "", "sg-yours" if yours else "") if c)
        tr = f'<tr class="{esc(css)}">' if css else "<tr>"
        if mark is None:
            body.append(f"{tr}{cells}</tr>")
        else:
            body.append(f"{tr}{cells}<td>{esc(label('table', 'you')) if yours else ''}</td></tr>")
    if mark is not None:
        head += f'<th scope="col">{esc(label("table", "yours"))}</th>'
    table_class = f' class="{esc(cls)}"' if cls else ""
    return f'<table{table_class}><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def alert(field_label: str, rest: str) -> str:
    """A one-line input problem: which field, and what is allowed."""
    return f'<div role="alert" class="sg-alert"><b>Check “{esc(field_label)}”</b>: {esc(rest)}</div>'


def error_box(message: str) -> str:
    return f'<div class="sg-error-box" role="alert">{esc(message)}</div>' if message else ""


def list_section(name: str) -> str:
    """One list of lists.csv as a section titled from labels.csv (group ``list``), its ID as a badge: each
    item's text, then why or how."""
    items = [f"<b>{prose(t)}</b>" + (f" {prose(d)}" if d else "") for t, d in list_items(name)]
    return section(label("list", name), ul(items, raw=True), name)


# ---------------------------------------------------------------- badges: an inventory ID that explains itself

_SCOPE: ContextVar[str] = ContextVar("stepguide_badge_scope", default="sg-about")


@contextmanager
def badge_scope(key: str) -> Iterator[None]:
    """Badges drawn inside open the explanations of the page ``key`` (its :func:`glossary_block`).

    Every page carries one glossary block and its badges point into it; the key keeps two pages in one
    browser document (JupyterLab shows several notebooks at once) from sharing element ids.
    """
    token = _SCOPE.set(key)
    try:
        yield
    finally:
        _SCOPE.reset(token)


def explanation_id(item: str) -> str:
    """The element id of ``item``'s explanation on the current page."""
    return f"{_SCOPE.get()}-{item}"


def badge(item: str) -> str:
    """An inventory ID as a button that opens its plain-words explanation, article and section.

    A native popover (the page's :func:`glossary_block` holds it): the browser opens it on click, Enter or
    Space, closes it on Escape or a click outside and gives focus back to the button, exposes the button as
    expanded or collapsed, and needs no script and no round trip to the kernel. ``aria-label`` names the ID,
    what it is and where it comes from. An ID the glossary does not know stays a plain badge (the data tests
    keep that from happening).
    """
    e = entry(item)
    if e is None:
        return f'<span class="sg-rule">{esc(item)}</span>'
    short = ", ".join(a.short_name for a in e.articles)
    return (f'<button type="button" class="sg-rule" popovertarget="{esc(explanation_id(e.id))}" '
            f'aria-haspopup="dialog" aria-label="{esc(accessible_name(e))}" data-article="{esc(short)}">'
            f"{esc(e.id)}</button>")


def badges(source: object) -> str:
    """The badges of every inventory ID in a ``source`` cell (``"R6|E1"``), or "" when it names none."""
    found = ids_in(source)
    return f' <span class="sg-badges">{"".join(badge(i) for i in found)}</span>' if found else ""


def prose(text: object) -> str:
    """A sentence as HTML: escaped, every inventory ID it mentions ("Doc B (R3, R7)") a badge that explains it."""
    parts = split_ids(str(text))
    return "".join(badge(x) if i % 2 else esc(x) for i, x in enumerate(parts))


def explanation(e: Entry) -> str:
    """One ID's explanation as a popover dialog: what it is, what it says, and the article and section."""
    pid = esc(explanation_id(e.id))
    before, _, after = label("sources", "from").partition("{article}")
    origin = "".join(
        f'<p class="sg-explain-from">{esc(before)}<a href="{esc(a.url)}" target="_blank" rel="noopener">'
        f'{esc(article_name(a))}</a>{esc(after.format(title=a.title, section=s))}</p>' for a, s in e.places)
    return (f'<div class="sg-explain" id="{pid}" popover role="dialog" aria-labelledby="{pid}-h" '
            f'aria-describedby="{pid}-d"><p class="sg-explain-head" id="{pid}-h">{esc(e.id)}: {esc(e.name)}</p>'
            f'<div id="{pid}-d"><p>{esc(e.explanation)}</p>{origin}</div>'
            f'<button type="button" class="sg-explain-close" popovertarget="{pid}" popovertargetaction="hide" '
            f'autofocus>{esc(label("sources", "close"))}</button></div>')


def id_legend(fragment: str) -> str:
    """The IDs an HTML fragment shows as plain text (a table cell "E3", a "(C5)"), each as a badge and its name."""
    found = ids_in_text(html.unescape(re.sub(r"<[^>]+>", " ", fragment)))
    if not found:
        return ""
    items = "".join(f"<li>{badge(i)} {esc(glossary()[i].name)}</li>" for i in found)
    return f'<h3>{esc(label("sources", "legend"))}</h3><ul class="sg-legend">{items}</ul>'


def glossary_block() -> str:
    """Every ID's explanation, hidden until its badge opens it: one block per page (see :func:`badge_scope`)."""
    return '<div class="sg-glossary">' + "".join(explanation(e) for e in glossary().values()) + "</div>"


# ---------------------------------------------------------------- one assessment

def card(c: Card) -> str:
    return (f'<div class="sg-card-body"><h3>{esc(c.title)}</h3>'
            f'<p class="sg-verdict">{prose(c.verdict)}</p><p class="sg-card-why">{prose(c.why)}</p></div>')


def why(trace: Iterable[TraceItem]) -> str:
    """The reasons, rule by rule ("where the articles differ" has its own block)."""
    items = "".join(f"<li>{prose(t.reason)}{badges(t.rule)}</li>" for t in trace if t.topic != "differ")
    return f"<ol>{items}</ol>"


def checklist_html(a: Assessment) -> str:
    """Each action of the checklist, with the IDs it comes from."""
    return ul((prose(x.text) + badges(x.source) for x in a.actions), raw=True)


def differences(a: Assessment) -> str:
    """'Where the articles differ' for this person: both readings, the guide's decision and why."""
    if not a.differences:
        return ""
    items = [f"<b>{prose(d.topic)}.</b>{badges(d.id)} {prose(d.reading_1)} {prose(d.reading_2)} "
             f"<b>{prose(d.decision)}</b> {prose(d.reason)}" for d in a.differences]
    return section(label("section", "differ"), ul(items, raw=True))


def bands(a: Assessment, mark_yours: bool = True) -> str:
    """The score bands behind the guide's words, in numbers for the reader's specialty."""
    rows = band_rows(a)
    mine = p(say("bands_intro", specialty=a.profile.specialty, bar=a.step2_bar, **specialty_words(a.profile.specialty)))
    return mine + html_table(("Score", "Word", "In numbers", "Why there"),
                        [(r.measure, r.band, r.range, r.reason) for r in rows],
                        mark=(lambda i: rows[i].yours) if mark_yours else (lambda i: False))


def draft(d: EmailDraft) -> str:
    """The email draft, or the plain reason not to send one."""
    if d.send:
        return (f'<div class="sg-draft"><p><strong>Subject:</strong> {esc(d.subject)}</p><pre>{esc(d.body)}</pre>'
                f'<p class="sg-card-why">Template{badges(d.template)}: {prose(d.why)}</p></div>')
    return f'<div class="sg-noemail"><h3>{esc(NO_EMAIL_TITLE)}</h3><p>{prose(d.why)}</p></div>'


def interview(lines: Iterable[str], antidotes: Iterable[str]) -> str:
    return (p(say("interview_intro")) + f"<blockquote>{'<br>'.join(esc(x) for x in lines)}</blockquote>"
            + heading(label("section", "antidotes"), 3) + ul(antidotes))
