"""My programs on the page (issue 21): the cards follow the model, bad lines are named, the mail link carries
the draft, and the list never reaches the situation link."""
from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import comm

import stepguide as sg
from recording_comm import RecordingComm
from stepguide.cohort.program_report import programs_csv
from stepguide.cohort.programs import sample_programs_text
from stepguide.rules.programs import plan_programs, sample_programs
from stepguide.rules.words import label
from stepguide.ui.model import GuideModel
from stepguide.ui.pages.dashboard import Dashboard
from stepguide.ui.programs_view import MAILTO_LIMIT, ProgramsView, mail_html, mailto_url

START: dict[str, Any] = {"step1": 230, "step2": 248, "specialty": "Internal Medicine", "month": "Oct"}


def _view(**values) -> tuple[GuideModel, ProgramsView]:
    model = GuideModel(**{**START, **values})
    view = ProgramsView(model)
    view.load_sample()
    return model, view


def _href(fragment: str) -> str:
    found = re.search(r'href="([^"]+)"', fragment)
    assert found, fragment
    return html.unescape(found.group(1))


def test_the_sample_gives_one_card_per_program_as_plan_programs_says():
    model, view = _view()
    assert len(view.cards) == len(view.grid.children) == 12
    want = plan_programs(sg.assess(**START), sample_programs())
    assert [c.plan.action for c in view.cards] == [p.action for p in want]
    for card, plan in zip(view.cards, want, strict=True):
        assert html.escape(plan.program.name) in card.head.value
        assert html.escape(plan.action_label) in card.head.value
        for rule in plan.rules:  # the reason's rules as the page's badges
            assert f">{rule}</button>" in card.head.value
        assert card.copy.text == (plan.draft.as_text() if plan.draft else "")
        assert (card.tools.layout.display == "none") == (plan.draft is None)


def test_the_cards_follow_the_model():
    model, view = _view()
    before = [c.plan.action for c in view.cards]
    assert "email_now" in before
    model.set(step2=200)  # a score that does not help: no targeted notes
    after = [c.plan.action for c in view.cards]
    want = plan_programs(model.assessment, sample_programs())
    assert after == [p.action for p in want] and after != before
    assert "email_now" not in after
    model.set(step2=248)
    assert [c.plan.action for c in view.cards] == before
    model.type_text(name="Ada Lovelace")  # the reader's details fill every draft
    drafted = [c for c in view.cards if c.plan.draft is not None]
    assert drafted and all("Ada Lovelace" in c.copy.text for c in drafted)


def test_bad_lines_are_named_and_the_rest_planned():
    model = GuideModel(**START)
    view = ProgramsView(model)
    view.paste.value = ("Program\tStatus\tTop choice\nGood One\tapplied\tyes\nBad One\tmaybe\tyes\n"
                        "<script>alert(1)</script>\tapplied\t\n=HYPERLINK(\"x\")\tapplied\tno\n")
    assert [c.plan.program.name for c in view.cards] == ["Good One"]
    message = view.message.value
    assert "line 3: status: &#x27;maybe&#x27; is not a status" in message
    assert "line 4: name:" in message and "line 5: name:" in message
    assert "<script>" not in message and "&lt;script&gt;" in message
    assert 'role="alert"' in message


def test_a_refused_list_says_why_and_clears_the_cards():
    model, view = _view()
    view.paste.value = "Name,Deadline\nA,Oct 1\n"  # no status column
    assert view.cards == [] and view.grid.layout.display == "none"
    assert "no column gives the program&#x27;s status" in view.message.value
    assert view.read(b"PK\x03\x04" + bytes(range(256))) is False  # a workbook's bytes
    assert "role=\"alert\"" in view.message.value and view.cards == []


def test_mailto_subject_and_body_decode_to_the_draft():
    model, view = _view()
    drafted = [c for c in view.cards if c.plan.draft is not None]
    assert drafted
    for card in drafted:
        plan = card.plan
        parts = urlsplit(_href(card.mail.value))
        assert parts.scheme == "mailto"
        assert unquote(parts.path) == (plan.program.contact_email or "")
        query = parse_qs(parts.query, keep_blank_values=True)
        assert query["subject"] == [plan.draft.subject]
        assert query["body"][0].replace("\r\n", "\n") == plan.draft.body
        assert "\r\n" in query["body"][0]


