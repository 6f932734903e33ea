"""提醒: a staff member's inbox in the console. The daily case reminders (a clock due or past) and any
other message for them land here; the start page shows the unread ones."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from smartunion.console.helpers import render_page, staff_required
from smartunion.core.http import safe_redirect_target
from smartunion.notifications.selectors import inbox_counts, inbox_list
from smartunion.notifications.services import inbox_mark_read


@require_GET
@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    total, unread = inbox_counts(user=request.user)
    return render_page(
        request,
        "console/inbox/inbox.html",
        {"inbox": inbox_list(user=request.user, limit=200), "total": total, "unread": unread},
    )


@require_POST
@staff_required
def inbox_read(request: HttpRequest) -> HttpResponse:
    """Mark one message read (``message``), or all of them; only the user's own."""
    inbox_mark_read(user=request.user, pk=request.POST.get("message") or None)
    return redirect(safe_redirect_target(request, request.POST.get("next"), reverse("console:inbox")))
