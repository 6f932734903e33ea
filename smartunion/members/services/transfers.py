"""Transfers: membership follows the work relationship and transfers with it (中国工会章程). The member
or the sending union asks, the receiving union approves; either side may call a waiting one off."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartunion.accounts.models import User
from smartunion.accounts.permissions import require_perm
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from smartunion.core.scoping import scopes_disabled
from smartunion.core.workflow import Workflow
from smartunion.members.models import (
    TRANSFER_TRANSITIONS,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Person,
    Transfer,
    TransferStatus,
)
from smartunion.members.policies import can_cancel_transfer, can_request_transfer
from smartunion.members.selectors.records import person_held_membership
from smartunion.members.services.membership import allocate_membership_numbers, membership_transition
from smartunion.notifications.services import notify
from smartunion.orgs.models import GRASSROOTS_KINDS, Org

TRANSFERABLE_STATUSES = (MembershipStatus.ACTIVE, MembershipStatus.RETAINED)

TRANSFER_WORKFLOW = Workflow(
    TransferStatus,
    TRANSFER_TRANSITIONS,
    refusal=gettext_lazy("A transfer cannot go from “%(from)s” to “%(to)s”."),
)


def transfer_transition(
    *,
    transfer: Transfer,
    to: str,
    actor,
    reason: str | None = None,
    fields: tuple[str, ...] = (),
    client_address: str = "",
    data: dict | None = None,
) -> Transfer:
    """The only code that changes a transfer's status (TRANSFER_TRANSITIONS): who decided and
    when, the reason when one is given, ``fields`` the caller set, and the audit record. Call inside
    the transaction that holds the transfer locked."""
    TRANSFER_WORKFLOW.check(transfer.status, to)  # before anything is set on a refused transfer
    transfer.decided_by, transfer.decided_at = actor, timezone.now()
    changed = ["decided_by", "decided_at", *fields]
    if reason is not None:
        transfer.reason = reason
        changed.append("reason")
    TRANSFER_WORKFLOW.move(transfer, to, fields=changed)
    audit_record(
        action=(
            AuditAction.TRANSFER_APPROVE
            if to == TransferStatus.APPROVED
            else AuditAction.TRANSFER_REJECT
            if to == TransferStatus.REJECTED
            else AuditAction.TRANSFER_CANCEL
        ),
        actor=actor,
        obj=transfer,
        org=transfer.to_org,
        client_address=client_address,
        data=data,
    )
    return transfer


def transfer_request(
    *, actor: User, person: Person, to_org: Org, reason: str = "", client_address: str = ""
) -> Transfer:
    """The member (their own account) or the sending union asks; the receiving union approves."""
    if not can_request_transfer(actor, person):
        if actor.is_staff_member:
            raise Forbidden(_("You cannot manage this member's transfer."))
        raise NotFound(_("This person does not exist."))
    if to_org.kind not in GRASSROOTS_KINDS and not to_org.accepts_direct_joining:
        raise ValidationFailed(fields={"to_org": [_("A member transfers to a grassroots union.")]})
    with scopes_disabled(), transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        current = person_held_membership(person=person)
        if current is None:
            raise Conflict(_("Only a member can transfer."))
        if current.status not in TRANSFERABLE_STATUSES:
            raise Conflict(_("A suspended membership cannot be transferred; reinstate it first."))
        if current.org_id == to_org.pk:
            raise ValidationFailed(fields={"to_org": [_("This is already the member's union.")]})
        if Transfer.objects.filter(person=person, status=TransferStatus.REQUESTED).exists():
            raise Conflict(_("A transfer for this member is already waiting for approval."))
        transfer = Transfer.objects.create(
            person=person,
            from_membership=current,
            from_org=current.org,
            to_org=to_org,
            requested_by=actor,
            reason=(reason or "").strip(),
        )
        audit_record(
            action=AuditAction.TRANSFER_REQUEST,
            actor=actor,
            obj=transfer,
            org=to_org,
            client_address=client_address,
            data={"from_org": current.org_id},
        )
    return transfer


def transfer_decide(
    *, actor: User, transfer: Transfer, approve: bool, reason: str = "", client_address: str = ""
) -> Transfer:
    """The receiving union approves: in one transaction, with the person's row locked, the old
    membership becomes "transferred out" and the new one "active" — never none, never two."""
    require_perm(actor, "members.change", transfer.to_org)
    with scopes_disabled(), transaction.atomic():
        Person.objects.select_for_update().get(pk=transfer.person_id)
        transfer = (
            Transfer.objects.select_for_update()
            .select_related("from_membership", "to_org")
            .get(pk=transfer.pk)
        )
        if transfer.status != TransferStatus.REQUESTED:
            raise Conflict(_("This transfer has already been decided."))
        if not approve:
            if not (reason or "").strip():
                raise ValidationFailed(fields={"reason": [_("Give a reason for the rejection.")]})
            return transfer_transition(
                transfer=transfer,
                to=TransferStatus.REJECTED,
                actor=actor,
                reason=reason.strip(),
                client_address=client_address,
            )
        old = Membership.objects.select_for_update().get(pk=transfer.from_membership_id)
        if old.status not in TRANSFERABLE_STATUSES:
            raise Conflict(_("The member's current membership changed; this transfer no longer applies."))
        membership_transition(
            membership=old,
            to=MembershipStatus.TRANSFERRED_OUT,
            actor=actor,
            reason=_("Transferred to %(org)s") % {"org": transfer.to_org.name},
            client_address=client_address,
        )
        # The membership number and the join date follow the member (membership follows the work
        # relationship and transfers with it): the number moves from the old row to the new one.
        number, join_date = old.number, old.join_date
        Membership.objects.filter(pk=old.pk).update(number=None)
        new = Membership.objects.create(
            person_id=transfer.person_id,
            org=transfer.to_org,
            status=MembershipStatus.ACTIVE,
            number=number or allocate_membership_numbers(1)[0],
            join_date=join_date or timezone.localdate(),
        )
        MembershipEvent.objects.create(
            membership=new,
            from_status="",
            to_status=MembershipStatus.ACTIVE,
            actor=actor,
            reason=_("Transferred from %(org)s") % {"org": old.org.name},
        )
        Person.objects.filter(pk=transfer.person_id).update(org=transfer.to_org)
        transfer.to_membership = new
        user = Person.objects.filter(pk=transfer.person_id).values_list("user", flat=True).first()
        if user is not None:
            notify(
                user_id=user,
                title=_("Your membership moved to %(org)s") % {"org": transfer.to_org.name},
                body=_("Your membership number stays %(number)s.") % {"number": new.number},
            )
        transfer_transition(
            transfer=transfer,
            to=TransferStatus.APPROVED,
            actor=actor,
            fields=("to_membership",),
            client_address=client_address,
            data={"from_org": old.org_id, "membership": new.pk},
        )
    return transfer


def _transfer_cancel_locked(*, transfer: Transfer, actor: User, reason: str, client_address: str) -> None:
    transfer_transition(
        transfer=transfer,
        to=TransferStatus.CANCELLED,
        actor=actor,
        reason=reason,
        client_address=client_address,
    )


def transfer_cancel(
    *, actor: User, transfer: Transfer, reason: str = "", client_address: str = ""
) -> Transfer:
    """Call off a waiting transfer (``policies.can_cancel_transfer``)."""
    if not can_cancel_transfer(actor, transfer):
        raise Forbidden(_("You cannot manage this member's transfer."))
    with scopes_disabled(), transaction.atomic():
        transfer = Transfer.objects.select_for_update().select_related("to_org").get(pk=transfer.pk)
        if transfer.status != TransferStatus.REQUESTED:
            raise Conflict(_("This transfer has already been decided."))
        _transfer_cancel_locked(
            transfer=transfer, actor=actor, reason=(reason or "").strip(), client_address=client_address
        )
    return transfer