def test_a_long_note_falls_back_to_copy_only():
    model, view = _view()
    plan = next(c.plan for c in view.cards if c.plan.draft is not None)
    assert len(mailto_url(plan.program.contact_email, plan.draft.subject, plan.draft.body)) > 200
    short = mail_html(plan, limit=200)
    assert "href" not in short and "copy it" in short
    assert "href=\"mailto:" in mail_html(plan, limit=MAILTO_LIMIT)


def test_mailto_encodes_what_would_break_the_url():
    url = mailto_url("a+b@x.org", "Re: A & B ?#", "Line 1\nLine 2 = 100%")
    query = parse_qs(urlsplit(url).query)
    assert query == {"subject": ["Re: A & B ?#"], "body": ["Line 1\r\nLine 2 = 100%"]}
    assert "#" not in url and " " not in url


def test_the_list_is_not_in_the_situation_link_and_downloads_follow():
    page = Dashboard(**START)
    before = page.link.state, [list(r) for r in page.link.summary]
    page.programs.load_sample()
    assert (page.link.state, [list(r) for r in page.link.summary]) == before
    names = [p.name for p in sample_programs()]
    assert not any(n in page.link.state or n.replace(" ", "%20") in page.link.state for n in names)
    assert not any(n in str(page.model.values) for n in names)
    links = page.programs
    assert links.csv_link.ready and links.md_link.ready and links.ics_link.ready
    assert links.csv_link.content() == programs_csv(page.programs.plans)
    assert all(n in links.csv_link.content().decode("utf-8-sig") for n in names)
    assert links.md_link.content().startswith(b"# ") and links.ics_link.content().startswith(b"BEGIN:VCALENDAR")
    page.programs.clear()
    assert not (links.csv_link.ready or links.md_link.ready or links.ics_link.ready) and page.programs.cards == []
    assert page.programs.paste.value == ""


def test_a_slider_step_sends_no_file_and_a_click_gets_the_plan_shown(monkeypatch):
    """The three files are made when clicked, from the plan shown then: a step only tells each button so."""
    monkeypatch.setattr(comm, "create_comm", RecordingComm)  # the page's side of every widget, recorded
    page = Dashboard(**START)
    page.programs.load_sample()
    links = page.programs.csv_link, page.programs.md_link, page.programs.ics_link
    before = links[0].content()
    for link in links:
        link.comm.sent.clear()
    page.set(step2=200)
    for link in links:  # one small state message each: the new version, no file
        assert [set(m["state"]) for m in link.comm.sent] == [{"version"}], link.filename
        link.comm.sent.clear()
    after = links[0].content()
    assert after != before and after == programs_csv(page.programs.plans)
    for link in links:  # the button's click, as the page sends it: the file comes back in one part
        link.comm.handle_msg({"content": {"data": {"method": "custom", "content": {"kind": "want"}}}, "buffers": []})
        assert link.comm.sent == [{"method": "custom", "content": {"kind": "part", "last": True}}], link.filename


def test_the_sample_button_and_upload_read_the_list():
    model = GuideModel(**START)
    view = ProgramsView(model)
    view.sample_button.click()
    assert len(view.cards) == 12 and view.paste.value == sample_programs_text()
    view.upload.load("mine.csv", b"Program,Status\nOne,interviewed\nTwo,nope\n")
    assert [c.plan.program.name for c in view.cards] == ["One"]
    assert view.paste.value == "" and "mine.csv" in view.upload.status
    assert "line 3" in view.message.value


def test_the_words_come_from_data():
    model, view = _view()
    card = next(c for c in view.cards if c.plan.draft is not None)
    assert card.copy.label == label("button", "copy_note")
    assert card.plan.program.name in card.copy.name
    assert label("button", "mail_note") in card.mail.value


def test_chapter_7_shows_the_sample_and_follows_its_inputs():
    from stepguide import guide

    chapter = guide.my_programs()
    assert len(chapter.programs.cards) == 12 and chapter.programs in chapter.children
    assert chapter.views["f2"] is not None
    chapter.inputs["step2"].value = 200
    want = plan_programs(chapter.model.assessment, sample_programs())
    assert [c.plan.action for c in chapter.programs.cards] == [p.action for p in want]
    mine = guide.my_programs("Program,Status\nMy Home Program,interviewed\n", month="Dec")
    assert [c.plan.program.name for c in mine.programs.cards] == ["My Home Program"]
    assert ("07_my_programs", label("chapter", "07_my_programs")) in guide.CHAPTERS
