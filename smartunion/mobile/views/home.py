"""The mobile web's home page: for a signed-in worker, their services as tiles and the unread
messages; for anyone else, how to sign in or register."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from smartunion.members.selectors import my_inbox_counts, worker_membership


def home(request: HttpRequest) -> HttpResponse:
    """首页: for a signed-in worker, their services as tiles and the unread messages; for anyone
    else, how to sign in or register."""
    context = {}
    if request.user.is_authenticated and not request.user.is_staff_member:
        _total, unread = my_inbox_counts(user=request.user)
        context = {"unread": unread, "membership": worker_membership(user=request.user).membership}
    return render(request, "mobile/home/home.html", context)
