"""Scope rows of the console's benefits pages: merchants (with stores, agreements, clerks), the
service catalogue and voucher campaigns.

The objects (``OBJECTS``, made when a row names ``bn_``): the benefits world of
tests/factories/benefits.py on the matrix's tree: 房山's theatre ``bn_theatre`` (房山大剧院) with a
scheduled first-come campaign ``bn_campaign`` (话剧《龙须沟》体验券), a draft ``bn_draft`` and a catalogue
service ``bn_service``. Who: ``fangshan_staff`` (union staff of 房山: benefits.view and
benefits.manage) sees and changes them; ``shunyi_staff`` holds the same flags on 顺义 and gets 404
on every one of 房山's records; ``union_a_staff`` (grassroots staff) holds no benefits flag: 403."""

from __future__ import annotations

from datetime import date

from smartunion.benefits.models import ServiceCategory
from smartunion.benefits.services.merchants import service_save
from smartunion.core.scoping import scopes_disabled
from tests.factories.benefits import make_benefits_world, make_campaign
from tests.scope.rows import ListRow, Row


def benefits_objects(tree, personas) -> dict:
    world = make_benefits_world(tree, workers=1)
    with scopes_disabled():
        draft = make_campaign(world.staff, tree.fangshan, world.theatre, schedule=False, title="房山草稿券")
        service = service_save(
            actor=world.staff,
            org=tree.fangshan,
            merchant=world.theatre,
            category=ServiceCategory.objects.get_or_create(code="performances", defaults={"name": "演出"})[0],
            title="房山剧院会员场",
            benefit="会员八折",
            available_from=date(2026, 1, 1),
        )
    return {
        "bn_theatre": world.theatre,
        "bn_campaign": world.campaign,
        "bn_draft": draft,
        "bn_service": service,
    }


OBJECTS = {"bn_": benefits_objects}

MERCHANTS = "/console/benefits/merchants/"
THEATRE = MERCHANTS + "{bn_theatre.pk}/"
SERVICES = "/console/benefits/services/"
CAMPAIGNS = "/console/benefits/campaigns/"
CAMPAIGN = CAMPAIGNS + "{bn_campaign.pk}/"
THEATRE_NAME = "房山大剧院"
CAMPAIGN_TITLE = "话剧《龙须沟》体验券"


def console(persona, method, route, expected, target="", body=(), **kwargs) -> Row:
    return Row(persona, "console", method, route, expected, target, body, **kwargs)


def _404(method, route, target, hidden, body=(), counted=""):
    return console("shunyi_staff", method, route, 404, target, body, hidden=(hidden,), counted=counted)


