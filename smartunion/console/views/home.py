from __future__ import annotations

from django.views.decorators.http import require_GET

from smartunion.accounts.models import RoleGrant
from smartunion.accounts.permissions import has_perm
from smartunion.console.helpers import render_page, staff_required
from smartunion.orgs.selectors import enterprise_search, org_search


@require_GET
@staff_required
def home(request):
    user = request.user
    grants = RoleGrant.objects.filter(user=user).select_related("role", "org").order_by("org__path")
    context = {
        "grants": grants,
        "org_count": org_search().count() if has_perm(user, "orgs.view") else None,
        "enterprise_count": enterprise_search().count() if has_perm(user, "enterprises.view") else None,
    }
    return render_page(request, "console/home.html", context)
