"""Scope rows of the console's settlement, love-breakfast and benefits figures pages (issue 10).

The objects (``OBJECTS``, made when a row names ``bfc_``): the benefits world of
tests/factories/benefits.py on the matrix's tree — 房山's breakfast programme 房山区爱心早餐 with the
noodle shop, one meal served, and the month's statements generated (``bfc_statement``, the noodle
shop's). ``fangshan_staff`` (union staff of 房山: benefits.view, manage and settle) opens them;
``shunyi_staff`` (the same role on 顺义) gets 404 on each and does not see them listed;
``union_a_staff`` holds no benefits flag (403)."""

from __future__ import annotations

from django.utils import timezone

from smartunion.benefits.models import Statement
from smartunion.benefits.services.breakfast import donation_record
from smartunion.benefits.services.settlement import statements_generate
from smartunion.core.scoping import scopes_disabled
from tests.factories.benefits import make_benefits_world
from tests.scope.rows import ListRow, Row

NAME = "房山区爱心早餐"


def breakfast_objects(tree, personas) -> dict:
    from tests.console.benefits.conftest import serve_breakfast

    world = make_benefits_world(tree, workers=1)
    serve_breakfast(world, world.people[0])
    statements_generate(month=timezone.localdate())
    with scopes_disabled():
        donation = donation_record(
            actor=world.staff, programme=world.programme, donor="矩阵捐赠人", amount="50"
        )
        statement = Statement.objects.get(merchant=world.noodles)
    return {"bfc_programme": world.programme, "bfc_statement": statement, "bfc_donation": donation}


OBJECTS = {"bfc_": breakfast_objects}

P = "/console/benefits/breakfast/{bfc_programme.pk}/"
S = "/console/benefits/statements/{bfc_statement.pk}/"


def _out(method: str, route: str, body: tuple = (), counted: str = "") -> Row:
    """顺义's staff: 房山's programme or statement does not exist for them."""
    target = "bfc_statement" if route.startswith(S[:24]) and "{bfc_statement" in route else "bfc_programme"
    return Row(
        "shunyi_staff",
        "console",
        method,
        route,
        404,
        target,
        body,
        hidden=(NAME, "老街坊面馆"),
        counted=counted,
    )


MATRIX = [
    # --- the lists --------------------------------------------------------------------------------
    Row("anonymous", "console", "GET", "/console/benefits/breakfast/", 302, redirect="/console/login/"),
    Row(
        "union_a_staff",
        "console",
        "GET",
        "/console/benefits/breakfast/",
        403,
        "bfc_programme",
        hidden=(NAME,),
    ),
    Row(
        "fangshan_staff",
        "console",
        "GET",
        "/console/benefits/breakfast/",
        200,
        "bfc_programme",
        visible=(NAME,),
    ),
    Row(
        "shunyi_staff", "console", "GET", "/console/benefits/breakfast/", 200, "bfc_programme", hidden=(NAME,)
    ),
    Row(
        "union_a_staff",
        "console",
        "GET",
        "/console/benefits/statements/",
        403,
        "bfc_statement",
        hidden=("老街坊面馆",),
    ),
    Row(
        "fangshan_staff",
        "console",
        "GET",
        "/console/benefits/statements/",
        200,
        "bfc_statement",
        visible=("老街坊面馆",),
    ),
    Row(
        "shunyi_staff",
        "console",
        "GET",
        "/console/benefits/statements/",
        200,
        "bfc_statement",
        hidden=("老街坊面馆",),
    ),
    Row(
        "union_a_staff",
        "console",
        "GET",
        "/console/benefits/figures/",
        403,
        "bfc_programme",
        hidden=("老街坊面馆",),
    ),
    Row(
        "fangshan_staff",
        "console",
        "GET",
        "/console/benefits/figures/",
        200,
        "bfc_programme",
        visible=("老街坊面馆",),
    ),
    Row(
        "shunyi_staff",
        "console",
        "GET",
        "/console/benefits/figures/",
        200,
        "bfc_programme",
        hidden=("老街坊面馆",),
    ),
    Row("union_a_staff", "console", "GET", "/console/benefits/breakfast/new/", 403),
    Row(
        "fangshan_staff", "console", "GET", "/console/benefits/breakfast/new/", 200, visible=("房山区总工会",)
    ),
    Row("union_a_staff", "console", "GET", "/console/benefits/statements/generate/", 403),
    Row("fangshan_staff", "console", "GET", "/console/benefits/statements/generate/", 200),
    # --- 房山's programme ------------------------------------------------------------------------
    Row("fangshan_staff", "console", "GET", P, 200, "bfc_programme", visible=(NAME, "老街坊面馆")),
    Row("fangshan_staff", "console", "GET", P + "ledger/", 200, "bfc_programme", visible=("矩阵捐赠人",)),
    Row(
        "fangshan_staff",
        "console",
        "GET",
        P + "donations/{bfc_donation.pk}/",
        200,
        "bfc_programme",
        visible=("{bfc_donation.number}",),
    ),
    _out("GET", P),
    _out("GET", P + "edit/"),
    _out("POST", P + "edit/", (("name", "改名"), ("org", "{fangshan.pk}"), ("starts_on", "2026-01-01"))),
    _out("POST", P + "shops/", (("meal", "面"), ("price", "5")), counted="ProgrammeShop"),
    _out("POST", P + "workers/", (("q", "李"),), counted="Enrolment"),
    _out("POST", P + "roster/", counted="Enrolment"),
    _out("GET", P + "funding/"),
    _out("POST", P + "funding/", (("source", "government"), ("amount", "100")), counted="LedgerEntry"),
    _out("GET", P + "donations/"),
    _out("POST", P + "donations/", (("donor", "越界"), ("amount", "100")), counted="Donation"),
    _out("GET", P + "donations/{bfc_donation.pk}/"),
    _out("GET", P + "ledger/"),
    Row("union_a_staff", "console", "GET", P, 403, "bfc_programme", hidden=(NAME,)),
    # --- 房山's statement ------------------------------------------------------------------------
    Row("fangshan_staff", "console", "GET", S, 200, "bfc_statement", visible=("老街坊面馆", "8.00")),
    Row("fangshan_staff", "console", "GET", S + "statement.xlsx", 200, "bfc_statement"),
    _out("GET", S),
    _out("GET", S + "statement.xlsx"),
    _out("POST", S + "approve/"),
    Row("union_a_staff", "console", "POST", S + "approve/", 403, "bfc_statement", hidden=("老街坊面馆",)),
]

LIST_ROWS = [
    ListRow("breakfast_list", "/console/benefits/breakfast/", 403, hidden="乙会员", target="person_b"),
    ListRow("statement_list", "/console/benefits/statements/", 403, hidden="乙会员", target="person_b"),
    ListRow("benefits_figures", "/console/benefits/figures/", 403, hidden="乙会员", target="person_b"),
]
