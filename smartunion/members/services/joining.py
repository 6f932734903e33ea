"""Joining a union: a worker applies, the union answers within its working days, the worker may
withdraw while waiting.

Rules encoded here:
- 工会法 第三条: workers whose main income is wages may join, whatever their employment form; no
  labour contract is required.
- 中国工会章程 (⚠ article numbers from an older text): voluntary application approved by the
  grassroots committee.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.accounts.permissions import require_perm
from smartunion.accounts.services import attempt_begin
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import Conflict, Forbidden, Locked, ValidationFailed
from smartunion.core.models import AuditOutcome
from smartunion.core.scoping import scopes_disabled
from smartunion.holidays.calendar import add_working_days
from smartunion.members.models import Membership, MembershipEvent, MembershipStatus, Person
from smartunion.members.selectors.records import person_current_membership
from smartunion.members.services.membership import membership_transition
from smartunion.members.services.people import _apply_person_data, clean_person_data
from smartunion.notifications.services import notify
from smartunion.orgs.models import GRASSROOTS_KINDS, Enterprise, Org


def joinable(org: Org, *, employer: Enterprise | None) -> bool:
    """A worker may apply to the grassroots union that covers their employer, or to any union that
    accepts direct joining (gig and platform workers, employers without a union: join first,
    transfer later)."""
    if org.accepts_direct_joining:
        return True
    return org.kind in GRASSROOTS_KINDS and employer is not None and employer.covering_union_id == org.pk


def join_apply(
    *, user, org: Org, data: dict[str, Any], consent: bool | None = None, client_address: str = ""
) -> Membership:
    """A signed-in worker applies to join ``org``. The answer is due within the configured number
    of working days (default 15).

    ``consent``: the worker's separate consent to the processing of their ID number, sensitive
    personal information (PIPL 第二十八条, 第二十九条; the end explains why it is needed, 第三十条).
    An end that collects the ID number from the worker passes it; ``False`` with an ID number is
    refused on the field ``sensitive_consent``."""
    if user is None or not user.is_authenticated or user.is_staff_member:
        raise Forbidden(_("Only a worker's own account can apply to join."))
    consent_errors: dict[str, list[str]] = {}
    if consent is False and (data.get("id_number") or "").strip():
        consent_errors["sensitive_consent"] = [
            _(
                "Your ID number is sensitive personal information: tick the box to consent to its use, or the union cannot register you."
            )
        ]
    # Refusing an ID number that is on file tells the applicant it is on file: such refusals count
    # like wrong passwords (per account and per address, in the lockout window) and are audited, so
    # the form cannot be used to try other people's ID numbers. The row is written before the
    # check, so parallel tries see each other, and removed again unless the number was on file.
    lookup = None
    if (data.get("id_number") or "").strip():
        lookup = attempt_begin(
            key=f"join-id:{user.pk}",
            client_address=client_address,
            locked=Locked(
                _(
                    "Too many tries with ID numbers that are already on file. Try again in %(minutes)d minutes."
                )
                % {"minutes": settings.LOCKOUT_WINDOW_SECONDS // 60}
            ),
        )
    try:
        membership = _join_apply(
            user=user,
            org=org,
            data=data,
            consent=consent,
            consent_errors=consent_errors,
            client_address=client_address,
        )
    except ValidationFailed as exc:
        if lookup is not None and exc.fields.get("id_number") == [_id_number_on_file()]:
            audit_record(
                action=AuditAction.MEMBERSHIP_APPLY,
                actor=user,
                org=org,
                client_address=client_address,
                outcome=AuditOutcome.FAILURE,
                data={"reason": "id_number_on_file"},
            )
            lookup = None  # stays counted
        raise
    finally:
        if lookup is not None:
            lookup.delete()
    return membership


def _id_number_on_file() -> str:
    # The same words whether or not that record has an account: no hint about whose it is.
    return _(
        "This ID number is already on a member record. If your union entered you, do not apply: "
        "link that record to your account with the mobile number your union has on file."
    )


def _join_apply(
    *, user, org: Org, data: dict[str, Any], consent, consent_errors, client_address: str
) -> Membership:
    with scopes_disabled(), transaction.atomic():
        person = Person.objects.select_for_update().filter(user=user).first()
        try:
            cleaned = clean_person_data(data, instance=person, id_number_taken=_id_number_on_file())
        except ValidationFailed as exc:
            raise ValidationFailed(fields={**exc.fields, **consent_errors}) from None
        if consent_errors:
            raise ValidationFailed(fields=consent_errors)
        employer = cleaned.get("employer", person.employer if person else None)
        if not joinable(org, employer=employer):
            raise ValidationFailed(
                fields={
                    "org": [
                        _(
                            "This union does not take direct applications: choose your employer's union or a union that accepts direct joining."
                        )
                    ]
                }
            )
        if person is None:
            missing = {
                f: [_("This field is required.")] for f in ("real_name", "id_number") if not cleaned.get(f)
            }
            if missing:
                raise ValidationFailed(fields=missing)
            person = Person(user=user, org=org)
        if person.closed_at is not None:
            raise Conflict(_("This account was closed."))

        current = person_current_membership(person=person) if person.pk else None
        if current is not None and current.status == MembershipStatus.APPLYING:
            raise Conflict(
                _("You already have an application waiting for an answer from %(org)s.")
                % {"org": current.org.name}
            )
        if current is not None:
            raise Conflict(
                _("You are already a member of %(org)s. To change union, ask for a transfer.")
                % {"org": current.org.name}
            )
        if person.pk and person.id_number_encrypted:
            # The name and ID number on file stay: a re-application cannot rewrite an identity.
            changed = [
                f for f in ("id_number", "real_name") if cleaned.get(f) and cleaned[f] != getattr(person, f)
            ]
            if changed:
                raise ValidationFailed(
                    fields={f: [_("This is on file already; ask your union to correct it.")] for f in changed}
                )
        # The contact mobile is the account's, which a one-time code proved; not a typed one.
        cleaned.pop("mobile", None)
        if user.mobile_encrypted and not person.mobile_encrypted:
            cleaned["mobile"] = user.mobile
        _apply_person_data(person, cleaned)
        person.org = org
        try:
            person.save()
            membership = Membership.objects.create(
                person=person,
                org=org,
                status=MembershipStatus.APPLYING,
                applied_at=timezone.now(),
                due_date=add_working_days(timezone.localdate(), settings.JOIN_RESPONSE_WORKING_DAYS),
            )
        except IntegrityError as exc:  # a second tab or a double click got there first
            raise Conflict(_("You already have an application waiting for an answer.")) from exc
        if data.get("occupation_tags") is not None:  # OccupationTag rows; the ends resolve the codes
            person.occupation_tags.set(data["occupation_tags"])
        MembershipEvent.objects.create(membership=membership, to_status=MembershipStatus.APPLYING, actor=user)
        audit_record(
            action=AuditAction.MEMBERSHIP_APPLY,
            actor=user,
            obj=membership,
            org=org,
            client_address=client_address,
            data={"sensitive_consent": True} if consent else None,
        )
        notify(
            user=user,
            title=_("Your application to %(org)s was received") % {"org": org.name},
            body=_("The union answers by %(date)s.") % {"date": membership.due_date.isoformat()},
        )
    return membership


def join_decide(
    *, actor, membership: Membership, approve: bool, reason: str = "", client_address: str = ""
) -> Membership:
    require_perm(actor, "members.change", membership.org)
    if membership.status != MembershipStatus.APPLYING:
        raise Conflict(_("This application has already been answered."))
    if not approve and not (reason or "").strip():
        raise ValidationFailed(fields={"reason": [_("Give the worker a reason for the rejection.")]})
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.status != MembershipStatus.APPLYING:
            raise Conflict(_("This application has already been answered."))
        try:
            membership_transition(
                membership=membership,
                to=MembershipStatus.ACTIVE if approve else MembershipStatus.REJECTED,
                actor=actor,
                reason=reason.strip(),
                client_address=client_address,
            )
        except IntegrityError as exc:
            raise Conflict(_("This person is already an active member elsewhere.")) from exc
        user = membership.person.user
        if user is not None:
            notify(
                user=user,
                title=(_("Welcome to %(org)s") if approve else _("%(org)s did not accept your application"))
                % {"org": membership.org.name},
                body=(_("Your membership number is %(number)s.") % {"number": membership.number})
                if approve
                else reason,
            )
    return membership


def join_withdraw(*, user, client_address: str = "") -> Membership:
    """A worker withdraws their open application."""
    with scopes_disabled(), transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .filter(person__user=user, status=MembershipStatus.APPLYING)
            .select_related("org")
            .first()
        )
        if membership is None:
            raise Conflict(_("You have no application waiting for an answer."))
        membership_transition(
            membership=membership,
            to=MembershipStatus.WITHDRAWN,
            actor=user,
            reason=_("Withdrawn by the applicant"),
            client_address=client_address,
        )
    return membership
