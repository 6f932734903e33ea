"""The worker's own data (PIPL 第四十四条—第四十七条): the worker sees and downloads what is held about
them, corrects their contact mobile, and may close their account."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.accounts.models import User
from smartunion.accounts.services import one_time_code_prove, password_confirm
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import NotFound
from smartunion.core.scoping import scopes_disabled
from smartunion.members.display import access_entries
from smartunion.members.models import (
    CURRENT_STATUSES,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Person,
    Transfer,
    TransferStatus,
)
from smartunion.members.selectors import person_access_history
from smartunion.members.services.membership import membership_transition
from smartunion.members.services.people import clean_person_data, person_set_mobile
from smartunion.members.services.transfers import _transfer_cancel_locked
from smartunion.notifications.selectors import inbox_list


def my_contact_update(*, user: User, mobile: str, code: str, client_address: str = "") -> Person:
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
        action=AuditAction.PERSON_SELF_UPDATE,
        user=user,
    )
    with scopes_disabled(), transaction.atomic():
        person = Person.objects.select_for_update().filter(user=user, closed_at__isnull=True).first()
        if person is None:
            raise NotFound(_("There is no member record for this account yet."))
        person_set_mobile(person, cleaned["mobile"])
        person.save(update_fields=["mobile_encrypted", "mobile_index", "updated_at"])
        audit_record(
            action=AuditAction.PERSON_SELF_UPDATE,
            actor=user,
            obj=person,
            org=person.org,
            client_address=client_address,
            data={"changed": ["mobile"]},
        )
    return person


def account_close(*, user: User, password: str, client_address: str = "") -> None:
    """Close a worker's account (PIPL 第四十七条): personal fields are anonymised; memberships stay
    as anonymous statistics; the audit chain holds no personal data and stays whole. The worker
    confirms with their password (a wrong one counts towards the lockout)."""
    password_confirm(user=user, password=password, client_address=client_address)
    with scopes_disabled(), transaction.atomic():
        person = Person.objects.select_for_update().filter(user=user).first()
        if person is not None:
            for membership in Membership.objects.filter(person=person, status__in=CURRENT_STATUSES):
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
            action=AuditAction.ACCOUNT_CLOSE,
            actor=user,
            obj=person,
            org=person.org if person else None,
            client_address=client_address,
        )


def my_data_export(*, user: User, client_address: str = "") -> dict[str, Any]:
    """Everything held about a worker, as JSON-ready data (PIPL 第四十五条: the right to a copy). The
    values are the worker's own, so the ID number and mobile are in full; the download is audited
    ("person.self_export"). The mobile download and ``GET /api/v1/me/data`` give this same content."""

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
                for m in inbox_list(user=user, limit=None)
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
            events = person_access_history(person=person, user=user)
            export["access_history"] = [
                {
                    "at": when(e.created_at),
                    "action": e.action,
                    "by": entry.by,
                    "by_org": entry.by_org,
                    "refused": entry.refused,
                    "union": union(e.org),
                    "field": entry.field,
                    "case_number": entry.case_number,
                }
                for e, entry in zip(events, access_entries(events), strict=True)
            ]
        audit_record(
            action=AuditAction.PERSON_SELF_EXPORT,
            actor=user,
            obj=person if person is not None else user,
            org=person.org if person is not None else None,
            client_address=client_address,
        )
    return export
