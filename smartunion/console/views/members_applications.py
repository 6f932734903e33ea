"""The union's queue of applications to join: answer within the deadline; overdue ones are flagged
and escalate to the level above."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from smartunion.accounts.middleware import request_address
from smartunion.accounts.permissions import orgs_with_perm_paths, scope_with_perm
from smartunion.console.forms.members import DecisionForm
from smartunion.console.helpers import (
    PAGE_SIZE,
    apply_domain_error,
    calendar_warning,
    render_page,
    staff_required,
)
from smartunion.console.views.members import cursor_page, first_page_url, next_page_url
from smartunion.core.errors import Conflict, ValidationFailed
from smartunion.members.policies import can_decide_application
from smartunion.members.selectors import application_get, applications_escalated, applications_queue
from smartunion.members.services import join_decide, person_open

QUEUE_KEYS = ("due_date", "id")


@require_http_methods(["GET"])
@staff_required(perm="members.view", lists=True)
def application_queue(request):
    tab = "escalated" if request.GET.get("tab") == "escalated" else "open"
    if tab == "escalated":
        qs = applications_escalated(roots=orgs_with_perm_paths(request.user, "members.view"))
    else:
        qs = applications_queue()
    # Each tab pages on its own cursors.
    rows, cursor, followed = cursor_page(
        request, qs, list_name=f"applications.{tab}", keys=QUEUE_KEYS, limit=PAGE_SIZE
    )
    context = {
        "days": settings.JOIN_RESPONSE_WORKING_DAYS,
        "tab": tab,
        "rows": rows,
        "next_url": next_page_url(request, cursor) if cursor else "",
        "first_url": first_page_url(request) if followed else "",
        **calendar_warning(request.user),
    }
    return render_page(request, "console/members/application_queue.html", context, partial="results")


@require_http_methods(["GET", "POST"])
@staff_required(perm="members.view")
def application_detail(request, pk):
    # Only in the unions where the user holds members.view: a second role's wider scope does not
    # open other unions' applications (a refused decision would otherwise show the applicant).
    with scope_with_perm(request.user, "members.view"):
        application = application_get(pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            decided = join_decide(
                actor=request.user,
                membership=application,
                approve=approve,
                reason=form.cleaned_data["reason"],
                client_address=request_address(request),
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("console:application_queue")
        else:
            name = application.person.real_name
            if approve:
                messages.success(
                    request,
                    _("%(name)s was admitted; membership number %(number)s.")
                    % {"name": name, "number": decided.number},
                )
            else:
                messages.success(request, _("The application of %(name)s was rejected.") % {"name": name})
            return redirect("console:application_queue")
    if request.method == "GET":
        # Opening the applicant's data is recorded: the worker sees who looked.
        person = person_open(
            actor=request.user, pk=application.person_id, client_address=request_address(request)
        )
    else:
        person = application.person
    context = {
        "application": application,
        "person": person,
        "form": form,
        "can_decide": can_decide_application(request.user, application),
        **calendar_warning(request.user, years=[application.due_date.year] if application.due_date else []),
    }
    return render_page(
        request, "console/members/application_detail.html", context, status=400 if form.errors else 200
    )
