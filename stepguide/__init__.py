"""stepguide: what to do with a new USMLE Step 2 CK score, as rules and charts from data.

    import stepguide as sg
    a = sg.assess(step1=228, step2=248, specialty="IM", month="Oct")
    a.value, a.email, [t.reason for t in a.trace]

Names load on first use (PEP 562), so the Voila server, which imports
``stepguide.serving`` and ``stepguide._server``, never pays for pandas.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Assessment": "assessment", "TraceItem": "assessment", "assess": "assessment", "assess_profile": "assessment",
    "assess_frame": "frame", "draft_email": "email", "EmailDraft": "email",
    "Profile": "inputs", "make_profile": "inputs", "APPLICANTS": "inputs", "STAGES": "inputs", "MONTHS": "inputs",
    "read_cohort": "cohort_read",
}
_SUBMODULES = ("charts", "guide", "dashboard", "data", "plan", "flows")
__all__ = [*_EXPORTS, *_SUBMODULES]

if TYPE_CHECKING:
    from .assessment import Assessment, TraceItem, assess, assess_profile  # noqa: F401
    from .email import EmailDraft, draft_email  # noqa: F401
    from .cohort_read import read_cohort  # noqa: F401
    from .frame import assess_frame  # noqa: F401
    from .inputs import APPLICANTS, MONTHS, STAGES, Profile, make_profile  # noqa: F401


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module 'stepguide' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
