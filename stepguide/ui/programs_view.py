"""My programs on a page: paste or upload a list, see one card per program (what to do today, why, the note).

The view holds the list in the kernel's memory only: it is not stored on the server, not written to disk and
not put in the situation link (it is no input of :class:`~stepguide.ui.model.GuideModel`). The plan is
:func:`stepguide.rules.programs.plan_programs` of the model's assessment, redone whenever the assessment or
the reader's draft details change (about a millisecond for 80 programs), so every card follows the sliders.
Each card's HTML comes from :func:`program_card_html`, where everything typed is escaped; a note's
``mailto:`` link is :func:`mailto_url` (subject and body percent-encoded), left out with a note when it
would be too long for mail apps to open.

    from stepguide.ui.model import GuideModel
    view = ProgramsView(GuideModel(step1=230, step2=248, specialty="IM", month="Oct"))
    view.load_sample()
    [card.plan.action for card in view.cards]
"""
from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import ipywidgets as w

from stepguide.cohort.program_report import programs_csv, programs_ics, programs_markdown
from stepguide.cohort.programs import MAX_BYTES, MAX_PROGRAMS, ProgramList, read_programs, sample_programs_text
from stepguide.rules.inputs import long_date
from stepguide.rules.programs import DRAFT_FIELDS, FLAGS, Program, ProgramPlan, plan_programs, status_label, word
from stepguide.rules.words import hint, label, say
from stepguide.ui import render
from stepguide.ui.model import GuideModel
from stepguide.ui.upload import CohortDownload, CohortUpload
from stepguide.ui.views import page_key
from stepguide.ui.widgets import CopyButton, Textarea, show

MAILTO_LIMIT = 1800  # characters of a mailto: URL: longer ones some mail apps and browsers cut or refuse
log = logging.getLogger(__name__)


# ---------------------------------------------------------------- pure pieces

def mailto_url(address: str | None, subject: str, body: str) -> str:
    """A ``mailto:`` URL with ``subject`` and ``body`` percent-encoded (line breaks as CRLF, RFC 6068)."""
    crlf = body.replace("\r\n", "\n").replace("\n", "\r\n")
    return (f"mailto:{quote(address or '', safe='@')}?subject={quote(subject, safe='')}"
            f"&body={quote(crlf, safe='')}")


def program_card_html(plan: ProgramPlan) -> str:
    """A card's head: the program, its status and flags, what to do, and the reason with its rules' badges."""
    p = plan.program
    flags = [word("field", f) for f in FLAGS if getattr(p, f)]
    meta = " · ".join([status_label(p.status), *flags])
    template = render.badges(plan.template) if plan.template else ""
    out = (f'<h4 class="sg-program-name">{render.esc(p.name)}</h4>'
           f'<p class="sg-program-meta">{render.esc(meta)}</p>'
           f'<p class="sg-program-action sg-act-{render.esc(plan.action)}"><strong>{render.esc(plan.action_label)}'
           f"</strong>{template}</p>"
           f'<p class="sg-program-why">{render.prose(plan.reason)}{render.badges("|".join(plan.rules))}</p>')
    if plan.due is not None:
        out += render.p(say("programs_due", due=long_date(plan.due)), "sg-program-due")
    if plan.action == "email_when_posted":
        out += render.p(word("export", "after_posted", template=plan.template or "—"), "sg-program-later")
    return out


def note_html(plan: ProgramPlan) -> str:
    """The program's draft (subject and body), or "" when no note is drafted for it now."""
    d = plan.draft
    if d is None:
        return ""
    return (f'<details class="sg-program-note"><summary>{render.esc(label("programs", "note"))} '
            f"({render.esc(d.template)})</summary><p><strong>{render.esc(label('programs', 'subject'))}</strong> "
            f"{render.esc(d.subject)}</p><pre>{render.esc(d.body)}</pre></details>")


def mail_html(plan: ProgramPlan, limit: int = MAILTO_LIMIT) -> str:
    """The note's mail link, or (over ``limit`` characters) a note to copy it instead; "" without a draft."""
    d = plan.draft
    if d is None:
        return ""
    url = mailto_url(plan.program.contact_email, d.subject, d.body)
    if len(url) > limit:
        return render.p(say("programs_mail_too_long", length=f"{len(url):,}", limit=f"{limit:,}"), "sg-note")
    name = say("programs_mail_name", program=plan.program.name)
    return (f'<a class="sg-button sg-mailto" href="{render.esc(url)}" aria-label="{render.esc(name)}">'
            f"{render.esc(label('button', 'mail_note'))}</a>")


def read_html(lst: ProgramList) -> str:
    """How the list was read, and each line to fix (by line and field, saying what is allowed)."""
    notes = "".join(render.p(n, "sg-note") for n in lst.notes())
    if not lst.problems:
        return notes
    items = render.ul(p.message for p in lst.problems)
    return (f'{notes}<div role="alert" class="sg-program-fix"><p><b>{render.esc(label("programs", "fix"))}</b>'
            f"</p>{items}</div>")


