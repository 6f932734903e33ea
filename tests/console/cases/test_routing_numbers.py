"""Routing rules for cases.route holders, the numbers page for case staff and cockpit viewers, and
the start page's case work."""

from __future__ import annotations

from smartunion.cases.models import RoutingRule
from smartunion.cases.services import case_apply
from smartunion.core.scoping import scopes_disabled
from tests.console.conftest import form_error_near, page_text
from tests.factories.cases import application_data


def _apply(world):
    case, _created = case_apply(actor=world.worker, data=application_data(employer=world.employer_fs))
    return case


def test_a_changed_rule_changes_where_a_new_case_goes(world, as_user, personas):
    client = as_user(personas["city_admin"])
    assert client.get("/console/cases/routing/").status_code == 200
    assert _apply(world).org == world.mediation_fs
    response = client.post(
        "/console/cases/routing/",
        {"kind": "mediation", "region_prefix": "110111", "centre": world.mediation_sy.pk, "note": "试点"},
    )
    assert response.status_code == 302
    assert _apply(world).org == world.mediation_sy
    assert "顺义区劳动争议调解中心" in page_text(client.get("/console/cases/routing/"))
    with scopes_disabled():
        rule = RoutingRule.objects.get()
    assert client.post(f"/console/cases/routing/{rule.pk}/delete/").status_code == 302
    assert _apply(world).org == world.mediation_fs


def test_a_rule_needs_a_prefix_or_an_industry(world, as_user, personas):
    response = as_user(personas["city_admin"]).post(
        "/console/cases/routing/", {"kind": "", "region_prefix": "", "centre": world.mediation_sy.pk}
    )
    assert response.status_code == 400
    response = as_user(personas["city_admin"]).post(
        "/console/cases/routing/", {"region_prefix": "11a", "centre": world.mediation_sy.pk}
    )
    assert form_error_near(response, "id_region_prefix")
    with scopes_disabled():
        assert RoutingRule.objects.count() == 0


def test_routing_is_for_cases_route_holders(world, as_user, personas):
    assert as_user(world.mediator_fs).get("/console/cases/routing/").status_code == 403
    assert as_user(personas["fangshan_staff"]).get("/console/cases/routing/").status_code == 403


def test_numbers_for_case_staff_and_cockpit_viewers_without_cases(world, as_user, new_case, personas):
    agreed = new_case(status="paid")
    new_case(status="received")
    text = page_text(as_user(world.mediator_fs).get("/console/cases/numbers/"))
    assert "21,673.30" in text
    response = as_user(personas["fangshan_viewer"]).get("/console/cases/numbers/")
    assert response.status_code == 200
    text = page_text(response)
    assert "21,673.30" in text  # the subtree's sums
    assert agreed.number not in text and "刘芳" not in text  # numbers only
    assert "/console/cases/" + str(agreed.pk) not in text
    assert as_user(personas["union_a_staff"]).get("/console/cases/numbers/").status_code == 403


def test_the_start_page_shows_the_case_work_waiting(world, as_user, new_case):
    new_case(status="received")
    new_case(status="assigned")
    response = as_user(world.mediator_fs).get("/console/")
    html = response.content.decode()
    assert 'id="case-work"' in html and 'id="cases-mine"' in html
    assert "/console/cases/new/" in html
    assert 'id="not-built"' not in html


def test_every_demo_role_menu_leads_to_no_403(world, as_user, personas):
    import re

    for user in (
        world.mediator_fs,
        world.officer_fs,
        world.union_staff_fs,
        personas["fangshan_viewer"],
        personas["city_admin"],
    ):
        client = as_user(user)
        home = client.get("/console/").content.decode()
        nav = re.search(r'<nav class="mainnav".*?</nav>', home, re.S).group(0)
        for link in re.findall(r'href="(/console/[^"]*)"', nav):
            assert client.get(link).status_code == 200, (user, link)
