"""Writes for people and memberships. Each service is one transaction with its audit record.

Rules encoded here:
- 工会法 第三条: workers whose main income is wages may join, whatever their employment form; no
  labour contract is required.
- 中国工会章程 (⚠ article numbers from an older text): voluntary application approved by the
  grassroots committee; membership follows the work relationship and transfers with it.
- PIPL 第四十四条—第四十七条: the worker sees, downloads and corrects their data, and may close the account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.accounts.permissions import has_perm, require_perm
from smartunion.accounts.services import (
    attempt_begin,
    one_time_code_prove,
    password_confirm,
    worker_account_create,
    worker_register_check,
)
from smartunion.core import crypto
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.codes import validate_id_number, validate_mobile
from smartunion.core.errors import Conflict, Forbidden, Locked, NotFound, ValidationFailed
from smartunion.core.models import AuditOutcome
from smartunion.core.personal import real_name_clean
from smartunion.core.scoping import scopes_disabled
from smartunion.holidays.calendar import add_working_days
from smartunion.members.display import access_entries
from smartunion.members.models import (
    HOLDING_STATUSES,
    MEMBERSHIP_TRANSITIONS,
    EmploymentForm,
    Membership,
    MembershipEvent,
    MembershipNumber,
    MembershipStatus,
    Person,
    Sex,
    Transfer,
    TransferStatus,
    WageBracket,
    id_number_index,
    mobile_index,
)
from smartunion.members.policies import can_cancel_transfer, can_request_transfer, can_verify_card
from smartunion.members.selectors import person_access_history
from smartunion.notifications.selectors import inbox_list
from smartunion.notifications.services import notify
from smartunion.orgs.models import GRASSROOTS_KINDS, Enterprise, Org
from smartunion.orgs.services import DELETE_BLOCKER_CHECKS

# --- personal data -------------------------------------------------------------------------------


def birth_and_sex(id_number: str) -> tuple[date, str]:
    """GB 11643: characters 7–14 are the birth date; the 17th is odd for men, even for women."""
    birth = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    return birth, Sex.MALE if int(id_number[16]) % 2 else Sex.FEMALE


def person_set_id_number(person: Person, id_number: str) -> None:
    person.id_number_encrypted = crypto.encrypt(id_number)
    person.id_number_index = id_number_index(id_number)
    person.birth_date, person.sex = birth_and_sex(id_number)


def person_set_mobile(person: Person, mobile: str) -> None:
    person.mobile_encrypted = crypto.encrypt(mobile) if mobile else ""
    person.mobile_index = mobile_index(mobile) if mobile else None


PERSON_FIELDS = (
    "real_name",
    "id_number",
    "mobile",
    "employment_form",
    "employer",
    "platform",
    "wage_bracket",
)


def clean_person_data(
    data: dict[str, Any], *, instance: Person | None = None, id_number_taken: str | None = None
) -> dict[str, Any]:
    """Validate a person's fields; raise ValidationFailed naming every bad field at once.
    ``id_number_taken``: the message for an ID number already on another person's record."""
    errors: dict[str, list[str]] = {}
    cleaned = {k: data[k] for k in PERSON_FIELDS if k in data}
    if "real_name" in cleaned:
        # The one rule for names, which the roster import applies too (core.personal).
        name, problem = real_name_clean(cleaned["real_name"] or "")
        cleaned["real_name"] = name
        if not name:
            errors["real_name"] = [_("Please enter the real name.")]
        elif problem:
            errors["real_name"] = [problem]
    for field, validator in (("id_number", validate_id_number), ("mobile", validate_mobile)):
        if field in cleaned:
            try:
                cleaned[field] = validator(cleaned[field], field=field)
            except ValidationFailed as exc:
                errors.update(exc.fields)
    if "employment_form" in cleaned and cleaned["employment_form"] not in EmploymentForm.values:
        errors["employment_form"] = [_("Choose an employment form from the list.")]
    if cleaned.get("wage_bracket") and cleaned["wage_bracket"] not in WageBracket.values:
        errors["wage_bracket"] = [_("Choose a wage bracket from the list.")]
    if cleaned.get("employer") is not None and not isinstance(cleaned["employer"], Enterprise):
        errors["employer"] = [_("Choose the employer from the enterprise register.")]
    if "id_number" in cleaned and "id_number" not in errors:
        with scopes_disabled():
            taken = Person.objects.filter(id_number_index=id_number_index(cleaned["id_number"]))
            if instance is not None:
                taken = taken.exclude(pk=instance.pk)
            if taken.exists():
                errors["id_number"] = [
                    id_number_taken or _("A person with this ID number is already registered.")
                ]
    if errors:
        raise ValidationFailed(fields=errors)
    return cleaned


