"""What each chapter says about one assessment: pure functions, assessment (and typed text) in, HTML out.

Each returns ``(verdict, details)``: the lines under the chapter's charts and the
tables and lists that follow. They phrase what the rules decided, with
:mod:`stepguide.ui.render` doing every bit of escaping.
"""
from __future__ import annotations

from collections.abc import Mapping

from stepguide.rules.assessment import Assessment
from stepguide.rules.cycles import cycle_dates
from stepguide.rules.tables import chart_values, list_items, season, specialties
from stepguide.rules.tables import table as data_table
from stepguide.rules.email import EmailDraft
from stepguide.rules.flows import node_labels
from stepguide.ui.plan import email_reason, interview_answer
from stepguide.rules.published import exam_words, say, specialty_words
from stepguide.ui.render import cycle_line, differences, esc, list_section, p, section, table, ul
from stepguide.rules.words import label as vocab


def _trace(a: Assessment, *rules: str) -> list[str]:
    return [t.reason for t in a.trace if t.rule in rules]


def _chart_value(chart: str, key: str | None) -> int | None:
    hit = chart_values(chart).where(id=key)
    return int(hit[0]["value"]) if hit else None


def _chart_label(chart: str, key: str) -> str:
    return str(chart_values(chart).where(id=key)[0]["label"])


_T1_GROUP = {  # which T1 rows describe this person
    "Low Step 1": lambda a: a.verdict.step1_band == "low",
    "Pass Step 1": lambda a: a.profile.step1 == "Pass",
    "IMG": lambda a: a.profile.applicant == "IMG",
}


def risk(a: Assessment, texts: Mapping[str, str], draft: EmailDraft) -> tuple[str, str]:
    risk = _chart_value("C1", a.c1_profile)
    if a.c1_profile:
        head = (f"<p>Your profile: <b>{esc(_chart_label('C1', a.c1_profile))}</b>. The article's estimate: about <b>{risk}%</b> "
                "risk of losing interviews if programs never see this score.</p>")
    else:
        head = p("None of the chart's four profiles fits you exactly; the point still holds: a score programs "
                  "cannot see counts as a missing score.")
    t1 = data_table("t1_file_perception")
    unknown = set(t1.col("group")) - set(_T1_GROUP)
    if unknown:
        raise KeyError(f"t1_file_perception.csv has groups the guide cannot match: {sorted(unknown)}")
    mine = [g for g in dict.fromkeys(t1.col("group")) if _T1_GROUP[g](a)]
    rows = [r for r in t1 if r["group"] in mine] if mine else list(t1)
    intro = ("How your file looks to programs without and with an updated Step 2 CK:" if mine else
             "None of these groups is yours, but this is how programs read such files:")
    shown = [(g, "with Step 2 CK" if s == "yes" else "without it", looks)
             for g, s, looks in ((r["group"], r["with_step2"], r["file_looks"]) for r in rows)]
    out = a.profile.step2 is not None

    def yours(i: int) -> bool:  # a 'with' row only for the score it describes (doc A: strong, solid or high)
        if not mine:
            return False
        if rows[i]["with_step2"] != "yes":
            return not out
        return out and a.verdict.step2_band in str(rows[i]["step2_bands"] or "").split("|")
    t1_html = p(intro) + table(("Group", "Step 2 CK", "How the file looks"), shown, mark=yours)
    f1 = node_labels("F1")[a.paths["F1"].nodes[-1]]
    screen = (f"<p>At a program's first screen your file ends in: <b>{esc(f1)}</b> (the guide takes "
              f"{esc(a.profile.specialty)}'s usual range, from {a.usual_floor}, as the cutoff).</p>")
    why = _trace(a, "R15")
    lists = (list_section("L1", "Signs your score may still be invisible to programs")
             + list_section("L3", "Reasons people give for not sending it, and why they don't hold")
             + list_section("R10", "Who might get away without sending it"))
    return head + t1_html + screen + (ul(why) if why else ""), lists

def timing(a: Assessment, texts: Mapping[str, str], draft: EmailDraft) -> tuple[str, str]:
    m = a.profile.month
    c2, c4 = _chart_value("C2", m), _chart_value("C4", m)
    facts = []
    if c2 is not None:
        facts.append(f"interview opportunities index {c2} of 100 (C2)")
    if c4 is not None:
        facts.append(f"usefulness of an update email {c4} of 100 (C4)")
    numbers = (p(f"For a score out in {m}: {'; '.join(facts)}.") if facts else
               p(f"{m} is on neither timing chart: they cover the application season only."))
    email = vocab("email", a.email)
    decision = [email_reason(a)]
    calendar = " ".join(t.reason for t in a.trace if t.topic == "timing")  # season.csv's, dated from the cycle
    html_ = (p(calendar) + cycle_line(a.cycle) + numbers
             + f"<p>What to do about email: <b>{esc(email)}</b>.</p>" + ul(decision))
    dates = section(vocab("message", "cycle_dates").format(cycle=a.cycle.name),
                    table(("What", "When", "Source"), cycle_dates(a.cycle), mark=None))
    return html_, dates + list_section("L2", "How to make sure programs see it")

