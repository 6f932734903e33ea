"""Memberships: their numbers, the one status transition (MEMBERSHIP_TRANSITIONS), staff enrolling a
member and changing a membership's status by hand, and the rule that a union with members cannot be
deleted."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartunion.accounts.models import User
from smartunion.accounts.permissions import require_perm
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import Conflict, ValidationFailed
from smartunion.core.personal import id_number_index, validate_id_number
from smartunion.core.scoping import scopes_disabled
from smartunion.core.workflow import Workflow
from smartunion.members.models import (
    CURRENT_STATUSES,
    MEMBERSHIP_TRANSITIONS,
    Membership,
    MembershipEvent,
    MembershipNumber,
    MembershipStatus,
    Person,
)
from smartunion.members.selectors.records import person_current_membership
from smartunion.members.services.people import _apply_person_data, clean_person_data
from smartunion.notifications.services import notify
from smartunion.orgs.models import GRASSROOTS_KINDS, Org
from smartunion.orgs.services import DELETE_BLOCKER_CHECKS

# --- membership numbers ---------------------------------------------------------------------------


def allocate_membership_numbers(count: int) -> list[str]:
    """``count`` fresh numbers, unique in the federation; one short lock on the counter row."""
    with transaction.atomic():
        counter, _created = MembershipNumber.objects.select_for_update().get_or_create(pk=1)
        first = counter.last + 1
        counter.last = F("last") + count
        counter.save(update_fields=["last"])
    return [f"{n:010d}" for n in range(first, first + count)]


# --- the one status transition --------------------------------------------------------------------

MEMBERSHIP_WORKFLOW = Workflow(
    MembershipStatus,
    MEMBERSHIP_TRANSITIONS,
    refusal=gettext_lazy("A membership cannot go from “%(from)s” to “%(to)s”."),
)


def membership_transition(
    *, membership: Membership, to: str, actor: User | None, reason: str = "", client_address: str = ""
) -> Membership:
    """The only code that changes a membership's status (MEMBERSHIP_TRANSITIONS)."""
    MEMBERSHIP_WORKFLOW.check(membership.status, to)
    with transaction.atomic():
        from_status = membership.status
        fields = ["updated_at"]
        if to == MembershipStatus.ACTIVE and not membership.number:
            membership.number = allocate_membership_numbers(1)[0]
            membership.join_date = membership.join_date or timezone.localdate()
            fields += ["number", "join_date"]
        if from_status == MembershipStatus.ACTIVE or to != MembershipStatus.ACTIVE:
            membership.card_version += 1  # every card shown so far stops verifying at once
            fields.append("card_version")
        if from_status == MembershipStatus.APPLYING:
            membership.decided_at = timezone.now()
            membership.reason = reason
            fields += ["decided_at", "reason"]
        MEMBERSHIP_WORKFLOW.move(membership, to, fields=fields)
        MembershipEvent.objects.create(
            membership=membership, from_status=from_status, to_status=to, actor=actor, reason=reason
        )
        audit_record(
            action=AuditAction.MEMBERSHIP_TRANSITION,
            actor=actor,
            obj=membership,
            org=membership.org,
            client_address=client_address,
            data={"from": from_status, "to": to},
        )
    return membership


# --- staff enrolment and status changes -----------------------------------------------------------


