"""Member benefits on the phone (issue 10): for workers, the service catalogue, the voucher
campaigns open to them (claim or register for a draw), their vouchers with the QR code and the
short code to show at the merchant; for merchant clerks, the scan page that verifies a voucher or a
breakfast card, and the day's redemptions and meals at their merchant.

Views parse input, call one service or selector and render; who may claim, what a voucher is worth
and whether a card gets a meal are the benefits app's (``voucher_claim``, ``voucher_redeem``,
``meal_record``): a refusal comes back with its reason, which the page shows as it is."""

from __future__ import annotations

import mimetypes
import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartunion.accounts.middleware import request_address
from smartunion.benefits.models import Campaign, CampaignKind, Voucher
from smartunion.benefits.policies import clerk_of, member_of
from smartunion.benefits.selectors import (
    campaign_for_member,
    campaign_state,
    campaigns_for,
    catalogue_for,
    meals_of,
    redemptions_of,
    service_categories,
    service_for_member,
    voucher_of,
    voucher_state,
    vouchers_left,
    vouchers_of,
)
from smartunion.benefits.services.breakfast import meal_record
from smartunion.benefits.services.campaigns import registration_create
from smartunion.benefits.services.claims import voucher_claim
from smartunion.benefits.services.common import CODE_LENGTH, Refused, format_code, normalise_code
from smartunion.benefits.services.redemption import voucher_redeem, voucher_token
from smartunion.core.errors import DomainError, NotFound
from smartunion.core.http import is_htmx
from smartunion.members.services.cards import typed_card_code
from smartunion.mobile.helpers import merchant_clerk_required, worker_required
from smartunion.mobile.views.members import HTMX_STOP_POLLING, card_qr_data_uri

# The longest a voucher code is once typed (ABCDE-FGHJK, spaces and dashes dropped): anything
# longer that is not a voucher's QR content is read as a member card's QR content.
LONGEST_CODE = 16


