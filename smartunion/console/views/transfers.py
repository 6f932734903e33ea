"""Transfers touching the viewer's unions: the receiving union approves or rejects; the sending
side follows them read-only."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from smartunion.accounts.middleware import request_address
from smartunion.accounts.permissions import has_perm
from smartunion.console.helpers import PAGE_SIZE, apply_domain_error, render_page, staff_required
from smartunion.console.member_forms import DecisionForm
from smartunion.console.views.members import decode_cursor, encode_cursor, first_page_url, next_page_url
from smartunion.core.errors import Conflict, ValidationFailed
from smartunion.members.models import TransferStatus
from smartunion.members.selectors import keyset_page, transfer_get, transfers_open
from smartunion.members.services import transfer_decide


@require_GET
@staff_required(perm="members.view")
def transfer_queue(request):
    after = decode_cursor(request.GET.get("after"), arity=2)
    rows, cursor = keyset_page(transfers_open(), after=after, limit=PAGE_SIZE, keys=("created_at", "id"))
    incoming = [t for t in rows if has_perm(request.user, "members.change", t.to_org)]
    outgoing = [t for t in rows if t not in incoming]
    context = {
        "incoming": incoming,
        "outgoing": outgoing,
        "next_url": next_page_url(request, encode_cursor(cursor)) if cursor else "",
        "first_url": first_page_url(request) if after else "",
    }
    return render_page(request, "console/transfer_queue.html", context)


@require_http_methods(["GET", "POST"])
@staff_required(perm="members.view")
def transfer_detail(request, pk):
    transfer = transfer_get(pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            transfer_decide(
                actor=request.user,
                transfer=transfer,
                approve=approve,
                reason=form.cleaned_data["reason"],
                address=request_address(request),
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
    approved = transfer.status == TransferStatus.APPROVED
    holding_org = transfer.to_org if approved else transfer.from_org
    context = {
        "transfer": transfer,
        "form": form,
        "can_decide": transfer.status == TransferStatus.REQUESTED
        and has_perm(request.user, "members.change", transfer.to_org),
        "can_open_person": has_perm(request.user, "members.view", holding_org),
    }
    return render_page(request, "console/transfer_detail.html", context, status=400 if form.errors else 200)