def _apply_person_data(person: Person, cleaned: dict[str, Any]) -> None:
    for key, value in cleaned.items():
        if key == "id_number":
            person_set_id_number(person, value)
        elif key == "mobile":
            person_set_mobile(person, value)
        else:
            setattr(person, key, value)


# --- membership numbers ----------------------------------------------------------------------------


def allocate_membership_numbers(count: int) -> list[str]:
    """``count`` fresh numbers, unique in the federation; one short lock on the counter row."""
    with transaction.atomic():
        counter, _created = MembershipNumber.objects.select_for_update().get_or_create(pk=1)
        first = counter.last + 1
        counter.last = F("last") + count
        counter.save(update_fields=["last"])
    return [f"{n:010d}" for n in range(first, first + count)]


# --- the one status transition -----------------------------------------------------------------------


def membership_transition(
    *, membership: Membership, to: str, actor, reason: str = "", client_address: str = ""
) -> Membership:
    """The only code that changes a membership's status (MEMBERSHIP_TRANSITIONS)."""
    if to not in MEMBERSHIP_TRANSITIONS.get(membership.status, set()):
        raise Conflict(
            _("A membership cannot go from “%(from)s” to “%(to)s”.")
            % {"from": MembershipStatus(membership.status).label, "to": MembershipStatus(to).label}
        )
    with transaction.atomic():
        from_status = membership.status
        membership.status = to
        fields = ["status", "updated_at"]
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
        membership.save(update_fields=fields)
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


# --- transfers -------------------------------------------------------------------------------------


TRANSFERABLE_STATUSES = (MembershipStatus.ACTIVE, MembershipStatus.RETAINED)


def transfer_allowed(actor, person: Person) -> bool:
    """Who may ask for a member's transfer: the member themselves, or staff holding
    ``members.change`` on the member's current union (the receiving union approves). A receiving
    union cannot pull a member it only sees through a wider role."""
    if not actor.is_staff_member:
        return person.user_id == actor.pk
    return _can(actor, "members.change", person.org)


