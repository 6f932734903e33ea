"""Who may do what with benefits, as named predicates every end asks.

Staff: ``benefits.view`` to read merchants, campaigns, programmes and their figures in their
subtree; ``benefits.manage`` to change them; ``benefits.settle`` to approve statements. Merchant
clerks: ``benefits.redeem`` and a ``MerchantClerk`` link naming their merchant. Workers: an active
membership in the eligible subtree (and the employment form or occupation tag, when asked)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection

from smartunion.accounts.permissions import has_perm
from smartunion.benefits.models import Eligibility, MerchantClerk
from smartunion.core.prepared import prepared
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Membership, MembershipStatus, Person

if TYPE_CHECKING:
    from smartunion.accounts.models import User
    from smartunion.orgs.models import Org


def can_view_benefits(user: User, org: Org | None = None) -> bool:
    return has_perm(user, "benefits.view", org)


def can_manage_benefits(user: User, org: Org | None = None) -> bool:
    return has_perm(user, "benefits.manage", org)


def can_settle(user: User, org: Org | None = None) -> bool:
    return has_perm(user, "benefits.settle", org)


def clerk_of(user: User) -> MerchantClerk | None:
    """The merchant a clerk works for: ``benefits.redeem`` and a clerk link; else None. Cached on
    the user object (once per request)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_benefits_clerk"):
        clerk = None
        if has_perm(user, "benefits.redeem"):
            with scopes_disabled():
                clerk = MerchantClerk.objects.select_related("merchant", "store").filter(user=user).first()
        setattr(user, "_benefits_clerk", clerk)  # noqa: B010 (a per-request cache, not a model field)
    return getattr(user, "_benefits_clerk")  # noqa: B009


class Member:
    """What eligibility reads of a worker: their active membership's union (its id and tree path),
    employment form and occupation tags (read when a rule asks for tags). ``None`` from
    ``member_of`` for a worker who is not an active member."""

    __slots__ = ("org_id", "path", "employment_form", "person_id", "_tag_ids")

    def __init__(self, *, org_id: int, path: str, employment_form: str, person_id: int):
        self.org_id = org_id
        self.path = path
        self.employment_form = employment_form
        self.person_id = person_id
        self._tag_ids: frozenset[int] | None = None

    @classmethod
    def of(cls, membership: Membership) -> Member:
        return cls(
            org_id=membership.org_id,
            path=membership.org.path,
            employment_form=membership.person.employment_form,
            person_id=membership.person_id,
        )

    @property
    def tag_ids(self) -> frozenset[int]:
        if self._tag_ids is None:
            with scopes_disabled():
                through = Person.occupation_tags.through
                self._tag_ids = frozenset(
                    through.objects.filter(person_id=self.person_id).values_list(
                        "occupationtag_id", flat=True
                    )
                )
        return self._tag_ids


# The claim path asks this for every request: four columns in plain SQL, not three whole models
# built by the ORM, in a statement PostgreSQL plans once per connection (bench/voucher_claims.py).
_MEMBER_SQL = (
    "SELECT m.org_id, o.path, p.employment_form, p.id FROM members_membership m "
    "JOIN members_person p ON p.id = m.person_id JOIN orgs_org o ON o.id = m.org_id "
    "WHERE p.user_id = %s AND m.status = %s ORDER BY m.id LIMIT 1"
)


def member_of(user: User) -> Member | None:
    """The signed-in worker as a member, cached on the user object (once per request)."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "is_staff_member", False):
        return None
    if not hasattr(user, "_benefits_member"):
        with prepared(), connection.cursor() as cursor:
            cursor.execute(_MEMBER_SQL, [user.pk, MembershipStatus.ACTIVE.value])
            row = cursor.fetchone()
        member = None
        if row is not None:
            member = Member(org_id=row[0], path=row[1], employment_form=row[2], person_id=row[3])
        setattr(user, "_benefits_member", member)  # noqa: B010 (a per-request cache)
    return getattr(user, "_benefits_member")  # noqa: B009


def eligibility_tags(thing: Eligibility) -> frozenset[int]:
    """The occupation tags a service, campaign or programme asks for, cached on the object."""
    cached = getattr(thing, "_tag_ids", None)
    if cached is None:
        with scopes_disabled():
            cached = frozenset(thing.occupation_tags.values_list("id", flat=True))
        thing._tag_ids = cached
    return cached


def is_eligible(member: Member | None, thing: Eligibility) -> bool:
    if member is None:
        return False
    if not member.path.startswith(thing.org.path):
        return False
    if thing.employment_forms and member.employment_form not in thing.employment_forms:
        return False
    tags = eligibility_tags(thing)
    return not tags or bool(tags & member.tag_ids)
