"""The console's start page: what the signed-in staff member's roles give them to do.

Counts come from the same selectors, in the same narrowed scope, as the lists they link to; a link
is shown only to someone who may open it, and the services whose pages are not built yet are named
as such instead of leading to an empty or forbidden page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from smartunion.accounts.permissions import has_perm, orgs_with_perm_paths, scope_with_perm
from smartunion.accounts.policies import can_view_grants
from smartunion.accounts.selectors import role_grants_of_user
from smartunion.cases.policies import can_handle_any, can_view_cases
from smartunion.cases.selectors import QueueFilters, case_queue
from smartunion.console.helpers import calendar_warning, render_page, staff_required
from smartunion.holidays.policies import can_change_calendar
from smartunion.labourlaw.policies import can_change_figures
from smartunion.members.policies import can_decide_transfer, can_view_members
from smartunion.members.selectors import applications_queue, transfers_incoming, transfers_open
from smartunion.notifications.selectors import inbox_counts, inbox_list
from smartunion.orgs.policies import can_view_org
from smartunion.orgs.selectors import enterprise_search, org_search

# The start page is a menu definition: its tables (this one, the shortcuts, the counted lists) stay
# keyed by the flag each linked page asks for with ``staff_required(perm=...)``, like the menu in
# base.html. Every other rule is asked of the domains' policies (``<app>/policies.py``).

# Flags of services the console has no pages for yet: the start page says so to those who hold them.
SERVICES_NOT_BUILT = (
    ("benefits.redeem", _("Verifying vouchers and breakfast cards")),
    ("cockpit.view", _("The data cockpit")),
)


def _count_with(user, perm: str, selector) -> int | None:
    """How many rows the list behind ``perm`` shows (counted in the scope narrowed to the flag,
    like the list itself), or None when the user holds the flag nowhere."""
    if not has_perm(user, perm):
        return None
    with scope_with_perm(user, perm):
        return selector().count()


def _todo(user) -> dict[str, int] | None:
    """The membership work waiting: open and overdue applications, transfers to answer and sent."""
    if not can_view_members(user):
        return None
    with scope_with_perm(user, "members.view"):
        transfers = transfers_open().count()
        # Into the unions where the viewer decides transfers (``can_decide_transfer``), as a scope.
        incoming = transfers_incoming(roots=orgs_with_perm_paths(user, "members.change")).count()
        return {
            "applications": applications_queue().count(),
            "overdue": applications_queue(overdue_only=True).count(),
            "transfers_in": incoming,
            "transfers_out": transfers - incoming,
        }


def _case_work(user) -> dict[str, int] | None:
    """The case work waiting, counted by the queue's own selector (so a count and the list it
    links to agree): my open cases, the centre's new ones, and the cases past or near a clock."""
    if not can_view_cases(user):
        return None

    def count(**filters) -> int:
        return case_queue(user=user, filters=QueueFilters(**filters)).count()

    return {
        "handles": can_handle_any(user),
        "mine": count(view="mine"),
        "new": count(status="received"),
        "overdue": count(clock="overdue"),
        "due_soon": count(clock="due_soon"),
        "urgent": count(clock="urgent"),
    }


def _shortcuts(user) -> list[tuple[str, str]]:
    """(address, label) of the pages this user may open, in the order of their daily work."""
    links = [
        ("members.view", "console:application_queue", _("Answer applications to join")),
        ("members.view", "console:member_list", _("Find a member")),
        ("members.change", "console:member_add", _("Enrol a member")),
        ("members.view", "console:roster_home", _("Import or export a roster")),
        ("orgs.view", "console:org_tree", _("Browse the organisation tree")),
        ("enterprises.view", "console:enterprise_list", _("Search the enterprise register")),
        ("enterprises.change", "console:enterprise_add", _("Register an enterprise")),
        ("roles.grant", "console:role_grant", _("Grant a role")),
        ("roles.grant", "console:staff_add", _("Create a staff account")),
        ("audit.view", "console:audit_log", _("Review the audit log")),
        ("benefits.view", "console:breakfast_list", _("Run the love-breakfast programmes")),
        ("benefits.view", "console:statement_list", _("Review merchant statements")),
        ("benefits.view", "console:benefits_figures", _("Benefits figures")),
        ("benefits.view", "console:benefits_campaign_list", _("Run voucher campaigns")),
        ("benefits.view", "console:benefits_merchant_list", _("Keep the merchants and their agreements")),
        ("benefits.view", "console:benefits_service_list", _("Keep the service catalogue")),
    ]
    shown = [(reverse(name), label) for perm, name, label in links if has_perm(user, perm)]
    if can_handle_any(user):
        shown[:0] = [
            (reverse("console:case_queue"), _("Work the case queue")),
            (reverse("console:case_new"), _("Enter an application taken by phone or in person")),
        ]
    elif can_view_cases(user):
        shown.append((reverse("console:case_queue"), _("Read the cases of my scope")))
    if can_view_cases(user) or has_perm(user, "cockpit.view"):
        shown.append((reverse("console:case_numbers"), _("Case numbers")))
    if has_perm(user, "cases.route"):
        shown.append((reverse("console:case_routing"), _("Keep the case routing rules")))
    if can_change_calendar(user):
        shown.append((reverse("console:calendar"), _("Keep the holiday calendar")))
    if can_change_figures(user):
        shown.append((reverse("console:figure_list"), _("Keep the regional wage figures")))
    return shown


@require_GET
@staff_required
def home(request):
    user = request.user
    grants = role_grants_of_user(user=user)
    for grant in grants:
        grant.org_link = can_view_org(user, grant.org)
    context = {
        "grants": grants,
        "org_count": _count_with(user, "orgs.view", org_search),
        "enterprise_count": _count_with(user, "enterprises.view", enterprise_search),
        "can_view_roles": can_view_grants(user),
        "todo": _todo(user),
        "cases": _case_work(user),
        "can_decide": can_decide_transfer(user),
        "not_built": [label for perm, label in SERVICES_NOT_BUILT if has_perm(user, perm)],
        "shortcuts": _shortcuts(user),
        "reminders": [m for m in inbox_list(user=user, limit=20) if m.read_at is None][:5],
        "reminders_unread": inbox_counts(user=user)[1],
        **calendar_warning(user),
    }
    return render_page(request, "console/home/home.html", context)
