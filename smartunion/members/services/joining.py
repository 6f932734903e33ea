"""Writes for people and memberships. Each service is one transaction with its audit record.

Rules encoded here:
- 工会法 第三条: workers whose main income is wages may join, whatever their employment form; no
  labour contract is required.
- 中国工会章程 (⚠ article numbers from an older text): voluntary application approved by the
  grassroots committee; membership follows the work relationship and transfers with it.
- PIPL 第四十四条—第四十七条: the worker sees, downloads and corrects their data, and may close the account.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.accounts.permissions import require_perm
from smartunion.accounts.services import (
    attempt_begin,
    one_time_code_prove,
    password_confirm,
)
from smartunion.core.audit import audit_record
from smartunion.core.calendar import add_working_days
from smartunion.core.errors import Conflict, Forbidden, Locked, NotFound, ValidationFailed
from smartunion.core.models import AuditOutcome, InboxMessage
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import (
    HOLDING_STATUSES,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Person,
    Transfer,
    TransferStatus,
)
from smartunion.members.services.inbox import inbox_send
from smartunion.members.services.membership import membership_transition
from smartunion.members.services.people import (
    _apply_person_data,
    clean_person_data,
    person_set_mobile,
)
from smartunion.members.services.transfers import _transfer_cancel_locked
from smartunion.orgs.models import GRASSROOTS_KINDS, Enterprise, Org

# --- joining ---------------------------------------------------------------------------------------


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
                action="membership.apply",
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

        current = (
            Membership.objects.filter(
                person=person, status__in=[*HOLDING_STATUSES, MembershipStatus.APPLYING]
            ).first()
            if person.pk
            else None
        )
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
            action="membership.apply",
            actor=user,
            obj=membership,
            org=org,
            client_address=client_address,
            data={"sensitive_consent": True} if consent else None,
        )
        inbox_send(
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
            inbox_send(
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


# --- the worker's own data (PIPL 第四十四条—第四十七条) ---------------------------------------------------


def my_contact_update(*, user, mobile: str, code: str, client_address: str = "") -> Person:
    """A worker corrects their contact mobile (PIPL 第四十六条), proving the new number is theirs
    with the one-time code sent to it (``one_time_code_send(purpose="contact")``). Wrong codes count
    towards the lockout of that number, as at sign-in, registration and linking."""
    with scopes_disabled():
        if not Person.objects.filter(user=user, closed_at__isnull=True).exists():
            raise NotFound(_("There is no member record for this account yet."))
    cleaned = clean_person_data({"mobile": mobile})
    # Outside the transaction below, so that a wrong code stays counted.
    one_time_code_prove(
        mobile=cleaned["mobile"],
        code=code,
        purpose="contact",
        client_address=client_address,
        action="person.self_update",
        user=user,
    )
    with scopes_disabled(), transaction.atomic():
        person = Person.objects.select_for_update().filter(user=user, closed_at__isnull=True).first()
        if person is None:
            raise NotFound(_("There is no member record for this account yet."))
        person_set_mobile(person, cleaned["mobile"])
        person.save(update_fields=["mobile_encrypted", "mobile_index", "updated_at"])
        audit_record(
            action="person.self_update",
            actor=user,
            obj=person,
            org=person.org,
            client_address=client_address,
            data={"changed": ["mobile"]},
        )
    return person


def account_close(*, user, password: str, client_address: str = "") -> None:
    """Close a worker's account (PIPL 第四十七条): personal fields are anonymised; memberships stay
    as anonymous statistics; the audit chain holds no personal data and stays whole. The worker
    confirms with their password (a wrong one counts towards the lockout)."""
    password_confirm(user=user, password=password, client_address=client_address)
    with scopes_disabled(), transaction.atomic():
        person = Person.objects.select_for_update().filter(user=user).first()
        if person is not None:
            for membership in Membership.objects.filter(
                person=person, status__in=[*HOLDING_STATUSES, MembershipStatus.APPLYING]
            ):
                to = (
                    MembershipStatus.WITHDRAWN
                    if membership.status == MembershipStatus.APPLYING
                    else MembershipStatus.LEFT
                )
                membership_transition(
                    membership=membership,
                    to=to,
                    actor=user,
                    reason=_("Account closed"),
                    client_address=client_address,
                )
            for transfer in Transfer.objects.filter(person=person, status=TransferStatus.REQUESTED):
                _transfer_cancel_locked(
                    transfer=transfer, actor=user, reason=_("Account closed"), client_address=client_address
                )
            person.real_name = _("(closed)")
            person.id_number_encrypted, person.id_number_index = "", None
            person.mobile_encrypted, person.mobile_index = "", None
            # Statistics keep the birth year and sex; the full date would help re-identify.
            if person.birth_date is not None:
                person.birth_date = person.birth_date.replace(month=1, day=1)
            person.employer = person.platform = None
            person.closed_at = timezone.now()
            person.user = None
            person.save(
                update_fields=[
                    "real_name",
                    "id_number_encrypted",
                    "id_number_index",
                    "mobile_encrypted",
                    "mobile_index",
                    "birth_date",
                    "employer",
                    "platform",
                    "closed_at",
                    "user",
                    "updated_at",
                ]
            )
            person.occupation_tags.clear()
        user.display_name = ""
        user.mobile_encrypted, user.mobile_index = "", None
        user.is_active = False
        user.set_unusable_password()
        user.username = f"closed-{user.pk}"
        user.save(
            update_fields=[
                "display_name",
                "mobile_encrypted",
                "mobile_index",
                "is_active",
                "password",
                "username",
            ]
        )
        user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit_record(
            action="account.close",
            actor=user,
            obj=person,
            org=person.org if person else None,
            client_address=client_address,
        )


def my_data_export(*, user, client_address: str = "") -> dict[str, Any]:
    """Everything held about a worker, as JSON-ready data (PIPL 第四十五条: the right to a copy). The
    values are the worker's own, so the ID number and mobile are in full; the download is audited
    ("person.self_export"). The mobile download and ``GET /api/v1/me/data`` give this same content."""
    from smartunion.members.display import access_entries
    from smartunion.members.selectors import person_access_history

    def when(value) -> str | None:
        return value.isoformat() if value else None

    def union(org) -> dict[str, Any] | None:
        return {"id": org.pk, "name": org.name} if org is not None else None

    with scopes_disabled(), transaction.atomic():
        person = (
            Person.objects.select_related("org", "employer", "platform")
            .filter(user=user, closed_at__isnull=True)
            .first()
        )
        export: dict[str, Any] = {
            "generated_at": when(timezone.now()),
            "account": {
                "username": user.username,
                "display_name": user.display_name,
                "mobile": user.mobile,
                "language": user.language,
                "registered_at": when(user.date_joined),
            },
            "person": None,
            "memberships": [],
            "membership_history": [],
            "transfers": [],
            "access_history": [],
            "inbox": [
                {"title": m.title, "body": m.body, "sent_at": when(m.created_at), "read_at": when(m.read_at)}
                for m in InboxMessage.objects.filter(user=user).order_by("-created_at", "-id")
            ],
        }
        if person is not None:
            export["person"] = {
                "real_name": person.real_name,
                "id_number": person.id_number,
                "mobile": person.mobile,
                "birth_date": when(person.birth_date),
                "sex": person.sex,
                "sex_label": str(person.get_sex_display()) if person.sex else "",
                "employment_form": person.employment_form,
                "employment_form_label": str(person.get_employment_form_display()),
                "occupation_tags": [str(tag.name) for tag in person.occupation_tags.all()],
                "employer": {"name": person.employer.name, "credit_code": person.employer.credit_code}
                if person.employer
                else None,
                "platform": {"name": person.platform.name, "credit_code": person.platform.credit_code}
                if person.platform
                else None,
                "wage_bracket": person.wage_bracket,
                "union": union(person.org),
                "created_at": when(person.created_at),
                "updated_at": when(person.updated_at),
            }
            export["memberships"] = [
                {
                    "union": union(m.org),
                    "number": m.number or "",
                    "status": m.status,
                    "status_label": str(m.get_status_display()),
                    "join_date": when(m.join_date),
                    "applied_at": when(m.applied_at),
                    "answer_due": when(m.due_date),
                    "decided_at": when(m.decided_at),
                    "reason": m.reason,
                }
                for m in Membership.objects.filter(person=person)
                .select_related("org")
                .order_by("created_at", "id")
            ]
            export["membership_history"] = [
                {
                    "union": union(e.membership.org),
                    "from_status": e.from_status,
                    "to_status": e.to_status,
                    "reason": e.reason,
                    "at": when(e.created_at),
                }
                for e in MembershipEvent.objects.filter(membership__person=person)
                .select_related("membership__org")
                .order_by("created_at", "id")
            ]
            export["transfers"] = [
                {
                    "from_union": union(t.from_org),
                    "to_union": union(t.to_org),
                    "status": t.status,
                    "status_label": str(t.get_status_display()),
                    "reason": t.reason,
                    "requested_at": when(t.created_at),
                    "decided_at": when(t.decided_at),
                }
                for t in Transfer.objects.filter(person=person)
                .select_related("from_org", "to_org")
                .order_by("created_at", "id")
            ]
            # Staff by name and organisation, as the pages show them (members.display), never by login.
            events = person_access_history(person=person)
            export["access_history"] = [
                {
                    "at": when(e.created_at),
                    "action": e.action,
                    "by": entry.by,
                    "by_org": entry.by_org,
                    "refused": entry.refused,
                    "union": union(e.org),
                    "field": entry.field,
                }
                for e, entry in zip(events, access_entries(events), strict=True)
            ]
        audit_record(
            action="person.self_export",
            actor=user,
            obj=person if person is not None else user,
            org=person.org if person is not None else None,
            client_address=client_address,
        )
    return export
