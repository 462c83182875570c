"""Pure HTML for every view: an assessment (or a table from data) in, a string out; escaping happens here only.

Nothing in this module decides anything; it phrases what the rules decided,
using CSS classes (``static/guide.css``) rather than inline styles, so the
pages' look, dark theme and print layout live in the stylesheets.
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .assessment import Assessment, TraceItem
from .bands import band_rows
from .cycles import Cycle, cycle_note
from .data import list_items
from .email import EmailDraft
from .plan import NO_EMAIL_TITLE, Card
from .published import say, specialty_words

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


def p(text: str, css: str = "") -> str:
    return f'<p class="{esc(css)}">{esc(text)}</p>' if css else f"<p>{esc(text)}</p>"


def ul(items: Iterable[str], raw: bool = False, tag: str = "ul") -> str:
    """A list; ``raw`` items are already HTML (built from escaped parts)."""
    return f"<{tag}>" + "".join(f"<li>{i if raw else esc(i)}</li>" for i in items) + f"</{tag}>"


def heading(text: str, level: int = 2) -> str:
    return f"<h{level}>{esc(text)}</h{level}>"


def section(title: str, body: str) -> str:
    return f'<h4 class="sg-section">{esc(title)}</h4>{body}'


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
    """One list of lists.csv as a titled section: each item's text, then why or how."""
    items = [f"<b>{esc(t)}</b>" + (f" {esc(d)}" if d else "") for t, d in list_items(name)]
    return section(title, ul(items, raw=True))


# ---------------------------------------------------------------- one assessment

def card(c: Card) -> str:
    return (f'<div class="sg-card-body"><h3>{esc(c.title)}</h3>'
            f'<p class="sg-verdict">{esc(c.verdict)}</p><p class="sg-card-why">{esc(c.why)}</p></div>')


def why(trace: Iterable[TraceItem]) -> str:
    """The reasons, rule by rule ("where the articles differ" has its own block)."""
    return "<ol>" + "".join(f'<li>{esc(t.reason)} <span class="sg-rule">{esc(t.rule)}</span></li>'
                            for t in trace if t.topic != "differ") + "</ol>"


def checklist(a: Assessment) -> str:
    return ul(x.text for x in a.actions)


def differences(a: Assessment) -> str:
    """'Where the articles differ' for this person: both readings, the guide's decision and why."""
    if not a.differences:
        return ""
    items = [f"<b>{esc(d.topic)}.</b> {esc(d.reading_1)} {esc(d.reading_2)} <b>{esc(d.decision)}</b> {esc(d.reason)}"
             for d in a.differences]
    return section("Where the articles differ", ul(items, raw=True))


def bands(a: Assessment, mark_yours: bool = True) -> str:
    """The score bands behind the guide's words, in numbers for the reader's specialty."""
    rows = band_rows(a)
    mine = p(say("bands_intro", specialty=a.profile.specialty, bar=a.step2_bar, **specialty_words(a.profile.specialty)))
    return mine + table(("Score", "Word", "In numbers", "Why there"),
                        [(r.measure, r.band, r.range, r.reason) for r in rows],
                        mark=(lambda i: rows[i].yours) if mark_yours else (lambda i: False))


def draft(d: EmailDraft) -> str:
    """The email draft, or the plain reason not to send one."""
    if d.send:
        return (f'<div class="sg-draft"><p><strong>Subject:</strong> {esc(d.subject)}</p><pre>{esc(d.body)}</pre>'
                f'<p class="sg-card-why">Template {esc(d.template)}: {esc(d.why)}</p></div>')
    return f'<div class="sg-noemail"><h3>{esc(NO_EMAIL_TITLE)}</h3><p>{esc(d.why)}</p></div>'


def interview(lines: Iterable[str], antidotes: Iterable[str]) -> str:
    return ("<p>Say it calmly, in your own words, and move on to your strengths:</p>"
            f"<blockquote>{'<br>'.join(esc(x) for x in lines)}</blockquote>"
            "<h3>What makes a drop matter less</h3>" + ul(antidotes))
