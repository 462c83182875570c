"""The program case book on a page: the page set to each case's situation through its own situation link, that
situation's programs pasted in one go, and each card read back from the DOM (dashboard and static edition alike).

The 42 cases have 28 distinct situations (their assessment inputs). One page takes them one after another, as
a reader opening a situation link and pasting a list would; after each, every card must show what the case book
says of its case (action, note template, a reason naming its rules, the note's draft and its ``mailto:`` link)
and, field by field, what ``plan_programs`` gives for that situation.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import stepguide as sg
from casebook_cases import case_kwargs
from program_cases import CASES, NAME, case_program
from stepguide.cohort.programs import programs_text
from stepguide.rules.articles import ids_in
from stepguide.rules.programs import Program, plan_programs
from stepguide.ui.programs_view import MAILTO_LIMIT, mailto_url

# A card as the page shows it; the same fields the expected cards carry.
READ_CARDS = """() => [...document.querySelectorAll('.sg-program-card')].map(card => {
  const q = sel => card.querySelector(sel);
  const act = q('.sg-program-action'), why = q('.sg-program-why');
  const reason = why ? why.cloneNode(true) : null;
  if (reason) reason.querySelectorAll('.sg-badges').forEach(b => b.remove());
  const mail = q('a.sg-mailto');
  return {
    name: (q('.sg-program-name') || {}).textContent || '',
    action: act ? ([...act.classList].find(c => c.startsWith('sg-act-')) || '').slice(7) : '',
    label: act && act.querySelector('strong') ? act.querySelector('strong').textContent : '',
    template: act ? [...act.querySelectorAll('.sg-rule')].map(b => b.textContent).join('|') : '',
    reason: reason ? reason.textContent.trim() : '',
    rules: why ? [...why.querySelectorAll('.sg-badges .sg-rule')].map(b => b.textContent).join('|') : '',
    body: q('.sg-program-note pre') ? q('.sg-program-note pre').textContent : null,
    mail: mail ? mail.getAttribute('href') : null,
  };
})"""
# The walk, in the page: for each situation, open its link and paste its list (a paste box's change event), then
# wait until the summary and the cards are the situation's; one call for the whole walk, no round trip per step.
WALK = "async ([situations, timeout]) => {\n  const read = " + READ_CARDS + """;
  const rows = () => [...document.querySelectorAll('.sg-link .sg-summary tr')].map(
    tr => [tr.querySelector('th').textContent, tr.querySelector('td').textContent]);
  const box = document.querySelector('.sg-program-paste textarea');
  const out = [];
  for (const s of situations) {
    const want = JSON.stringify([s.cards, s.summary]);
    location.hash = s.fragment;
    box.value = s.list;
    box.dispatchEvent(new Event('input', { bubbles: true }));
    box.dispatchEvent(new Event('change', { bubbles: true }));
    const start = performance.now();
    let shown = false;
    while (!shown && performance.now() - start < timeout) {
      await new Promise(resolve => setTimeout(resolve, 20));
      shown = JSON.stringify([read(), rows()]) === want;
    }
    const notice = document.querySelector('.sg-link .sg-notice');
    out.push({ shown, cards: shown ? null : read(), summary: shown ? null : rows(),
               notice: notice ? notice.textContent : '' });
  }
  return out;
}"""


def case_name(case: dict[str, str]) -> str:
    return f"{NAME} {case['case']}"


@dataclass(frozen=True)
class Situation:
    """One situation of the case book: its inputs, the page's fragment and summary for them, its cases."""

    values: dict[str, Any]
    fragment: str
    summary: list[list[str]]
    cases: tuple[dict[str, str], ...]


def listed(cases: tuple[dict[str, str], ...]) -> tuple[Program, ...]:
    """The cases' programs, each named for its case."""
    return tuple(case_program(c, case_name(c)) for c in cases)


