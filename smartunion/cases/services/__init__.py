"""Writes for cases. Each service is one transaction with its audit record.

- ``applying``: an application online or recorded by staff (劳动争议调解仲裁法 第十二条), cleaned as a
  whole and routed.
- ``routing``: where a case goes (the routing rules), and moving it to another centre.
- ``workflow``: ``case_transition``, the only code that changes a case's status; payments.
- ``casework``: the contact log, the one material request, evidence, opening and unmasking (audited),
  sharing with consent, the worker's rating.
- ``documents``: the PDFs, each generation a new version.
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
from smartunion.cases.services.routing import case_move, route, routing_rule_create, routing_rule_delete
from smartunion.cases.services.workflow import (
    CASE_WORKFLOW,
    case_record_payment,
    case_transition,
    clean_money,
)

__all__ = [
    "CASE_WORKFLOW",
    "RATINGS",
    "available_kinds",
    "document_filename",
    "document_generate",
    "document_open",
    "CleanApplication",
    "case_apply",
    "case_move",
    "case_open",
    "case_rate",
    "case_record_payment",
    "case_transition",
    "case_unmask",
    "clean_application",
    "clean_money",
    "contact_log",
    "evidence_add",
    "evidence_open",
    "material_request",
    "route",
    "routing_rule_create",
    "routing_rule_delete",
    "share_answer",
    "share_request",
]
