"""What each chapter says about one assessment: pure functions, assessment (and typed text) in, HTML out.

Each returns ``(verdict, details)``: the lines under the chapter's charts and the
tables and lists that follow. They phrase what the rules decided (which rows are the
reader's: :mod:`stepguide.rules.marks`) in the words of ``data/wording.csv`` and
``data/labels.csv``, with :mod:`stepguide.ui.render` doing every bit of escaping.
"""
from __future__ import annotations

from collections.abc import Mapping

from stepguide.rules.assessment import Assessment
from stepguide.rules.cycles import cycle_dates
from stepguide.rules.email import EmailDraft
from stepguide.rules.flows import node_labels
from stepguide.rules.marks import t1_rows, t2_row
from stepguide.rules.published import exam_words, specialty_words
from stepguide.rules.tables import chart_values, list_items, specialties
from stepguide.rules.tables import table as data_table
from stepguide.rules.words import label as vocab
from stepguide.rules.words import options, say
from stepguide.ui.plan import email_reason, interview_answer
from stepguide.ui.render import cycle_line, differences, esc, html_table, list_section, p, said, section, ul


def _trace(a: Assessment, *rules: str) -> list[str]:
    return [t.reason for t in a.trace if t.rule in rules]


def _chart_value(chart: str, key: str | None) -> int | None:
    hit = chart_values(chart).where(id=key)
    return int(hit[0]["value"]) if hit else None


def _chart_label(chart: str, key: str) -> str:
    return str(chart_values(chart).where(id=key)[0]["label"])


def _columns(table_id: str) -> tuple[str, ...]:
    """A table's column headings, in order (labels.csv group ``columns.<table>``)."""
    return tuple(lab for lab, _ in options(f"columns.{table_id}"))


def risk(a: Assessment, texts: Mapping[str, str], draft: EmailDraft) -> tuple[str, str]:
    if a.c1_profile:
        bold = {"profile": _chart_label("C1", a.c1_profile), "risk": f"{_chart_value('C1', a.c1_profile)}%"}
        head = f"<p>{said('ch1_profile', bold=bold)}</p>"
    else:
        head = p(say("ch1_no_profile"))
    t1 = t1_rows(a)
    shown = [(r["group"], vocab("t1_step2", str(r["with_step2"])), r["file_looks"]) for r in t1.rows]
    t1_html = (p(say("ch1_t1_mine" if t1.mine else "ch1_t1_others"))
               + html_table(_columns("T1"), shown, mark=lambda i: t1.yours[i]))
    f1 = node_labels("F1")[a.paths["F1"].nodes[-1]]
    screen = f"<p>{said('ch1_screen', bold={'f1': f1}, specialty=a.profile.specialty, floor=a.usual_floor)}</p>"
    why = _trace(a, "R15")
    lists = list_section("L1") + list_section("L3") + list_section("R10")
    return head + t1_html + screen + (ul(why) if why else ""), lists

def timing(a: Assessment, texts: Mapping[str, str], draft: EmailDraft) -> tuple[str, str]:
    m = a.profile.month
    c2, c4 = _chart_value("C2", m), _chart_value("C4", m)
    facts = []
    if c2 is not None:
        facts.append(say("ch2_c2", value=c2))
    if c4 is not None:
        facts.append(say("ch2_c4", value=c4))
    numbers = p(say("ch2_numbers", month=m, facts="; ".join(facts)) if facts else say("ch2_off_season", month=m))
    email = vocab("email", a.email)
    decision = [email_reason(a)]
    calendar = " ".join(t.reason for t in a.trace if t.topic == "timing")  # season.csv's, dated from the cycle
    html_ = (p(calendar) + cycle_line(a.cycle) + numbers
             + f"<p>{said('ch2_email', bold={'email': email})}</p>" + ul(decision))
    dates = section(vocab("message", "cycle_dates").format(cycle=a.cycle.name),
                    html_table(_columns("cycle_dates"), cycle_dates(a.cycle), mark=None))
    return html_, dates + list_section("L2")

