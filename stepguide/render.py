"""Pure HTML for every view: an assessment (or a table from data) in, a string out; escaping happens here only.

Nothing in this module decides anything; it phrases what the rules decided,
using CSS classes (``static/guide.css``) rather than inline styles, so the
pages' look, dark theme and print layout live in the stylesheets.
"""
from __future__ import annotations

import html
import itertools
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from .articles import accessible_name, entry, ids_in
from .assessment import Assessment, TraceItem
from .bands import band_rows
from .data import list_items
from .vocabulary import label
from .email import EmailDraft
from .plan import NO_EMAIL_TITLE, Card

Mark = Callable[[int], bool] | None


def esc(text: object) -> str:
    """The one escape: every piece of text that reaches HTML, typed or from data, passes here."""
    return html.escape(str(text), quote=True)


def p(text: str, css: str = "") -> str:
    return f'<p class="{esc(css)}">{esc(text)}</p>' if css else f"<p>{esc(text)}</p>"


def ul(items: Iterable[str], raw: bool = False, tag: str = "ul") -> str:
    """A list; ``raw`` items are already HTML (built from escaped parts)."""
    return f"<{tag}>" + "".join(f"<li>{i if raw else esc(i)}</li>" for i in items) + f"</{tag}>"


def heading(text: str, level: int = 2) -> str:
    return f"<h{level}>{esc(text)}</h{level}>"


def section(title: str, body: str, source: object = "") -> str:
    """A titled block; the inventory IDs in ``source`` follow the title as badges."""
    return f'<h4 class="sg-section">{esc(title)}{badges(source)}</h4>{body}'


def table(header: Sequence[str], rows: Iterable[Sequence[Any]], mark: Mark = lambda i: False) -> str:
    """An HTML table; rows where ``mark(i)`` holds are marked "← you" (in words, for screen readers too).

    ``mark=None`` drops the "Yours" column (a table about a group, not one reader).
    """
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in header)
    body = []
    for i, row in enumerate(rows):
        cells = "".join(f"<td>{esc(c)}</td>" for c in row)
        if mark is None:
            body.append(f"<tr>{cells}</tr>")
        elif mark(i):
            body.append(f'<tr class="sg-yours">{cells}<td>← you</td></tr>')
        else:
            body.append(f"<tr>{cells}<td></td></tr>")
    if mark is not None:
        head += '<th scope="col">Yours</th>'
    return f'<table class="sg-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def alert(field_label: str, rest: str) -> str:
    """A one-line input problem: which field, and what is allowed."""
    return f'<div role="alert" class="sg-alert"><b>Check “{esc(field_label)}”</b>: {esc(rest)}</div>'


def error_box(message: str) -> str:
    return f'<div class="sg-error-box" role="alert">{esc(message)}</div>' if message else ""


def list_section(name: str, title: str) -> str:
    """One list of lists.csv as a titled section (its ID as a badge): each item's text, then why or how."""
    items = [f"<b>{esc(t)}</b>" + (f" {esc(d)}" if d else "") for t, d in list_items(name)]
    return section(title, ul(items, raw=True), name)


# ---------------------------------------------------------------- badges: an inventory ID that explains itself

_SCOPE: ContextVar[tuple[str, Iterator[int]] | None] = ContextVar("stepguide_badge_scope", default=None)
_LOOSE = (secrets.token_hex(3), itertools.count())  # outside any scope: unique in this process and across kernels


@contextmanager
def badge_ids(prefix: str) -> Iterator[None]:
    """Number the badges drawn inside from 0 under ``prefix``, so one view redraws the same HTML for the same state.

    Popover ids must be unique in the whole browser document (JupyterLab shows several notebooks in one), so
    each view passes its widget's own id (:class:`stepguide.views.ModelHTML` does).
    """
    token = _SCOPE.set((prefix, itertools.count()))
    try:
        yield
    finally:
        _SCOPE.reset(token)


def _next_id() -> str:
    prefix, counter = _SCOPE.get() or _LOOSE
    return f"sg-x{prefix}-{next(counter)}"


