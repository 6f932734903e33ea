"""Member benefits (issue 10): the member's campaigns, claims, vouchers and catalogue; the merchant
clerk's scans of vouchers and breakfast cards; and the staff's campaigns, merchants, statements and
breakfast programmes, with the console's rules. Each operation calls the benefits app's selectors,
policies and services.

- ``/campaigns…``, ``/me/vouchers…``, ``/catalogue…``: the signed-in worker (staff get 403). A
  campaign the worker is not eligible for does not exist (404); claiming one is 403 ``not_eligible``.
- ``POST /campaigns/{id}/claim`` is the platform's hottest path: it reads nothing beyond the token
  and what ``voucher_claim`` reads, and writes its answer without a schema pass.
- ``/vouchers/…`` and ``/breakfast/meals``: merchant clerks (``benefits.redeem`` and a clerk link);
  anyone else 403. A clerk sees only their own merchant's redemptions and meals.
- ``/staff/…``: union staff. A record outside the caller's subtree does not exist (404); inside it,
  reading needs ``benefits.view``, changing ``benefits.manage``, approving ``benefits.settle`` (403).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status

from smartunion.accounts.middleware import request_address
from smartunion.accounts.permissions import require_perm
from smartunion.api.errors import error_responses
from smartunion.api.orgs import org_reference
from smartunion.api.rendering import prebuilt_response
from smartunion.api.schemas.benefits import (
    BenefitsFiguresOut,
    CampaignDetailOut,
    CampaignIn,
    CampaignList,
    CampaignTransitionIn,
    CategoryList,
    DonationIn,
    DonationOut,
    FundingIn,
    FundingOut,
    MealIn,
    MealList,
    MealOut,
    MerchantDetailOut,
    MerchantIn,
    MerchantList,
    ProgrammeDetailOut,
    ProgrammeList,
    RedeemedOut,
    RedeemIn,
    RedemptionList,
    RegistrationOut,
    ServiceList,
    StaffCampaignDetailOut,
    StaffCampaignList,
    StatementDetailOut,
    StatementList,
    StatementOut,
    VoucherDetailOut,
    VoucherList,
    VoucherOut,
)
from smartunion.api.security import require_staff, scope_with_perm
from smartunion.benefits import selectors
from smartunion.benefits.models import (
    Agreement,
    Campaign,
    CampaignKind,
    MerchantClerk,
    Programme,
    ServiceCategory,
    StatementLine,
    Store,
    Voucher,
)
from smartunion.benefits.policies import member_of
from smartunion.benefits.services.breakfast import donation_record, funding_record, meal_record, pool_state
from smartunion.benefits.services.campaigns import (
    CampaignInput,
    campaign_create,
    campaign_transition,
    registration_create,
)
from smartunion.benefits.services.claims import voucher_claim
from smartunion.benefits.services.common import Refused, format_code
from smartunion.benefits.services.merchants import merchant_save
from smartunion.benefits.services.redemption import require_clerk, voucher_redeem, voucher_token
from smartunion.benefits.services.settlement import statement_approve, statement_xlsx
from smartunion.core.errors import Forbidden, NotFound, ValidationFailed
from smartunion.core.scoping import scopes_disabled

campaigns_router = Router(tags=["benefits"])
me_router = Router(tags=["benefits"])
catalogue_router = Router(tags=["benefits"])
clerk_router = Router(tags=["merchant clerks"])
breakfast_router = Router(tags=["merchant clerks"])
staff_router = Router(tags=["benefits staff"])

FIGURES_DAYS = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def require_worker(user) -> None:
    if user.is_staff_member:
        raise Forbidden(_("This part of the API is for workers' own accounts."))


# --- What the answers hold ------------------------------------------------------------------------------


def _campaign(campaign: Campaign) -> dict:
    return {
        "id": campaign.pk,
        "title": campaign.title,
        "kind": campaign.kind,
        "status": campaign.status,
        "merchant": _ref(campaign.merchant),
        "face_value": money(campaign.face_value),
        "benefit": campaign.benefit,
        "quota": campaign.quota,
        "per_member_limit": campaign.per_member_limit,
        "release_at": campaign.release_at,
        "claim_until": campaign.claim_until,
        "valid_from": campaign.valid_from,
        "valid_until": campaign.valid_until,
    }


def _lottery(campaign: Campaign) -> dict | None:
    if campaign.kind != CampaignKind.LOTTERY:
        return None
    drawn = campaign.drawn_at is not None
    winners = None
    if drawn:
        with scopes_disabled():
            winners = campaign.registrations.filter(won=True).count()
    return {
        "commitment": campaign.draw_commitment,
        "seed": campaign.draw_seed if drawn else None,
        "digest": campaign.draw_digest if drawn else None,
        "winners": winners,
        "drawn_at": campaign.drawn_at,
    }


def _voucher(voucher: Voucher) -> dict:
    campaign = voucher.campaign
    return {
        "id": voucher.pk,
        "code": format_code(voucher.code),
        "campaign": {"id": campaign.pk, "name": campaign.title},
        "merchant": _ref(campaign.merchant),
        "face_value": money(campaign.face_value),
        "valid_from": campaign.valid_from,
        "valid_until": campaign.valid_until,
        "state": selectors.voucher_state(voucher),
        "claimed_at": voucher.claimed_at,
        "used_at": voucher.used_at,
    }


def _figures(figures) -> dict:
    return {
        "quota": figures.quota,
        "claimed": figures.claimed,
        "used": figures.used,
        "expired": figures.expired,
        "members_reached": figures.members_reached,
        "face_used": money(figures.face_used),
    }


def _pool(state) -> dict:
    return {
        "balance": money(state.balance),
        "by_source": {k: money(v) for k, v in state.by_source.items()},
        "spent": money(state.spent),
        "daily_rate": money(state.daily_rate),
        "days_left": state.days_left,
        "warning": state.warning,
    }


def _shop_days(rows) -> list[dict]:
    return [{"shop": shop, "day": day, "meals": n, "cost": money(cost)} for shop, day, n, cost in rows]


def _meal_window() -> tuple:
    today = timezone.localdate()
    return today - timedelta(days=FIGURES_DAYS - 1), today


# --- Members: campaigns and claims --------------------------------------------------------------------


@campaigns_router.get(
    "",
    response={200: CampaignList, **error_responses(401, 403)},
    summary="Campaigns I may claim",
    operation_id="campaigns_list",
)
def campaign_list(request: HttpRequest):
    """The scheduled, open or paused campaigns whose window has not ended and that you are eligible
    for (your union's subtree, and the employment form or occupation tag a campaign asks for)."""
    require_worker(request.auth)
    return {"items": [_campaign(c) for c in selectors.campaigns_for(member=member_of(request.auth))]}


@campaigns_router.get(
    "/{campaign_id}",
    response={200: CampaignDetailOut, **error_responses(401, 403, 404)},
    summary="A campaign and my place in it",
    operation_id="campaigns_get",
)
def campaign_detail(request: HttpRequest, campaign_id: int):
    """The campaign, the vouchers left, how many you hold, and for a lottery whether you are
    registered, the seed's commitment, and once drawn the seed, the digest of the frozen
    registration list and the number of winners: anyone can re-run the draw
    (`manage.py benefits_draw --verify`). A campaign you are not eligible for is 404."""
    require_worker(request.auth)
    campaign = selectors.campaign_for_member(member=member_of(request.auth), pk=campaign_id)
    state = selectors.campaign_state(campaign=campaign, user=request.auth)
    return {
        **_campaign(campaign),
        "description": campaign.description,
        "left": state.left,
        "claimed_by_me": state.claimed_by_me,
        "registered": state.registered,
        "lottery": _lottery(campaign),
    }


@campaigns_router.post(
    "/{campaign_id}/claim",
    response={201: VoucherOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Claim a voucher (抢兑)",
    operation_id="campaigns_claim",
)
def campaign_claim(
    request: HttpRequest,
    campaign_id: int,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        description="Any string unique to this claim (a UUID), at most 64 characters. Sent again, "
        "the voucher already claimed is answered (201 with `Idempotent-Replayed: true`), never a "
        "second one.",
    ),
):
    """Claim one voucher of a first-come campaign. 201 with the voucher. Refusals: 409 with `code`
    `sold_out`, `limit_reached` (you hold as many as a member may), `not_open` (before the release
    time, or paused), `closed` (after the window), `lottery` (register instead); 403
    `not_eligible`; 404 `not_found`; 422 `invalid_idempotency_key`. Never more claims than the
    quota, never more than your limit, under any number of simultaneous requests."""
    try:
        claimed = voucher_claim(campaign_id=campaign_id, user=request.auth, idempotency_key=idempotency_key)
    except Refused as refused:
        if refused.status == 422:
            raise
        # The expected answers of a flash sale (thousands of "sold out" a second): written here
        # directly, and not logged as a warning each (Django logs every 4xx response otherwise).
        answer = prebuilt_response(
            {"code": refused.code, "message": refused.message, "fields": {}}, status=refused.status
        )
        answer._has_been_logged = True  # type: ignore[attr-defined]
        return answer
    response = prebuilt_response(_voucher(claimed.voucher), status=201)
    if claimed.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


@campaigns_router.post(
    "/{campaign_id}/register",
    response={201: RegistrationOut, **error_responses(401, 403, 404, 409)},
    summary="Register for a lottery",
    operation_id="campaigns_register",
)
def campaign_register(request: HttpRequest, campaign_id: int):
    """Enter a lottery campaign's draw during its window, once (409 `already_registered`; 409
    `not_lottery` for a first-come campaign, `not_open` or `closed` outside the window). After
    the window the draw picks the winners from the published seed; each winner gets a voucher."""
    require_worker(request.auth)
    campaign = selectors.campaign_for_member(member=member_of(request.auth), pk=campaign_id)
    registration = registration_create(campaign=campaign, user=request.auth)
    return Status(201, {"campaign": campaign.pk, "registered_at": registration.registered_at})


# --- Members: vouchers and the catalogue ----------------------------------------------------------------


@me_router.get(
    "/vouchers",
    response={200: VoucherList, **error_responses(401, 403)},
    summary="My vouchers",
    operation_id="me_vouchers_list",
)
def my_vouchers(request: HttpRequest):
    """Your vouchers, newest first, each with its state: unused, used, expired or not_yet_valid."""
    require_worker(request.auth)
    return {"items": [_voucher(v) for v in selectors.vouchers_of(user=request.auth)]}


@me_router.get(
    "/vouchers/{voucher_id}",
    response={200: VoucherDetailOut, **error_responses(401, 403, 404)},
    summary="My voucher, with its QR code",
    operation_id="me_vouchers_get",
)
def my_voucher(request: HttpRequest, voucher_id: int):
    """The voucher and a fresh `qr` token for its QR code (the clerk scans it; it expires after
    `qr_expires_in` seconds: fetch the voucher again). Anyone else's voucher is 404."""
    require_worker(request.auth)
    voucher = selectors.voucher_of(user=request.auth, pk=voucher_id)
    return {
        **_voucher(voucher),
        "qr": voucher_token(voucher=voucher),
        "qr_expires_in": settings.VOUCHER_TOKEN_TTL_SECONDS,
    }


@catalogue_router.get(
    "",
    response={200: ServiceList, **error_responses(401, 403)},
    summary="Services I may use",
    operation_id="catalogue_list",
)
def catalogue(
    request: HttpRequest,
    category: str = Query("", max_length=40, description="A category's code (dining, sports, ...)."),
    q: str = Query("", max_length=100, description="Words in the title, description or merchant."),
):
    """The published services available today that you are eligible for."""
    require_worker(request.auth)
    services = selectors.catalogue_for(member=member_of(request.auth), category=category, q=q)
    return {
        "items": [
            {
                "id": s.pk,
                "title": s.title,
                "category": s.category.code,
                "category_name": s.category.name,
                "merchant": _ref(s.merchant),
                "description": s.description,
                "benefit": s.benefit,
                "member_price": money(s.member_price),
                "available_from": s.available_from,
                "available_until": s.available_until,
                "picture": s.picture.url if s.picture else None,
            }
            for s in services
        ]
    }


@catalogue_router.get(
    "/categories",
    response={200: CategoryList, **error_responses(401)},
    summary="Service categories",
    operation_id="catalogue_categories",
)
def catalogue_categories(request: HttpRequest):
    """The categories of the catalogue, in their order."""
    rows = ServiceCategory.objects.order_by("position", "id").values("code", "name")
    return {"items": list(rows)}


# --- Merchant clerks ------------------------------------------------------------------------------------


@clerk_router.post(
    "/redeem",
    response={200: RedeemedOut, **error_responses(401, 403, 409, 422)},
    summary="Use a voucher at my merchant",
    operation_id="vouchers_redeem",
)
def voucher_use(request: HttpRequest, payload: RedeemIn):
    """The clerk scans the voucher's QR code or types its short code (`ABCDE-FGHJK`; spaces and
    dashes do not matter). 200 with what was used. Refusals, 409 with `code`: `forged` (no such
    voucher), `qr_expired`, `other_merchant`, `not_yet_valid`, `expired`, `used` (also when two
    clerks scan it at the same moment: it is used once). 403 for anyone but a clerk."""
    redeemed = voucher_redeem(actor=request.auth, code=payload.code, client_address=request_address(request))
    voucher = redeemed.voucher
    return {
        "voucher": voucher.pk,
        "code": format_code(voucher.code),
        "campaign": redeemed.campaign_title,
        "face_value": redeemed.face_value,
        "holder": redeemed.holder_name,
        "used_at": voucher.used_at,
    }


@clerk_router.get(
    "/redemptions",
    response={200: RedemptionList, **error_responses(401, 403)},
    summary="Today's redemptions at my merchant",
    operation_id="vouchers_redemptions",
)
def redemptions(request: HttpRequest):
    """The vouchers used at your merchant today, newest first; never another merchant's."""
    clerk = require_clerk(request.auth)
    return {
        "items": [
            {
                "voucher": v.pk,
                "code": format_code(v.code),
                "campaign": v.campaign.title,
                "face_value": money(v.campaign.face_value),
                "used_at": v.used_at,
                "store": v.used_store.name if v.used_store else "",
            }
            for v in selectors.redemptions_of(clerk=clerk)
        ]
    }


def _meal(meal, name: str | None = None) -> dict:
    return {
        "id": meal.pk,
        "name": name if name is not None else meal.person.name_masked,
        "shop": meal.shop.merchant.name if name is None else "",
        "price": money(meal.price),
        "served_at": meal.served_at,
    }


@breakfast_router.post(
    "/meals",
    response={201: MealOut, **error_responses(401, 403, 409, 422, 429)},
    summary="Record a breakfast",
    operation_id="breakfast_meals_record",
)
def meal_create(request: HttpRequest, payload: MealIn):
    """The shop's clerk scans the worker's e-member card (`card_token`, the card's QR content), or
    types its membership number and code where the phone cannot scan, and records the day's
    breakfast: 201 with the meal. Refusals, 409 with `code`: `card_expired`, `card_revoked`,
    `card_forged`, `shop_not_in_programme`, `not_enrolled`, `already_served` (one meal a day, also
    under a double scan). 403 for anyone but a clerk; 429 `throttled` after too many wrong typed
    codes (`CARD_CODE_FAILURE_LIMIT` per `CARD_CODE_FAILURE_WINDOW_SECONDS`, per clerk)."""
    served = meal_record(
        actor=request.auth, card_token=payload.card_token, client_address=request_address(request)
    )
    answer = _meal(served.meal, served.name)
    answer["shop"] = served.shop
    return Status(201, answer)


@breakfast_router.get(
    "/meals",
    response={200: MealList, **error_responses(401, 403)},
    summary="Today's breakfasts at my shop",
    operation_id="breakfast_meals_list",
)
def meal_list(request: HttpRequest):
    """The breakfasts served at your shop today, newest first."""
    clerk = require_clerk(request.auth)
    return {"items": [_meal(m) for m in selectors.meals_of(clerk=clerk)]}


# --- Staff ------------------------------------------------------------------------------------------------


def _can_view_here(user, org) -> None:
    require_perm(user, "benefits.view", org)


def _staff_list(user):
    """A list: staff holding ``benefits.view`` somewhere, read inside the subtrees where they hold it."""
    require_staff(user)
    require_perm(user, "benefits.view")
    return scope_with_perm(user, "benefits.view")


def _staff_campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    require_staff(request.auth)
    campaign = selectors.campaign_get(pk=campaign_id)
    _can_view_here(request.auth, campaign.org)
    return campaign


def _staff_campaign_detail(campaign: Campaign) -> dict:
    with scopes_disabled():
        tags = list(campaign.occupation_tags.values_list("code", flat=True))
        figures = selectors.voucher_figures(campaigns=Campaign.objects.filter(pk=campaign.pk))
    return {
        **_campaign(campaign),
        "org": _ref(campaign.org),
        "description": campaign.description,
        "employment_forms": campaign.employment_forms,
        "occupation_tags": tags,
        "lottery": _lottery(campaign),
        "voucher_figures": _figures(figures),
    }


@staff_router.get(
    "/campaigns",
    response={200: StaffCampaignList, **error_responses(401, 403, 422)},
    summary="Campaigns in my subtree",
    operation_id="staff_campaigns_list",
)
def staff_campaign_list(
    request: HttpRequest,
    status: str = Query("", max_length=20, description="draft, scheduled, open, paused or closed."),
):
    """The campaigns of the subtrees where you hold `benefits.view`, newest first (the last 200)."""
    with _staff_list(request.auth):
        rows = list(selectors.campaigns_list(status=status).order_by("-created_at", "-id")[:200])
    return {"items": [{**_campaign(c), "org": _ref(c.org)} for c in rows]}


@staff_router.post(
    "/campaigns",
    response={201: StaffCampaignDetailOut, **error_responses(401, 403, 422)},
    summary="Create a campaign (a draft)",
    operation_id="staff_campaigns_create",
)
def staff_campaign_create(request: HttpRequest, payload: CampaignIn):
    """A draft campaign for the members of `org`'s subtree at `merchant`: nothing is claimable until
    it is scheduled (`transition` to `scheduled` makes its vouchers). Needs `benefits.manage` on
    `org` (403). Every bad value is a 422 on its path (`body.face_value`, `body.claim_until`)."""
    user = request.auth
    require_staff(user)
    org = org_reference(payload.org, field="body.org")
    try:
        merchant = selectors.merchant_get(pk=payload.merchant)
    except NotFound:
        raise ValidationFailed(fields={"body.merchant": [_("No merchant with this id exists.")]}) from None
    data = CampaignInput(
        org=org,
        merchant=merchant,
        title=payload.title,
        kind=payload.kind,
        face_value=str(payload.face_value),
        quota=payload.quota,
        per_member_limit=payload.per_member_limit,
        release_at=payload.release_at,
        claim_until=payload.claim_until,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
        description=payload.description,
        benefit=payload.benefit,
        employment_forms=payload.employment_forms,
        occupation_tags=payload.occupation_tags,
    )
    campaign = campaign_create(actor=user, data=data, client_address=request_address(request))
    return Status(201, _staff_campaign_detail(selectors.campaign_get(pk=campaign.pk)))


@staff_router.get(
    "/campaigns/{campaign_id}",
    response={200: StaffCampaignDetailOut, **error_responses(401, 403, 404)},
    summary="A campaign and its figures",
    operation_id="staff_campaigns_get",
)
def staff_campaign_detail(request: HttpRequest, campaign_id: int):
    """The campaign, its eligibility, the lottery's seed and digest once drawn, and its figures:
    vouchers claimed, used and expired unused, and members reached. Outside your subtree: 404."""
    return _staff_campaign_detail(_staff_campaign(request, campaign_id))


@staff_router.post(
    "/campaigns/{campaign_id}/transition",
    response={200: StaffCampaignDetailOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Schedule, open, pause or close a campaign",
    operation_id="staff_campaigns_transition",
)
def staff_campaign_transition(request: HttpRequest, campaign_id: int, payload: CampaignTransitionIn):
    """Move the campaign: draft → scheduled (its vouchers are made; a lottery commits to its seed),
    scheduled → open, open ⇄ paused, any → closed. An illegal move is 409. Needs
    `benefits.manage` (403)."""
    campaign = _staff_campaign(request, campaign_id)
    campaign = campaign_transition(
        actor=request.auth,
        campaign=campaign,
        to=payload.to,
        reason=payload.reason,
        client_address=request_address(request),
    )
    return _staff_campaign_detail(campaign)


def _merchant_brief(merchant) -> dict:
    return {
        "id": merchant.pk,
        "name": merchant.name,
        "kind": merchant.kind,
        "org": _ref(merchant.org),
        "active": merchant.active,
    }


def _merchant_detail(merchant) -> dict:
    return {
        **_merchant_brief(merchant),
        "credit_code": merchant.credit_code,
        "contact_name": merchant.contact_name,
        "contact_phone": merchant.contact_phone,
        "stores": [
            {"id": s.pk, "name": s.name, "address": s.address, "division_code": s.division_code}
            for s in Store.objects.filter(merchant=merchant).order_by("id")
        ],
        "agreements": [
            {
                "id": a.pk,
                "signed_on": a.signed_on,
                "starts_on": a.starts_on,
                "ends_on": a.ends_on,
                "discount_percent": f"{a.discount_percent:.2f}",
                "settlement_terms": a.settlement_terms,
            }
            for a in Agreement.objects.filter(merchant=merchant).order_by("-starts_on", "-id")
        ],
        "clerks": MerchantClerk.objects.filter(merchant=merchant).count(),
    }


@staff_router.get(
    "/merchants",
    response={200: MerchantList, **error_responses(401, 403, 422)},
    summary="Merchants in my subtree",
    operation_id="staff_merchants_list",
)
def staff_merchant_list(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="Name (contains)."),
    kind: str = Query("", max_length=20),
):
    """The merchants registered in the subtrees where you hold `benefits.view`, by name."""
    with _staff_list(request.auth):
        rows = list(selectors.merchants_list(q=q, kind=kind).order_by("name", "id")[:500])
    return {"items": [_merchant_brief(m) for m in rows]}


@staff_router.post(
    "/merchants",
    response={201: MerchantDetailOut, **error_responses(401, 403, 422)},
    summary="Register a merchant",
    operation_id="staff_merchants_create",
)
def staff_merchant_create(request: HttpRequest, payload: MerchantIn):
    """Register a service provider under `org` (needs `benefits.manage` there, 403). Its stores,
    agreement and clerks are added on the console."""
    require_staff(request.auth)
    org = org_reference(payload.org, field="body.org")
    merchant = merchant_save(
        actor=request.auth,
        org=org,
        name=payload.name,
        kind=payload.kind,
        credit_code=payload.credit_code,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
        client_address=request_address(request),
    )
    return Status(201, _merchant_detail(merchant))


@staff_router.get(
    "/merchants/{merchant_id}",
    response={200: MerchantDetailOut, **error_responses(401, 403, 404)},
    summary="A merchant",
    operation_id="staff_merchants_get",
)
def staff_merchant_detail(request: HttpRequest, merchant_id: int):
    """The merchant, its stores, agreements and number of clerks. Outside your subtree: 404."""
    require_staff(request.auth)
    merchant = selectors.merchant_get(pk=merchant_id)
    _can_view_here(request.auth, merchant.org)
    return _merchant_detail(merchant)


def _statement(statement) -> dict:
    return {
        "id": statement.pk,
        "merchant": _ref(statement.merchant),
        "programme": _ref(statement.programme),
        "month": statement.month,
        "kind": statement.kind,
        "status": statement.status,
        "items": statement.items,
        "face_total": money(statement.face_total),
        "discount_total": money(statement.discount_total),
        "amount_due": money(statement.amount_due),
        "approved_at": statement.approved_at,
    }


def _staff_statement(request: HttpRequest, statement_id: int):
    require_staff(request.auth)
    statement = selectors.statement_get(pk=statement_id)
    _can_view_here(request.auth, statement.merchant.org)
    return statement


@staff_router.get(
    "/statements",
    response={200: StatementList, **error_responses(401, 403, 422)},
    summary="Monthly statements",
    operation_id="staff_statements_list",
)
def staff_statement_list(
    request: HttpRequest, status: str = Query("", max_length=20, description="draft or approved.")
):
    """The merchants' monthly statements in your subtree, newest month first."""
    with _staff_list(request.auth):
        rows = list(selectors.statements_list(status=status).order_by("-month", "-id")[:500])
    return {"items": [_statement(s) for s in rows]}


@staff_router.get(
    "/statements/{statement_id}",
    response={200: StatementDetailOut, **error_responses(401, 403, 404)},
    summary="A statement and its lines",
    operation_id="staff_statements_get",
)
def staff_statement_detail(request: HttpRequest, statement_id: int):
    """The statement: redemptions or meals, face value, the agreed discount and the amount due."""
    statement = _staff_statement(request, statement_id)
    lines = StatementLine.objects.filter(statement=statement).order_by("used_at", "id")
    return {
        **_statement(statement),
        "lines": [{"used_at": li.used_at, "face": money(li.face), "due": money(li.due)} for li in lines],
    }


@staff_router.post(
    "/statements/{statement_id}/approve",
    response={200: StatementOut, **error_responses(401, 403, 404, 409)},
    summary="Approve a statement",
    operation_id="staff_statements_approve",
)
def staff_statement_approve(request: HttpRequest, statement_id: int):
    """Approve after review (needs `benefits.settle`, 403). An approved statement never changes: a
    later correction goes on a new adjusting statement. Approving twice is 409."""
    statement = _staff_statement(request, statement_id)
    statement = statement_approve(
        actor=request.auth, statement=statement, client_address=request_address(request)
    )
    return _statement(statement)


@staff_router.get(
    "/statements/{statement_id}/export",
    response=error_responses(401, 403, 404),
    openapi_extra={
        "responses": {
            200: {
                "description": "The statement as a workbook.",
                "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
    summary="Download a statement (.xlsx)",
    operation_id="staff_statements_export",
)
def staff_statement_export(request: HttpRequest, statement_id: int):
    """The statement as an .xlsx workbook: a summary and one row per redemption or meal."""
    statement = _staff_statement(request, statement_id)
    response = HttpResponse(statement_xlsx(statement=statement), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"statement-{statement.pk}-{statement.month:%Y-%m}.xlsx"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _programme(programme: Programme) -> dict:
    return {
        "id": programme.pk,
        "name": programme.name,
        "org": _ref(programme.org),
        "starts_on": programme.starts_on,
        "ends_on": programme.ends_on,
        "active": programme.active,
    }


def _staff_programme(request: HttpRequest, programme_id: int) -> Programme:
    require_staff(request.auth)
    programme = selectors.programme_get(pk=programme_id)
    _can_view_here(request.auth, programme.org)
    return programme


@staff_router.get(
    "/breakfast/programmes",
    response={200: ProgrammeList, **error_responses(401, 403)},
    summary="Breakfast programmes",
    operation_id="staff_breakfast_programmes_list",
)
def staff_programme_list(request: HttpRequest):
    """The love-breakfast programmes (爱心早餐) run in your subtree."""
    with _staff_list(request.auth):
        rows = list(selectors.programmes_list().order_by("name", "id"))
    return {"items": [_programme(p) for p in rows]}


@staff_router.get(
    "/breakfast/programmes/{programme_id}",
    response={200: ProgrammeDetailOut, **error_responses(401, 403, 404)},
    summary="A breakfast programme, its pool and its meals",
    operation_id="staff_breakfast_programmes_get",
)
def staff_programme_detail(request: HttpRequest, programme_id: int):
    """The programme's shops, the number of enrolled workers, the pool (balance, money by source,
    spent, the daily rate, the days it will last, `warning` below the threshold) and the meals per
    shop per day over the last 30 days."""
    programme = _staff_programme(request, programme_id)
    since, until = _meal_window()
    with scopes_disabled():
        shops = list(programme.shops.select_related("merchant").order_by("id"))
        enrolled = programme.enrolments.aggregate(n=Count("id"))["n"]
        meals = selectors.meals_by_shop_and_day(
            programmes=Programme.objects.filter(pk=programme.pk), since=since, until=until
        )
    return {
        **_programme(programme),
        "shops": [
            {
                "id": s.pk,
                "merchant": _ref(s.merchant),
                "meal": s.meal,
                "price": money(s.price),
                "active": s.active,
            }
            for s in shops
        ],
        "enrolled": enrolled,
        "pool_state": _pool(pool_state(programme=programme)),
        "meals": _shop_days(meals),
    }


@staff_router.post(
    "/breakfast/programmes/{programme_id}/funding",
    response={201: FundingOut, **error_responses(401, 403, 404, 422)},
    summary="Record funding paid into the pool",
    operation_id="staff_breakfast_funding_create",
)
def staff_funding_create(request: HttpRequest, programme_id: int, payload: FundingIn):
    """Government money or a merchant's discount into the pool (a ledger entry). A negative, zero
    or over-precise amount is 422 on `body.amount` and nothing is written. Needs `benefits.manage`."""
    programme = _staff_programme(request, programme_id)
    entry = funding_record(
        actor=request.auth,
        programme=programme,
        source=payload.source,
        amount=str(payload.amount),
        memo=payload.memo,
        client_address=request_address(request),
    )
    return Status(
        201,
        {
            "id": entry.pk,
            "source": entry.credit,
            "amount": money(entry.amount),
            "pool_state": _pool(pool_state(programme=programme)),
        },
    )


@staff_router.post(
    "/breakfast/programmes/{programme_id}/donations",
    response={201: DonationOut, **error_responses(401, 403, 404, 422)},
    summary="Record a donation",
    operation_id="staff_breakfast_donations_create",
)
def staff_donation_create(request: HttpRequest, programme_id: int, payload: DonationIn):
    """A donation into the pool, with the acknowledgement number for the donor. A negative, zero or
    over-precise amount is 422 on `body.amount`; a day in the future on `body.received_on`."""
    programme = _staff_programme(request, programme_id)
    donation = donation_record(
        actor=request.auth,
        programme=programme,
        donor=payload.donor,
        amount=str(payload.amount),
        received_on=payload.received_on,
        donor_contact=payload.donor_contact,
        client_address=request_address(request),
    )
    return Status(
        201,
        {
            "id": donation.pk,
            "number": donation.number,
            "donor": donation.donor,
            "amount": money(donation.amount),
            "received_on": donation.received_on,
            "pool_state": _pool(pool_state(programme=programme)),
        },
    )


@staff_router.get(
    "/benefits/figures",
    response={200: BenefitsFiguresOut, **error_responses(401, 403)},
    summary="Benefits figures of my subtree",
    operation_id="staff_benefits_figures",
)
def staff_figures(request: HttpRequest):
    """Over the subtrees where you hold `benefits.view`: vouchers claimed, used and expired unused,
    members reached, the breakfast pools' money by source, and meals per shop per day (the last 30
    days)."""
    since, until = _meal_window()
    with _staff_list(request.auth):
        campaigns = selectors.campaigns_list()
        programmes = selectors.programmes_list()
        figures = selectors.voucher_figures(campaigns=campaigns)
        by_source = selectors.money_by_source(programmes=programmes)
        meals = selectors.meals_by_shop_and_day(programmes=programmes, since=since, until=until)
    return {
        "vouchers": _figures(figures),
        "money_by_source": {k: money(v) for k, v in by_source.items()},
        "meals": _shop_days(meals),
    }