def trends(a: Assessment, texts: Mapping[str, str], draft: EmailDraft) -> tuple[str, str]:
    flat = data_table("trend_buckets").where(id="flat")[0]
    said = {**exam_words(), **specialty_words(a.profile.specialty), "specialty": a.profile.specialty,
            "step2": a.profile.step2, "flat_max": int(flat["upper_inclusive"])}
    parts = _trace(a, "R1")
    if a.trend:
        parts.append(say("ch3_c5", percent=_chart_value("C5", a.trend), trend_label=a.trend_label))
    if a.sem_band:
        lo, hi = a.sem_band
        parts.append(say("trends_sem", lo=lo, hi=hi, **said))
    if a.vs_matched is not None:
        gap = abs(a.vs_matched)
        side = "above" if a.vs_matched >= 0 else "below"
        parts.append(say("trends_matched", gap=gap, points="point" if gap == 1 else "points", side=side, **said)
                     if gap else say("trends_matched_at", **said))
    t3 = data_table("t3_score_table")
    details = section(vocab("section", "T3"),
                      html_table(_columns("T3"),
                            [(r["item"], r["what_programs_look_for"], r["weight"]) for r in t3]), "T3")
    return ul(parts), details

def email(a: Assessment, texts: Mapping[str, str], draft: EmailDraft) -> tuple[str, str]:
    if a.value is None:
        value = p(say("ch4_pending"))
    else:
        value = f"<p>{said('ch4_value', bold={'value_label': a.value_label}, value_score=a.value_score)}</p>"
    reasons = [t.reason for t in a.trace if t.topic in ("value", "helps", "timing", "email")]
    verdict = (value + f"<p>{said('ch4_decision', bold={'email': vocab('email', a.email)})}</p>" + ul(reasons)
               + cycle_line(a.cycle) + differences(a))  # the timing reasons carry the cycle's dates
    t2 = data_table("t2_email_use")
    row = t2_row(a)  # the T2 row about this reader
    t2_html = section(vocab("section", "T2"),
                      html_table(_columns("T2"), [(r["situation"], r["program_reaction"]) for r in t2],
                            mark=lambda i: t2[i]["applies_to"] == row), "T2")
    tips = [f"{t} {d}".strip() for t, d in list_items("E1")]
    note = p(draft.why) if draft.send else ""
    email = section(vocab("section", "draft" if draft.send else "email"),
                     note + f'<pre style="white-space:pre-wrap;border:1px solid #ccc;padding:8px">'
                     f"{esc(draft.as_text())}</pre>" + (ul(tips) if draft.send else ""))
    return verdict, t2_html + email

def drop(a: Assessment, texts: Mapping[str, str], draft: EmailDraft) -> tuple[str, str]:
    if a.reading is None:
        head = p(say("ch5_no_drop"))
    else:
        head = f"<p>{said('ch5_reading', bold={'reading': vocab('reading', a.reading)}, delta=a.delta)}</p>"
    note = a.paths["F4"].note
    verdict = head + (p(note) if note else "") + ul([t.reason for t in a.trace if t.topic in ("value", "reading")])
    spec = specialties()[a.profile.specialty]
    t4 = data_table("t4_specialty_weight")
    group = spec["t4_group"]
    t4_html = html_table(_columns("T4"),
                     [(r["group"], r["weight"], r["reaction_to_drop"]) for r in t4],
                     mark=lambda i: t4[i]["group"] == group)
    if group is None:
        t4_html = p(say("ch5_not_in_t4", specialty=a.profile.specialty, weight=spec["t4_weight"].lower(),
                        basis=spec["weight_basis"])) + t4_html
    answer = " ".join(interview_answer(texts.get("evidence"), a.profile.credible_reason))
    details = (section(vocab("section", "S1"), f"<blockquote>{esc(answer)}</blockquote>", "S1")
               + section(vocab("section", "T4"), t4_html, "T4")
               + list_section("L4") + list_section("L5") + list_section("R13") + list_section("R14"))
    return verdict, details


def programs(a: Assessment, texts: Mapping[str, str], draft: EmailDraft) -> tuple[str, str]:
    """Chapter 7's lines under F2: the page's email decision and its reason, which each program's card applies."""
    verdict = (f"<p>{said('ch4_decision', bold={'email': vocab('email', a.email)})}</p>" + ul([email_reason(a)])
               + cycle_line(a.cycle))
    return verdict, ""
