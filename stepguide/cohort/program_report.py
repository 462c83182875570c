"""What a student takes away from their program plan: a CSV, a Markdown page and a calendar file.

Nothing in a list can run where it lands: CSV text cells that start like a formula get a leading ``'`` and
every text cell is quoted (:func:`stepguide.rules.cells.write_csv`, as in the class export); Markdown
cells are neutralised too, then have HTML's ``& < >`` and Markdown's own punctuation escaped, and the drafts
sit in code fences longer than any run of backticks inside them; calendar text is escaped as RFC 5545 says and
folded at 75 octets. The calendar holds the cycle's dates from ``data/cycles.csv`` and the plan's dated actions; its
stamps come from the cycle's day, so the same plan gives the same file. Standard library only.
"""
from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence
from datetime import date, timedelta

from stepguide.rules.articles import accessible_name, glossary
from stepguide.rules.cells import neutralise, write_csv
from stepguide.rules.cycles import DATED, Cycle
from stepguide.rules.programs import FIELDS, FLAGS, ProgramPlan, action_label, status_label, word
from stepguide.rules.words import label

CSV_COLUMNS = (*FIELDS, "action", "what_to_do", "why", "rules", "template", "due", "subject", "body")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")


def _cell(plan: ProgramPlan, column: str) -> object:
    p = plan.program
    if column in FLAGS:
        return "yes" if getattr(p, column) else "no"
    values = {"name": p.name, "status": p.status, "contact_email": p.contact_email or "",
              "interview_date": p.interview_date.isoformat() if p.interview_date else "",
              "action": plan.action, "what_to_do": plan.action_label, "why": plan.reason,
              "rules": "|".join(plan.rules), "template": plan.template or "",
              "due": plan.due.isoformat() if plan.due else "",
              "subject": plan.draft.subject if plan.draft else "", "body": plan.draft.body if plan.draft else ""}
    return values[column]


def programs_rows(plans: Sequence[ProgramPlan]) -> list[list[object]]:
    """The plan as exported (header first): every text cell neutralised."""
    header: list[object] = list(CSV_COLUMNS)
    return [header] + [[neutralise(_cell(plan, c)) for c in CSV_COLUMNS] for plan in plans]


def programs_csv(plans: Sequence[ProgramPlan]) -> bytes:
    """The plan as a CSV (UTF-8 with BOM, comma-separated, CRLF) that :func:`read_programs` also reads back."""
    return write_csv(programs_rows(plans)).encode("utf-8-sig")


def md(text: object) -> str:
    """One line of plain text, safe in a Markdown table cell or heading: nothing in it renders or runs."""
    one_line = " ".join(str(neutralise(str(text))).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


def _fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    bar = "`" * max(3, longest + 1)
    return f"{bar}text\n{text}\n{bar}"


def programs_markdown(plans: Sequence[ProgramPlan], today: date | None = None) -> str:
    """The plan as a Markdown page: a table (program, status, what to do, why, rules), then each note to send."""
    today = today or date.today()
    head = [word("field", "name"), word("field", "status"), word("export", "what"), word("export", "why"),
            word("export", "rules"), word("export", "note"), word("export", "due")]
    lines = [f"# {md(word('export', 'title'))}", "", md(word("export", "made", today=today.isoformat())), "",
             f"## {md(word('export', 'plan_heading'))}", "", "| " + " | ".join(md(h) for h in head) + " |",
             "|" + "---|" * len(head)]
    for p in plans:
        lines.append("| " + " | ".join(md(c) for c in (
            p.program.name, status_label(p.program.status), p.action_label, p.reason, ", ".join(p.rules),
            f"{p.template} ({p.part})" if p.template and p.part and p.part != "main" else (p.template or ""),
            p.due.isoformat() if p.due else "")) + " |")
    lines += ["", f"## {md(word('export', 'notes_heading'))}", ""]
    notes = [p for p in plans if p.advises_note]
    if not notes:
        lines += [md(word("export", "no_notes")), ""]
    for p in notes:
        lines += [f"### {md(p.program.name)}: {md(p.action_label)}", ""]
        if p.draft is not None:
            lines += [_fence(p.draft.as_text()), ""]
        else:
            lines += [md(word("export", "after_posted", template=p.template or "—")), ""]
    ids = list(dict.fromkeys(i for p in plans for i in (*p.rules, *([p.template] if p.template else ()))))
    if ids:
        lines += [f"## {md(word('export', 'ids_heading'))}", ""]
        lines += [f"- **{md(accessible_name(glossary()[i]))}:** {md(glossary()[i].explanation)}"
                  for i in ids if i in glossary()]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the calendar (RFC 5545)

def _ics_text(text: object) -> str:
    """A TEXT value: control characters dropped, then backslash, semicolon, comma and newline escaped."""
    clean = "".join(ch if ch == "\n" or ord(ch) >= 32 and ord(ch) != 127 else " " for ch in str(text))
    return clean.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """A content line cut into lines of at most 75 octets, continuations starting with a space, never inside a
    UTF-8 character."""
    parts, current, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > 75:
            parts.append(current)
            current, size = " ", 1
        current += ch
        size += n
    return parts + [current]


def _event(uid: str, day: date, summary: str, description: str, stamp: str) -> list[str]:
    return ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{stamp}", f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}", f"SUMMARY:{_ics_text(summary)}",
            f"DESCRIPTION:{_ics_text(description)}", "TRANSP:TRANSPARENT", "END:VEVENT"]


def programs_ics(plans: Sequence[ProgramPlan], cycle: Cycle) -> bytes:
    """A calendar: the cycle's dates (ERAS, rank lists, Match Day; unconfirmed ones say so) and each note's day."""
    stamp = f"{cycle.today:%Y%m%d}T000000Z"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//stepguide//My programs//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{_ics_text(word('export', 'calendar_name', cycle=cycle.name))}"]
    for fact in cycle.facts:
        if fact.key not in DATED:
            continue
        summary = label("cycle_fact", fact.key)
        if not fact.confirmed:
            summary = f"{summary} ({word('export', 'unconfirmed')})"
        lines += _event(f"{cycle.name}-{fact.key}@stepguide", date.fromisoformat(fact.value), summary,
                        f"{fact.detail}\n{fact.source}\n{fact.url}", stamp)
    for plan in plans:
        if plan.due is None:
            continue
        digest = hashlib.sha256(f"{plan.program.name}|{plan.template}|{plan.due}".encode()).hexdigest()[:20]
        description = [plan.reason, f"{action_label(plan.action)}: {plan.template or ''}"]
        if plan.draft is not None:
            description.append(plan.draft.subject)
        if plan.program.contact_email:
            description.append(plan.program.contact_email)
        lines += _event(f"{digest}@stepguide", plan.due, word("export", "send_note", program=plan.program.name),
                        "\n".join(description), stamp)
    lines.append("END:VCALENDAR")
    return "".join(part + "\r\n" for line in lines for part in _fold(line)).encode("utf-8")
