"""The guide's chapters as widgets: inputs wired to ``assess``, charts redrawn in place, verdicts as HTML.

Notebooks stay thin (one call per chapter) so the wiring can be tested
without a browser. Each builder returns a :class:`Chapter`: every input change
re-runs :func:`stepguide.assess`, updates each ``PlotlyView`` in place (no
``Output``/``clear_output`` flicker) and rewrites the verdict. Bad input shows
a one-line message naming the field, never a traceback. Every piece of text
that reaches HTML, typed or from data, goes through ``html.escape``.
"""
from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import ipywidgets as w

from . import charts
from .assessment import Assessment, assess
from .bands import band_rows
from .classify import step1_band
from .cohort_page import cohort  # noqa: F401  (chapter 6's page, re-exported for the notebook)
from .data import chart_values, int_fact, list_items, season, specialties, table
from .email import USER_FIELDS, draft_email
from .flows import flow_nodes
from .inputs import APPLICANTS, STAGES, make_profile
from .page import PageLandmark
from .plan import email_reason, interview_answer
from .plotly_view import PlotlyView

CHAPTERS: tuple[tuple[str, str], ...] = (
    ("01_risk_by_profile", "Why an unsent score costs interviews"),
    ("02_timing", "Timing: the month your score comes out"),
    ("03_score_trends", "From Step 1 to Step 2 CK: your trend"),
    ("04_to_email_or_not", "To email programs or not"),
    ("05_after_a_drop", "After a drop below Step 1"),
    ("06_for_advisers", "For advisers: a whole room at once"),
)
DOC_TOPICS = {"A": "Sending an updated score", "B": "Emailing programs about it",
              "C": "When Step 2 CK is lower than Step 1"}
STEP1_KINDS = ("Score", "Pass", "Fail")
LABELS = {  # every input's visible (and accessible) name
    "step1_kind": "Step 1 result", "step1": "Step 1 score", "step2_out": "My Step 2 CK score is out",
    "step2": "Step 2 CK score", "specialty": "Specialty", "month": "Month the score comes out",
    "applicant": "Applicant", "stage": "Where you are", "requires_step2": "A program needs Step 2 CK to rank me",
    "prior_fail": "I failed an earlier attempt",
    "other_concerns": "Other worries in my file (weak shelf exams, lukewarm letters, professionalism)",
    "credible_reason": "A clear, credible, contained cause (serious illness, documented crisis, major event)",
    "name": "Your name", "aamc_id": "AAMC ID", "program": "Program", "director": "Director's last name",
    "interview_date": "Interview date", "test_date": "Exam date", "expected_date": "Score expected",
    "reason": "Why this program", "evidence": "Your evidence",
}
PLACEHOLDERS = {"specialty": "type or pick, e.g. IM, derm", "evidence": "e.g. honours on my medicine sub-internship",
                "reason": "one specific reason", "aamc_id": "8 digits"}
EXAMPLE = {"step1_kind": "Score", "step1": 228, "step2_out": True, "step2": 248, "specialty": "Internal Medicine",
           "month": "Oct", "applicant": "US MD", "stage": "before invites", "requires_step2": False,
           "prior_fail": False, "other_concerns": False, "credible_reason": False}  # doc B's 228 -> 248 example
PROFILE = ("step1_kind", "step1", "step2_out", "step2", "specialty")
EMAIL_FIELDS = USER_FIELDS
_ASSESS_KEYS = ("step1", "step2", "specialty", "month", "applicant", "stage", "requires_step2", "prior_fail",
                "other_concerns", "credible_reason")
EMAIL_WORDS = {"targeted": "Email a few chosen programs", "interviewed": "Email programs where you interviewed "
               "or are on hold", "requires_step2": "Email only programs that need Step 2 CK to rank you",
               "none": "No email: update ERAS only"}

Render = Callable[[Assessment, Mapping[str, Any]], tuple[str, str]]
esc = html.escape
CELL = "padding:3px 10px 3px 0;vertical-align:top;border-bottom:1px solid #e0e0e0"


# ---------------------------------------------------------------- small HTML helpers (all escaping)

def _p(text: str) -> str:
    return f"<p>{esc(text)}</p>"


