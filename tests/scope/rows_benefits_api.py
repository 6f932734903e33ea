"""Scope rows of the benefits API (/api/v1/campaigns…, /me/vouchers…, /catalogue…, /vouchers…,
/breakfast/meals, /staff/…).

The objects (``bnapi_``): the benefits world of tests/factories/benefits.py on the matrix's tree:
房山's theatre, noodle shop, first-come campaign and breakfast programme; a voucher of
``bnapi_worker`` (甲公司工会) used at the theatre and on a statement; a second, unused one.

Who: ``shunyi_staff`` sees none of 房山's campaigns, merchants, statements or programmes (404, and
not on its lists); ``union_a_staff`` holds no benefits flag (403); ``bnapi_sy_worker`` (顺义) is
not eligible for 房山's campaign (404 to read, 403 to claim) and never sees another's voucher;
``bnapi_noodle_clerk`` sees only the noodle shop's redemptions, not the theatre's; staff who are not
clerks may not redeem or record meals (403).
"""

from __future__ import annotations

from django.utils import timezone

from smartunion.benefits.services import claims
from smartunion.benefits.services.common import format_code
from smartunion.benefits.services.redemption import voucher_redeem
from smartunion.benefits.services.settlement import statements_generate
from smartunion.core.scoping import scopes_disabled
from tests.factories.benefits import make_benefits_world
from tests.scope.rows import Row


def benefits_objects(tree, personas) -> dict:
    claims.use_backend("auto")
    world = make_benefits_world(tree, workers=2)
    with scopes_disabled():
        used = claims.voucher_claim(campaign_id=world.campaign.pk, user=world.workers[0]).voucher
        voucher_redeem(actor=world.theatre_clerk, code=used.code)
        unused = claims.voucher_claim(campaign_id=world.campaign.pk, user=world.workers[1]).voucher
        statement = next(
            s for s in statements_generate(month=timezone.localdate()) if s.merchant_id == world.theatre.pk
        )
    return {
        "bnapi_worker": world.workers[0],
        "bnapi_sy_worker": world.shunyi_worker,
        "bnapi_noodle_clerk": world.noodle_clerk,
        "bnapi_campaign": world.campaign,
        "bnapi_theatre": world.theatre,
        "bnapi_programme": world.programme,
        "bnapi_statement": statement,
        "bnapi_voucher": used,
        "bnapi_code": format_code(used.code),
        "bnapi_unused": unused,
        "bnapi_unused_code": unused.code,
    }


OBJECTS = {"bnapi_": benefits_objects}

CAMPAIGN = "/api/v1/campaigns/{bnapi_campaign.pk}"
STAFF = "/api/v1/staff"
PROGRAMME = STAFF + "/breakfast/programmes/{bnapi_programme.pk}"
STATEMENT = STAFF + "/statements/{bnapi_statement.pk}"
TITLE = "龙须沟"


def api(persona, method, route, expected, target="", body=(), **kwargs) -> Row:
    return Row(persona, "api", method, route, expected, target, body, **kwargs)


