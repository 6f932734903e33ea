"""Permission flags, the default roles, and how a staff member's grants become scope and rights.

A grant of a role on a node gives its permission flags on that node's whole subtree. Scope (what a
staff member may see at all) is the union of the subtrees of all their grants; a permission is
checked against the object's org: outside the scope is 404, inside without the flag is 403.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from smartunion.accounts.models import RoleGrant
from smartunion.core.errors import Forbidden
from smartunion.core.scoping import EMPTY_SCOPE, Scope, activate, scopes_disabled
from smartunion.core.tree import collapse_prefixes

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

PERMISSIONS: dict[str, StrPromise] = {
    "orgs.view": _("View organisations"),
    "orgs.change": _("Add, edit and move organisations"),
    "orgs.delete": _("Delete organisations"),
    "enterprises.view": _("View enterprises"),
    "enterprises.change": _("Add and edit enterprises"),
    "enterprises.delete": _("Delete enterprises"),
    "roles.view": _("View role grants"),
    "roles.grant": _("Grant and revoke roles"),
    "audit.view": _("Browse the audit log"),
    "members.view": _("View members"),
    "members.change": _("Manage members"),
    "members.unmask": _("Show full personal data"),
    "cases.mediate": _("Handle mediation cases"),
    "cases.legal_aid": _("Handle legal-aid cases"),
    "cases.view": _("View cases (without evidence files)"),
    "cases.route": _("Change where new cases go"),
    "benefits.redeem": _("Verify vouchers and cards"),
    "benefits.view": _("View merchants, campaigns, breakfast programmes and their figures"),
    "benefits.manage": _("Manage merchants, the service catalogue, campaigns and breakfast programmes"),
    "benefits.settle": _("Review and approve merchant statements"),
    "cockpit.view": _("View the data cockpit"),
    # Federation-wide, not per subtree: it counts only when held on a top-level node
    # (has_perm_at_root); see docs/decisions/0012-holiday-calendar.md.
    "calendar.change": _("Edit the holiday calendar"),
    # Federation-wide too: the minimum and average wages per region the statutory calculator uses.
    "figures.change": _("Edit the regional wage figures"),
}

# code: (name, flags, description). Seeded by migration; administrators may add more as data.
DEFAULT_ROLES: dict[str, tuple[str, list[str], str]] = {
    "federation_admin": (
        gettext_noop("Federation administrator"),
        list(PERMISSIONS),
        "Organisation tree, roles, settings, audit and security for a subtree.",
    ),
    "union_staff": (
        gettext_noop("Union staff"),
        [
            "orgs.view",
            "orgs.change",
            "enterprises.view",
            "enterprises.change",
            "members.view",
            "members.change",
            "roles.view",
            "cockpit.view",
            "cases.view",
            "benefits.view",
            "benefits.manage",
            "benefits.settle",
        ],
        "District, street or industry union staff overseeing a subtree.",
    ),
    "grassroots_staff": (
        gettext_noop("Grassroots union staff"),
        ["orgs.view", "enterprises.view", "enterprises.change", "members.view", "members.change"],
        "Keeps a grassroots union's roster, approves joins and transfers.",
    ),
    "mediator": (
        gettext_noop("Mediator"),
        ["orgs.view", "enterprises.view", "cases.mediate"],
        "Labour-dispute mediation.",
    ),
    "legal_aid_officer": (
        gettext_noop("Legal-aid officer"),
        ["orgs.view", "enterprises.view", "cases.legal_aid"],
        "Legal aid for workers.",
    ),
    "merchant_clerk": (
        gettext_noop("Merchant clerk"),
        ["benefits.redeem"],
        "Verifies vouchers and breakfast cards.",
    ),
    "cockpit_viewer": (gettext_noop("Cockpit viewer"), ["cockpit.view"], "Reads the data cockpit."),
    "audit_admin": (
        gettext_noop("Audit administrator"),
        ["orgs.view", "audit.view", "roles.view"],
        "Reviews the audit log.",
    ),
}


def _grants(user) -> list[tuple[str, frozenset[str]]]:
    """(org path, flags) per grant, loaded once per user object (i.e. once per request)."""
    cached = getattr(user, "_grant_cache", None)
    if cached is None:
        with scopes_disabled():
            rows = RoleGrant.objects.filter(user=user).values_list("org__path", "role__permissions")
            cached = [(path, frozenset(flags)) for path, flags in rows]
        user._grant_cache = cached
    return cached


def scope_for_user(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff_member:
        return EMPTY_SCOPE
    return Scope(prefixes=collapse_prefixes(path for path, _flags in _grants(user)))


def has_perm(user, perm: str, org=None) -> bool:
    """Does ``user`` hold ``perm`` on ``org`` (or anywhere, when org is None)?"""
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff_member:
        return False
    for path, flags in _grants(user):
        if perm in flags and (org is None or org.path.startswith(path)):
            return True
    return False


def has_perm_at_root(user, perm: str) -> bool:
    """Does ``user`` hold ``perm`` on a top-level node? For rights over data that belongs to the
    whole installation rather than to a subtree (the holiday calendar): a district's administrator
    holds the same role, but not over what every other district's deadlines depend on."""
    if not has_perm(user, perm):
        return False
    return Scope(prefixes=orgs_with_perm_paths(user, perm)).includes_a_root


def require_perm(user, perm: str, org=None) -> None:
    if not has_perm(user, perm, org):
        raise Forbidden(_("You do not have the permission “%(perm)s” here.") % {"perm": PERMISSIONS[perm]})


def orgs_with_perm_paths(user, perm: str) -> tuple[str, ...]:
    return collapse_prefixes(path for path, flags in _grants(user) if perm in flags)


def forget_grants(user) -> None:
    if hasattr(user, "_grant_cache"):
        del user._grant_cache


def scope_with_perm(user, perm: str) -> contextlib.AbstractContextManager[Scope]:
    """Narrow the active scope to the subtrees where ``user`` holds ``perm``. Every listing (console
    and API) runs inside it, so a list shows only rows the user may open: a cockpit viewer's grant
    on the city widens their scope, not their right to browse enterprises."""
    return activate(Scope(prefixes=orgs_with_perm_paths(user, perm)))