def _ul(items: Iterable[str], raw: bool = False) -> str:
    return "<ul>" + "".join(f"<li>{i if raw else esc(i)}</li>" for i in items) + "</ul>"


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]],
           mark: Callable[[int], bool] | None = lambda i: False) -> str:
    """An HTML table; rows where ``mark(i)`` holds are bold and flagged for screen readers too.

    ``mark=None`` drops the "Yours" column (a table about a group, not one reader).
    """
    head = "".join(f'<th scope="col" style="text-align:left;{CELL}">{esc(h)}</th>' for h in header)
    body = []
    for i, row in enumerate(rows):
        cells = "".join(f'<td style="{CELL}">{esc(str(c))}</td>' for c in row)
        if mark is None:
            body.append(f"<tr>{cells}</tr>")
        elif mark(i):
            body.append(f'<tr style="font-weight:bold;background:{charts.PALETTE["lit_fill"]}">{cells}'
                        f'<td style="{CELL}">← you</td></tr>')
        else:
            body.append(f'<tr>{cells}<td style="{CELL}"></td></tr>')
    if mark is not None:
        head += f'<th scope="col" style="{CELL}">Yours</th>'
    return (f'<table style="border-collapse:collapse;margin:4px 0"><thead><tr>{head}'
            f'</tr></thead><tbody>{"".join(body)}</tbody></table>')


def _section(title: str, body: str) -> str:
    return f"<h4 style='margin:10px 0 4px'>{esc(title)}</h4>{body}"


def _trace(a: Assessment, *rules: str) -> list[str]:
    return [t.reason for t in a.trace if t.rule in rules]


def _chart_value(chart: str, label: str | None) -> int | None:
    rows = chart_values(chart)
    hit = rows[rows["label"] == label]
    return None if hit.empty else int(hit["value"].iloc[0])


# ---------------------------------------------------------------- inputs

def _input(name: str, value: Any) -> w.Widget:
    """One input widget with a visible description (its accessible name)."""
    common = {"description": LABELS[name], "style": {"description_width": "initial"}}
    if name in ("step1", "step2"):
        return w.IntSlider(value=value, min=int_fact("score_min"), max=int_fact("score_max"), step=1,
                           continuous_update=True, readout=True, layout=w.Layout(width="100%", max_width="560px"),
                           **common)
    if name == "step1_kind":
        return w.ToggleButtons(options=STEP1_KINDS, value=value, tooltips=["A three-digit score", "Pass only",
                                                                            "Failed"], **common)
    if name == "applicant":
        return w.ToggleButtons(options=APPLICANTS, value=value, **common)
    if name == "specialty":  # free text (aliases like "IM" work), so it is the field that can be wrong
        return w.Combobox(value=value, options=sorted(specialties()["specialty"]), ensure_option=False,
                          continuous_update=False, placeholder=PLACEHOLDERS["specialty"], **common)
    if name == "month":
        months = season().sort_values("season_order")["month"].tolist()
        return w.Dropdown(options=months, value=value, **common)
    if name == "stage":
        return w.Dropdown(options=STAGES, value=value, **common)
    if isinstance(value, bool):
        return w.Checkbox(value=value, indent=False, layout=w.Layout(width="auto"), **common)
    return w.Text(value=value, placeholder=PLACEHOLDERS.get(name, ""), continuous_update=True,
                  layout=w.Layout(width="100%", max_width="560px"), **common)


def _assess_kwargs(values: Mapping[str, Any], base: Mapping[str, Any]) -> dict[str, Any]:
    """Widget values -> ``assess`` keywords; fields a chapter does not ask for come from ``base``."""
    v = {**base, **values}
    out = {k: v[k] for k in _ASSESS_KEYS if k in v}
    if v.get("step1_kind", "Score") != "Score":
        out["step1"] = v["step1_kind"]
    if not v.get("step2_out", True):
        out["step2"] = None
    return out