def refused_html(problem: str) -> str:
    """A list refused as a whole (too big, binary, no Program column...): what to fix, as an alert."""
    return (f'<p role="alert" class="sg-program-refused"><b>{render.esc(label("message", "check_file"))}</b> '
            f"{render.esc(problem)}</p>")


# ---------------------------------------------------------------- widgets

class ProgramCard(w.VBox):
    """One program's card: its head, the note (where one is drafted now), a Copy button and the mail link."""

    plan: ProgramPlan | None

    def __init__(self) -> None:
        self.plan = None
        self.head = w.HTML().add_class("sg-program-head")
        self.note = w.HTML().add_class("sg-program-draft")
        self.copy = CopyButton(label("button", "copy_note")).add_class("sg-program-copy")
        self.mail = w.HTML().add_class("sg-program-mail")
        self.tools = w.HBox([self.copy, self.mail], layout=w.Layout(flex_flow="row wrap")).add_class(
            "sg-program-tools")
        super().__init__([self.head, self.note, self.tools], layout=w.Layout(min_width="0"))
        self.add_class("sg-program-card")

    def show(self, plan: ProgramPlan, scope: str) -> None:
        """Draw ``plan``; only the parts that changed are sent to the page."""
        if plan == self.plan:
            return
        self.plan = plan
        with render.badge_scope(scope):
            parts = {self.head: program_card_html(plan), self.note: note_html(plan), self.mail: mail_html(plan)}
        for widget, value in parts.items():
            if widget.value != value:
                widget.value = value
        text = plan.draft.as_text() if plan.draft is not None else ""
        name = say("programs_copy_name", program=plan.program.name)
        with self.copy.hold_sync():
            if self.copy.text != text or self.copy.name != name:
                self.copy.text, self.copy.name = text, name
        show(self.tools, plan.draft is not None)


