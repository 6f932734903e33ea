"""The mobile web's home pages, one per audience: the workers' (their services as tiles and the
unread messages, or how to sign in or register). The merchant clerks' home is with their
benefits pages (``mobile.views.benefits.merchant_home``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from smartunion.cases.selectors import my_cases
from smartunion.members.selectors import worker_membership
from smartunion.notifications.selectors import inbox_counts


def home(request: HttpRequest) -> HttpResponse:
    """首页: for a signed-in worker, their services as tiles and the unread messages; for anyone
    else, how to sign in or register."""
    context = {}
    if request.user.is_authenticated and not request.user.is_staff_member:
        _total, unread = inbox_counts(user=request.user)
        context = {
            "unread": unread,
            "membership": worker_membership(user=request.user).membership,
            "open_cases": sum(1 for case in my_cases(user=request.user) if case.is_open),
        }
    return render(request, "mobile/home/home.html", context)