def situations() -> list[Situation]:
    """The case book's situations in file order, each with the fragment the dashboard itself writes for it."""
    from stepguide.ui.pages.dashboard import Dashboard

    page = Dashboard()
    groups: dict[tuple[tuple[str, Any], ...], list[dict[str, str]]] = {}
    for case in CASES:
        assert not case["today"], f"case {case['case']}: a page runs on the real date"
        groups.setdefault(tuple(case_kwargs(case).items()), []).append(case)
    out = []
    for key, cases in groups.items():
        values = dict(key)
        page.set(**values)
        out.append(Situation(values, page.link.state, [list(r) for r in page.link.summary], tuple(cases)))
    return out


def expected_cards(values: dict[str, Any], programs: tuple[Program, ...]) -> list[dict[str, Any]]:
    """Each program's card as ``plan_programs`` gives it for ``values``, in the fields :data:`READ_CARDS` reads."""
    out = []
    for plan in plan_programs(sg.assess(**values), programs):
        mail = None
        if plan.draft is not None:
            url = mailto_url(plan.program.contact_email, plan.draft.subject, plan.draft.body)
            mail = url if len(url) <= MAILTO_LIMIT else None
        out.append({"name": plan.program.name, "action": plan.action, "label": plan.action_label,
                    "template": plan.template or "", "reason": plan.reason,
                    "rules": "|".join(ids_in("|".join(plan.rules))),
                    "body": plan.draft.body if plan.draft is not None else None, "mail": mail})
    return out


def where(case: dict[str, str]) -> str:
    return f"case {case['case']} (doc {case['doc']}, '{case['section']}', cue: \"{case['cue']}\")"


def differences(shown: list[dict[str, Any]], want: list[dict[str, Any]], situation: Situation, page: str) -> list[str]:
    """What the page shows against the case book (the situation's own cases) and ``plan_programs`` (every card)."""
    problems = []
    if [c["name"] for c in shown] != [c["name"] for c in want]:
        return [f"{page}: cards {[c['name'] for c in shown]} for the situation {situation.values}"]
    by_name = {c["name"]: c for c in shown}
    for case in situation.cases:
        card = by_name[case_name(case)]
        if (card["action"], card["template"]) != (case["action"], case["template"]):
            problems.append(f"{page}, {where(case)}: shows {card['action']!r} {card['template']!r}, "
                            f"the case book says {case['action']!r} {case['template']!r}")
        if not card["reason"] or not card["rules"]:
            problems.append(f"{page}, {where(case)}: no reason or no rule shown")
        if case["action"] == "email_now" and (NAME not in (card["body"] or "") or not card["mail"]):
            problems.append(f"{page}, {where(case)}: no draft or mail link for the program")
    for got, expected in zip(shown, want, strict=True):
        for field, value in expected.items():
            if got[field] != value:
                problems.append(f"{page}, {got['name']} in {situation.values}: {field} {got[field]!r} != {value!r}")
    return problems


def walk_case_book(page: Any, timeout: float) -> list[str]:
    """On a live dashboard, for each situation of the case book: open it through the page's situation link and
    paste its cases' programs in one go; the differences found (none when every card shows what it should).

    Each situation is given ``timeout`` ms to show. In whichever order the kernel takes the link and the paste,
    the cards must end as the situation's own (that cards follow a moved slider is checked by the sample's
    tests on both pages).
    """
    walk = situations()
    wanted = [expected_cards(s.values, listed(s.cases)) for s in walk]
    results = page.evaluate(WALK, [[{"fragment": s.fragment, "list": programs_text(listed(s.cases)), "cards": want,
                                     "summary": s.summary} for s, want in zip(walk, wanted, strict=True)], timeout])
    problems: list[str] = []
    for situation, want, result in zip(walk, wanted, results, strict=True):
        if result["notice"]:
            problems.append(f"situation {situation.values}: the link was not fully used: {result['notice']}")
        if not result["shown"] and result["summary"] != situation.summary:
            problems.append(f"situation {situation.values}: the page shows the situation {result['summary']}")
        shown = want if result["shown"] else result["cards"]  # shown: the page's cards are exactly these
        problems += differences(shown, want, situation, page.url.split("#")[0])
    return problems
