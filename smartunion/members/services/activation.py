"""Activation: the worker's own account for a record union staff entered.

A person imported from a roster or enrolled by staff has no account (``Person.user`` empty) and no
password. Possession of the mobile number on the record, proved by a one-time code, is what links
it to an account: never an ID number or a name, which others may know. Until the code is proved,
nothing tells whether a number is on a record (the same answers as for any other number).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.accounts.services import one_time_code_prove, worker_account_create, worker_register_check
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import Conflict, Forbidden, NotFound
from smartunion.core.personal import mobile_index, validate_mobile
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Membership, Person
from smartunion.members.selectors.records import person_current_membership, person_memberships
from smartunion.notifications.services import notify


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
    # The current membership, else the latest answer (as the worker's own page shows it).
    membership = person_current_membership(person=person) or person_memberships(person=person).first()
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
