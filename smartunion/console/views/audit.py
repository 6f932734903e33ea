"""The audit log, for those who hold ``audit.view``: filters and keyset pages, newest first."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.views.decorators.http import require_GET

from smartunion.console.forms import AuditFilterForm
from smartunion.console.helpers import render_page, staff_required
from smartunion.core.models import AuditEvent
from smartunion.core.scoping import subtree_q

AUDIT_PAGE_SIZE = 50


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@require_GET
@staff_required(perm="audit.view", lists=True)
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.select_related("org").order_by("-seq")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            events = events.filter(action__startswith=data["action"].strip())
        if data["outcome"]:
            events = events.filter(outcome=data["outcome"])
        if data["actor"]:
            events = events.filter(actor_label=data["actor"].strip())
        if data["date_from"]:
            events = events.filter(created_at__gte=_day_start(data["date_from"]))
        if data["date_to"]:
            events = events.filter(created_at__lt=_day_start(data["date_to"] + timedelta(days=1)))
        if data["org"]:
            events = events.filter(subtree_q(data["org"].path, field="org"))
    before = request.GET.get("before", "")
    if before.isdigit():
        events = events.filter(seq__lt=int(before))
    # Keyset pages: one query whatever the page, the next page starts below the last seq shown.
    rows = list(events[: AUDIT_PAGE_SIZE + 1])
    params = request.GET.copy()
    params.pop("before", None)
    newest_query = params.urlencode()
    next_query = ""
    if len(rows) > AUDIT_PAGE_SIZE:
        rows = rows[:AUDIT_PAGE_SIZE]
        params["before"] = str(rows[-1].seq)
        next_query = params.urlencode()
    picked = form.cleaned_data.get("org") if form.is_bound and hasattr(form, "cleaned_data") else None
    context = {
        "form": form,
        "events": rows,
        "next_query": next_query,
        "newest_query": newest_query,
        "first_page": not before,
        "picked_org": picked,
    }
    return render_page(request, "console/audit_log.html", context, partial="results")
