"""Following a case on the mobile web: my cases, a case's page (status, centre, the clocks in
plain words, the public timeline, claims and amounts, evidence, documents, consent requests, the
rating), and looking a case up by its number and a code sent to the applicant's mobile, without
signing in. The interview that files an application is in ``cases_apply``.

Views parse input, call one service or selector and render; who may see what is the cases app's
(``my_case_get``: anyone else's case is 404; ``evidence_open``: only the applicant and those holding
the case; the timeline without internal notes)."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartunion.accounts.middleware import request_address
from smartunion.cases import clocks
from smartunion.cases.models import REASON_REQUIRED, Case, CaseKind, PaymentStatus
from smartunion.cases.selectors import (
    case_claims,
    case_documents,
    case_evidence,
    case_looked_up,
    case_shares,
    case_timeline,
    document_get,
    evidence_get,
    my_case_get,
    my_cases,
    my_drafts,
)
from smartunion.cases.services import (
    case_lookup,
    case_lookup_code_send,
    case_rate,
    document_filename,
    document_open,
    evidence_add,
    evidence_open,
    share_answer,
)
from smartunion.core.errors import DomainError, NotFound
from smartunion.core.http import is_htmx
from smartunion.mobile.forms.cases import EvidenceForm, LookupForm, RatingForm
from smartunion.mobile.helpers import SEND_CODE, worker_required

# How long a lookup by number and code lets the browser read that case's page.
LOOKUP_SECONDS = 30 * 60
LOOKUP_SESSION_KEY = "case_lookup"


def _mine_or_404(request: HttpRequest, pk: int) -> Case:
    try:
        return my_case_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from None


# --- The clocks in plain words ------------------------------------------------------------------


def _days(n: int) -> str:
    return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}


def clock_lines(case: Case, today: date | None = None) -> list[dict[str, Any]]:
    """The case's running clocks as a worker reads them, most pressing first."""
    today = today or timezone.localdate()
    lines: list[dict[str, Any]] = []
    running = clocks.running(case)
    for kind, when in sorted(running.items(), key=lambda item: item[1]):
        left = (when - today).days
        values = {"date": when.isoformat(), "left": _days(max(left, 0))}
        if kind == "first_contact":
            text = (
                _("The centre will contact you by %(date)s.") % values
                if left >= 0
                else _("The centre should have contacted you by %(date)s.") % values
            )
        elif kind == "decision":
            text = (
                _("Decision on legal aid: %(left)s left (by %(date)s).") % values
                if left >= 0
                else _("The decision on legal aid was due on %(date)s.") % values
            )
        elif kind == "mediation_window":
            # 劳动争议调解仲裁法 第十四条: 15 days from receipt; afterwards arbitration is open.
            if clocks.window_passed(case, today=today):
                continue
            text = _("Mediation period: %(left)s left (until %(date)s).") % values
        elif kind == "limitation":
            # 第二十七条: the time limit for applying for arbitration.
            text = _("Time limit for applying for arbitration: %(left)s left (until %(date)s).") % values
        else:
            text = _("The employer is to pay by %(date)s.") % values
        lines.append({"kind": kind, "text": text, "urgent": 0 <= left <= 3 or left < 0})
    return lines


# --- My cases -----------------------------------------------------------------------------------


@worker_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    cases = my_cases(user=request.user)
    return render(
        request,
        "mobile/cases/case_list.html",
        {
            "cases": [(case, clock_lines(case)[:1]) for case in cases],
            "drafts": my_drafts(user=request.user),
        },
    )


def _status_context(case: Case) -> dict[str, Any]:
    """What the worker's case page and the lookup page both show."""
    paid_statuses = (PaymentStatus.PAID, PaymentStatus.PARTLY_PAID, PaymentStatus.UNPAID)
    return {
        "case": case,
        "clocks": clock_lines(case),
        "arbitration_open": clocks.window_passed(case),
        "timeline": case_timeline(case=case, public_only=True),
        "claims": case_claims(case=case),
        "show_paid": case.payment_status in paid_statuses or case.amount_paid > 0,
        "is_mediation": case.kind == CaseKind.MEDIATION,
        "show_reason": case.status in REASON_REQUIRED,
    }


@worker_required
@require_GET
@never_cache
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _mine_or_404(request, pk)
    return render(request, "mobile/cases/case_detail.html", _detail_context(request, case))


def _detail_context(request: HttpRequest, case: Case, **forms) -> dict[str, Any]:
    shares = case_shares(case=case)
    return {
        **_status_context(case),
        "evidence": case_evidence(case=case),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(),
        "documents": case_documents(case=case),
        "shares_pending": [s for s in shares if not s.consented_at and not s.refused_at],
        "shares_answered": [s for s in shares if s.consented_at or s.refused_at],
        "rating_form": forms.get("rating_form") or RatingForm(),
        "can_rate": not case.is_open and case.rated_at is None,
        "rating_label": dict(RatingForm.base_fields["rating"].choices).get(case.rating, case.rating),
        "max_mb": settings.CASE_EVIDENCE_MAX_BYTES // (1024 * 1024),
    }


