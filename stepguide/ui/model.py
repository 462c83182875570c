"""One model, many views: the reader's situation and its assessment in one ``HasTraits`` object.

Following the ipywidgets tutorial's split, every view (controls, verdict
cards, checklist, email, charts...) observes a :class:`GuideModel`; only
:meth:`GuideModel.set` changes the profile, and only :meth:`_reassess` calls
:func:`stepguide.assess`, once per change, for the whole page.

    m = GuideModel(step1=228, step2=248, specialty="IM")
    m.observe(lambda change: print(change.new.email), names="assessment")
    m.set(month="Dec", stage="interviewed")
"""
from __future__ import annotations

from datetime import date
from typing import Any

import traitlets

from stepguide.rules.assessment import Assessment, assess_profile
from stepguide.rules.email import USER_FIELDS, EmailDraft, draft_email
from stepguide.rules.inputs import DEFAULTS, FIELDS, InputError, Profile, make_profile
from stepguide.rules.words import say

START = {"step1": 228, "step2": 248, "specialty": "Internal Medicine", "month": "Oct"}  # doc B's 228 -> 248
TEXT_FIELDS = (*USER_FIELDS, "evidence")  # what the reader types for the draft and the interview answer


def profile_values(p: Profile) -> dict[str, Any]:
    """A validated profile as ``assess`` keyword arguments (canonical spellings)."""
    return {name: getattr(p, name) for name in FIELDS}


class GuideModel(traitlets.HasTraits):
    """The profile (``values``), what the reader typed (``texts``), the assessment and draft, and any error.

    ``assessment`` and ``draft`` always describe ``values``; a rejected change
    leaves them as they were and sets ``input_error`` (the :class:`InputError`:
    which field, what it takes) and ``error`` (its one-line message). A page may
    set ``error`` alone to say something else went wrong; a change that is taken
    clears both. ``today`` picks the application cycle whose dates the texts
    state; None (the default) means the real date at each reassessment.
    """

    values = traitlets.Dict()
    texts = traitlets.Dict()
    assessment = traitlets.Instance(Assessment, allow_none=True)
    draft = traitlets.Instance(EmailDraft, allow_none=True)
    error = traitlets.Unicode("")
    input_error = traitlets.Instance(InputError, allow_none=True)

    def __init__(self, *, today: date | None = None, **initial: Any) -> None:
        super().__init__()
        self.today = today
        start = make_profile(**{**DEFAULTS, **START, **initial})  # InputError naming the field, as assess gives
        self.texts = {name: "" for name in TEXT_FIELDS}
        self._apply(start)

    def set(self, **changes: Any) -> bool:
        """Change some inputs (``assess``'s keywords and spellings); one reassessment. False if rejected."""
        try:
            profile = make_profile(**{**self.values, **changes})
        except InputError as exc:
            self.input_error, self.error = exc, str(exc)  # in this order: a view of ``error`` may read both
            return False
        self._apply(profile)
        return True

    def type_text(self, **texts: str) -> None:
        """What the reader typed for the draft (name, program...) or the interview answer (evidence)."""
        unknown = set(texts) - set(TEXT_FIELDS)
        if unknown:
            raise TypeError(f"unknown text field(s) {sorted(unknown)}; the fields are {', '.join(TEXT_FIELDS)}")
        self.texts = {**self.texts, **{k: str(v) for k, v in texts.items()}}
        self._redraft()

    def too_long(self, field: str, limit: int) -> None:
        """A page cut what was typed into ``field`` (its words, as the page names it) at ``limit`` characters: say
        so where the page shows input problems."""
        exc = InputError(field, say("text_allowed", limit=f"{limit:,}"), "",
                         problem=say("text_too_long", limit=f"{limit:,}"))
        self.input_error, self.error = exc, str(exc)

    def _apply(self, profile: Profile) -> None:
        values = profile_values(profile)
        self.input_error, self.error = None, ""  # in this order, as in set
        if values == self.values and self.assessment is not None:
            return
        with self.hold_trait_notifications():
            self.values = values
            self._reassess(profile)

    def _reassess(self, profile: Profile) -> None:
        """The page's only call into the rules."""
        self.assessment = assess_profile(profile, self.today)
        self._redraft()

    def _redraft(self) -> None:
        if self.assessment is not None:
            self.draft = draft_email(self.assessment, **{k: self.texts.get(k) or None for k in USER_FIELDS})
