"""Reads for staff pages, all through the scoped managers (a row outside the scope raises NotFound):
a person, their memberships, history and transfers, the application queue and the transfers waiting,
and who opened a person's record. A person's current membership and the one they hold are read here
for every caller (staff pages, the worker's own pages, the services)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.accounts.models import User
from smartunion.core.audit import AuditAction
from smartunion.core.errors import NotFound
from smartunion.core.models import AuditEvent
from smartunion.core.scoping import path_upper_bound, scopes_disabled, subtree_q
from smartunion.members.models import (
    CURRENT_STATUSES,
    HOLDING_STATUSES,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Person,
    Transfer,
    TransferStatus,
)
from smartunion.orgs.models import Org


def applications_queue(*, org: Org | None = None, overdue_only: bool = False) -> QuerySet[Membership]:
    """Open applications in scope, oldest due first; overdue ones are those past their due date."""
    qs = Membership.objects.filter(status=MembershipStatus.APPLYING).select_related("person", "org")
    if org is not None:
        qs = qs.filter(subtree_q(org.path, field="org"))
    if overdue_only:
        qs = qs.filter(due_date__lt=timezone.localdate())
    return qs.order_by("due_date", "id")


def applications_escalated(*, roots: tuple[str, ...]) -> QuerySet[Membership]:
    """Overdue applications at unions strictly below the nodes ``roots`` (a viewer's grant nodes):
    an unanswered application escalates to the level above."""
    below = Q(pk__in=[])
    for root in roots:
        below |= Q(org__path__gt=root, org__path__lt=path_upper_bound(root))
    return applications_queue(overdue_only=True).filter(below)


def application_get(*, pk) -> Membership:
    try:
        return Membership.objects.select_related("person", "org").get(
            pk=int(pk), status=MembershipStatus.APPLYING
        )
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("This application does not exist.")) from None


def transfer_get(*, pk) -> Transfer:
    """A transfer either side may see (scoped by both unions)."""
    try:
        return Transfer.objects.select_related(
            "person", "from_org", "to_org", "from_membership", "to_membership", "requested_by", "decided_by"
        ).get(pk=int(pk))
    except (Transfer.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("This transfer does not exist.")) from None


def person_get(*, pk) -> Person:
    """A person in scope, for an action on a record already opened (the action is audited itself;
    showing a record goes through services.person_open, which records the access)."""
    try:
        return Person.objects.select_related("org", "employer", "platform").get(
            pk=int(pk), closed_at__isnull=True
        )
    except (Person.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("This person does not exist.")) from None


def person_memberships(*, person: Person) -> QuerySet[Membership]:
    """All of a person's memberships, newest first (unscoped rows of other unions stay hidden)."""
    return Membership.objects.filter(person=person).select_related("org").order_by("-created_at", "-id")


# A person's current membership (CURRENT_STATUSES: held, or the open application) and the one they
# hold (HOLDING_STATUSES), each defined here once; newest first should a person have both. Through the
# scoped manager: a caller outside a staff scope reads them under scopes_disabled().


def person_current_membership(*, person: Person) -> Membership | None:
    """The membership a person holds or their open application, with its union; None without one."""
    return person_memberships(person=person).filter(status__in=CURRENT_STATUSES).first()


def person_held_membership(*, person: Person) -> Membership | None:
    """The membership a person holds (active, suspended or retained), with its union; None without one."""
    return person_memberships(person=person).filter(status__in=HOLDING_STATUSES).first()


def current_of(memberships: Iterable[Membership]) -> Membership | None:
    """``person_current_membership`` among a person's memberships already read, newest first."""
    return next((m for m in memberships if m.status in CURRENT_STATUSES), None)


def person_transfers(*, person: Person) -> QuerySet[Transfer]:
    return (
        Transfer.objects.filter(person=person)
        .select_related("from_org", "to_org", "requested_by", "decided_by")
        .order_by("-created_at", "-id")
    )


def transfers_open(*, org: Org | None = None) -> QuerySet[Transfer]:
    qs = Transfer.objects.filter(status=TransferStatus.REQUESTED).select_related(
        "person", "from_org", "to_org"
    )
    if org is not None:
        qs = qs.filter(subtree_q(org.path, field="to_org") | subtree_q(org.path, field="from_org"))
    return qs.order_by("created_at", "id")


def transfers_incoming(*, roots: tuple[str, ...]) -> QuerySet[Transfer]:
    """Open transfers into unions under ``roots`` (the nodes where a viewer may decide them): the
    ones waiting for the viewer's answer."""
    into = Q(pk__in=[])
    for root in roots:
        into |= subtree_q(root, field="to_org")
    return transfers_open().filter(into)


def membership_history(*, person: Person) -> QuerySet:
    # Only the events of memberships in the viewer's scope: a union does not read another union's
    # reasons (a suspension elsewhere) after a member moves to it.
    return MembershipEvent.objects.filter(
        membership__in=Membership.objects.filter(person=person).values("pk")
    ).select_related("membership__org", "actor")


# Records of other domains that a worker's "who opened my record" lists too (a case opened, its
# evidence file read): each a function of the worker's account giving the condition on the audit
# log. Filled by the higher apps in their AppConfig.ready (cases), since members may not import them.
ACCESS_HISTORY_EXTRA: list[Callable[[User], Q]] = []


def _person_access_q(person: Person) -> Q:
    seen = Q(
        object_type="members.person",
        object_id=str(person.pk),
        action__in=[
            AuditAction.PERSON_VIEW,
            AuditAction.PERSON_UNMASK,
            AuditAction.PERSON_UPDATE,
            AuditAction.PERSON_ENROL,
            AuditAction.ROSTER_EXPORT_UNMASKED,
        ],
    )
    # An unmasked roster export is recorded once, on the union exported (members/roster/), not
    # once per person: it covers this person when it was taken over a union at or above one
    # they were a member of, while they were.
    member_then = Membership.objects.filter(
        Q(status__in=HOLDING_STATUSES) | Q(updated_at__gte=OuterRef("created_at")),
        person=person,
        number__isnull=False,
        created_at__lte=OuterRef("created_at"),
        org__path__startswith=OuterRef("org__path"),
    )
    seen |= Q(Exists(member_then), action=AuditAction.ROSTER_EXPORT_UNMASKED, object_type="orgs.org")
    return seen


def person_access_history(*, person: Person | None, user: User | None = None):
    """Who in the union opened, unmasked or exported this person's record, and when (for the
    worker's own page), with what ``ACCESS_HISTORY_EXTRA`` adds for the worker's account ``user``
    (also for a worker without a person record). Read under the worker's own rule: only their
    record."""
    with scopes_disabled():
        seen = Q(pk__in=[])
        if user is not None and getattr(user, "is_authenticated", False):
            for extra in ACCESS_HISTORY_EXTRA:
                seen |= extra(user)
        if person is not None:
            seen |= _person_access_q(person)
        return list(
            AuditEvent.objects.filter(seen).select_related("actor__home_org", "org").order_by("-seq")[:200]
        )


# --- for the ends: one membership or application by id, a page's current memberships --------------


def membership_get(*, pk) -> Membership:
    """One membership or application in scope, whatever its status (so that answering an answered
    application says so, instead of "not found")."""
    try:
        return Membership.objects.select_related("person", "org").get(pk=int(pk))
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("This application does not exist.")) from None