@worker_required
@require_POST
def case_evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _mine_or_404(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    form.is_valid()
    upload = request.FILES.get("file")
    if upload is None:
        form.add_error("file", _("Choose a photo or a PDF file first."))
    else:
        try:
            evidence_add(
                case=case,
                actor=request.user,
                upload=upload,
                description=form.cleaned_data.get("description", ""),
                client_address=request_address(request),
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Your file was added to the case."))
            return redirect(f"{case_url(case)}#evidence")
    context = _detail_context(request, case, evidence_form=form)
    return render(request, "mobile/cases/case_detail.html", context, status=422)


def case_url(case: Case) -> str:
    return reverse("mobile:case_detail", args=[case.pk])


def _file_response(data: bytes, *, content_type: str, filename: str, attachment: bool) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=attachment, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


@worker_required
@require_GET
def case_evidence_file(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    """One evidence file, for the applicant (``evidence_open`` checks and audits); never a static
    or media address."""
    case = _mine_or_404(request, pk)
    try:
        evidence = evidence_get(case=case, pk=evidence_id)
        data = evidence_open(evidence=evidence, actor=request.user, client_address=request_address(request))
    except NotFound as exc:
        raise Http404(exc.message) from None
    return _file_response(
        data, content_type=evidence.content_type, filename=evidence.original_name, attachment=False
    )


@worker_required
@require_GET
def case_document(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    """A generated PDF of the case (``document_open``: checked and audited by the service)."""
    case = _mine_or_404(request, pk)
    try:
        document = document_get(case=case, pk=document_id)
        data = document_open(document=document, actor=request.user, client_address=request_address(request))
    except NotFound as exc:
        raise Http404(exc.message) from None
    filename = document_filename(document)
    return _file_response(data, content_type="application/pdf", filename=filename, attachment=True)


@worker_required
@require_POST
def case_share_answer(request: HttpRequest, pk: int, share_id: int) -> HttpResponse:
    """The worker's separate consent to sharing the case (个人信息保护法 第二十三条), or refusal."""
    case = _mine_or_404(request, pk)
    share = next((s for s in case_shares(case=case) if s.pk == share_id), None)
    if share is None:
        raise Http404
    consent = request.POST.get("answer") == "consent"
    try:
        share_answer(share=share, user=request.user, consent=consent, client_address=request_address(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("You agreed to share your case with %(recipient)s.") % {"recipient": share.recipient}
            if consent
            else _("You refused to share your case with %(recipient)s.") % {"recipient": share.recipient},
        )
    return redirect(f"{case_url(case)}#consent")


@worker_required
@require_POST
def case_rate_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _mine_or_404(request, pk)
    form = RatingForm(request.POST)
    form.is_valid()
    try:
        case_rate(
            case=case,
            user=request.user,
            rating=form.cleaned_data.get("rating", ""),
            comment=form.cleaned_data.get("comment", ""),
            client_address=request_address(request),
        )
    except DomainError as exc:
        if not exc.fields:  # closed yet? rated already? said above the page
            messages.error(request, exc.message)
            return redirect(f"{case_url(case)}#rating")
        form.add_domain_error(exc)
        return render(
            request,
            "mobile/cases/case_detail.html",
            _detail_context(request, case, rating_form=form),
            status=422,
        )
    messages.success(request, _("Thank you for rating the service."))
    return redirect(f"{case_url(case)}#rating")


# --- Looking a case up by number and code, without signing in -----------------------------------


def _lookups(request: HttpRequest) -> dict[str, float]:
    now = time.time()
    saved = request.session.get(LOOKUP_SESSION_KEY) or {}
    return {k: v for k, v in saved.items() if isinstance(v, int | float) and v > now}


@require_http_methods(["GET", "POST"])
@never_cache
def lookup(request: HttpRequest) -> HttpResponse:
    """Case number and mobile: a code goes to the mobile; the right code opens that case's status
    page in this browser for a while. The answer is the same whether the number exists or not."""
    form = LookupForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "code_sent": False}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") == SEND_CODE:
            try:
                case_lookup_code_send(
                    number=data["number"], mobile=data["mobile"], client_address=request_address(request)
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                context["code_sent"] = True
            if is_htmx(request):
                return render(request, "mobile/cases/lookup.html#lookup_block", context)
            return render(request, "mobile/cases/lookup.html", context)
        try:
            case = case_lookup(
                number=data["number"],
                mobile=data["mobile"],
                code=data["code"],
                client_address=request_address(request),
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            saved = _lookups(request)
            saved[str(case.pk)] = time.time() + LOOKUP_SECONDS
            request.session[LOOKUP_SESSION_KEY] = saved
            return redirect("mobile:case_lookup_result", pk=case.pk)
    return render(request, "mobile/cases/lookup.html", context)


@require_GET
@never_cache
def lookup_result(request: HttpRequest, pk: int) -> HttpResponse:
    """The status page of the one case this browser proved the code for; read-only."""
    if str(pk) not in _lookups(request):
        raise Http404
    try:
        case = case_looked_up(pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from None
    return render(request, "mobile/cases/lookup_result.html", _status_context(case))
