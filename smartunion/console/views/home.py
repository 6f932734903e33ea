from __future__ import annotations

from django.views.decorators.http import require_GET

from smartunion.accounts.models import RoleGrant
from smartunion.accounts.permissions import has_perm, scope_with_perm
from smartunion.console.helpers import calendar_warning, render_page, staff_required
from smartunion.orgs.selectors import enterprise_search, org_search


def _count_with(user, perm: str, selector) -> int | None:
    """How many rows the list behind ``perm`` shows (counted in the scope narrowed to the flag,
    like the list itself), or None when the user holds the flag nowhere."""
    if not has_perm(user, perm):
        return None
    with scope_with_perm(user, perm):
        return selector().count()


@require_GET
@staff_required
def home(request):
    user = request.user
    grants = RoleGrant.objects.filter(user=user).select_related("role", "org").order_by("org__path")
    context = {
        "grants": grants,
        "org_count": _count_with(user, "orgs.view", org_search),
        "enterprise_count": _count_with(user, "enterprises.view", enterprise_search),
        **calendar_warning(user),
    }
    return render_page(request, "console/home.html", context)
