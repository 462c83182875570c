"""stepguide: what to do with a new USMLE Step 2 CK score, as rules and charts from data.

    import stepguide as sg
    a = sg.assess(step1=228, step2=248, specialty="IM", month="Oct")
    a.value, a.email, [t.reason for t in a.trace]
    plans = sg.plan_programs(a, sg.read_programs(open("my_programs.csv", "rb").read()).programs)

Names load on first use (PEP 562), so the Voila server, which imports
``stepguide.serve.hooks``, never pays for pandas.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {  # public name -> the module that defines it
    "Assessment": "rules.assessment", "TraceItem": "rules.assessment", "assess": "rules.assessment",
    "assess_profile": "rules.assessment", "assess_frame": "rules.frame", "draft_email": "rules.email",
    "EmailDraft": "rules.email", "Profile": "rules.inputs", "make_profile": "rules.inputs",
    "InputError": "rules.inputs",
    "APPLICANTS": "rules.inputs", "STAGES": "rules.inputs", "MONTHS": "rules.inputs", "read_cohort": "cohort.read",
    "Program": "rules.programs", "ProgramPlan": "rules.programs", "make_program": "rules.programs",
    "plan_programs": "rules.programs", "read_programs": "cohort.programs",
}
_SUBMODULES = {"charts": "charts", "guide": "ui.pages.guide", "dashboard": "ui.pages.dashboard", "plan": "ui.plan",
               "flows": "rules.flows"}  # the modules notebooks reach as ``from stepguide import guide``
__all__ = [*_EXPORTS, *_SUBMODULES]

if TYPE_CHECKING:
    from stepguide.cohort.programs import read_programs  # noqa: F401
    from stepguide.cohort.read import read_cohort  # noqa: F401
    from stepguide.rules.assessment import Assessment, TraceItem, assess, assess_profile  # noqa: F401
    from stepguide.rules.email import EmailDraft, draft_email  # noqa: F401
    from stepguide.rules.frame import assess_frame  # noqa: F401
    from stepguide.rules.inputs import APPLICANTS, MONTHS, STAGES, InputError, Profile, make_profile  # noqa: F401
    from stepguide.rules.programs import Program, ProgramPlan, make_program, plan_programs  # noqa: F401


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{_SUBMODULES[name]}", __name__)
    else:
        raise AttributeError(f"module 'stepguide' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
