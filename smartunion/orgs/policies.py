"""Who may do what with the organisation tree and the enterprise register, as named predicates
asked by every end (console pages and buttons, the API) and by the services here.

A flag held on a node counts on its whole subtree (``accounts.permissions``). ``can_*`` answer yes
or no; ``require_*`` raise ``Forbidden`` (403) with the flag's name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from smartunion.accounts.permissions import has_perm, require_perm

if TYPE_CHECKING:
    from smartunion.accounts.models import User
    from smartunion.orgs.models import Enterprise, Org


# --- The organisation tree -----------------------------------------------------------------------


def can_view_org(user: User, org: Org) -> bool:
    """Open a node's page, or see it named (a breadcrumb, an enterprise's union): ``orgs.view`` on it."""
    return has_perm(user, "orgs.view", org)


def require_view_org(user: User, org: Org) -> None:
    """``can_view_org``, or Forbidden."""
    require_perm(user, "orgs.view", org)


def can_change_org(user: User, org: Org) -> bool:
    """Edit a node, move it, or add a node under it: ``orgs.change`` on it."""
    return has_perm(user, "orgs.change", org)


def require_change_org(user: User, org: Org) -> None:
    """``can_change_org``, or Forbidden."""
    require_perm(user, "orgs.change", org)


def can_delete_org(user: User, org: Org) -> bool:
    """Delete a node: ``orgs.delete`` on it."""
    return has_perm(user, "orgs.delete", org)


def require_delete_org(user: User, org: Org) -> None:
    """``can_delete_org``, or Forbidden."""
    require_perm(user, "orgs.delete", org)


# --- The enterprise register ---------------------------------------------------------------------


def can_view_enterprises(user: User) -> bool:
    """Browse the enterprise register: ``enterprises.view`` held anywhere (the list shows the
    subtrees where it is held)."""
    return has_perm(user, "enterprises.view")


def can_add_enterprise(user: User, org: Org | None = None) -> bool:
    """Register an enterprise with the union ``org``: ``enterprises.change`` on it, and never with a
    service body (a mediation centre keeps no enterprises). Without ``org``: held anywhere."""
    if org is None:
        return has_perm(user, "enterprises.change")
    return has_perm(user, "enterprises.change", org) and not org.is_service_body


def _enterprise_perm(user: User, perm: str, enterprise: Enterprise) -> bool:
    """Staff act on an enterprise through its responsible union or its covering union."""
    return has_perm(user, perm, enterprise.org) or (
        enterprise.covering_union is not None and has_perm(user, perm, enterprise.covering_union)
    )


def _require_enterprise_perm(user: User, perm: str, enterprise: Enterprise) -> None:
    if not _enterprise_perm(user, perm, enterprise):
        require_perm(user, perm, enterprise.org)  # raises Forbidden with the usual message


def can_view_enterprise(user: User, enterprise: Enterprise) -> bool:
    """Open an enterprise: ``enterprises.view`` on its responsible or its covering union."""
    return _enterprise_perm(user, "enterprises.view", enterprise)


def require_view_enterprise(user: User, enterprise: Enterprise) -> None:
    """``can_view_enterprise``, or Forbidden."""
    _require_enterprise_perm(user, "enterprises.view", enterprise)


def can_change_enterprise(user: User, enterprise: Enterprise) -> bool:
    """Edit an enterprise: ``enterprises.change`` on its responsible or its covering union."""
    return _enterprise_perm(user, "enterprises.change", enterprise)


def require_change_enterprise(user: User, enterprise: Enterprise) -> None:
    """``can_change_enterprise``, or Forbidden."""
    _require_enterprise_perm(user, "enterprises.change", enterprise)


def can_delete_enterprise(user: User, enterprise: Enterprise) -> bool:
    """Delete an enterprise: ``enterprises.delete`` on its responsible or its covering union."""
    return _enterprise_perm(user, "enterprises.delete", enterprise)


def require_delete_enterprise(user: User, enterprise: Enterprise) -> None:
    """``can_delete_enterprise``, or Forbidden."""
    _require_enterprise_perm(user, "enterprises.delete", enterprise)
