"""stepguide: what to do with a new USMLE Step 2 CK score, as rules and charts from data.

    import stepguide as sg
    a = sg.assess(step1=228, step2=248, specialty="IM", month="Oct")
    a.value, a.email, [t.reason for t in a.trace]
"""
from .assessment import Assessment, TraceItem, assess, assess_profile
from .email import EmailDraft, draft_email
from .frame import assess_frame
from .inputs import APPLICANTS, MONTHS, STAGES, Profile, make_profile

__all__ = ["Assessment", "TraceItem", "assess", "assess_profile", "assess_frame", "draft_email",
           "EmailDraft", "Profile", "make_profile", "APPLICANTS", "STAGES", "MONTHS"]
__version__ = "0.1.0"