MATRIX = [
    # --- merchants ------------------------------------------------------------------------------
    console("anonymous", "GET", MERCHANTS, 302, redirect="/console/login/"),
    console("union_a_staff", "GET", MERCHANTS, 403, "bn_theatre", hidden=(THEATRE_NAME,)),
    console("shunyi_staff", "GET", MERCHANTS, 200, "bn_theatre", hidden=(THEATRE_NAME,)),
    console("fangshan_staff", "GET", MERCHANTS, 200, "bn_theatre", visible=(THEATRE_NAME,)),
    console("union_a_staff", "GET", MERCHANTS + "new/", 403),
    console("shunyi_staff", "GET", MERCHANTS + "new/", 200),
    # Registering under 房山 from 顺义: the organisation is not one they may choose.
    console(
        "shunyi_staff",
        "POST",
        MERCHANTS + "new/",
        400,
        "bn_theatre",
        (("name", "顺义冒名商户"), ("kind", "gym"), ("org", "{fangshan.pk}")),
        refused=True,
        counted="Merchant",
    ),
    _404("GET", THEATRE, "bn_theatre", THEATRE_NAME),
    console("union_a_staff", "GET", THEATRE, 403, "bn_theatre", hidden=(THEATRE_NAME,)),
    console(
        "fangshan_staff", "GET", THEATRE, 200, "bn_theatre", visible=(THEATRE_NAME, "北京市房山区良乡镇")
    ),
    _404("GET", THEATRE + "edit/", "bn_theatre", THEATRE_NAME),
    _404("POST", THEATRE + "edit/", "bn_theatre", THEATRE_NAME, (("name", "顺义改名"), ("kind", "gym"))),
    _404(
        "POST",
        THEATRE + "stores/",
        "bn_theatre",
        THEATRE_NAME,
        (("store-name", "顺义冒名店"), ("store-address", "顺义")),
        counted="Store",
    ),
    _404(
        "POST",
        THEATRE + "agreements/",
        "bn_theatre",
        THEATRE_NAME,
        (
            ("agreement-signed_on", "2026-01-01"),
            ("agreement-starts_on", "2026-01-01"),
            ("agreement-ends_on", "2026-12-31"),
            ("agreement-discount_percent", "90"),
        ),
        counted="Agreement",
    ),
    _404(
        "POST",
        THEATRE + "clerks/",
        "bn_theatre",
        THEATRE_NAME,
        (("clerk-user", "{staff_shunyi.pk}"),),
        "MerchantClerk",
    ),
    console("fangshan_staff", "GET", THEATRE + "edit/", 200, "bn_theatre", visible=(THEATRE_NAME,)),
    # --- the catalogue --------------------------------------------------------------------------
    console("union_a_staff", "GET", SERVICES, 403, "bn_service", hidden=("房山剧院会员场",)),
    console("shunyi_staff", "GET", SERVICES, 200, "bn_service", hidden=("房山剧院会员场",)),
    console("fangshan_staff", "GET", SERVICES, 200, "bn_service", visible=("房山剧院会员场",)),
    console("union_a_staff", "GET", SERVICES + "new/", 403),
    console("shunyi_staff", "GET", SERVICES + "new/", 200, "bn_theatre", hidden=(THEATRE_NAME,)),
    _404("GET", SERVICES + "{bn_service.pk}/edit/", "bn_service", "房山剧院会员场"),
    _404(
        "POST",
        SERVICES + "{bn_service.pk}/edit/",
        "bn_service",
        "房山剧院会员场",
        (("title", "顺义改名"), ("benefit", "x"), ("available_from", "2026-01-01")),
    ),
    console(
        "fangshan_staff",
        "GET",
        SERVICES + "{bn_service.pk}/edit/",
        200,
        "bn_service",
        visible=("房山剧院会员场",),
    ),
    # --- campaigns ------------------------------------------------------------------------------
    console("anonymous", "GET", CAMPAIGNS, 302, redirect="/console/login/"),
    console("union_a_staff", "GET", CAMPAIGNS, 403, "bn_campaign", hidden=(CAMPAIGN_TITLE,)),
    console("shunyi_staff", "GET", CAMPAIGNS, 200, "bn_campaign", hidden=(CAMPAIGN_TITLE, "房山草稿券")),
    console("fangshan_staff", "GET", CAMPAIGNS, 200, "bn_campaign", visible=(CAMPAIGN_TITLE, "房山草稿券")),
    console("union_a_staff", "GET", CAMPAIGNS + "new/", 403),
    console("shunyi_staff", "GET", CAMPAIGNS + "new/", 200, "bn_theatre", hidden=(THEATRE_NAME,)),
    _404("GET", CAMPAIGN, "bn_campaign", CAMPAIGN_TITLE),
    console("union_a_staff", "GET", CAMPAIGN, 403, "bn_campaign", hidden=(CAMPAIGN_TITLE,)),
    console("fangshan_staff", "GET", CAMPAIGN, 200, "bn_campaign", visible=(CAMPAIGN_TITLE, THEATRE_NAME)),
    _404("GET", CAMPAIGNS + "{bn_draft.pk}/edit/", "bn_draft", "房山草稿券"),
    _404("POST", CAMPAIGNS + "{bn_draft.pk}/edit/", "bn_draft", "房山草稿券", (("title", "顺义改名"),)),
    console(
        "fangshan_staff", "GET", CAMPAIGNS + "{bn_draft.pk}/edit/", 200, "bn_draft", visible=("房山草稿券",)
    ),
    _404("GET", CAMPAIGN + "transition/?to=paused", "bn_campaign", CAMPAIGN_TITLE),
    _404("POST", CAMPAIGN + "transition/", "bn_campaign", CAMPAIGN_TITLE, (("to", "closed"),)),
    _404("POST", CAMPAIGNS + "{bn_draft.pk}/transition/", "bn_draft", "房山草稿券", (("to", "scheduled"),)),
]

# The two-role persona (甲公司工会's clerk reading 房山's cockpit) holds no benefits flag: every
# benefits page is 403 for them, before any record is looked up.
_ROUTES = [
    ("benefits_merchant_list", MERCHANTS, "GET"),
    ("benefits_merchant_add", MERCHANTS + "new/", "GET"),
    ("benefits_merchant_detail", MERCHANTS + "1/", "GET"),
    ("benefits_merchant_edit", MERCHANTS + "1/edit/", "GET"),
    ("benefits_merchant_store_add", MERCHANTS + "1/stores/", "POST"),
    ("benefits_merchant_agreement_add", MERCHANTS + "1/agreements/", "POST"),
    ("benefits_merchant_clerk_add", MERCHANTS + "1/clerks/", "POST"),
    ("benefits_service_list", SERVICES, "GET"),
    ("benefits_service_add", SERVICES + "new/", "GET"),
    ("benefits_service_edit", SERVICES + "1/edit/", "GET"),
    ("benefits_campaign_list", CAMPAIGNS, "GET"),
    ("benefits_campaign_add", CAMPAIGNS + "new/", "GET"),
    ("benefits_campaign_detail", CAMPAIGNS + "1/", "GET"),
    ("benefits_campaign_edit", CAMPAIGNS + "1/edit/", "GET"),
    ("benefits_campaign_transition", CAMPAIGNS + "1/transition/", "POST"),
]
LIST_ROWS = [
    ListRow(name, url, 403, hidden="乙会员", target="person_b", method=method)
    for name, url, method in _ROUTES
]
