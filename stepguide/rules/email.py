"""Update emails (E1-E6) filled in from an assessment, or a plain reason not to send one."""
from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache

from stepguide.rules.assessment import Assessment
from stepguide.rules.tables import Row, table
from stepguide.rules.words import ids, label

# What the applicant types in, shown as a visible [blank] until they do (nothing is guessed).
BLANKS = {key: label("email_blank", key) for key in ids("email_blank")}  # field -> its [blank], in the form's order
USER_FIELDS = tuple(BLANKS)
PLACEHOLDERS = (*USER_FIELDS, "specialty", "step2", "step1")  # the last three come from the assessment


@dataclass(frozen=True)
class EmailDraft:
    send: bool
    template: str | None
    subject: str
    body: str
    why: str

    def as_text(self) -> str:
        if not self.send:
            return f"No email: {self.why}"
        return f"Subject: {self.subject}\n\n{self.body}"


@cache
def _template_row(template: str, part: str) -> Row:
    """One template part, its placeholders checked once (the draft is refilled on every keystroke)."""
    hit = table("email_templates").where(template=template, part=part)
    if not hit:
        raise KeyError(f"no email template {template}/{part}")
    row = hit[0]
    used = {f for _, f, _, _ in string.Formatter().parse(row["subject"] + row["body"]) if f}
    unknown = used - set(PLACEHOLDERS)
    if unknown:
        raise KeyError(f"template {template}/{part} uses unknown placeholders {sorted(unknown)}")
    return row


def _fields(a: Assessment, given: dict[str, str | None]) -> dict[str, str]:
    p = a.profile
    values = {"specialty": p.specialty, "step1": str(p.step1),
              "step2": "" if p.step2 is None else str(p.step2)}
    for key in USER_FIELDS:
        values[key] = " ".join(str(given.get(key) or "").split()) or BLANKS[key]
    return values


def draft_email(assessment: Assessment, name: str | None = None, aamc_id: str | None = None,
                program: str | None = None, director: str | None = None,
                interview_date: str | None = None, test_date: str | None = None,
                expected_date: str | None = None, reason: str | None = None,
                context: str | None = None, recovery: str | None = None) -> EmailDraft:
    """Fill the template the rules chose; blanks stay visible as [brackets] so nothing is guessed.

    The text is plain (not HTML): whoever shows it as HTML must escape it.
    """
    a = assessment
    if a.template is None:
        why = next(t.reason for t in a.trace if t.topic == "email")
        return EmailDraft(False, None, "", "", why)
    return draft_template(a, a.template, a.verdict.template_part or "main", name=name, aamc_id=aamc_id,
                          program=program, director=director, interview_date=interview_date, test_date=test_date,
                          expected_date=expected_date, reason=reason, context=context, recovery=recovery)


def draft_template(assessment: Assessment, template: str, part: str = "main", **given: str | None) -> EmailDraft:
    """One template part filled for ``assessment``, when the rules chose it for one program rather than for the
    page's verdict (:func:`stepguide.rules.programs.plan_programs`); ``given`` holds :data:`USER_FIELDS` only.

    Raises ``KeyError`` for an unknown template or part, ``TypeError`` for a field that is not a user field.
    """
    unknown = set(given) - set(USER_FIELDS)
    if unknown:
        raise TypeError(f"draft_template: {sorted(unknown)} are not fields a student fills in "
                        f"({', '.join(USER_FIELDS)})")
    row = _template_row(template, part)
    fields = _fields(assessment, given)
    return EmailDraft(True, template, row["subject"].format(**fields), row["body"].format(**fields),
                      str(row["use_when"]))
