"""Presenter mode's screens at its public seam: the workshop example "a student with 12 programs, October, score
up 18" brings its program list to the last screen, one card per program as ``plan_programs`` says, and follows the
inputs; on the dashboard, the example never replaces a list of the reader's own."""
from __future__ import annotations

import stepguide as sg
from stepguide.rules.programs import SAMPLE_EXAMPLE, plan_programs, sample_programs
from stepguide.rules.tables import examples
from stepguide.rules.words import label
from stepguide.ui.pages.dashboard import Dashboard
from stepguide.ui.pages.presenter import PROGRAMS, SCREENS, VERDICT_SCREENS, Presenter


def test_the_workshop_example_shows_its_program_plan_on_the_last_screen():
    show = Presenter()
    d = show.dashboard
    assert [key for key, _, _ in SCREENS] == [*(card for card, _, _ in VERDICT_SCREENS), PROGRAMS]
    assert len(show.screens) == len(SCREENS) and d.programs.cards == []
    assert "12 programs, October, score up 18" in dict((key, text) for text, key in d.example.options)[SAMPLE_EXAMPLE]

    d.example.value = SAMPLE_EXAMPLE
    show.show(len(SCREENS) - 1)
    screen = show.stack.children[show.index]
    assert "sg-screen-programs" in screen._dom_classes and d.programs in screen.children
    assert label("screen", PROGRAMS) in show.where.value and f"({len(SCREENS)} of {len(SCREENS)})" in show.where.value
    assert show.next.disabled and not show.previous.disabled
    want = plan_programs(sg.assess(**examples()[SAMPLE_EXAMPLE][1]), sample_programs())
    assert [c.plan for c in d.programs.cards] == list(want)
    assert {p.action for p in want} == {"email_now", "eras_only", "leave_alone"}  # a room sees each kind

    d.inputs["month"].value = "Feb"  # the same screen follows the inputs, as every other screen does
    later = plan_programs(d.assessment, sample_programs())
    assert [c.plan for c in d.programs.cards] == list(later) and later != want


def test_the_example_never_replaces_a_list_of_the_readers_own():
    d = Dashboard(month="Oct")
    d.programs.read("Program,Status\nMy Home Program,interviewed\n")
    d.example.value = SAMPLE_EXAMPLE
    assert [c.plan.program.name for c in d.programs.cards] == ["My Home Program"]
    assert d.values()["step2"] == examples()[SAMPLE_EXAMPLE][1]["step2"]
    other = Dashboard(month="Oct")
    other.example.value = next(k for k in examples() if k != SAMPLE_EXAMPLE)
    assert other.programs.cards == []  # only the example that comes with a list brings one
