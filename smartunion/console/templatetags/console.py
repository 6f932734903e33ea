from __future__ import annotations

from django import template
from django.utils.translation import gettext

from smartunion.accounts.permissions import has_perm, has_perm_at_root
from smartunion.core.audit import AuditAction

register = template.Library()

SECTIONS = {
    "org": "orgs",
    "enterprise": "enterprises",
    "role": "roles",
    "staff": "roles",
    "audit": "audit",
    "home": "home",
    "member": "members",
    "roster": "members",
    "application": "applications",
    "transfer": "transfers",
    "calendar": "calendar",
    "figure": "figures",
    "breakfast": "benefits",
    "statement": "benefits",
    "benefits_figures": "benefits",
    # One menu entry for member benefits; its pages are reached by the tabs on each of them.
    "benefits_": "benefits",
}


@register.filter
def nav_section(url_name: str | None) -> str:
    name = url_name or ""
    for prefix, section in SECTIONS.items():
        if name.startswith(prefix):
            return section
    return ""


@register.simple_tag(takes_context=True)
def user_has_perm(context, perm: str, org=None) -> bool:
    user = context.get("user")
    return has_perm(user, perm, org)


@register.simple_tag(takes_context=True)
def user_has_perm_at_root(context, perm: str) -> bool:
    """For federation-wide rights (the holiday calendar): held on a top-level node."""
    return has_perm_at_root(context.get("user"), perm)


@register.filter
def action_label(action: str) -> str:
    return AuditAction.label_of(action)


@register.filter
def role_name(role) -> str:
    """Role names are data; the built-in ones have translations."""
    return gettext(role.name) if role is not None else ""
