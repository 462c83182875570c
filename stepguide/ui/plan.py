"""Words for one assessment: the verdict cards, the matched-applicant sentence and the exportable plan.

The dashboard and the Markdown export say the same things, so both take their
sentences from here; nothing in this module decides anything, it only phrases
what :func:`stepguide.assess` and :func:`stepguide.draft_email` already decided.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from stepguide.rules.articles import accessible_name, article_name, articles, glossary, ids_in_text, publications
from stepguide.rules.assessment import Assessment
from stepguide.rules.cycles import cycle_note
from stepguide.rules.email import EmailDraft
from stepguide.rules.inputs import FLAGS, MONTH_NAMES, MONTHS, passing_words
from stepguide.rules.marks import card_case, within_error_of_matched
from stepguide.rules.published import exam_words, specialty_words
from stepguide.rules.tables import list_items, table
from stepguide.rules.words import label, say

EVIDENCE_BLANK = say("evidence_blank")
NO_EMAIL_TITLE = label("section", "no_email")


@dataclass(frozen=True)
class Card:
    """One verdict card: what it is about, the verdict, and why in plain words."""

    key: str
    title: str
    verdict: str
    why: str


def had_drop(a: Assessment) -> bool:
    """True for a real drop below a numeric Step 1 (the F4 flow applies)."""
    return a.verdict.drop


def _reasons(a: Assessment, rules: tuple[str, ...]) -> list[str]:
    return [t.reason for t in a.trace if t.rule in rules]


def email_reason(a: Assessment) -> str:
    """The reason the email decision table gave for this person."""
    return next((t.reason for t in a.trace if t.topic == "email"), "")


def _card(a: Assessment, key: str) -> Card:
    """One card in the case the rules chose (:func:`~stepguide.rules.marks.card_case`): its verdict from
    ``wording.csv`` ``card_<key>_<case>``, its why from the reasons of the trace."""
    case = card_case(a, key)
    words = {"step1": a.profile.step1, "delta": a.delta, "trend_label": a.trend_label,
             "value_label": a.value_label, "value_score": a.value_score}
    pending = " ".join(_reasons(a, ("R14",))[:1])
    why = {"trend": " ".join(t.reason for t in a.trace if t.topic == "trend"),
           "value": next((t.reason for t in a.trace if t.topic == "value"), ""),
           "reading": " ".join(_reasons(a, ("R12", "R13"))[:1] + _reasons(a, ("R13",)))}[key]
    if case == "pending":
        why = pending
    elif case == "no_numeric":
        why = say("card_reading_no_numeric_why", **words)
    elif case == "no_drop":
        why = a.paths["F4"].note or say("card_reading_no_drop_why")
    verdict = label("reading", str(a.reading)) if case == "read" else say(f"card_{key}_{case}", **words)
    return Card(key, label("card", key), verdict, why)


def cards(a: Assessment) -> tuple[Card, ...]:
    """The four verdict cards: trend, asset/liability, how a drop reads, email or not."""
    email = Card("email", label("card", "email"), label("email", a.email), email_reason(a))
    return _card(a, "trend"), _card(a, "value"), _card(a, "reading"), email


def verdict_line(a: Assessment) -> str:
    """The four verdicts in one line, for the page's polite announcement (a screen reader hears each change once).

    The trend says its group, not its points: a slider step that leaves every verdict as it was leaves this
    line as it was, so nothing is announced.
    """
    trend, value, reading, email = cards(a)
    moving = card_case(a, "trend") == "numeric"
    return say("verdict_line", trend_title=trend.title, trend=a.trend_label if moving else trend.verdict,
               value_title=value.title, value=value.verdict, reading_title=reading.title, reading=reading.verdict,
               email_title=email.title, email=email.verdict)


def matched_sentence(a: Assessment) -> str:
    """Where Step 2 CK sits against matched applicants of the specialty, with its error band; the mean and the
    error come with their editions (wording.csv)."""
    p = a.profile
    if p.step2 is None or a.sem_band is None:
        return say("matched_pending", specialty=p.specialty)
    lo, hi = a.sem_band
    said = {**exam_words(), **specialty_words(p.specialty), "specialty": p.specialty, "step2": p.step2}
    noise = say("matched_noise", lo=lo, hi=hi, **said)
    if a.vs_matched is None or a.matched_mean is None:
        return say("matched_none", **said) + " " + noise
    diff = a.vs_matched
    points = f"{abs(diff)} point{'' if abs(diff) == 1 else 's'}"
    where = "exactly at" if diff == 0 else f"{points} {'above' if diff > 0 else 'below'}"
    inside = " " + say("matched_within_error") if within_error_of_matched(a) else ""
    return say("matched_vs", where=where, **said) + inside + " " + noise


def interview_answer(evidence: str | None = None, credible_reason: bool = False) -> list[str]:
    """S1: the short interview answer about a drop, fitted to the reason the applicant gave (R13: a clear,
    credible reason is stated in one factual sentence; otherwise the answer owns the result without
    inventing a cause), with their own evidence filled in."""
    text = " ".join(str(evidence or "").split()) or EVIDENCE_BLANK
    reason = "credible" if credible_reason else "none"
    return [str(r["text"]).replace("{evidence}", text)
            for r in table("interview_script").sorted_by("order") if r["reason"] in ("*", reason)]


def interview_ahead(a: Assessment) -> bool:
    """Whether an interview answer about a drop can still be needed (the checklist's interview step applies)."""
    return any(x.action == "interview_answer" for x in a.actions)


def drop_antidotes() -> list[str]:
    """L4: what makes a drop matter less, one line each."""
    return [f"{t} {d}".strip() for t, d in list_items("L4")]


def profile_summary(a: Assessment) -> list[tuple[str, str]]:
    """The inputs as (label, value) pairs, for the plan's header."""
    p = a.profile
    rows = [(label("field", "step1_mode"), str(p.step1)),
            (label("field", "step2"), label("plan", "not_out") if p.step2 is None else str(p.step2)),
            (label("field", "specialty"), p.specialty),
            (label("field", "month"), MONTH_NAMES[MONTHS.index(p.month)].capitalize()),
            (label("field", "applicant"), label("applicant", p.applicant)),
            (label("field", "stage"), label("stage", p.stage))]
    if a.exam_date_matters:  # the exam date decided pass or fail: say which one the plan used
        rows.append((label("field", "step2_exam"), label("step2_exam", p.step2_exam).format(**passing_words())))
    if p.failed_exam != "none":
        rows.append((label("field", "failed_exam"), label("failed_exam", p.failed_exam)))
    rows += [(label("field", key), label("plan", "yes")) for key in FLAGS if getattr(p, key)]
    return rows


def _fence(text: str) -> str:
    """A code fence longer than any backtick run in ``text``, so typed text cannot close it."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _md_inline(text: str) -> str:
    """Keep user-typed words from turning into Markdown or HTML markup."""
    return re.sub(r"([\\`*_{}\[\]<>#|!])", r"\\\1", text)


def plan_markdown(a: Assessment, draft: EmailDraft, evidence: str | None = None) -> str:
    """The whole plan as Markdown: inputs, whose season dates, verdict, the why, the checklist, the email draft."""
    out = [f"# {label('plan', 'title')}", ""]
    out += [f"- **{label}:** {_md_inline(value)}" for label, value in profile_summary(a)]
    out += ["", cycle_note(a.cycle)]  # whose dates the plan states, and where to check them
    out += ["", f"## {label('plan', 'verdict')}", ""]
    out += [f"- **{c.title}:** {c.verdict}" for c in cards(a)]
    out += ["", f"**{label('plan', 'matched')}:** {matched_sentence(a)}", "", f"## {label('plan', 'why')}", ""]
    out += [f"{i}. {t.reason} ({t.rule})" for i, t in enumerate(a.trace, 1)]
    for d in a.differences:
        out += ["", f"**{label('section', 'differ')}: {d.topic}.** {d.reading_1} {d.reading_2} {d.decision} {d.reason}"]
    out += ["", f"## {label('plan', 'checklist')}", ""]
    out += [f"- [ ] {x.text}" for x in a.actions]
    out += ["", f"## {label('plan', 'email')}", ""]
    if draft.send:
        text = draft.as_text()
        fence = _fence(text)
        out += [f"{label('plan', 'template')} {draft.template}: {draft.why}", "", fence + "text", text, fence]
    else:
        out += [f"**{NO_EMAIL_TITLE}:** {draft.why}"]
    if interview_ahead(a):
        out += ["", f"## {label('section', 'interview')}", ""]
        out += interview_answer(_md_inline(evidence) if evidence else None, a.profile.credible_reason)
        out += ["", f"## {label('section', 'antidotes')}", ""]
        out += [f"- {line}" for line in drop_antidotes()]
    return "\n".join(out + sources_markdown("\n".join(out))) + "\n"


def sources_markdown(plan: str) -> list[str]:
    """The plan's sources: every ID it mentions in plain words, the three articles with links, the published data.

    On paper or in a text editor a badge cannot open, so the export spells out what each ID means.
    """
    out = ["", f"## {label('sources', 'heading')}", ""]
    out += [f"- **{accessible_name(glossary()[i])}:** {glossary()[i].explanation}" for i in ids_in_text(plan)]
    out += ["", f"### {label('sources', 'articles')}", ""]
    out += [f"- [{a.title}]({a.url})" + (f" ({a.title_basis})" if a.title_basis else "")
            + f", {a.site}, {a.published}. {label('sources', 'in_guide').format(name=article_name(a))}"
            for a in articles().values()]
    out += ["", f"### {label('sources', 'publications')}", ""]
    out += [f"- {p.name}" for p in publications()]
    return out
