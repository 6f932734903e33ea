"""消息: the worker's inbox on the mobile web (the home page's tile shows the unread count)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from smartunion.core.http import safe_redirect_target
from smartunion.mobile.helpers import worker_required
from smartunion.notifications.selectors import inbox_counts, inbox_list
from smartunion.notifications.services import inbox_mark_read


@worker_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """消息: the worker's inbox on a page of its own (the home page's tile shows the unread count)."""
    total, unread = inbox_counts(user=request.user)
    return render(
        request,
        "mobile/notifications/inbox.html",
        {"inbox": inbox_list(user=request.user), "total": total, "unread": unread},
    )


@worker_required
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    """Mark one message read (``message``), or all of them; back to the page the worker came from."""
    inbox_mark_read(user=request.user, pk=request.POST.get("message") or None)
    back = f"{reverse('mobile:membership')}#inbox"
    return redirect(safe_redirect_target(request, request.POST.get("next"), back))
