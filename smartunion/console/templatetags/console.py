from __future__ import annotations

from django import template
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from smartunion.accounts.permissions import has_perm, has_perm_at_root

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
}

# What the audit log's action codes mean, in words: every action the code records has one
# (tests/console/audit/test_audit.py finds them all in the source).
ACTION_LABELS = {
    "signin.password": _("Password sign-in"),
    "signin.second_factor": _("Second-factor sign-in"),
    "signin.code": _("One-time code sign-in"),
    "2fa.enrol": _("Authenticator enrolled"),
    "2fa.reset": _("Authenticator reset by an administrator"),
    "reauth": _("Re-authentication"),
    "token.issue": _("API token issued"),
    "token.revoke": _("API token revoked"),
    "worker.register": _("Worker registered"),
    "worker.activate": _("Worker linked their member record to their account"),
    "person.self_update": _("Worker corrected their own data"),
    "person.self_export": _("Worker downloaded their own data"),
    "account.close": _("Worker closed their account"),
    "password.change": _("Password changed"),
    "role.grant": _("Role granted"),
    "role.revoke": _("Role revoked"),
    "staff.create": _("Staff account created"),
    "org.create": _("Organisation added"),
    "org.update": _("Organisation edited"),
    "org.move": _("Organisation moved"),
    "org.delete": _("Organisation deleted"),
    "enterprise.create": _("Enterprise registered"),
    "enterprise.update": _("Enterprise edited"),
    "enterprise.delete": _("Enterprise deleted"),
    "person.view": _("Member record opened"),
    "person.unmask": _("Full personal data shown"),
    "person.update": _("Member record edited"),
    "member.enrol": _("Member enrolled by staff"),
    "person.enrol": _("Member record entered by staff"),
    "membership.apply": _("Application to join"),
    "membership.transition": _("Membership status changed"),
    "transfer.request": _("Transfer requested"),
    "transfer.approve": _("Transfer approved"),
    "transfer.reject": _("Transfer rejected"),
    "transfer.cancel": _("Transfer called off"),
    "roster.validate": _("Roster uploaded and checked"),
    "roster.import": _("Roster imported"),
    "roster.export": _("Roster exported (masked)"),
    "roster.export_unmasked": _("Roster exported with full personal data"),
    "holiday.create": _("Holiday calendar: date added"),
    "holiday.update": _("Holiday calendar: date changed"),
    "holiday.delete": _("Holiday calendar: date removed"),
    "holiday.notice": _("Holiday calendar: notice entered"),
    "holiday.notice_delete": _("Holiday calendar: notice deleted"),
    "demo.seed": _("Demo data created (organisations and accounts)"),
    "demo.members": _("Demo data created (members)"),
    "audit.rekey": _("Audit chain keyed from here on (re-key record)"),
    "password.reset": _("Worker reset their password by one-time code"),
    "account.mobile_change": _("Worker changed their sign-in number"),
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
    return str(ACTION_LABELS.get(action, action))


@register.filter
def role_name(role) -> str:
    """Role names are data; the built-in ones have translations."""
    return gettext(role.name) if role is not None else ""