def transfer_request(
    *, actor, person: Person, to_org: Org, reason: str = "", client_address: str = ""
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
        current = Membership.objects.filter(person=person, status__in=HOLDING_STATUSES).first()
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
    *, actor, transfer: Transfer, approve: bool, reason: str = "", client_address: str = ""
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
        transfer.decided_by, transfer.decided_at = actor, timezone.now()
        if not approve:
            if not (reason or "").strip():
                raise ValidationFailed(fields={"reason": [_("Give a reason for the rejection.")]})
            transfer.status, transfer.reason = TransferStatus.REJECTED, reason.strip()
            transfer.save(update_fields=["status", "reason", "decided_by", "decided_at"])
            audit_record(
                action=AuditAction.TRANSFER_REJECT,
                actor=actor,
                obj=transfer,
                org=transfer.to_org,
                client_address=client_address,
            )
            return transfer
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
        transfer.status, transfer.to_membership = TransferStatus.APPROVED, new
        user = Person.objects.filter(pk=transfer.person_id).values_list("user", flat=True).first()
        if user is not None:
            notify(
                user_id=user,
                title=_("Your membership moved to %(org)s") % {"org": transfer.to_org.name},
                body=_("Your membership number stays %(number)s.") % {"number": new.number},
            )
        transfer.save(update_fields=["status", "to_membership", "decided_by", "decided_at"])
        audit_record(
            action=AuditAction.TRANSFER_APPROVE,
            actor=actor,
            obj=transfer,
            org=transfer.to_org,
            client_address=client_address,
            data={"from_org": old.org_id, "membership": new.pk},
        )
    return transfer


def _can(user, perm: str, org: Org) -> bool:
    return has_perm(user, perm, org)


def _transfer_cancel_locked(*, transfer: Transfer, actor, reason: str, client_address: str) -> None:
    transfer.status, transfer.decided_by, transfer.decided_at = (
        TransferStatus.CANCELLED,
        actor,
        timezone.now(),
    )
    transfer.reason = reason
    transfer.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    audit_record(
        action=AuditAction.TRANSFER_CANCEL,
        actor=actor,
        obj=transfer,
        org=transfer.to_org,
        client_address=client_address,
    )


def transfer_cancel_allowed(actor, transfer: Transfer) -> bool:
    """Whoever may ask for the transfer may call it off while it waits (the member, the sending
    union), and so may the receiving union (it may also simply reject)."""
    with scopes_disabled():
        person = Person.objects.get(pk=transfer.person_id)
    return transfer_allowed(actor, person) or (
        actor.is_staff_member and _can(actor, "members.change", transfer.to_org)
    )


def transfer_cancel(*, actor, transfer: Transfer, reason: str = "", client_address: str = "") -> Transfer:
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


# --- the e-member card -----------------------------------------------------------------------------

CARD_SALT = "smartunion.members.card"


@dataclass(frozen=True)
class CardCheck:
    result: str  # valid | expired | revoked | forged
    membership: Membership | None = None


def card_token(*, membership: Membership) -> str:
    """A short-lived signed token for the card's QR code; the card page refreshes it."""
    if membership.status != MembershipStatus.ACTIVE:
        raise Conflict(_("Only an active membership has a card."))
    return signing.dumps({"m": membership.pk, "v": membership.card_version}, salt=CARD_SALT, compress=True)


def card_verify(*, token: str) -> CardCheck:
    try:
        payload = signing.loads(token, salt=CARD_SALT, max_age=settings.CARD_TOKEN_TTL_SECONDS)
    except signing.SignatureExpired:
        return CardCheck("expired")
    except signing.BadSignature:
        return CardCheck("forged")
    with scopes_disabled():
        membership = Membership.objects.select_related("person", "org").filter(pk=payload.get("m")).first()
    if membership is None:
        return CardCheck("forged")
    if membership.status != MembershipStatus.ACTIVE or membership.card_version != payload.get("v"):
        return CardCheck("revoked")
    return CardCheck("valid", membership)


def card_check(*, actor, token: str) -> CardCheck:
    """A staff member verifies a card shown to them: merchant clerks (``benefits.redeem``), union
    staff (``members.view``). Cards are shown across the federation, so the flag may be held
    anywhere; the answer reveals only what the card shows."""
    if not can_verify_card(actor):
        raise Forbidden(_("You may not verify member cards."))
    return card_verify(token=token)


# --- staff reads that are recorded, unmasking --------------------------------------------------------


def person_open(*, actor, pk, client_address: str = "") -> Person:
    """A staff member opens a person's record: scoped (404 outside), and recorded, because the
    worker can see who opened their record."""
    try:
        person = Person.objects.select_related("org", "employer", "platform").get(pk=int(pk))
    except (Person.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("This person does not exist.")) from None
    require_perm(actor, "members.view", person.org)
    audit_record(
        action=AuditAction.PERSON_VIEW, actor=actor, obj=person, org=person.org, client_address=client_address
    )
    return person


def person_unmask(*, actor, person: Person, field: str, client_address: str = "") -> str:
    """Show a full ID number or mobile: only with ``members.unmask``, and audited."""
    if not has_perm(actor, "members.unmask", person.org):
        # A refused attempt is on record too (it shows in the worker's access history).
        audit_record(
            action=AuditAction.PERSON_UNMASK,
            actor=actor,
            obj=person,
            org=person.org,
            client_address=client_address,
            outcome=AuditOutcome.DENIED,
            data={"field": field if field in {"id_number", "mobile"} else ""},
        )
    require_perm(actor, "members.unmask", person.org)
    if field not in {"id_number", "mobile"}:
        raise ValidationFailed(fields={"field": [_("Only the ID number or the mobile can be shown.")]})
    audit_record(
        action=AuditAction.PERSON_UNMASK,
        actor=actor,
        obj=person,
        org=person.org,
        client_address=client_address,
        data={"field": field},
    )
    return getattr(person, field)


def person_update(*, actor, person: Person, data: dict[str, Any], client_address: str = "") -> Person:
    """Staff correct a person's data; ``data["occupation_tags"]`` (OccupationTag rows), when given,
    replaces the tags."""
    require_perm(actor, "members.change", person.org)
    cleaned = clean_person_data(data, instance=person)
    tags = data.get("occupation_tags")
    with transaction.atomic():
        _apply_person_data(person, cleaned)
        person.save()
        changed = sorted(cleaned)
        if tags is not None:
            person.occupation_tags.set(tags)
            changed = sorted([*changed, "occupation_tags"])
        audit_record(
            action=AuditAction.PERSON_UPDATE,
            actor=actor,
            obj=person,
            org=person.org,
            client_address=client_address,
            data={"changed": changed},
        )
    return person


def member_enrol(*, actor, org: Org, data: dict[str, Any], client_address: str = "") -> Membership:
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
            holding = Membership.objects.filter(
                person=existing, status__in=[*HOLDING_STATUSES, MembershipStatus.APPLYING]
            ).exists()
            if holding:
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
    *, actor, membership: Membership, to: str, reason: str = "", client_address: str = ""
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


# --- activation: the worker's own account for a record union staff entered -------------------------
# A person imported from a roster or enrolled by staff has no account (``Person.user`` empty) and no
# password. Possession of the mobile number on the record, proved by a one-time code, is what links
# it to an account: never an ID number or a name, which others may know. Until the code is proved,
# nothing tells whether a number is on a record (the same answers as for any other number).


@dataclass(frozen=True)
class Activation:
    """What registering found: the new account and the member record now linked to it (``person``
    None when the number is on no record waiting for an account, or on several: ``several``)."""

    user: Any
    person: Person | None = None
    membership: Membership | None = None  # the person's current membership (or latest), to name it
    several: bool = False


def _unclaimed_people_locked(mobile: str) -> list[Person]:
    """The open records with this mobile that no account holds yet, locked (at most two are read:
    one links, two are ambiguous)."""
    return list(
        Person.objects.select_for_update()
        .filter(mobile_index=mobile_index(mobile), user__isnull=True, closed_at__isnull=True)
        .order_by("pk")[:2]
    )


def _current_membership(person: Person) -> Membership | None:
    memberships = (
        Membership.objects.filter(person=person).select_related("org").order_by("-created_at", "-id")
    )
    held = memberships.filter(status__in=[*HOLDING_STATUSES, MembershipStatus.APPLYING]).first()
    return held or memberships.first()


def _person_link_locked(*, person: Person, user, via: str, client_address: str) -> Membership | None:
    """Link ``person`` (locked by the caller) to ``user`` inside the caller's transaction. The
    update is conditional, and ``Person.user`` is unique in the database: a record already linked,
    or an account that already holds one, is never linked twice, whatever runs at the same moment."""
    try:
        with transaction.atomic():
            linked = Person.objects.filter(pk=person.pk, user__isnull=True, closed_at__isnull=True).update(
                user=user, updated_at=timezone.now()
            )
    except IntegrityError as exc:  # this account was linked to another record a moment ago
        raise Conflict(_("Your account already has a member record.")) from exc
    if linked != 1:
        raise Conflict(
            _("This member record was linked to an account a moment ago. Sign in with that account.")
        )
    person.user = user
    membership = _current_membership(person)
    audit_record(
        action=AuditAction.WORKER_ACTIVATE,
        actor=user,
        obj=person,
        org=person.org,
        client_address=client_address,
        data={"via": via},
    )
    if membership is not None:
        notify(
            user=user,
            title=_("Your membership of %(org)s is linked to this account") % {"org": membership.org.name},
            body=(_("Your membership number is %(number)s.") % {"number": membership.number})
            if membership.number
            else "",
        )
    return membership


def worker_activate(
    *, mobile: str, code: str, password: str, display_name: str, agree: bool = False, client_address: str = ""
) -> Activation:
    """Register a worker, and link at once the member record that union staff entered with the same
    mobile (a roster import, an enrolment), so that the new account shows that membership, its card,
    the data held and who opened it. The ends register through this service.

    The code is proved first (under the sign-in lockout of that number), so only the owner of the
    number learns that it is registered, or on a record. A number on several records waiting for an
    account links none of them (``several``): the worker asks their union to correct the others."""
    mobile = worker_register_check(mobile=mobile, password=password, display_name=display_name, agree=agree)
    one_time_code_prove(
        mobile=mobile,
        code=code,
        purpose="register",
        client_address=client_address,
        action=AuditAction.WORKER_REGISTER,
        signs_in=True,
    )
    with scopes_disabled(), transaction.atomic():
        # The records first, then the account and the audit chain: the same lock order as person_link.
        candidates = _unclaimed_people_locked(mobile)
        user = worker_account_create(
            mobile=mobile, password=password, display_name=display_name, client_address=client_address
        )
        if len(candidates) != 1:
            return Activation(user=user, several=len(candidates) > 1)
        person = candidates[0]
        membership = _person_link_locked(
            person=person, user=user, via="register", client_address=client_address
        )
    return Activation(user=user, person=person, membership=membership)


def person_link(*, user, mobile: str, code: str, client_address: str = "") -> Person:
    """A signed-in worker without a member record links the one union staff entered with a mobile
    number they prove is theirs (the code sent to it; by default their sign-in number, or the number
    their union has on file when they registered with another). Wrong codes count towards the
    lockout of that number. Refused: an account that already has a record, a number on no record
    waiting for an account, or on several."""
    if user is None or not user.is_authenticated or user.is_staff_member:
        raise Forbidden(_("Only a worker's own account can link a member record."))
    with scopes_disabled():
        if Person.objects.filter(user=user).exists():
            raise Conflict(_("Your account already has a member record."))
    mobile = validate_mobile(mobile)
    # Outside the transaction below, so that a wrong code stays counted.
    one_time_code_prove(
        mobile=mobile,
        code=code,
        purpose="link",
        client_address=client_address,
        action=AuditAction.WORKER_ACTIVATE,
        user=user,
    )
    with scopes_disabled(), transaction.atomic():
        candidates = _unclaimed_people_locked(mobile)
        if not candidates:
            raise NotFound(
                _(
                    "No member record waiting for an account has this mobile number. If your union has "
                    "another number on file, link with that one, or ask your union to correct it."
                )
            )
        if len(candidates) > 1:
            raise Conflict(
                _(
                    "This mobile number is on more than one member record, so none was linked. Ask your "
                    "union to correct the records, then link again."
                )
            )
        person = candidates[0]
        _person_link_locked(person=person, user=user, via="link", client_address=client_address)
    return person


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
            action=AuditAction.ACCOUNT_CLOSE,
            actor=user,
            obj=person,
            org=person.org if person else None,
            client_address=client_address,
        )


def my_data_export(*, user, client_address: str = "") -> dict[str, Any]:
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
            action=AuditAction.PERSON_SELF_EXPORT,
            actor=user,
            obj=person if person is not None else user,
            org=person.org if person is not None else None,
            client_address=client_address,
        )
    return export


def _members_block_org_delete(org: Org) -> str | None:
    with scopes_disabled():
        count = Membership.objects.filter(
            org=org, status__in=[*HOLDING_STATUSES, MembershipStatus.APPLYING]
        ).count()
    return _("%(n)d members or applicants still belong to it") % {"n": count} if count else None


def register_org_delete_blocker() -> None:
    if _members_block_org_delete not in DELETE_BLOCKER_CHECKS:
        DELETE_BLOCKER_CHECKS.append(_members_block_org_delete)
