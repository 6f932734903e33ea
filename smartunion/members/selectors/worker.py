"""The worker's own records (mobile web and API). A worker has no scope; these read only the
signed-in worker's own rows, under scopes_disabled()."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from smartunion.core.errors import ValidationFailed
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import (
    Membership,
    MembershipEvent,
    MembershipStatus,
    OccupationTag,
    Person,
    Transfer,
)
from smartunion.members.selectors.records import current_of, person_current_membership


def my_person(*, user) -> Person | None:
    """The worker's own person record (none before their first application, none once closed)."""
    if user is None or not user.is_authenticated:
        return None
    with scopes_disabled():
        return (
            Person.objects.select_related("org", "employer", "platform")
            .filter(user=user, closed_at__isnull=True)
            .first()
        )


def my_memberships(*, person: Person | None) -> list[Membership]:
    """The worker's memberships and applications, newest first, each with its history (``events``)."""
    if person is None:
        return []
    with scopes_disabled():
        return list(
            Membership.objects.filter(person=person)
            .select_related("org")
            .prefetch_related(
                Prefetch("events", queryset=MembershipEvent.objects.order_by("created_at", "id"))
            )
            .order_by("-created_at", "-id")
        )


def my_active_membership(*, user) -> Membership | None:
    """The worker's active membership: the one that has a card."""
    if user is None or not user.is_authenticated:
        return None
    with scopes_disabled():
        return (
            Membership.objects.select_related("person", "org")
            .filter(person__user=user, person__closed_at__isnull=True, status=MembershipStatus.ACTIVE)
            .first()
        )


def my_transfers(*, person: Person | None) -> list[Transfer]:
    if person is None:
        return []
    with scopes_disabled():
        return list(
            Transfer.objects.filter(person=person)
            .select_related("from_org", "to_org")
            .order_by("-created_at", "-id")
        )


def occupation_tags():
    return OccupationTag.objects.order_by("id")


@dataclass(frozen=True)
class WorkerMembership:
    person: Person | None
    membership: Membership | None  # the holding one or the open application, else the latest answer
    history: list


def worker_membership(*, user) -> WorkerMembership:
    """A worker's own membership and its history. Read under the worker's own rule (their record
    only), outside any staff scope."""
    with scopes_disabled():
        person = Person.objects.select_related("org").filter(user=user, closed_at__isnull=True).first()
        if person is None:
            return WorkerMembership(None, None, [])
        memberships = list(
            Membership.objects.filter(person=person).select_related("org").order_by("-created_at", "-id")
        )
        current = current_of(memberships) or (memberships[0] if memberships else None)
        history = list(
            MembershipEvent.objects.filter(membership__person=person)
            .select_related("membership__org")
            .order_by("-created_at", "-id")
        )
    return WorkerMembership(person, current, history)


def worker_current_membership(*, user) -> Membership | None:
    """A worker's current membership (held, or the open application), or None."""
    person = my_person(user=user)
    if person is None:
        return None
    with scopes_disabled():
        return person_current_membership(person=person)


def occupation_tags_by_code(*, codes: list[str]) -> list:
    """The tags named by ``codes``; an unknown code is a field error naming it."""
    tags = list(OccupationTag.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {tag.code for tag in tags})
    if unknown:
        raise ValidationFailed(
            fields={
                "occupation_tags": [_("Unknown occupation tag: %(codes)s.") % {"codes": ", ".join(unknown)}]
            }
        )
    return tags
