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
from .data import chart_values, int_fact, list_items, season, season_months, specialties, table
from .email import USER_FIELDS, draft_email
from .flows import node_labels
from .inputs import APPLICANTS, FIELDS, make_profile
from .vocabulary import hint as _hint
from .vocabulary import label as vocab
from .vocabulary import options
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
LABELS = {  # every input's visible (and accessible) name, from the one vocabulary
    **{k: vocab("field", k) for k in FIELDS}, **{k: vocab("email_field", k) for k in (*USER_FIELDS, "evidence")},
    "step1_kind": vocab("field", "step1_mode"), "step2_out": "My Step 2 CK score is out",
}
PLACEHOLDERS = {"specialty": "type or pick, e.g. IM, derm",
                **{k: vocab_hint for k in (*USER_FIELDS, "evidence") if (vocab_hint := _hint("email_field", k))}}
EXAMPLE = {"step1_kind": "Score", "step1": 228, "step2_out": True, "step2": 248, "specialty": "Internal Medicine",
           "month": "Oct", "applicant": "US MD", "stage": "before invites", "failed_exam": "none",
           "requires_step2": False, "listed_planned": False, "other_concerns": False,
           "credible_reason": False}  # doc B's 228 -> 248 example
PROFILE = ("step1_kind", "step1", "step2_out", "step2", "specialty")
EMAIL_FIELDS = USER_FIELDS
_ASSESS_KEYS = FIELDS

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


def _chart_value(chart: str, key: str | None) -> int | None:
    hit = chart_values(chart).where(id=key)
    return int(hit[0]["value"]) if hit else None


def _chart_label(chart: str, key: str) -> str:
    return str(chart_values(chart).where(id=key)[0]["label"])


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
        return w.Combobox(value=value, options=sorted(specialties()), ensure_option=False,
                          continuous_update=False, placeholder=PLACEHOLDERS["specialty"], **common)
    if name == "month":
        return w.Dropdown(options=list(season_months()), value=value, **common)
    if name in ("stage", "failed_exam"):
        return w.Dropdown(options=options(name), value=value, **common)
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
                  failed_exam=p.failed_exam, requires_step2=p.requires_step2, listed_planned=p.listed_planned,
                  other_concerns=p.other_concerns, credible_reason=p.credible_reason,
                  step1_kind="Score" if p.step1_numeric else p.step1,
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
    "Low Step 1": lambda a: a.verdict.step1_band == "low",
    "Pass Step 1": lambda a: a.profile.step1 == "Pass",
    "IMG": lambda a: a.profile.applicant == "IMG",
}


def _risk_html(a: Assessment, values: Mapping[str, Any]) -> tuple[str, str]:
    risk = _chart_value("C1", a.c1_profile)
    if a.c1_profile:
        head = (f"<p>Your profile: <b>{esc(_chart_label('C1', a.c1_profile))}</b>. The article's estimate: about <b>{risk}%</b> "
                "risk of losing interviews if programs never see this score.</p>")
    else:
        head = _p("None of the chart's four profiles fits you exactly; the point still holds: a score programs "
                  "cannot see counts as a missing score.")
    t1 = table("t1_file_perception")
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
    t1_html = _p(intro) + _table(("Group", "Step 2 CK", "How the file looks"), shown,
                                 mark=lambda i: (shown[i][1] == "with Step 2 CK") == out and bool(mine))
    f1 = node_labels("F1")[a.paths["F1"].nodes[-1]]
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
    phase = season()[m]
    c2, c4 = _chart_value("C2", m), _chart_value("C4", m)
    facts = []
    if c2 is not None:
        facts.append(f"interview opportunities index {c2} of 100 (C2)")
    if c4 is not None:
        facts.append(f"usefulness of an update email {c4} of 100 (C4)")
    numbers = (f"<p>For a score out in {esc(m)}: {esc('; '.join(facts))}.</p>" if facts else
               _p(f"{m} is on neither timing chart: they cover the application season only."))
    email = vocab("email", a.email)
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
    flat = table("trend_buckets").where(id="flat")[0]
    parts = _trace(a, "R1")
    if a.trend:
        parts.append(f"About {_chart_value('C5', a.trend)}% of applicants land in '{a.trend_label}' (C5).")
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
                              [(r["item"], r["what_programs_look_for"], r["weight"]) for r in t3]))
    return _ul(parts), details