def badge(item: str) -> str:
    """An inventory ID as a button that opens its plain-words explanation, article and section.

    A native popover: the browser opens it on click, Enter or Space, closes it on Escape or a click outside and
    gives focus back to the button, with no script and no round trip to the kernel. ``aria-label`` names the ID,
    what it is and where it comes from; the popover is a labelled dialog whose Close button takes focus.
    An ID the glossary does not know stays a plain badge (the data tests keep that from happening).
    """
    e = entry(item)
    if e is None:
        return f'<span class="sg-rule">{esc(item)}</span>'
    pid = _next_id()
    short = ", ".join(a.short_name for a in e.articles)
    origin = " ".join(esc(label("sources", "from").format(short_name=a.short_name, title=a.title, section=s))
                      for a, s in e.places)
    return (f'<button type="button" class="sg-rule" popovertarget="{pid}" aria-haspopup="dialog" '
            f'aria-label="{esc(accessible_name(e))}" data-article="{esc(short)}">{esc(e.id)}</button>'
            f'<span class="sg-explain" id="{pid}" popover role="dialog" aria-labelledby="{pid}-h" '
            f'aria-describedby="{pid}-d"><span class="sg-explain-head" id="{pid}-h">{esc(e.id)}: {esc(e.name)}</span>'
            f'<span class="sg-explain-body" id="{pid}-d">{esc(e.explanation)} '
            f'<span class="sg-explain-from">{origin}</span></span>'
            f'<button type="button" class="sg-explain-close" popovertarget="{pid}" popovertargetaction="hide" '
            f'autofocus>{esc(label("sources", "close"))}</button></span>')


def badges(source: object) -> str:
    """The badges of every inventory ID in a ``source`` cell (``"R6|E1"``), or "" when it names none."""
    found = ids_in(source)
    return f' <span class="sg-badges">{"".join(badge(i) for i in found)}</span>' if found else ""


# ---------------------------------------------------------------- one assessment

def card(c: Card) -> str:
    return (f'<div class="sg-card-body"><h3>{esc(c.title)}</h3>'
            f'<p class="sg-verdict">{esc(c.verdict)}</p><p class="sg-card-why">{esc(c.why)}</p></div>')


def why(trace: Iterable[TraceItem]) -> str:
    """The reasons, rule by rule ("where the articles differ" has its own block)."""
    return "<ol>" + "".join(f"<li>{esc(t.reason)}{badges(t.rule)}</li>" for t in trace if t.topic != "differ") + "</ol>"


def checklist(a: Assessment) -> str:
    """Each action of the checklist, with the IDs it comes from."""
    return ul((esc(x.text) + badges(x.source) for x in a.actions), raw=True)


def differences(a: Assessment) -> str:
    """'Where the articles differ' for this person: both readings, the guide's decision and why."""
    if not a.differences:
        return ""
    items = [f"<b>{esc(d.topic)}.</b>{badges(d.id)} {esc(d.reading_1)} {esc(d.reading_2)} <b>{esc(d.decision)}</b> "
             f"{esc(d.reason)}" for d in a.differences]
    return section("Where the articles differ", ul(items, raw=True))


def bands(a: Assessment, mark_yours: bool = True) -> str:
    """The score bands behind the guide's words, in numbers for the reader's specialty."""
    rows = band_rows(a)
    mine = p(f"For {a.profile.specialty}: the matched Step 1 mean is {a.step1_mean}; the bar for a strong "
             f"Step 2 CK is {a.step2_bar}; the usual range starts at {a.usual_floor}.")
    return mine + table(("Score", "Word", "In numbers", "Why there"),
                        [(r.measure, r.band, r.range, r.reason) for r in rows],
                        mark=(lambda i: rows[i].yours) if mark_yours else (lambda i: False))


def draft(d: EmailDraft) -> str:
    """The email draft, or the plain reason not to send one."""
    if d.send:
        return (f'<div class="sg-draft"><p><strong>Subject:</strong> {esc(d.subject)}</p><pre>{esc(d.body)}</pre>'
                f'<p class="sg-card-why">Template{badges(d.template)}: {esc(d.why)}</p></div>')
    return f'<div class="sg-noemail"><h3>{esc(NO_EMAIL_TITLE)}</h3><p>{esc(d.why)}</p></div>'


def interview(lines: Iterable[str], antidotes: Iterable[str]) -> str:
    return ("<p>Say it calmly, in your own words, and move on to your strengths:</p>"
            f"<blockquote>{'<br>'.join(esc(x) for x in lines)}</blockquote>"
            "<h3>What makes a drop matter less</h3>" + ul(antidotes))