def _widget_values(initial: Mapping[str, Any], base: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Starting values from a builder's keywords (``assess``'s own), checked the same way as typed input."""
    values = dict(base)
    unknown = set(initial) - set(_ASSESS_KEYS) - set(LABELS)
    if unknown:
        raise TypeError(f"unknown chapter option(s): {sorted(unknown)}")
    texts = {k: str(v) for k, v in initial.items() if k not in _ASSESS_KEYS}
    wanted = {**_assess_kwargs({}, base), **{k: v for k, v in initial.items() if k in _ASSESS_KEYS}}
    try:
        p = make_profile(**wanted)
    except ValueError as exc:  # keep the example's values and say what was wrong
        return {**values, **texts}, str(exc)
    values.update(texts, specialty=p.specialty, month=p.month, applicant=p.applicant, stage=p.stage,
                  requires_step2=p.requires_step2, prior_fail=p.prior_fail, other_concerns=p.other_concerns,
                  credible_reason=p.credible_reason, step1_kind="Score" if p.step1_numeric else p.step1,
                  step2_out=p.step2 is not None)
    if p.step1_numeric:
        values["step1"] = p.step1
    if p.step2 is not None:
        values["step2"] = p.step2
    return values, None


def error_html(message: str) -> str:
    """``"field: what is allowed"`` (the ValueError convention of ``stepguide.inputs``) as a short alert."""
    field, _, rest = message.partition(": ")
    label = LABELS.get(field, field)
    return (f'<div role="alert" style="color:#B00020;margin:4px 0"><b>Check “{esc(label)}”</b>: '
            f"{esc(rest or message)}</div>")


# ---------------------------------------------------------------- the chapter widget

class Chapter(w.VBox):
    """A chapter: inputs, a message line, the verdict, its charts and details, kept in step with ``assess``.

    ``inputs`` (name -> widget), ``views`` (figure key -> PlotlyView),
    ``verdict``/``details``/``message`` (HTML) and ``assessment`` are public so
    tests and notebooks can drive and read a chapter.
    """

    def __init__(self, fields: Sequence[str], figures: Sequence[str], render: Render,
                 initial: Mapping[str, Any], base: Mapping[str, Any] = EXAMPLE, late: Sequence[str] = (),
                 late_title: str = "") -> None:
        values, problem = _widget_values(initial, base)
        self._base, self._render = dict(base), render
        self.inputs: dict[str, w.Widget] = {name: _input(name, values.get(name, "")) for name in (*fields, *late)}
        self.message = w.HTML("")
        self.verdict = w.HTML("")
        self.details = w.HTML("")
        self.views: dict[str, PlotlyView] = {key: PlotlyView() for key in figures}
        self.assessment: Assessment | None = None
        controls = w.VBox([self.inputs[f] for f in fields], layout=w.Layout(max_width="620px"))
        # Inputs that only feed the text under the charts (e.g. the email's name fields) sit next to it.
        grid = w.Layout(grid_template_columns="repeat(auto-fit, minmax(280px, 1fr))", grid_gap="2px 12px")
        later = [w.HTML(_section(late_title, "")), w.GridBox([self.inputs[f] for f in late], layout=grid)] if late else []
        landmark = PageLandmark("Step 2 CK guide chapter")  # role=main, named slider handles
        super().__init__(children=[landmark, controls, self.message, self.verdict, *self.views.values(), *later,
                                   self.details], layout=w.Layout(max_width="660px"))
        self.add_class("sg-main")
        for widget in self.inputs.values():
            widget.observe(self.refresh, names="value")
        self.refresh()
        if problem:
            self.message.value = error_html(problem)

    def values(self) -> dict[str, Any]:
        return {name: widget.value for name, widget in self.inputs.items()}

    def refresh(self, change: Any = None) -> None:
        """Re-assess and redraw; on bad input show which field and what is allowed, keep the charts."""
        values = self.values()
        if "step1" in self.inputs and "step1_kind" in self.inputs:
            self.inputs["step1"].disabled = values["step1_kind"] != "Score"
        if "step2" in self.inputs and "step2_out" in self.inputs:
            self.inputs["step2"].disabled = not values["step2_out"]
        try:
            a = assess(**_assess_kwargs(values, self._base))
        except ValueError as exc:
            self.message.value = error_html(str(exc))
            self.verdict.value = self.details.value = ""
            return
        self.assessment = a
        self.message.value = ""
        for key, view in self.views.items():
            spec = charts.figure_for(a, key)
            with view.batch_update():
                view.update(spec)
                view.label = charts.describe(spec)
        self.verdict.value, self.details.value = self._render(a, values)


# ---------------------------------------------------------------- 01 risk by profile (C1, T1, F1, R15)

_T1_GROUP = {  # which T1 rows describe this person
    "Low Step 1": lambda a: a.profile.step1_numeric and step1_band([a.profile.step1])[0] == "low",
    "Pass Step 1": lambda a: a.profile.step1 == "Pass",
    "IMG": lambda a: a.profile.applicant == "IMG",
}


def _risk_html(a: Assessment, values: Mapping[str, Any]) -> tuple[str, str]:
    risk = _chart_value("C1", a.c1_profile)
    if a.c1_profile:
        head = (f"<p>Your profile: <b>{esc(a.c1_profile)}</b>. The article's estimate: about <b>{risk}%</b> "
                "risk of losing interviews if programs never see this score.</p>")
    else:
        head = _p("None of the chart's four profiles fits you exactly; the point still holds: a score programs "
                  "cannot see counts as a missing score.")
    t1 = table("t1_file_perception")
    unknown = set(t1["group"]) - set(_T1_GROUP)
    if unknown:
        raise KeyError(f"t1_file_perception.csv has groups the guide cannot match: {sorted(unknown)}")
    mine = [g for g in dict.fromkeys(t1["group"]) if _T1_GROUP[g](a)]
    rows = t1[t1["group"].isin(mine)] if mine else t1
    intro = ("How your file looks to programs without and with an updated Step 2 CK:" if mine else
             "None of these groups is yours, but this is how programs read such files:")
    shown = [(g, "with Step 2 CK" if s == "yes" else "without it", looks)
             for g, s, looks in rows[["group", "with_step2", "file_looks"]].itertuples(index=False)]
    out = a.profile.step2 is not None
    t1_html = _p(intro) + _table(("Group", "Step 2 CK", "How the file looks"), shown,
                                 mark=lambda i: (shown[i][1] == "with Step 2 CK") == out and bool(mine))
    f1 = dict(zip(flow_nodes("F1")["node"], flow_nodes("F1")["label"]))[a.paths["F1"][-1]]
    screen = (f"<p>At a program's first screen your file ends in: <b>{esc(f1)}</b> (the guide takes "
              f"{esc(a.profile.specialty)}'s usual range, from {a.usual_floor}, as the cutoff).</p>")
    why = _trace(a, "R15")
    lists = (_list_section("L1", "Signs your score may still be invisible to programs (L1)")
             + _list_section("L3", "Reasons people give for not sending it, and why they don't hold (L3)")
             + _list_section("R10", "Who might get away without sending it (R10)"))
    return head + t1_html + screen + (_ul(why) if why else ""), lists


def risk_by_profile(**initial: Any) -> Chapter:
    """Chapter 1: C1 with your profile, the T1 rows about you and your path through F1."""
    return Chapter(PROFILE + ("applicant",), ("c1", "f1"), _risk_html, initial)


# ---------------------------------------------------------------- 02 timing (C2, C4, R6, R9)

def _timing_html(a: Assessment, values: Mapping[str, Any]) -> tuple[str, str]:
    m = a.profile.month
    phase = season().loc[m]
    c2, c4 = _chart_value("C2", m), _chart_value("C4", m)
    facts = []
    if c2 is not None:
        facts.append(f"interview opportunities index {c2} of 100 (C2)")
    if c4 is not None:
        facts.append(f"usefulness of an update email {c4} of 100 (C4)")
    numbers = (f"<p>For a score out in {esc(m)}: {esc('; '.join(facts))}.</p>" if facts else
               _p(f"{m} is on neither timing chart: they cover the application season only."))
    email = EMAIL_WORDS.get(a.email, a.email)
    decision = [email_reason(a)]
    html_ = (f"<p>Phase: <b>{esc(str(phase['phase']))}</b>. {esc(str(phase['reason']))}</p>" + numbers
             + f"<p>What to do about email: <b>{esc(email)}</b>.</p>" + _ul(decision))
    return html_, _list_section("L2", "How to make sure programs see it (L2)")


def timing(**initial: Any) -> Chapter:
    """Chapter 2: your month on C2 and C4, the season phase and the email decision it leads to."""
    return Chapter(("month", "stage", "requires_step2") + PROFILE, ("c2", "c4"), _timing_html,
                   initial)


# ---------------------------------------------------------------- 03 score trends (C5, T3, R1, SEM)

def _trends_html(a: Assessment, values: Mapping[str, Any]) -> tuple[str, str]:
    sem = int_fact("sem")
    flat = table("trend_buckets").set_index("direction").loc["flat"]
    parts = _trace(a, "R1")
    if a.trend:
        parts.append(f"About {_chart_value('C5', a.trend)}% of applicants land in '{a.trend}' (C5).")
    if a.sem_band:
        lo, hi = a.sem_band
        parts.append(f"Any one score is give or take about {sem} points (the standard error of measurement): "
                     f"yours is really somewhere from {lo} to {hi}. That is why a change of "
                     f"{int(flat['upper_inclusive'])} points or less counts as flat: it is within the noise.")
    if a.vs_matched is not None:
        side = "above" if a.vs_matched >= 0 else "below"
        parts.append(f"{a.profile.step2} is {abs(a.vs_matched)} points {side} the mean of matched applicants in "
                     f"{a.profile.specialty} ({a.matched_mean}).")
    t3 = table("t3_score_table")
    details = _section("What programs look at in the scores table (T3)",
                       _table(("Item", "What programs look for", "Weight"),
                              t3[["item", "what_programs_look_for", "weight"]].itertuples(index=False)))
    return _ul(parts), details


def score_trends(**initial: Any) -> Chapter:
    """Chapter 3: your bucket on C5, what ±SEM means, and your score next to matched applicants."""
    return Chapter(PROFILE, ("c5", "matched"), _trends_html, initial)


# ---------------------------------------------------------------- 04 to email or not (C3, T2, F2, F3, E1-E6)

def _email_html(a: Assessment, values: Mapping[str, Any]) -> tuple[str, str]:
    if a.value is None:
        value = _p("Your Step 2 CK is not out yet, so it has no place on the asset scale yet.")
    else:
        value = f"<p>On the asset scale: <b>{esc(a.value)}</b> ({a.value_score} of 5).</p>"
    reasons = _trace(a, "R2", "R3", "R4", "R5", "R8", "R6", "R7", "F2", "F3", "E6")
    verdict = value + f"<p>Decision: <b>{esc(EMAIL_WORDS.get(a.email, a.email))}</b>.</p>" + _ul(reasons)
    t2 = table("t2_email_use")
    kind = "liability" if a.email == "none" and a.value_score is not None and a.value_score <= 1 else a.email
    row = next((i for i, k in enumerate(t2["applies_to"]) if k == kind), -1)  # the T2 row for this person
    t2_html = _section("How programs use update emails (T2)",
                       _table(("Situation", "What programs do with it"),
                              t2[["situation", "program_reaction"]].itertuples(index=False), mark=lambda i: i == row))
    draft = draft_email(a, **{k: values.get(k) or None for k in EMAIL_FIELDS})
    tips = [f"{t} {d}".strip() for t, d in list_items("E1")]
    note = _p(draft.why) if draft.send else ""
    email = _section("Your email draft" if draft.send else "Email",
                     note + f'<pre style="white-space:pre-wrap;border:1px solid #ccc;padding:8px">'
                     f"{esc(draft.as_text())}</pre>" + (_ul(tips) if draft.send else ""))
    return verdict, t2_html + email


def to_email_or_not(**initial: Any) -> Chapter:
    """Chapter 4: your place on C3, both email flows (F2, F3) lit, and a filled-in draft (E1-E6)."""
    fields = PROFILE + ("month", "applicant", "stage", "requires_step2", "prior_fail")
    return Chapter(fields, ("c3", "f2", "f3"), _email_html, initial, late=EMAIL_FIELDS,
                   late_title="Your details for the draft (they go only into the text below)")


# ---------------------------------------------------------------- 05 after a drop (T4, C6, F4, R11-R14, L4, L5, S1)

DROP_EXAMPLE = {**EXAMPLE, "step1": 245, "step2": 224}  # doc B's 245 -> 224 example


def _list_section(name: str, title: str) -> str:
    """One list of lists.csv as a titled section: each item's text, then why or how."""
    items = [f"<b>{esc(t)}</b>" + (f" {esc(d)}" if d else "") for t, d in list_items(name)]
    return _section(title, _ul(items, raw=True))


