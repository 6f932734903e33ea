"""Routing: a case reaches the centre whose division code is the longest prefix of the employer's,
falls back up the tree, and follows the administrator's rules."""

from __future__ import annotations

import pytest

from smartunion.cases.services import case_apply, route, routing_rule_create
from smartunion.core.errors import Forbidden, ValidationFailed
from smartunion.orgs import demo as orgs_demo
from smartunion.orgs.models import OrgKind
from tests.factories import OrgFactory, StaffFactory, make_credit_code
from tests.factories.cases import application_data


@pytest.fixture
def beijing(db):
    """The demo's city with every district's mediation and legal-service centre."""
    city = OrgFactory(name="北京市总工会", kind=OrgKind.CITY_FEDERATION, region_code="110000")
    centres = {}
    for code, name, _slug, _weight, _streets in orgs_demo.DISTRICTS:
        district = OrgFactory(
            name=f"{name}总工会", kind=OrgKind.DISTRICT_UNION, region_code=code, parent=city
        )
        centres[code] = (
            OrgFactory(
                name=f"{name}劳动争议调解中心",
                kind=OrgKind.MEDIATION_CENTRE,
                region_code=code,
                parent=district,
            ),
            OrgFactory(
                name=f"{name}总工会职工法律服务中心",
                kind=OrgKind.LEGAL_SERVICE_CENTRE,
                region_code=code,
                parent=district,
            ),
        )
    return city, centres


@pytest.mark.parametrize("district", [d[0] for d in orgs_demo.DISTRICTS])
def test_every_demo_district_reaches_its_own_centres(beijing, district):
    _city, centres = beijing
    mediation, legal = centres[district]
    assert route(kind="mediation", region_code=district) == mediation
    assert route(kind="legal_aid", region_code=district) == legal
    assert route(kind="consultation", region_code=district) == legal
    # A street-level code (9 digits) under the district reaches the same centre.
    assert route(kind="mediation", region_code=district + "004") == mediation


def test_a_region_without_a_centre_falls_back_up_the_tree(beijing):
    city, centres = beijing
    city_centre = OrgFactory(
        name="北京市总工会劳动争议调解中心", kind=OrgKind.MEDIATION_CENTRE, region_code="110000", parent=city
    )
    # 110120 is not a demo district: the city's centre takes it.
    assert route(kind="mediation", region_code="110120") == city_centre
    # Tianjin (12) has no centre and no federation: the first top node takes it, to route by hand.
    assert route(kind="mediation", region_code="120101") == city


def test_a_changed_rule_changes_where_new_cases_go(case_world, system_scope):
    admin = StaffFactory(username="city.router", roles=[("federation_admin", case_world.tree.city)])
    with pytest.raises(Forbidden):  # a mediator does not hold cases.route
        routing_rule_create(
            actor=case_world.mediator_fs,
            kind="mediation",
            region_prefix="110113",
            industry="",
            centre=case_world.mediation_fs,
        )
    # Before: a 顺义 employer's mediation goes to 顺义.
    case, _ = case_apply(actor=case_world.worker, data=application_data(employer=case_world.employer_sy))
    assert case.org == case_world.mediation_sy
    routing_rule_create(
        actor=admin,
        kind="mediation",
        region_prefix="110113",
        industry="",
        centre=case_world.mediation_fs,
        note="顺义调解中心装修期间",
    )
    case, _ = case_apply(
        actor=case_world.other_worker, data=application_data(employer=case_world.employer_sy)
    )
    assert case.org == case_world.mediation_fs
    # Legal aid is untouched by a mediation rule.
    assert route(kind="legal_aid", region_code="110113") == case_world.legal_sy


def test_an_industry_rule_wins_over_the_district(case_world, system_scope):
    industry_centre = OrgFactory(
        name="北京市交通运输工会调解中心",
        kind=OrgKind.MEDIATION_CENTRE,
        region_code="110000",
        parent=case_world.tree.city,
    )
    routing_rule_create(actor=None, kind="", region_prefix="", industry="G", centre=industry_centre)
    assert route(kind="mediation", region_code="110113", industry="G") == industry_centre
    assert route(kind="mediation", region_code="110113", industry="F") == case_world.mediation_sy


def test_an_unregistered_employer_routes_by_its_credit_code(case_world):
    data = application_data()
    data["employer"] = {"name": "北京顺义新开快递有限公司", "credit_code": make_credit_code("110113")}
    case, _ = case_apply(actor=case_world.worker, data=data)
    assert case.org == case_world.mediation_sy
    assert case.employer is None and case.employer_region_code == "110113"


def test_a_rule_needs_a_centre_and_a_condition(case_world, system_scope):
    with pytest.raises(ValidationFailed):
        routing_rule_create(
            actor=None,
            kind="",
            region_prefix="",
            industry="",
            centre=case_world.mediation_fs,
        )
    with pytest.raises(ValidationFailed) as err:
        routing_rule_create(
            actor=None,
            kind="",
            region_prefix="110113",
            industry="",
            centre=case_world.tree.shunyi,
        )
    assert "centre" in err.value.fields