class ProgramsView(w.VBox):
    """The "My programs" section for one model: paste area, upload, sample, one card per program, downloads.

    ``programs`` is the list as read (never stored anywhere else), ``plans`` its plan for the model's
    current assessment, ``cards`` the cards shown; :meth:`read` takes a pasted text or a file's bytes.
    """

    def __init__(self, model: GuideModel, level: int = 3, max_rows: int = MAX_PROGRAMS,
                 max_bytes: int = MAX_BYTES) -> None:
        self._model, self._max_rows, self._max_bytes = model, max_rows, max_bytes
        self.programs: tuple[Program, ...] = ()
        self.last_read: ProgramList | None = None  # the last list read: its notes and the lines to fix
        self.plans: tuple[ProgramPlan, ...] = ()
        self.paste = Textarea(max_chars=max_bytes, description=label("programs", "paste"),
                              placeholder=hint("programs", "paste"), continuous_update=False, rows=6,
                              style={"description_width": "initial"},
                              layout=w.Layout(width="calc(100% - 6px)", max_width="900px")).add_class(
                                  "sg-program-paste")
        self._cut = False  # the paste box's last value came over its limit and was cut
        self.paste.on_too_long(lambda: setattr(self, "_cut", True))
        self.read_button = w.Button(description=label("button", "programs_read"),
                                    layout=w.Layout(width="auto")).add_class("sg-program-read")
        self.sample_button = w.Button(description=label("button", "programs_sample"),
                                      layout=w.Layout(width="auto")).add_class("sg-program-sample")
        self.clear_button = w.Button(description=label("button", "programs_clear"),
                                     layout=w.Layout(width="auto")).add_class("sg-program-clear")
        self.upload = CohortUpload(max_bytes=max_bytes).add_class("sg-program-upload")
        self.message = w.HTML(render.p(say("programs_empty"), "sg-note")).add_class("sg-program-message")
        self.grid = w.GridBox([], layout=w.Layout(
            grid_template_columns="repeat(auto-fit, minmax(min(340px, 100%), 1fr))", grid_gap="12px")
        ).add_class("sg-program-cards")
        self._pool: list[ProgramCard] = []
        # Made when clicked, from the plan shown then: a slider step only hands them the new plan (issue 21:
        # remaking the three files on every step was most of a step's time with 500 programs).
        self.csv_link = CohortDownload(label("button", "programs_csv"), "my-programs.csv", "text/csv")
        self.md_link = CohortDownload(label("button", "programs_md"), "my-programs.md", "text/markdown")
        self.ics_link = CohortDownload(label("button", "programs_ics"), "my-programs.ics", "text/calendar")
        self.downloads = w.HBox([self.csv_link, self.md_link, self.ics_link],
                                layout=w.Layout(flex_flow="row wrap")).add_class("sg-program-downloads")
        intro = (render.heading(label("programs", "heading"), level) + render.p(say("programs_intro"))
                 + render.p(word("hint", "privacy"), "sg-note"))
        super().__init__([
            w.HTML(intro),
            self.paste,
            w.HBox([self.read_button, self.sample_button, self.clear_button, self.upload],
                   layout=w.Layout(flex_flow="row wrap", align_items="center")).add_class("sg-program-buttons"),
            self.message, self.grid, self.downloads])
        self.add_class("sg-programs")
        self._quiet = False  # set while the page itself writes the paste box
        self.paste.observe(lambda change: self._read_paste(), names="value")
        self.read_button.on_click(lambda _: self._read_paste())
        self.sample_button.on_click(lambda _: self.load_sample())
        self.clear_button.on_click(lambda _: self.clear())
        self.upload.on_file(self._uploaded)
        model.observe(self.refresh, names=["assessment", "texts"])
        self._show()

    @property
    def cards(self) -> list[ProgramCard]:
        return self._pool[:len(self.plans)]

    # -- the list

    def load_sample(self) -> None:
        """The workshop's 12 programs, put in the paste box (so they can be edited) and read."""
        self._set_paste(sample_programs_text())
        self._read_paste()  # read once, also when the box already held the sample

    def clear(self) -> None:
        self._set_paste("")
        self.programs, self.plans = (), ()
        self.message.value = render.p(say("programs_empty"), "sg-note")
        self._show()

    def read(self, source: str | bytes) -> bool:
        """Read a pasted text or a file's bytes and plan it; False (and the reason on the page) if refused."""
        try:
            lst = read_programs(source, max_rows=self._max_rows, max_bytes=self._max_bytes)
        except ValueError as exc:
            self.programs, self.plans = (), ()
            self.message.value = refused_html(str(exc))
            self._show()
            return False
        except Exception:  # never a traceback on the page; the log keeps it
            log.exception("stepguide: reading a program list failed")
            self.message.value = render.error_box(say("programs_unexpected"))
            return False
        self.programs, self.last_read = lst.programs, lst
        self.message.value = read_html(lst)
        self.refresh()
        return True

    def _read_paste(self) -> None:
        if self._quiet:
            return
        if self._cut:  # nothing is read from a paste cut short: the list would be wrong without a word
            self._cut = False
            self.programs, self.plans = (), ()
            self.message.value = refused_html(f"{label('programs', 'paste')}: "
                                              + say("text_too_long", limit=f"{self.paste.max_chars:,}"))
            self._show()
        elif self.paste.value.strip():
            self.read(self.paste.value)
        else:
            self.clear()

    def _set_paste(self, text: str) -> None:
        self._quiet = True
        try:
            self.paste.value = text
        finally:
            self._quiet = False

    def _uploaded(self, name: str, data: bytes) -> None:
        self._set_paste("")  # the box no longer shows the list on the cards
        lst = self.last_read if self.read(data) else None
        if lst is None:
            self.upload.progress, self.upload.status = -1.0, say("cohort_status_not_read", name=name)
            return
        rows = len(lst.programs) + len(lst.bad_lines)
        self.upload.progress, self.upload.status = 1.0, say(
            "cohort_status_done", name=name, rows=rows,
            row_word=label("cohort", "row_one" if rows == 1 else "row_many"), judged=len(lst.programs),
            fix=len(lst.bad_lines))

    # -- the plan

    def refresh(self, change: Any = None) -> None:
        """Plan the list for the model's assessment and redraw the cards and downloads."""
        a = self._model.assessment
        if a is None or not self.programs:
            self.plans = ()
            self._show()
            return
        details = {k: self._model.texts.get(k) or None for k in DRAFT_FIELDS}
        try:
            plans = plan_programs(a, self.programs, details=details)
        except Exception:  # a bug, not the reader's input: the log keeps the traceback
            log.exception("stepguide: planning the program list failed")
            plans = ()
            self.message.value = render.error_box(say("programs_unexpected"))
        if plans == self.plans and plans:
            return  # a step that changes nothing for this list (the exports' dates come from the same cycle)
        self.plans = plans
        self._show()

    def _show(self) -> None:
        plans = self.plans
        while len(self._pool) < len(plans):
            self._pool.append(ProgramCard())
        scope = page_key(self._model)
        for card, plan in zip(self._pool, plans, strict=False):
            card.show(plan, scope)
        shown = tuple(self._pool[:len(plans)])
        if tuple(self.grid.children) != shown:
            self.grid.children = shown
        self._downloads(plans)
        show(self.grid, bool(plans))
        show(self.downloads, bool(plans))
        if plans:
            self.remove_class("sg-programs-empty")
        else:
            self.add_class("sg-programs-empty")

    def _downloads(self, plans: tuple[ProgramPlan, ...]) -> None:
        """Hand the three downloads this plan; each file is made only when its button is clicked."""
        a = self._model.assessment
        links = (self.csv_link, self.md_link, self.ics_link)
        if not plans or a is None:
            for link in links:
                link.provide(None)
            return
        cycle = a.cycle
        self.csv_link.provide(lambda: programs_csv(plans))
        self.md_link.provide(lambda: programs_markdown(plans, today=cycle.today).encode("utf-8"))
        self.ics_link.provide(lambda: programs_ics(plans, cycle))