def member_enrol(*, actor: User, org: Org, data: dict[str, Any], client_address: str = "") -> Membership:
    """Staff enter a member on a worker's behalf (at a union station, from a paper form): the person
    and an active membership in ``org``, in one transaction. A person already holding a membership
    (or waiting for an answer) is refused with the union's name: one membership at a time."""
    require_perm(actor, "members.change", org)
    if org.kind not in GRASSROOTS_KINDS and not org.accepts_direct_joining:
        raise ValidationFailed(
            fields={
                "org": [
                    _(
                        "Members are enrolled in a grassroots union, or in a union that accepts direct joining."
                    )
                ]
            }
        )
    with scopes_disabled(), transaction.atomic():
        existing = None
        try:
            index = id_number_index(validate_id_number(data.get("id_number", ""), field="id_number"))
        except ValidationFailed:
            index = None
        if index is not None:
            existing = Person.objects.select_for_update().filter(id_number_index=index).first()
        cleaned = clean_person_data(data, instance=existing)
        missing = {
            f: [_("This field is required.")] for f in ("real_name", "id_number") if not cleaned.get(f)
        }
        if missing:
            raise ValidationFailed(fields=missing)
        if existing is not None:
            if person_current_membership(person=existing) is not None:
                # The other union is not named: staff of one union must not learn where a person is.
                raise Conflict(
                    _(
                        "This person already holds a membership or has an application waiting elsewhere. "
                        "A member changes union by transfer."
                    )
                )
            if cleaned.get("real_name") and cleaned["real_name"] != existing.real_name:
                raise ValidationFailed(
                    fields={
                        "id_number": [_("This ID number is on file under another name: check the number.")]
                    }
                )
            # The record on file keeps its contact mobile; the person corrects it themselves.
            if existing.mobile_encrypted:
                cleaned.pop("mobile", None)
        person = existing or Person()
        _apply_person_data(person, cleaned)
        person.org = org
        try:
            person.save()
            membership = Membership.objects.create(
                person=person,
                org=org,
                status=MembershipStatus.ACTIVE,
                number=allocate_membership_numbers(1)[0],
                join_date=timezone.localdate(),
            )
        except IntegrityError as exc:  # enrolled or approved elsewhere a moment ago
            raise Conflict(_("This person is already a member elsewhere.")) from exc
        MembershipEvent.objects.create(
            membership=membership,
            from_status="",
            to_status=MembershipStatus.ACTIVE,
            actor=actor,
            reason=_("Enrolled by union staff"),
        )
        audit_record(
            action=AuditAction.MEMBER_ENROL,
            actor=actor,
            obj=membership,
            org=org,
            client_address=client_address,
            data={"person": person.pk},
        )
        # On the person too, so the worker's access history shows who enrolled them.
        audit_record(
            action=AuditAction.PERSON_ENROL, actor=actor, obj=person, org=org, client_address=client_address
        )
        if person.user_id:
            notify(
                user_id=person.user_id,
                title=_("%(org)s enrolled you as a member") % {"org": org.name},
                body=_("Your membership number is %(number)s.") % {"number": membership.number},
            )
    return membership


# What staff may do to a membership by hand; applications and transfers have their own services.
STAFF_STATUS_MOVES = (
    MembershipStatus.SUSPENDED,
    MembershipStatus.ACTIVE,
    MembershipStatus.RETAINED,
    MembershipStatus.LEFT,
)


def membership_staff_moves(membership: Membership) -> list[str]:
    """The statuses staff may move this membership to, in a stable order."""
    if membership.status == MembershipStatus.APPLYING:
        return []
    allowed = MEMBERSHIP_TRANSITIONS.get(membership.status, set())
    return [s for s in STAFF_STATUS_MOVES if s in allowed]


def membership_set_status(
    *, actor: User, membership: Membership, to: str, reason: str = "", client_address: str = ""
) -> Membership:
    """Suspend, reinstate, mark as left or retained, with a reason (kept in the history)."""
    require_perm(actor, "members.change", membership.org)
    if to not in membership_staff_moves(membership):
        raise Conflict(_("This change of status is not possible for this membership now."))
    if not (reason or "").strip():
        raise ValidationFailed(
            fields={"reason": [_("Give a reason for this change; it is kept in the history.")]}
        )
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if to not in membership_staff_moves(locked):
            raise Conflict(_("This membership changed meanwhile; reload the page."))
        membership_transition(
            membership=locked, to=to, actor=actor, reason=reason.strip(), client_address=client_address
        )
        user = locked.person.user
        if user is not None:
            notify(
                user=user,
                title=_("Your membership of %(org)s is now: %(status)s")
                % {"org": locked.org.name, "status": MembershipStatus(to).label},
                body=reason.strip(),
            )
        return locked


# --- deleting a union -----------------------------------------------------------------------------


def _members_block_org_delete(org: Org) -> str | None:
    with scopes_disabled():
        count = Membership.objects.filter(org=org, status__in=CURRENT_STATUSES).count()
    return _("%(n)d members or applicants still belong to it") % {"n": count} if count else None


def register_org_delete_blocker() -> None:
    if _members_block_org_delete not in DELETE_BLOCKER_CHECKS:
        DELETE_BLOCKER_CHECKS.append(_members_block_org_delete)
