"""Scope rows of member benefits on the phone: a worker sees the campaigns they are eligible for
and only their own vouchers (another district's campaign and another worker's voucher are 404);
a merchant clerk verifies at their merchant only and sees only their merchant's uses; visitors
sign in first, staff without the clerk's flag are refused.

The objects (``OBJECTS``, made when a row names ``bnm_``): the benefits world of
tests/factories/benefits.py (房山's theatre and noodle shop, their clerks, an open campaign of the
theatre for 房山's members), a voucher claimed by a worker of 甲公司工会 and one already used at the
theatre."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from smartunion.benefits.models import ServiceCategory
from smartunion.benefits.services import claims
from smartunion.benefits.services.claims import voucher_claim
from smartunion.benefits.services.common import format_code
from smartunion.benefits.services.merchants import service_save
from smartunion.benefits.services.redemption import voucher_redeem
from smartunion.core.scoping import scopes_disabled
from tests.factories.benefits import make_benefits_world
from tests.scope.rows import Row


def benefits_objects(tree, personas) -> dict:
    claims.use_backend("auto")
    world = make_benefits_world(tree)
    with scopes_disabled():
        voucher = voucher_claim(
            campaign_id=world.campaign.pk, user=world.workers[0], idempotency_key="m1"
        ).voucher
        used = voucher_claim(
            campaign_id=world.campaign.pk, user=world.workers[2], idempotency_key="m2"
        ).voucher
        voucher_redeem(actor=world.theatre_clerk, code=used.code)
        picture = io.BytesIO()
        Image.new("RGB", (8, 8), "red").save(picture, format="PNG")
        service = service_save(
            actor=world.staff,
            org=tree.fangshan,
            merchant=world.theatre,
            category=ServiceCategory.objects.get(code="performances"),
            title="周末话剧会员专场",
            benefit="会员八折",
            available_from=world.campaign.valid_from,
            picture=SimpleUploadedFile("poster.png", picture.getvalue(), content_type="image/png"),
        )
    return {
        "bnm_service": service,
        "bnm_campaign": world.campaign,
        "bnm_worker": world.workers[0],
        "bnm_other_worker": world.workers[1],
        "bnm_sy_worker": world.shunyi_worker,
        "bnm_theatre_clerk": world.theatre_clerk,
        "bnm_noodle_clerk": world.noodle_clerk,
        "bnm_voucher": voucher,
        "bnm_voucher_code": format_code(voucher.code),
        "bnm_used_code": format_code(used.code),
    }


OBJECTS = {"bnm_": benefits_objects}

CAMPAIGN = "/m/benefits/campaigns/{bnm_campaign.pk}/"
VOUCHER = "/m/benefits/vouchers/{bnm_voucher.pk}/"
TITLE = "{bnm_campaign.title}"

MATRIX = [
    # --- the catalogue and the campaigns: only what the worker is eligible for ----------------
    Row("bnm_worker", "mobile", "GET", "/m/benefits/", 200, "bnm_campaign", visible=(TITLE, "房山大剧院")),
    Row("bnm_sy_worker", "mobile", "GET", "/m/benefits/", 200, "bnm_campaign", hidden=(TITLE,), refused=True),
    Row("anonymous", "mobile", "GET", "/m/benefits/", 302, "bnm_campaign", redirect="/m/login/"),
    Row("union_a_staff", "mobile", "GET", "/m/benefits/", 403, "bnm_campaign", hidden=(TITLE,)),
    Row("bnm_worker", "mobile", "GET", CAMPAIGN, 200, "bnm_campaign", visible=(TITLE,)),
    Row("bnm_sy_worker", "mobile", "GET", CAMPAIGN, 404, "bnm_campaign", hidden=(TITLE,)),
    Row("anonymous", "mobile", "GET", CAMPAIGN, 302, "bnm_campaign", redirect="/m/login/"),
    Row("fangshan_staff", "mobile", "GET", CAMPAIGN, 403, "bnm_campaign", hidden=(TITLE,)),
    # Claiming and registering: another district's worker finds no campaign; nothing is taken.
    Row(
        "bnm_sy_worker",
        "mobile",
        "POST",
        CAMPAIGN + "claim/",
        404,
        "bnm_campaign",
        (("idempotency_key", "sy-1"),),
        hidden=(TITLE,),
    ),
    Row("anonymous", "mobile", "POST", CAMPAIGN + "claim/", 302, "bnm_campaign", redirect="/m/login/"),
    Row("fangshan_staff", "mobile", "POST", CAMPAIGN + "claim/", 403, "bnm_campaign"),
    Row(
        "bnm_sy_worker", "mobile", "POST", CAMPAIGN + "register/", 404, "bnm_campaign", counted="Registration"
    ),
    Row("anonymous", "mobile", "POST", CAMPAIGN + "register/", 302, "bnm_campaign", counted="Registration"),
    # --- a service's picture: for the workers it is offered to ----------------------------------
    Row("bnm_worker", "mobile", "GET", "/m/benefits/services/{bnm_service.pk}/picture/", 200, "bnm_service"),
    Row(
        "bnm_worker",
        "mobile",
        "GET",
        "/m/benefits/",
        200,
        "bnm_service",
        visible=("/m/benefits/services/{bnm_service.pk}/picture/",),
    ),
    Row(
        "bnm_sy_worker", "mobile", "GET", "/m/benefits/services/{bnm_service.pk}/picture/", 404, "bnm_service"
    ),
    Row("anonymous", "mobile", "GET", "/m/benefits/services/{bnm_service.pk}/picture/", 302, "bnm_service"),
    Row(
        "union_a_staff", "mobile", "GET", "/m/benefits/services/{bnm_service.pk}/picture/", 403, "bnm_service"
    ),
    # --- my vouchers: only the worker's own ---------------------------------------------------
    Row("bnm_worker", "mobile", "GET", "/m/benefits/vouchers/", 200, "bnm_voucher", visible=(TITLE,)),
    Row(
        "bnm_other_worker",
        "mobile",
        "GET",
        "/m/benefits/vouchers/",
        200,
        "bnm_voucher",
        hidden=(TITLE,),
        refused=True,
    ),
    Row("anonymous", "mobile", "GET", "/m/benefits/vouchers/", 302, "bnm_voucher", redirect="/m/login/"),
    Row("bnm_worker", "mobile", "GET", VOUCHER, 200, "bnm_voucher", visible=("{bnm_voucher_code}",)),
    Row(
        "bnm_other_worker", "mobile", "GET", VOUCHER, 404, "bnm_voucher", hidden=("{bnm_voucher_code}", TITLE)
    ),
    Row("anonymous", "mobile", "GET", VOUCHER, 302, "bnm_voucher", redirect="/m/login/"),
    Row("union_a_staff", "mobile", "GET", VOUCHER, 403, "bnm_voucher", hidden=("{bnm_voucher_code}",)),
    Row("bnm_worker", "mobile", "GET", VOUCHER + "qr/", 200, "bnm_voucher", visible=("data:image/svg+xml",)),
    Row(
        "bnm_other_worker",
        "mobile",
        "GET",
        VOUCHER + "qr/",
        404,
        "bnm_voucher",
        hidden=("data:image/svg+xml",),
    ),
    Row("anonymous", "mobile", "GET", VOUCHER + "qr/", 302, "bnm_voucher", redirect="/m/login/"),
    # --- the clerk: their merchant's uses only; verifying elsewhere's voucher is refused --------
    Row(
        "bnm_theatre_clerk", "mobile", "GET", "/m/merchant/", 200, "bnm_voucher", visible=("{bnm_used_code}",)
    ),
    Row("bnm_noodle_clerk", "mobile", "GET", "/m/merchant/", 200, "bnm_voucher", hidden=("{bnm_used_code}",)),
    Row(
        "bnm_theatre_clerk", "mobile", "GET", "/m/merchant/scan/", 200, "bnm_voucher", visible=("房山大剧院",)
    ),
    Row(
        "bnm_noodle_clerk",
        "mobile",
        "GET",
        "/m/merchant/scan/",
        200,
        "bnm_voucher",
        hidden=("{bnm_used_code}",),
        visible=("老街坊面馆",),
    ),
    Row(
        "bnm_noodle_clerk",
        "mobile",
        "POST",
        "/m/merchant/scan/",
        200,
        "bnm_voucher",
        (("code", "{bnm_voucher_code}"),),
        refused=True,
    ),
    Row("anonymous", "mobile", "GET", "/m/merchant/scan/", 302, redirect="/console/login/"),
    Row(
        "bnm_worker",
        "mobile",
        "POST",
        "/m/merchant/scan/",
        302,
        "bnm_voucher",
        (("code", "{bnm_voucher_code}"),),
        redirect="/console/login/",
    ),
    Row(
        "fangshan_staff",
        "mobile",
        "POST",
        "/m/merchant/scan/",
        403,
        "bnm_voucher",
        (("code", "{bnm_voucher_code}"),),
    ),
]
