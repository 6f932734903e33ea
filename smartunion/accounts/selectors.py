"""Reads of accounts and role grants for the ends: staff accounts and grants through the scoped
managers (a staff account is in scope through its home organisation, a grant through its node)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from smartunion.accounts.models import Role, RoleGrant, User, UserKind
from smartunion.accounts.permissions import scope_with_perm
from smartunion.core.errors import NotFound
from smartunion.core.scoping import scopes_disabled


def _staff_in_scope() -> QuerySet[User]:
    """Staff accounts homed in the active scope."""
    # The visible organisations, through the tree's own scoped manager: the model is reached by
    # the relation, since accounts lies below orgs and does not import it (docs/architecture.md).
    orgs = User._meta.get_field("home_org").related_model._default_manager
    return User.objects.filter(kind=UserKind.STAFF, home_org__in=orgs.all())


def staff_grantee_find(*, actor: User, username: str) -> User | None:
    """The staff account ``username``, looked for only among staff homed where ``actor`` may grant
    roles: any other username reads as unknown, so the grant form tells nobody which usernames
    exist elsewhere in the federation."""
    with scope_with_perm(actor, "roles.grant"):
        return _staff_in_scope().filter(username=username).first()


def staff_pick_list(*, q: str, limit: int) -> list[User]:
    """Staff accounts homed in the active scope whose name or username contains ``q``, by name:
    the choices of a staff picker."""
    return list(
        _staff_in_scope()
        .filter(Q(display_name__icontains=q) | Q(username__icontains=q))
        .select_related("home_org")
        .order_by("display_name", "username")[:limit]
    )


def staff_pending_get(*, pk) -> User | None:
    """The active staff account ``pk`` between its password and its second factor, or None."""
    return User.objects.filter(pk=pk, kind=UserKind.STAFF, is_active=True).first()


def staff_names_by_id(*, ids: Iterable[int]) -> dict[int, User]:
    """Staff accounts by id, only what names them (pk, username, display name), wherever they are
    homed: for a page that shows who did something, not the accounts themselves."""
    with scopes_disabled():  # staff accounts are not org-owned rows; only their names are shown
        return {u.pk: u for u in User.objects.filter(pk__in=ids).only("pk", "username", "display_name")}


def roles_by_code() -> dict[str, Role]:
    return {role.code: role for role in Role.objects.all()}


def role_grant_list(*, username_part: str = "") -> QuerySet[RoleGrant]:
    """Grants in scope, by node, then username; only users whose username contains
    ``username_part`` when given."""
    grants = RoleGrant.objects.select_related("user", "role", "org").order_by(
        "org__path", "user__username", "pk"
    )
    if username_part:
        grants = grants.filter(user__username__icontains=username_part)
    return grants


def role_grant_get(*, pk) -> RoleGrant:
    try:
        return RoleGrant.objects.select_related("user", "role", "org").get(pk=int(pk))
    except (RoleGrant.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("This role grant does not exist.")) from None


def role_grants_of_user(*, user: User) -> list[RoleGrant]:
    """The grants ``user`` holds, by node."""
    return list(
        RoleGrant.objects.filter(user=user).select_related("role", "org").order_by("org__path", "role_id")
    )


def role_grants_at_org(*, org) -> QuerySet[RoleGrant]:
    """The grants on the node ``org`` itself, by username."""
    return RoleGrant.objects.filter(org=org).select_related("user", "role").order_by("user__username")
