"""Transfers touching the viewer's unions: the receiving union approves or rejects; the sending
side follows them read-only."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartunion.accounts.middleware import request_address
from smartunion.accounts.permissions import scope_with_perm
from smartunion.console.forms.members import DecisionForm, TransferCancelForm
from smartunion.console.helpers import PAGE_SIZE, apply_domain_error, render_page, staff_required
from smartunion.console.views.members import cursor_page, first_page_url, next_page_url
from smartunion.core.errors import Conflict, ValidationFailed
from smartunion.members.models import TransferStatus
from smartunion.members.policies import can_cancel_transfer, can_decide_transfer, can_view_members
from smartunion.members.selectors import transfer_get, transfers_open
from smartunion.members.services import transfer_cancel, transfer_decide


@require_GET
@staff_required(perm="members.view", lists=True)
def transfer_queue(request):
    rows, cursor, followed = cursor_page(
        request, transfers_open(), list_name="transfers", keys=("created_at", "id"), limit=PAGE_SIZE
    )
    incoming = [t for t in rows if can_decide_transfer(request.user, t)]
    outgoing = [t for t in rows if t not in incoming]
    context = {
        "incoming": incoming,
        "outgoing": outgoing,
        "next_url": next_page_url(request, cursor) if cursor else "",
        "first_url": first_page_url(request) if followed else "",
    }
    return render_page(request, "console/members/transfer_queue.html", context)


def _transfer_i_may_view(user, pk):
    """A transfer touching a union where the user holds members.view: another role's wider scope
    (a cockpit viewer's district) does not open other unions' transfers (404, as out of scope)."""
    with scope_with_perm(user, "members.view"):
        return transfer_get(pk=pk)


@require_http_methods(["GET", "POST"])
@staff_required(perm="members.view")
def transfer_detail(request, pk):
    transfer = _transfer_i_may_view(request.user, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            transfer_decide(
                actor=request.user,
                transfer=transfer,
                approve=approve,
                reason=form.cleaned_data["reason"],
                client_address=request_address(request),
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("console:transfer_detail", pk=transfer.pk)
        else:
            name = transfer.person.real_name
            if approve:
                messages.success(
                    request, _("%(name)s moved to %(org)s.") % {"name": name, "org": transfer.to_org.name}
                )
            else:
                messages.success(request, _("The transfer of %(name)s was rejected.") % {"name": name})
            return redirect("console:transfer_queue")
    return transfer_detail_page(request, transfer, form=form)


def transfer_detail_page(request, transfer, *, form=None, cancel_form=None):
    form = form or DecisionForm()
    approved = transfer.status == TransferStatus.APPROVED
    holding_org = transfer.to_org if approved else transfer.from_org
    context = {
        "transfer": transfer,
        "form": form,
        "can_decide": transfer.status == TransferStatus.REQUESTED
        and can_decide_transfer(request.user, transfer),
        "can_open_person": can_view_members(request.user, holding_org),
        "can_cancel": transfer.status == TransferStatus.REQUESTED
        and can_cancel_transfer(request.user, transfer),
        "cancel_form": cancel_form or TransferCancelForm(),
    }
    status = 400 if form.errors or (cancel_form is not None and cancel_form.errors) else 200
    return render_page(request, "console/members/transfer_detail.html", context, status=status)


@require_POST
@staff_required(perm="members.view")
def transfer_cancel_view(request, pk):
    """Call off a waiting transfer: the sending union, or the receiving one (the service decides)."""
    transfer = _transfer_i_may_view(request.user, pk)
    form = TransferCancelForm(request.POST)
    if not form.is_valid():
        return transfer_detail_page(request, transfer, cancel_form=form)
    try:
        transfer_cancel(
            actor=request.user,
            transfer=transfer,
            reason=form.cleaned_data["reason"],
            client_address=request_address(request),
        )
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The transfer of %(name)s was cancelled.") % {"name": transfer.person.real_name}
        )
    return redirect("console:transfer_detail", pk=transfer.pk)
