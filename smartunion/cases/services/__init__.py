"""Writes for cases. Each service is one transaction with its audit record.

- ``applying``: an application online or recorded by staff (劳动争议调解仲裁法 第十二条), cleaned as a
  whole and routed.
- ``routing``: where a case goes (the routing rules), and moving it to another centre.
- ``workflow``: ``case_transition``, the only code that changes a case's status; payments.
- ``casework``: the contact log, the one material request, evidence, opening and unmasking (audited),
  sharing with consent, the worker's rating.
- ``documents``: the PDFs, each generation a new version.
- ``drafts``: the guided interview's answers, saved at each step, and submitting them.
- ``lookup``: a case by its number and a code sent to the applicant's mobile, without signing in.
- ``events``: the timeline and telling the worker.

Inside the package, modules import each other by their own names, never through this package.
"""

from smartunion.cases.services.applying import CleanApplication, case_apply, clean_application
from smartunion.cases.services.casework import (
    RATINGS,
    case_open,
    case_rate,
    case_unmask,
    contact_log,
    evidence_add,
    evidence_check,
    evidence_open,
    material_request,
    share_answer,
    share_request,
)
from smartunion.cases.services.documents import (
    available_kinds,
    document_filename,
    document_generate,
    document_open,
)
from smartunion.cases.services.drafts import (
    draft_discard,
    draft_evidence_add,
    draft_evidence_remove,
    draft_get,
    draft_save,
    draft_submit,
)
from smartunion.cases.services.lookup import LOOKUP_PURPOSE, case_lookup, case_lookup_code_send
from smartunion.cases.services.routing import case_move, route, routing_rule_create, routing_rule_delete
from smartunion.cases.services.workflow import (
    CASE_WORKFLOW,
    case_record_payment,
    case_transition,
    clean_money,
)

__all__ = [
    "CASE_WORKFLOW",
    "LOOKUP_PURPOSE",
    "RATINGS",
    "available_kinds",
    "document_filename",
    "document_generate",
    "document_open",
    "CleanApplication",
    "case_apply",
    "case_lookup",
    "case_lookup_code_send",
    "case_move",
    "case_open",
    "case_rate",
    "case_record_payment",
    "case_transition",
    "case_unmask",
    "clean_application",
    "clean_money",
    "contact_log",
    "draft_discard",
    "draft_evidence_add",
    "draft_evidence_remove",
    "draft_get",
    "draft_save",
    "draft_submit",
    "evidence_add",
    "evidence_check",
    "evidence_open",
    "material_request",
    "route",
    "routing_rule_create",
    "routing_rule_delete",
    "share_answer",
    "share_request",
]