MATRIX = [
    # --- members --------------------------------------------------------------------------------
    api("bnapi_worker", "GET", "/api/v1/campaigns", 200, "bnapi_campaign", visible=(TITLE,)),
    api("bnapi_sy_worker", "GET", "/api/v1/campaigns", 200, "bnapi_campaign", hidden=(TITLE,)),
    api("bnapi_sy_worker", "GET", CAMPAIGN, 404, "bnapi_campaign"),
    api("bnapi_sy_worker", "POST", CAMPAIGN + "/claim", 403, "bnapi_campaign", counted="Voucher"),
    api("bnapi_sy_worker", "POST", CAMPAIGN + "/register", 404, "bnapi_campaign", counted="Registration"),
    api("bnapi_worker", "GET", "/api/v1/me/vouchers", 200, "bnapi_unused", visible=("{bnapi_code}",)),
    api("bnapi_sy_worker", "GET", "/api/v1/me/vouchers", 200, "bnapi_voucher", hidden=("{bnapi_code}",)),
    api("bnapi_sy_worker", "GET", "/api/v1/me/vouchers/{bnapi_voucher.pk}", 404, "bnapi_voucher"),
    api("bnapi_sy_worker", "GET", "/api/v1/catalogue", 200, "bnapi_theatre", hidden=("房山大剧院",)),
    api("bnapi_sy_worker", "GET", "/api/v1/catalogue/categories", 200, "bnapi_theatre"),
    api("anonymous", "GET", "/api/v1/catalogue/categories", 401),
    # --- clerks ---------------------------------------------------------------------------------
    api(
        "fangshan_staff",
        "POST",
        "/api/v1/vouchers/redeem",
        403,
        "bnapi_unused",
        (("code", "{bnapi_unused_code}"),),
    ),
    api(
        "bnapi_noodle_clerk",
        "GET",
        "/api/v1/vouchers/redemptions",
        200,
        "bnapi_voucher",
        hidden=("{bnapi_code}",),
    ),
    api("fangshan_staff", "GET", "/api/v1/vouchers/redemptions", 403, "bnapi_voucher"),
    api("fangshan_staff", "POST", "/api/v1/breakfast/meals", 403, "bnapi_programme", (("card_token", "x"),)),
    api("fangshan_staff", "GET", "/api/v1/breakfast/meals", 403, "bnapi_programme"),
    # --- staff ----------------------------------------------------------------------------------
    api("shunyi_staff", "GET", STAFF + "/campaigns", 200, "bnapi_campaign", hidden=(TITLE,)),
    api("fangshan_staff", "GET", STAFF + "/campaigns", 200, "bnapi_campaign", visible=(TITLE,)),
    api("union_a_staff", "GET", STAFF + "/campaigns", 403, "bnapi_campaign"),
    api(
        "shunyi_staff",
        "POST",
        STAFF + "/campaigns",
        422,
        "bnapi_campaign",
        (("org", "{fangshan.pk}"), ("merchant", "{bnapi_theatre.pk}"), ("title", "矩阵券")),
        refused=True,
        counted="Campaign",
    ),
    api("shunyi_staff", "GET", STAFF + "/campaigns/{bnapi_campaign.pk}", 404, "bnapi_campaign"),
    api(
        "shunyi_staff",
        "POST",
        STAFF + "/campaigns/{bnapi_campaign.pk}/transition",
        404,
        "bnapi_campaign",
        (("to", "closed"),),
    ),
    api("shunyi_staff", "GET", STAFF + "/merchants", 200, "bnapi_theatre", hidden=("房山大剧院",)),
    api(
        "shunyi_staff",
        "POST",
        STAFF + "/merchants",
        422,
        "bnapi_theatre",
        (("org", "{fangshan.pk}"), ("name", "矩阵商户"), ("kind", "gym")),
        refused=True,
        counted="Merchant",
    ),
    api("shunyi_staff", "GET", STAFF + "/merchants/{bnapi_theatre.pk}", 404, "bnapi_theatre"),
    api("shunyi_staff", "GET", STAFF + "/statements", 200, "bnapi_statement", hidden=("房山大剧院",)),
    api("shunyi_staff", "GET", STATEMENT, 404, "bnapi_statement"),
    api("shunyi_staff", "POST", STATEMENT + "/approve", 404, "bnapi_statement"),
    api("shunyi_staff", "GET", STATEMENT + "/export", 404, "bnapi_statement"),
    api("union_a_staff", "GET", STATEMENT, 404, "bnapi_statement"),  # 房山 is above 甲公司工会
    api("shunyi_staff", "GET", STAFF + "/breakfast/programmes", 200, "bnapi_programme", hidden=("爱心早餐",)),
    api("shunyi_staff", "GET", PROGRAMME, 404, "bnapi_programme"),
    api(
        "shunyi_staff",
        "POST",
        PROGRAMME + "/funding",
        404,
        "bnapi_programme",
        (("source", "government"), ("amount", "10")),
        counted="LedgerEntry",
    ),
    api(
        "shunyi_staff",
        "POST",
        PROGRAMME + "/donations",
        404,
        "bnapi_programme",
        (("donor", "矩阵捐赠人"), ("amount", "10")),
        counted="Donation",
    ),
    api("shunyi_staff", "GET", STAFF + "/benefits/figures", 200, "bnapi_programme", hidden=("老街坊面馆",)),
    api("union_a_staff", "GET", STAFF + "/benefits/figures", 403, "bnapi_programme"),
]