def trends(a: Assessment, texts: Mapping[str, str], draft: EmailDraft) -> tuple[str, str]:
    flat = data_table("trend_buckets").where(id="flat")[0]
    said = {**exam_words(), **specialty_words(a.profile.specialty), "specialty": a.profile.specialty,
            "step2": a.profile.step2, "flat_max": int(flat["upper_inclusive"])}
    parts = _trace(a, "R1")
    if a.trend:
        parts.append(f"About {_chart_value('C5', a.trend)}% of applicants land in '{a.trend_label}' (C5).")
    if a.sem_band:
        lo, hi = a.sem_band
        parts.append(say("trends_sem", lo=lo, hi=hi, **said))
    if a.vs_matched is not None:
        gap = abs(a.vs_matched)
        side = "above" if a.vs_matched >= 0 else "below"
        parts.append(say("trends_matched", gap=gap, points="point" if gap == 1 else "points", side=side, **said)
                     if gap else say("trends_matched_at", **said))
    t3 = data_table("t3_score_table")
    details = section("What programs look at in the scores table",
                      table(("Item", "What programs look for", "Weight"),
                            [(r["item"], r["what_programs_look_for"], r["weight"]) for r in t3]), "T3")
    return ul(parts), details

def email(a: Assessment, texts: Mapping[str, str], draft: EmailDraft) -> tuple[str, str]:
    if a.value is None:
        value = p("Your Step 2 CK is not out yet, so it has no place on the asset scale yet.")
    else:
        value = f"<p>On the asset scale: <b>{esc(a.value_label)}</b> ({a.value_score} of 5).</p>"
    reasons = [t.reason for t in a.trace if t.topic in ("value", "helps", "timing", "email")]
    verdict = (value + f"<p>Decision: <b>{esc(vocab('email', a.email))}</b>.</p>" + ul(reasons)
               + cycle_line(a.cycle) + differences(a))  # the timing reasons carry the cycle's dates
    t2 = data_table("t2_email_use")
    kind = "liability" if a.email == "none" and a.value_score is not None and a.value_score <= 1 else a.email
    row = next((i for i, k in enumerate(t2.col("applies_to")) if k == kind), -1)  # the T2 row for this person
    t2_html = section("How programs use update emails",
                      table(("Situation", "What programs do with it"),
                            [(r["situation"], r["program_reaction"]) for r in t2], mark=lambda i: i == row), "T2")
    tips = [f"{t} {d}".strip() for t, d in list_items("E1")]
    note = p(draft.why) if draft.send else ""
    email = section("Your email draft" if draft.send else "Email",
                     note + f'<pre style="white-space:pre-wrap;border:1px solid #ccc;padding:8px">'
                     f"{esc(draft.as_text())}</pre>" + (ul(tips) if draft.send else ""))
    return verdict, t2_html + email

def drop(a: Assessment, texts: Mapping[str, str], draft: EmailDraft) -> tuple[str, str]:
    if a.reading is None:
        head = p("Your Step 2 CK is not below a numeric Step 1, so there is no drop to read; the advice below "
                  "is for when there is one.")
    else:
        head = f"<p>How programs will likely read your drop ({a.delta:+d}): <b>{esc(vocab('reading', a.reading))}</b>.</p>"
    note = a.paths["F4"].note
    verdict = head + (p(note) if note else "") + ul([t.reason for t in a.trace if t.topic in ("value", "reading")])
    spec = specialties()[a.profile.specialty]
    t4 = data_table("t4_specialty_weight")
    group = spec["t4_group"]
    t4_html = table(("Specialties", "Weight of Step 2 CK", "Reaction to a drop"),
                     [(r["group"], r["weight"], r["reaction_to_drop"]) for r in t4],
                     mark=lambda i: t4[i]["group"] == group)
    if group is None:
        t4_html = p(f"{a.profile.specialty} is not in this table; the guide treats its weight as "
                     f"{spec['t4_weight'].lower()} ({spec['weight_basis']}).") + t4_html
    answer = " ".join(interview_answer(texts.get("evidence"), a.profile.credible_reason))
    details = (section("If an interviewer asks", f"<blockquote>{esc(answer)}</blockquote>", "S1")
               + section("Weight of Step 2 CK by specialty", t4_html, "T4")
               + list_section("L4", "What offsets a drop")
               + list_section("L5", "Two things to do today")
               + list_section("R13", "Explain the drop, or not")
               + list_section("R14", "Release it anyway"))
    return verdict, details