def _drop_html(a: Assessment, values: Mapping[str, Any]) -> tuple[str, str]:
    if a.reading is None:
        head = _p("Your Step 2 CK is not below a numeric Step 1, so there is no drop to read; the advice below "
                  "is for when there is one.")
    else:
        head = f"<p>How programs will likely read your drop ({a.delta:+d}): <b>{esc(a.reading)}</b>.</p>"
    verdict = head + _ul(_trace(a, "R12", "R11", "R13", "R14"))
    spec = specialties().loc[a.profile.specialty]
    t4 = table("t4_specialty_weight")
    group = spec["t4_group"] if isinstance(spec["t4_group"], str) else None
    t4_html = _table(("Specialties", "Weight of Step 2 CK", "Reaction to a drop"),
                     t4[["group", "weight", "reaction_to_drop"]].itertuples(index=False),
                     mark=lambda i: t4["group"].iloc[i] == group)
    if group is None:
        t4_html = _p(f"{a.profile.specialty} is not in this table; the guide treats its weight as "
                     f"{spec['t4_weight'].lower()} ({spec['weight_basis']}).") + t4_html
    answer = " ".join(interview_answer(values.get("evidence")))
    details = (_section("If an interviewer asks (S1)", f"<blockquote>{esc(answer)}</blockquote>")
               + _section("Weight of Step 2 CK by specialty (T4)", t4_html)
               + _list_section("L4", "What offsets a drop (L4)")
               + _list_section("L5", "Two things to do today (L5)")
               + _list_section("R13", "Explain the drop, or not (R13)")
               + _list_section("R14", "Release it anyway (R14)"))
    return verdict, details


