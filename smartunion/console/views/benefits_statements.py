"""Settlement: the merchants' monthly statements of the viewer's subtree, one statement with its
lines and totals, approval (``benefits.settle``; an approved statement is final), the .xlsx
download, and generating a month's statements on demand (the scheduled task does it monthly).

A statement belongs to its merchant's organisation: outside the viewer's ``benefits.view`` subtrees
it does not exist (404); approving needs ``benefits.settle`` on it (403)."""

from __future__ import annotations

import re
from datetime import date

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartunion.accounts.middleware import request_address
from smartunion.accounts.permissions import has_perm, scope_with_perm
from smartunion.benefits.models import Statement, StatementStatus
from smartunion.benefits.policies import can_settle, can_view_benefits
from smartunion.benefits.selectors import merchants_list, statement_get, statements_list
from smartunion.benefits.services.common import Refused
from smartunion.benefits.services.settlement import statement_approve, statement_xlsx, statements_generate
from smartunion.console.forms.benefits_breakfast import MonthForm, StatementFilterForm
from smartunion.console.helpers import paginate, query_without_page, render_page, staff_required
from smartunion.core.errors import NotFound
from smartunion.core.scoping import scopes_disabled

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str) -> date | None:
    """``2025-03`` → 2025-03-01; anything else None."""
    match = _MONTH_RE.match((value or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


def statement_in_view(request, pk) -> Statement:
    """A statement of the viewer's ``benefits.view`` subtrees, else 404 (a wider grant of another
    flag does not open it)."""
    with scope_with_perm(request.user, "benefits.view"):
        statement = statement_get(pk=pk)
    if not can_view_benefits(request.user, statement.merchant.org):
        raise NotFound(_("This statement does not exist."))
    return statement


@require_GET
@staff_required(perm="benefits.view", lists=True)
def statement_list(request):
    merchants = list(merchants_list().order_by("name")[:500])
    form = StatementFilterForm(request.GET, merchants=merchants)
    form.is_valid()
    data = form.cleaned_data
    statements = statements_list(status=data.get("status") or "")
    if data.get("merchant"):
        statements = statements.filter(merchant_id=data["merchant"])
    month = parse_month(data.get("month") or "")
    if data.get("month") and month is None:
        form.add_error("month", _("Choose a month, such as 2025-03."))
    if month is not None:
        statements = statements.filter(month=month)
    page = paginate(request, statements.order_by("-month", "merchant__name", "id"))
    context = {
        "form": form,
        "page": page,
        "query": query_without_page(request),
        "can_generate": has_perm(request.user, "benefits.settle"),
    }
    return render_page(request, "console/benefits/statement_list.html", context, partial="results")


def _detail(request, statement: Statement, *, status: int = 200, refusal: str = ""):
    with scopes_disabled():  # the statement's own lines; the statement was found in scope
        lines = list(
            statement.lines.select_related("voucher__campaign", "meal__shop__merchant").order_by(
                "used_at", "id"
            )
        )
    context = {
        "statement": statement,
        "lines": lines,
        "approved": statement.status == StatementStatus.APPROVED,
        "can_approve": statement.status == StatementStatus.DRAFT
        and can_settle(request.user, statement.merchant.org),
        "refusal": refusal,
    }
    return render_page(request, "console/benefits/statement_detail.html", context, status=status)


@require_GET
@staff_required(perm="benefits.view")
def statement_detail(request, pk):
    return _detail(request, statement_in_view(request, pk))


@require_POST
@staff_required(perm="benefits.settle")
def statement_approve_view(request, pk):
    statement = statement_in_view(request, pk)
    try:
        approved = statement_approve(
            actor=request.user, statement=statement, client_address=request_address(request)
        )
    except Refused as exc:
        return _detail(request, statement, status=409, refusal=exc.message)
    messages.success(
        request,
        _("The statement of %(merchant)s for %(month)s is approved: %(amount)s yuan due.")
        % {
            "merchant": approved.merchant.name,
            "month": f"{approved.month:%Y-%m}",
            "amount": approved.amount_due,
        },
    )
    return redirect("console:statement_detail", pk=approved.pk)


@require_GET
@staff_required(perm="benefits.view")
def statement_download(request, pk):
    statement = statement_in_view(request, pk)
    response = HttpResponse(
        statement_xlsx(statement=statement),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="statement-{statement.pk}-{statement.month:%Y-%m}.xlsx"'
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@staff_required(perm="benefits.settle")
def statement_generate(request):
    """Put a past or the current month's redemptions and meals on statements now, for the merchants
    of the viewer's area (where they hold ``benefits.settle``); the monthly task does every one."""
    today = timezone.localdate()
    form = MonthForm(request.POST or None, initial={"month": f"{today:%Y-%m}"})
    if request.method == "POST" and form.is_valid():
        month = parse_month(form.cleaned_data.get("month") or "")
        if month is None:
            form.add_error("month", _("Choose a month, such as 2025-03."))
        elif month > today.replace(day=1):
            form.add_error("month", _("A month that has not begun has nothing to settle."))
        else:
            with scope_with_perm(request.user, "benefits.settle"):
                area = list(merchants_list().values_list("id", flat=True))
            touched = [s.pk for s in statements_generate(month=month, merchant_ids=area)]
            with scope_with_perm(request.user, "benefits.view"):
                mine = statements_list().filter(pk__in=touched).count()
            messages.success(
                request,
                _("Statements for %(month)s: %(count)s of your area received new lines.")
                % {"month": f"{month:%Y-%m}", "count": mine},
            )
            return redirect(f"{reverse('console:statement_list')}?month={month:%Y-%m}")
    return render_page(
        request,
        "console/benefits/statement_generate.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
