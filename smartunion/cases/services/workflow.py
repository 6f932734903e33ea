"""The case workflow: ``case_transition`` is the only code that changes a case's status, over the one
table ``CASE_TRANSITIONS`` (models.py) and the closings each kind allows (``KIND_CLOSINGS``). The one
other move is a transfer's (``routing.case_move``): a case moved to another centre goes back to
its queue (assigned or in progress -> accepted) through the same table, recorded as the transfer.
Each move records who and when (an event on the case, an audit record) and tells the worker."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartunion.accounts.models import User
from smartunion.cases import clocks
from smartunion.cases.models import (
    CASE_TRANSITIONS,
    KIND_CLOSINGS,
    OPEN_STATUSES,
    REASON_REQUIRED,
    Case,
    CaseKind,
    CaseStatus,
    DocumentKind,
    EventKind,
    PaymentStatus,
)
from smartunion.cases.policies import can_be_assigned, can_handle_case
from smartunion.cases.services.documents import document_generate
from smartunion.cases.services.events import case_event, lock_case
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import Conflict, Forbidden, ValidationFailed, field_error
from smartunion.core.workflow import Workflow

logger = logging.getLogger(__name__)

CASE_WORKFLOW = Workflow(
    CaseStatus,
    CASE_TRANSITIONS,
    refusal=gettext_lazy("A case that is “%(from)s” cannot become “%(to)s”."),
)

MAX_AMOUNT = Decimal("100000000.00")


def prepare_document(case: Case, kind: str, actor: User) -> None:
    """Produce the document the worker was just told of, after the move has committed. A failure is
    logged, never undoes the move: the mediator can produce it from the case page."""
    try:
        document_generate(case=case, kind=kind, actor=actor)
    except Exception:
        logger.exception("could not prepare %s for case %s", kind, case.pk)


def require_handling(actor: User, case: Case) -> None:
    """Every end asks first; the services ask again, so no caller can act on a case it does not hold."""
    if not can_handle_case(actor, case):
        raise Forbidden(_("Only the centre handling this case may do this."))


def _public_text(case: Case, to: str, reason: str) -> str:
    """What the worker reads for each move (a refusal gives its reasons: 法律援助法 第四十三条)."""
    centre = case.org.name
    texts = {
        CaseStatus.ACCEPTED: _("%(centre)s has accepted your application.") % {"centre": centre},
        CaseStatus.DECLINED: _("%(centre)s cannot take your application: %(reason)s")
        % {"centre": centre, "reason": reason},
        CaseStatus.ASSIGNED: _("A mediator or lawyer at %(centre)s is now handling your case.")
        % {"centre": centre},
        CaseStatus.IN_PROGRESS: _("Work on your case has started."),
        CaseStatus.AGREED: _("An agreement was reached: %(amount)s yuan, to be paid by %(due)s.")
        % {
            "amount": f"{case.amount_agreed or 0:,.2f}",
            "due": case.payment_due.isoformat() if case.payment_due else "",
        },
        CaseStatus.NOT_AGREED: _(
            "No agreement was reached. You may apply to the labour-dispute arbitration committee; "
            "the arbitration application is ready under your case."
        ),
        CaseStatus.WITHDRAWN: _("The case was withdrawn: %(reason)s") % {"reason": reason},
        CaseStatus.AID_GRANTED: _("Legal aid was granted. A lawyer will help you free of charge."),
        CaseStatus.AID_REFUSED: _("Legal aid was refused: %(reason)s") % {"reason": reason},
        CaseStatus.ANSWERED: _("Your question was answered: %(reason)s") % {"reason": reason}
        if reason
        else _("Your question was answered."),
    }
    return str(texts.get(CaseStatus(to), ""))


def clean_money(value, *, field: str, allow_zero: bool = True) -> Decimal:
    """A yuan amount: a number, not negative, at most two decimals (money is never a float)."""
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except Exception:
        raise field_error(field, _("Enter an amount in yuan, such as 21673.30.")) from None
    if not amount.is_finite():
        raise field_error(field, _("Enter an amount in yuan, such as 21673.30."))
    if amount < 0 or (amount == 0 and not allow_zero):
        raise field_error(field, _("The amount must be more than zero."))
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise field_error(field, _("An amount has at most two decimals (fen)."))
    if amount > MAX_AMOUNT:
        raise field_error(field, _("This amount is too large."))
    return amount.quantize(Decimal("0.01"))


def case_transition(
    *,
    case: Case,
    to: str,
    actor: User,
    reason: str = "",
    assignee: User | None = None,
    amount_agreed=None,
    payment_due: date | None = None,
    client_address: str = "",
) -> Case:
    """Move ``case`` to ``to``. Refuses a move the table or the case's kind does not allow
    (``Conflict``), a move without its reason, an assignment to someone who cannot take the case, and
    an agreement without its amount and payment date (``ValidationFailed``, on the field)."""
    require_handling(actor, case)
    reason = (reason or "").strip()
    try:
        to = CaseStatus(to)
    except ValueError:
        raise field_error("to", _("Unknown status “%(to)s”.") % {"to": to}) from None
    with transaction.atomic():
        locked = lock_case(case)
        from_state = locked.status
        CASE_WORKFLOW.check(from_state, to)
        if from_state == CaseStatus.IN_PROGRESS and to not in KIND_CLOSINGS[CaseKind(locked.kind)]:
            raise Conflict(
                _("A %(kind)s case cannot close as “%(to)s”.")
                % {"kind": CaseKind(locked.kind).label, "to": CaseStatus(to).label}
            )
        if to in REASON_REQUIRED and not reason:
            raise field_error("reason", _("Give the reason; the worker is told it."))
        fields = ["updated_at"]
        now = timezone.now()
        if to == CaseStatus.ASSIGNED:
            if assignee is None:
                raise field_error("assignee", _("Choose the mediator or lawyer."))
            if not can_be_assigned(assignee, locked):
                raise field_error(
                    "assignee", _("%(name)s cannot take cases of this centre.") % {"name": assignee}
                )
            if assignee.pk == locked.assignee_id and from_state == CaseStatus.ASSIGNED:
                raise field_error("assignee", _("The case is already assigned to this person."))
            locked.assignee = assignee
            fields.append("assignee")
        if to == CaseStatus.ACCEPTED:
            locked.accepted_at = now
            fields.append("accepted_at")
        if to == CaseStatus.AGREED:
            if amount_agreed in (None, ""):
                raise field_error("amount_agreed", _("Enter the amount agreed."))
            locked.amount_agreed = clean_money(amount_agreed, field="amount_agreed")
            if locked.amount_agreed > 0:
                if payment_due is None:
                    raise field_error("payment_due", _("Enter the date by which the employer pays."))
                if payment_due < timezone.localdate(locked.received_at):
                    raise field_error("payment_due", _("The payment date cannot be before the application."))
                locked.payment_due = payment_due
                locked.payment_status = PaymentStatus.PENDING
            fields += ["amount_agreed", "payment_due", "payment_status"]
        if to not in OPEN_STATUSES:
            locked.closed_at = now
            fields.append("closed_at")
        if reason:
            locked.reason = reason[:2000]
            fields.append("reason")
        locked.status = to  # checked against the table above
        clocks.refresh(locked)
        locked.save(update_fields=list(dict.fromkeys([*fields, "status", *clocks.CLOCK_FIELDS])))
        case_event(
            case=locked,
            kind=EventKind.TRANSITION,
            actor=actor,
            from_status=from_state,
            to_status=to,
            public_text=lambda: _public_text(locked, to, reason),
            internal_text=reason,
            data={"assignee": assignee.pk} if assignee is not None else {},
        )
        audit_record(
            action=AuditAction.CASE_TRANSITION,
            actor=actor,
            obj=locked,
            org=locked.org,
            client_address=client_address,
            data={"from": from_state, "to": to, **({"assignee": assignee.pk} if assignee else {})},
        )
    if to == CaseStatus.NOT_AGREED:
        # The worker is told the arbitration application is ready under the case: make it so.
        prepare_document(locked, DocumentKind.ARBITRATION_APPLICATION, actor)
    return locked


def case_record_payment(*, case: Case, actor: User, paid, client_address: str = "") -> Case:
    """Record what the employer has paid on an agreement, in total so far: all of it is paid, some
    of it partly paid, nothing (once the date passed) not paid. The worker sees it on the timeline."""
    require_handling(actor, case)
    with transaction.atomic():
        locked = lock_case(case)
        if locked.status != CaseStatus.AGREED or not locked.amount_agreed:
            raise ValidationFailed(_("Payments are recorded on an agreement with an amount to pay."))
        amount = clean_money(paid, field="amount_paid")
        if amount > locked.amount_agreed:
            raise field_error(
                "amount_paid",
                _("More than the %(agreed)s yuan agreed.") % {"agreed": f"{locked.amount_agreed:,.2f}"},
            )
        if amount == locked.amount_agreed:
            status = PaymentStatus.PAID
            text = gettext_lazy("The employer has paid all %(amount)s yuan agreed.")
        elif amount > 0:
            status = PaymentStatus.PARTLY_PAID
            text = gettext_lazy("The employer has paid %(amount)s of %(agreed)s yuan.")
        elif locked.payment_due and locked.payment_due >= timezone.localdate():
            raise field_error(
                "amount_paid",
                _("The payment date (%(due)s) has not passed yet: record a payment when it is made.")
                % {"due": locked.payment_due.isoformat()},
            )
        else:
            status = PaymentStatus.UNPAID
            text = gettext_lazy(
                "The employer has not paid. You may ask a court for a payment order; the application "
                "is ready under your case."
            )
        locked.amount_paid, locked.payment_status = amount, status
        clocks.refresh(locked)
        locked.save(update_fields=["amount_paid", "payment_status", "updated_at", *clocks.CLOCK_FIELDS])
        case_event(
            case=locked,
            kind=EventKind.PAYMENT,
            actor=actor,
            public_text=lambda: (
                str(text) % {"amount": f"{amount:,.2f}", "agreed": f"{locked.amount_agreed or 0:,.2f}"}
            ),
            data={"paid": str(amount), "status": status},
        )
        audit_record(
            action=AuditAction.CASE_PAYMENT,
            actor=actor,
            obj=locked,
            org=locked.org,
            client_address=client_address,
            data={"paid": str(amount), "status": status},
        )
    if status == PaymentStatus.UNPAID:
        # The worker is told the payment-order application is ready under the case: make it so.
        prepare_document(locked, DocumentKind.PAYMENT_ORDER, actor)
    return locked
