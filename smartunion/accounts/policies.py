"""Who may do what with staff accounts and role grants, as named predicates every end asks (the
console's pages and buttons, the mobile web's audiences, the API). The flags and how grants become
rights are in ``accounts.permissions``; a rule is written here once, in words.

``can_*`` answer yes or no; ``require_*`` raise ``Forbidden`` (403) with the flag's name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from smartunion.accounts.permissions import has_perm, require_perm

if TYPE_CHECKING:
    from smartunion.accounts.models import User
    from smartunion.orgs.models import Org


def can_view_grants(user: User, org: Org | None = None) -> bool:
    """Who holds which role: ``roles.view`` on the node (anywhere, without one)."""
    return has_perm(user, "roles.view", org)


def can_grant_role(user: User, org: Org | None = None) -> bool:
    """Grant and revoke roles, create staff and reset their authenticator: ``roles.grant`` on the
    node (for a staff account, on its home organisation; anywhere, without one)."""
    return has_perm(user, "roles.grant", org)


def require_grant_role(user: User, org: Org) -> None:
    """``can_grant_role`` on ``org``, or Forbidden."""
    require_perm(user, "roles.grant", org)


def can_redeem(user: User) -> bool:
    """A merchant clerk: verifies vouchers and cards with ``benefits.redeem``, held anywhere, since
    members show them across the federation."""
    return has_perm(user, "benefits.redeem")