def _campaign_or_404(request: HttpRequest, pk: int) -> Campaign:
    try:
        return campaign_for_member(member=member_of(request.user), pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from None


# --- The catalogue and the campaigns ------------------------------------------------------------


@worker_required
@require_GET
def benefits_home(request: HttpRequest) -> HttpResponse:
    """普惠服务: the campaigns open to the worker (release time, vouchers left) and the catalogue by
    category, searchable."""
    member = member_of(request.user)
    category = request.GET.get("category", "")[:40]
    q = request.GET.get("q", "").strip()[:100]
    campaigns = campaigns_for(member=member)
    left = vouchers_left(campaigns=campaigns)
    now = timezone.now()
    return render(
        request,
        "mobile/benefits/home.html",
        {
            "member": member,
            "campaigns": [
                {"campaign": c, "left": left[c.pk], "released": c.release_at <= now} for c in campaigns
            ],
            "services": catalogue_for(member=member, category=category, q=q),
            "categories": service_categories(),
            "category": category,
            "q": q,
        },
    )


@worker_required
@require_GET
def service_picture(request: HttpRequest, pk: int) -> HttpResponse:
    """A catalogue service's picture, for the workers it is offered to."""
    try:
        service = service_for_member(member=member_of(request.user), pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from None
    if not service.picture:
        raise Http404(_("There is no such service."))
    try:
        with service.picture.open("rb") as picture:  # at most 2 MB, checked on upload
            data = picture.read()
    except FileNotFoundError:
        raise Http404(_("There is no such service.")) from None
    kind = mimetypes.guess_type(service.picture.name)[0] or "application/octet-stream"
    response = HttpResponse(data, content_type=kind)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@worker_required
@require_GET
@never_cache
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    state = campaign_state(campaign=campaign, user=request.user)
    now = timezone.now()
    return render(
        request,
        "mobile/benefits/campaign.html",
        {
            "campaign": campaign,
            "state": state,
            "is_lottery": campaign.kind == CampaignKind.LOTTERY,
            "drawn": campaign.drawn_at is not None,
            "winners": campaign.quota - state.left,
            "released": campaign.release_at <= now,
            "window_over": campaign.claim_until <= now,
            # A fresh key each time the page is drawn: a double tap sends the same key twice and
            # claims once; claiming again later (within the limit) is a new page, a new key.
            "idempotency_key": secrets.token_urlsafe(24),
        },
    )


@worker_required
@require_POST
def campaign_claim(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    try:
        claimed = voucher_claim(
            campaign_id=campaign.pk,
            user=request.user,
            idempotency_key=request.POST.get("idempotency_key", ""),
        )
    except Refused as exc:
        messages.error(request, exc.message)
        return redirect("mobile:benefits_campaign", pk=campaign.pk)
    if not claimed.replayed:
        messages.success(request, _("You have the voucher. Show it at the merchant to use it."))
    return redirect("mobile:benefits_voucher", pk=claimed.voucher.pk)


@worker_required
@require_POST
def campaign_register(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    try:
        registration_create(campaign=campaign, user=request.user)
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You are registered for the draw. We will tell you the result."))
    return redirect("mobile:benefits_campaign", pk=campaign.pk)


# --- My vouchers --------------------------------------------------------------------------------


@worker_required
@require_GET
@never_cache
def voucher_list(request: HttpRequest) -> HttpResponse:
    groups: dict[str, list[Voucher]] = {"unused": [], "used": [], "expired": []}
    today = timezone.localdate()
    for voucher in vouchers_of(user=request.user):
        state = voucher_state(voucher, today)
        groups["unused" if state == "not_yet_valid" else state].append(voucher)
        voucher.code_shown = format_code(voucher.code)  # type: ignore[attr-defined]
    return render(request, "mobile/benefits/vouchers.html", {"groups": groups})


def _voucher_or_404(request: HttpRequest, pk: int) -> Voucher:
    try:
        return voucher_of(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _qr_context(voucher: Voucher) -> dict[str, Any]:
    state = voucher_state(voucher)
    context: dict[str, Any] = {"voucher": voucher, "state": state}
    if state == "unused":
        token = voucher_token(voucher=voucher)
        context.update(
            token=token,
            qr=card_qr_data_uri(token),
            refreshed_at=timezone.localtime(),
            # Renewed well before it expires, so the code on the screen always scans.
            refresh_seconds=max(10, settings.VOUCHER_TOKEN_TTL_SECONDS // 2),
        )
    return context


@worker_required
@require_GET
@never_cache
def voucher_detail(request: HttpRequest, pk: int) -> HttpResponse:
    voucher = _voucher_or_404(request, pk)
    context = {**_qr_context(voucher), "code_shown": format_code(voucher.code)}
    return render(request, "mobile/benefits/voucher.html", context)


@worker_required
@require_GET
@never_cache
def voucher_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR partial the voucher page polls; once the voucher is used it says so and stops."""
    voucher = _voucher_or_404(request, pk)
    context = _qr_context(voucher)
    response = render(request, "mobile/benefits/voucher.html#qr", context)
    if context["state"] != "unused" and is_htmx(request):
        response.status_code = HTMX_STOP_POLLING
    return response


# --- The merchant clerk -------------------------------------------------------------------------


def _today(request: HttpRequest) -> dict[str, Any]:
    clerk = clerk_of(request.user)
    if clerk is None:
        return {"clerk": None}
    redemptions = redemptions_of(clerk=clerk)
    for voucher in redemptions:
        voucher.code_shown = format_code(voucher.code)  # type: ignore[attr-defined]
    return {"clerk": clerk, "redemptions": redemptions, "meals": meals_of(clerk=clerk)}


@require_GET
@merchant_clerk_required
@never_cache
def merchant_home(request: HttpRequest) -> HttpResponse:
    """商户服务: the clerk's merchant, the way to the scan page, and today's redemptions and meals."""
    return render(request, "mobile/home/merchant.html", _today(request))


def _verify(request: HttpRequest, text: str) -> dict[str, Any]:
    """A voucher's code or QR content, or a member card's QR content or typed number and code:
    which one, by its shape (a voucher's code has 10 characters, a card's number and code 16 digits)."""
    address = request_address(request)
    try:
        card_typed = typed_card_code(text) is not None and len(normalise_code(text)) != CODE_LENGTH
        if not card_typed and (text.startswith("V:") or len(normalise_code(text)) <= LONGEST_CODE):
            redeemed = voucher_redeem(actor=request.user, code=text, client_address=address)
            return {
                "ok": True,
                "kind": "voucher",
                "title": redeemed.campaign_title,
                "face_value": redeemed.face_value,
                "name": redeemed.holder_name,
                "code_shown": format_code(redeemed.voucher.code),
            }
        served = meal_record(actor=request.user, card_token=text, client_address=address)
        return {
            "ok": True,
            "kind": "meal",
            "name": served.name,
            "shop": served.shop,
            "price": served.meal.price,
        }
    except DomainError as exc:
        return {"ok": False, "reason": exc.message, "code": getattr(exc, "code", "")}


@require_http_methods(["GET", "POST"])
@merchant_clerk_required
@never_cache
def merchant_scan(request: HttpRequest) -> HttpResponse:
    """扫码核验: the camera reads the QR code where the browser can (scan.js), else the clerk types
    the code; the answer in big words."""
    result = None
    if request.method == "POST":
        text = str(request.POST.get("code", "")).strip()
        if text:
            result = _verify(request, text)
        else:
            result = {
                "ok": False,
                "reason": _("Scan the QR code, or type the voucher code or the card's number and code."),
            }
    return render(request, "mobile/benefits/scan.html", {**_today(request), "result": result})