def score_trends(**initial: Any) -> Chapter:
    """Chapter 3: your bucket on C5, what ±SEM means, and your score next to matched applicants."""
    return Chapter(PROFILE, ("c5", "matched"), _trends_html, initial)


# ---------------------------------------------------------------- 04 to email or not (C3, T2, F2, F3, E1-E6)

def _email_html(a: Assessment, values: Mapping[str, Any]) -> tuple[str, str]:
    if a.value is None:
        value = _p("Your Step 2 CK is not out yet, so it has no place on the asset scale yet.")
    else:
        value = f"<p>On the asset scale: <b>{esc(a.value_label)}</b> ({a.value_score} of 5).</p>"
    reasons = [t.reason for t in a.trace if t.topic in ("value", "helps", "timing", "email")]
    verdict = (value + f"<p>Decision: <b>{esc(vocab('email', a.email))}</b>.</p>" + _ul(reasons)
               + differences_html(a))
    t2 = table("t2_email_use")
    kind = "liability" if a.email == "none" and a.value_score is not None and a.value_score <= 1 else a.email
    row = next((i for i, k in enumerate(t2.col("applies_to")) if k == kind), -1)  # the T2 row for this person
    t2_html = _section("How programs use update emails (T2)",
                       _table(("Situation", "What programs do with it"),
                              [(r["situation"], r["program_reaction"]) for r in t2], mark=lambda i: i == row))
    draft = draft_email(a, **{k: values.get(k) or None for k in EMAIL_FIELDS})
    tips = [f"{t} {d}".strip() for t, d in list_items("E1")]
    note = _p(draft.why) if draft.send else ""
    email = _section("Your email draft" if draft.send else "Email",
                     note + f'<pre style="white-space:pre-wrap;border:1px solid #ccc;padding:8px">'
                     f"{esc(draft.as_text())}</pre>" + (_ul(tips) if draft.send else ""))
    return verdict, t2_html + email


def to_email_or_not(**initial: Any) -> Chapter:
    """Chapter 4: your place on C3, both email flows (F2, F3) lit, and a filled-in draft (E1-E6)."""
    fields = PROFILE + ("month", "applicant", "stage", "failed_exam", "requires_step2", "listed_planned",
                        "credible_reason")
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
        head = f"<p>How programs will likely read your drop ({a.delta:+d}): <b>{esc(vocab('reading', a.reading))}</b>.</p>"
    note = a.paths["F4"].note
    verdict = head + (_p(note) if note else "") + _ul([t.reason for t in a.trace if t.topic in ("value", "reading")])
    spec = specialties()[a.profile.specialty]
    t4 = table("t4_specialty_weight")
    group = spec["t4_group"]
    t4_html = _table(("Specialties", "Weight of Step 2 CK", "Reaction to a drop"),
                     [(r["group"], r["weight"], r["reaction_to_drop"]) for r in t4],
                     mark=lambda i: t4[i]["group"] == group)
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
    fields = ("step1", "step2", "specialty", "other_concerns", "credible_reason")  # a drop needs two numbers
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
    unknown = set(faq.col("chapter")) - set(titles)
    if unknown:
        raise KeyError(f"faq.csv points to unknown chapters: {sorted(unknown)}")
    out = []
    for doc in sorted(set(faq.col("doc"))):
        items = "".join(
            f"<details><summary>{esc(r['question'])}</summary><p>{esc(r['answer'])}</p>"
            f"<p>More in: {_link(r['chapter'], titles[r['chapter']])}</p></details>"
            for r in faq.where(doc=doc).sorted_by("number"))
        out.append(_section(DOC_TOPICS.get(doc, doc), items))
    return "".join(out)


def differences_html(a: Assessment) -> str:
    """'Where the articles differ' for this person: both readings, the guide's decision and why."""
    if not a.differences:
        return ""
    items = [f"<b>{esc(d.topic)}.</b> {esc(d.reading_1)} {esc(d.reading_2)} <b>{esc(d.decision)}</b> {esc(d.reason)}"
             for d in a.differences]
    return _section("Where the articles differ", _ul(items, raw=True))


