"""The program case book (data/program_cases.csv) as the tests read it: each row's assessment and its one program."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import stepguide as sg
from casebook_cases import case_kwargs
from stepguide.rules.programs import Program, make_program

PROGRAM_CASES = Path(__file__).resolve().parent.parent / "data" / "program_cases.csv"
CASES = list(csv.DictReader(PROGRAM_CASES.open(encoding="utf-8")))
NAME = "City Hospital Internal Medicine"


def case_assessment(case: dict[str, str]) -> sg.Assessment:
    today = date.fromisoformat(case["today"]) if case["today"] else None
    return sg.assess(**case_kwargs(case), today=today)


def case_program(case: dict[str, str], name: str = NAME) -> Program:
    return make_program(name, case["program_status"], top_choice=case["program_top_choice"],
                        tie=case["program_tie"], requires_step2=case["program_requires_step2"],
                        mentions_step2=case["program_mentions_step2"],
                        interview_date=case["program_interview_date"] or None)
