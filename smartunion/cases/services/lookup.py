"""Looking a case up without signing in: its number and the applicant's mobile, proved by a code
sent to that mobile (the national mediation platform's "progress by case number").

Nobody learns whether a number exists without the code: the code goes to the mobile given whether
or not a case with that number and mobile exists (so the one-a-minute rule answers the same too),
and a wrong code, an unknown number and a mobile that is not the applicant's all get the same
answer. The accounts' code services keep their limits on sending and their lockout on guessing."""

from __future__ import annotations

from django.utils.translation import gettext as _

from smartunion.accounts.services import one_time_code_prove, one_time_code_send
from smartunion.cases.models import Case
from smartunion.cases.selectors import case_by_number
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import ValidationFailed
from smartunion.core.models import AuditOutcome
from smartunion.core.personal import mobile_index, validate_mobile

LOOKUP_PURPOSE = "case_lookup"


def _refusal() -> ValidationFailed:
    # The words of accounts' wrong code: the same answer for an unknown number or another's mobile.
    return ValidationFailed(fields={"code": [_("The code is wrong or has expired. Request a new one.")]})


def case_lookup_code_send(*, number: str, mobile: str, client_address: str = "") -> None:
    """Send a code to ``mobile`` for looking up case ``number``, whether or not they match."""
    if not (number or "").strip():
        raise ValidationFailed(fields={"number": [_("Enter the case number.")]})
    one_time_code_send(mobile=mobile, purpose=LOOKUP_PURPOSE, client_address=client_address)


def case_lookup(*, number: str, mobile: str, code: str, client_address: str = "") -> Case:
    """The case with ``number`` whose applicant's mobile is ``mobile``, once the code sent to it is
    proved; audited as ``case.lookup``."""
    if not (number or "").strip():
        raise ValidationFailed(fields={"number": [_("Enter the case number.")]})
    mobile = validate_mobile(mobile)
    one_time_code_prove(
        mobile=mobile,
        code=code,
        purpose=LOOKUP_PURPOSE,
        client_address=client_address,
        action=AuditAction.CASE_LOOKUP,
    )
    case = case_by_number(number=number)
    if case is None or case.applicant_mobile_index != mobile_index(mobile):
        audit_record(
            action=AuditAction.CASE_LOOKUP,
            actor=None,
            client_address=client_address,
            outcome=AuditOutcome.DENIED,
            data={"reason": "no_match"},
        )
        raise _refusal()
    audit_record(
        action=AuditAction.CASE_LOOKUP, actor=None, obj=case, org=case.org, client_address=client_address
    )
    return case