def bands_html(a: Assessment | None = None, titled: bool = True) -> str:
    """The score bands behind the guide's words, in numbers for the reader's specialty; their own bands marked.

    Without a reader (chapter 0) the numbers are the worked example's specialty and nothing is marked as yours.
    """
    reader = a is not None
    a = a or assess(**_assess_kwargs({}, EXAMPLE))
    rows = band_rows(a)
    table_html = _table(("Score", "Word", "In numbers", "Why there"),
                        [(r.measure, r.band, r.range, r.reason) for r in rows],
                        mark=lambda i: reader and rows[i].yours)
    mine = _p(f"For {a.profile.specialty}: the matched Step 1 mean is {a.step1_mean}; the bar for a strong "
              f"Step 2 CK is {a.step2_bar}; the usual range starts at {a.usual_floor}.")
    title = "What the words mean: the score bands behind every verdict"
    return _section(title, mine + table_html) if titled else mine + table_html


def start_here() -> w.HTML:
    """Chapter 0's FAQ block (the notebook's own markdown carries the chapter index)."""
    return w.HTML(_section("Questions people ask, with the chapter that answers each", faq_html()) + bands_html())


# ---------------------------------------------------------------- 06 for advisers (assess_frame on a cohort)

COHORT_SHOWN = ("step1", "step2", "specialty", "month", "trend", "value", "reading", "email", "template", "error")


def cohort_html(assessed: Any) -> str:
    """The verdict counts and every row's verdict (or its error), escaped."""
    from .cohort import verdict_counts

    counts = verdict_counts(assessed)
    bad = int(assessed["error"].notna().sum())
    summary = _p(f"{len(assessed)} rows: {len(assessed) - bad} assessed, {bad} with an error to fix.")
    tallies = "".join(_section(f"By {col}", _table(("Verdict", "Students"), list(counts[col].items()), mark=None))
                      for col in ("value", "email"))
    shown = [c for c in COHORT_SHOWN if c in assessed.columns]
    rows = [["" if v is None or v != v else v for v in r] for r in assessed[shown].itertuples(index=False)]
    return summary + tallies + _section("Every row", _table(shown, rows, mark=None))


class Cohort(w.VBox):
    """The adviser's view; ``upload``, ``examples_button``, ``message``, ``view`` and ``body`` are public
    so tests and notebooks can drive and read it without walking ``children``."""

    upload: w.FileUpload
    examples_button: w.Button
    message: w.HTML
    view: PlotlyView
    body: w.HTML


def cohort(csv: bytes | str | None = None) -> Cohort:
    """Upload an anonymised CSV (one student per row, assess's column names) and see the room at once."""
    from .cohort import examples_csv, read_cohort_csv, trend_shares
    from .frame import INPUT_COLUMNS

    upload = w.FileUpload(accept=".csv", multiple=False, description="Upload a CSV").add_class("sg-cohort-upload")
    examples_button = w.Button(description="Use the articles' examples",
                               layout=w.Layout(width="auto")).add_class("sg-cohort-examples")
    message, body = w.HTML(), w.HTML().add_class("sg-cohort")
    view = PlotlyView(label="Your group's trends next to the article's")

    def show(data: bytes | str) -> None:
        try:
            assessed = read_cohort_csv(data)
        except ValueError as exc:
            message.value = f"<p role='alert'><b>Please check the file.</b> {esc(str(exc))}</p>"
            return
        message.value = ""
        body.value = cohort_html(assessed)
        n = int(assessed["trend"].notna().sum())
        spec = charts.cohort_c5_figure(trend_shares(assessed), n)
        with view.batch_update():
            view.figure, view.label = spec, charts.describe(spec)

    def on_upload(change: dict) -> None:
        if change["new"]:
            show(bytes(change["new"][0]["content"]))

    upload.observe(on_upload, names="value")
    examples_button.on_click(lambda _: show(examples_csv()))
    show(csv if csv is not None else examples_csv())
    columns = _p("Columns: " + ", ".join(INPUT_COLUMNS) + " (only step1, step2 and specialty are required; "
                 "flags are true/false; leave step2 empty when the score is not out).")
    box = Cohort([w.HTML(columns), w.HBox([upload, examples_button]), message, view, body])
    box.upload, box.examples_button, box.message, box.view, box.body = upload, examples_button, message, view, body
    return box