def after_a_drop(**initial: Any) -> Chapter:
    """Chapter 5: blip, signal or problem; your specialty's T4 weight; F4 lit; antidotes and a calm answer."""
    fields = ("step1", "step2", "specialty", "other_concerns", "credible_reason")
    return Chapter(fields, ("c6", "f4"), _drop_html, initial, base=DROP_EXAMPLE,
                   late=("evidence",), late_title="Your evidence, for the interview answer just below")


# ---------------------------------------------------------------- 00 start here (index, FAQ Q1)

LINK_STYLE = "color:#0b57d0;text-decoration:underline"  # widget HTML gets no link styling of its own


def _link(stem: str, title: str) -> str:
    """A relative link to a chapter, so it works in JupyterLab and in Voila's tree mode."""
    return f'<a href="{esc(stem)}.ipynb" style="{LINK_STYLE}">{esc(title)}</a>'


def chapter_index_html() -> str:
    """The chapters as a numbered list of links."""
    return "<ol>" + "".join(f"<li>{_link(stem, title)}</li>" for stem, title in CHAPTERS) + "</ol>"


def faq_html() -> str:
    """Every FAQ of the three documents (faq.csv), grouped by document, each pointing to its chapter."""
    titles = dict(CHAPTERS)
    faq = table("faq")
    unknown = set(faq["chapter"]) - set(titles)
    if unknown:
        raise KeyError(f"faq.csv points to unknown chapters: {sorted(unknown)}")
    out = []
    for doc, rows in faq.groupby("doc", sort=True):
        items = "".join(
            f"<details><summary>{esc(q)}</summary><p>{esc(ans)}</p><p>More in: {_link(ch, titles[ch])}</p></details>"
            for q, ans, ch in rows.sort_values("number")[["question", "answer", "chapter"]].itertuples(index=False))
        out.append(_section(DOC_TOPICS.get(doc, doc), items))
    return "".join(out)


def bands_html(a: Assessment | None = None, titled: bool = True) -> str:
    """The score bands behind the guide's words, in numbers with reasons; ``a``'s own bands marked."""
    rows = band_rows(a)
    table_html = _table(("Score", "Word", "In numbers", "Why there"),
                        [(r.measure, r.band, r.range, r.reason) for r in rows], mark=lambda i: rows[i].yours)
    mine = ""
    if a is not None:
        mine = _p(f"For {a.profile.specialty}: the bar for a strong Step 2 CK is {a.step2_bar}; "
                  f"the usual range starts at {a.usual_floor}.")
    title = "What the words mean: the score bands behind every verdict"
    return _section(title, mine + table_html) if titled else mine + table_html


def start_here() -> w.HTML:
    """Chapter 0's FAQ block (the notebook's own markdown carries the chapter index)."""
    return w.HTML(_section("Questions people ask, with the chapter that answers each", faq_html()) + bands_html())
