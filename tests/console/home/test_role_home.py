"""The console's menu and start page follow the roles: every link shown opens (no 403, no 404), each
role's start page shows its work, and a role whose services are not built yet is told so."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from smartunion.accounts.permissions import DEFAULT_ROLES
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Membership
from smartunion.members.services import transfer_request
from tests.conftest import as_staff, staff_login
from tests.console.conftest import page_text
from tests.factories import StaffFactory, make_person

pytestmark = pytest.mark.django_db


def console_links(html: str) -> list[str]:
    """Every console address the page links to, menu included (forms are not links)."""
    return sorted({href for href in re.findall(r'<a [^>]*href="(/console/[^"#]*)"', html)})


def role_staff(tree) -> dict[str, object]:
    """One staff account per default role, on the district (a mediator at its mediation centre), and
    the two-role persona: a grassroots clerk who also reads the city's cockpit."""
    staff = {}
    for code in DEFAULT_ROLES:
        org = tree.mediation_fs if code == "mediator" else tree.fangshan
        staff[code] = StaffFactory(username=f"role.{code}", home_org=org, roles=[(code, org)])
    staff["grassroots_and_cockpit"] = StaffFactory(
        username="role.two",
        home_org=tree.union_a,
        roles=[("grassroots_staff", tree.union_a), ("cockpit_viewer", tree.city)],
    )
    return staff


@pytest.fixture
def work(tree, personas):
    """Waiting work at union_a: two applications, one past its answer date, and a transfer from
    union_c (Shunyi) into union_a, and one from union_a out to union_b."""
    make_person(org=tree.union_a, real_name="新申请", status="applying")
    _p, late = make_person(org=tree.union_a, real_name="超期人", status="applying")
    with scopes_disabled():
        Membership.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - timedelta(days=3))
    incoming, _m = make_person(org=tree.union_c, real_name="转入者")
    outgoing, _m = make_person(org=tree.union_a, real_name="转出者")
    with as_staff(personas["city_admin"]):
        transfer_request(actor=personas["city_admin"], person=incoming, to_org=tree.union_a)
        transfer_request(actor=personas["city_admin"], person=outgoing, to_org=tree.union_b)


@pytest.mark.parametrize("role", [*DEFAULT_ROLES, "grassroots_and_cockpit"])
def test_every_menu_and_start_page_link_opens_for_every_role(staff_client, tree, work, role):
    user = role_staff(tree)[role]
    client = staff_client(user)
    home = client.get("/console/")
    assert home.status_code == 200
    links = console_links(home.content.decode())
    assert "/console/" in links  # the brand link, at least
    refused = {}
    for link in links:
        status = client.get(link).status_code
        if status in (403, 404):
            refused[link] = status
    assert refused == {}, f"{role} is shown links it may not open"


def test_every_menu_and_start_page_link_opens_for_every_persona(client, personas, work):
    refused = {}
    for name, user in personas.items():
        staff_login(client, user)
        for link in console_links(client.get("/console/").content.decode()):
            status = client.get(link).status_code
            if status in (403, 404):
                refused[f"{name} {link}"] = status
        client.logout()
    assert refused == {}


def test_roles_see_only_their_menu(staff_client, tree):
    staff = role_staff(tree)
    clerk = console_links(staff_client(staff["merchant_clerk"]).get("/console/").content.decode())
    assert clerk == ["/console/", "/console/account/password/"] or clerk == ["/console/"]
    grassroots = console_links(staff_client(staff["grassroots_staff"]).get("/console/").content.decode())
    assert {"/console/members/", "/console/applications/", "/console/transfers/"} <= set(grassroots)
    assert "/console/roles/" not in grassroots and "/console/audit/" not in grassroots


def test_the_start_page_counts_the_waiting_work(staff_client, personas, tree, work):
    text = page_text(staff_client(personas["union_a_staff"]).get("/console/"))
    counts = dict(re.findall(r'id="todo-([a-z-]+)"><span class="stat-value">(\d+)</span>', text))
    assert counts == {"applications": "2", "overdue": "1", "transfers": "1", "transfers-out": "1"}
    assert "等待处理" in text and "已超过答复期限" in text and "待审批的转入" in text
    # Shunyi's staff see only the transfer their union sent; nothing waits for their answer.
    text = page_text(staff_client(personas["shunyi_staff"]).get("/console/"))
    counts = dict(re.findall(r'id="todo-([a-z-]+)"><span class="stat-value">(\d+)</span>', text))
    assert counts == {"applications": "0", "overdue": "0", "transfers": "0", "transfers-out": "1"}


@pytest.mark.parametrize(
    ("role", "service"),
    [("cockpit_viewer", "数据驾驶舱"), ("merchant_clerk", "核销消费券和早餐卡")],
)
def test_a_role_whose_services_are_not_built_is_told_so(staff_client, tree, role, service):
    text = page_text(staff_client(role_staff(tree)[role]).get("/console/"))
    assert "控制台暂未提供" in text and service in text
    assert 'id="todo-applications"' not in text  # no membership work for them


def test_a_mediator_is_shown_their_case_work_not_a_service_to_come(staff_client, tree):
    text = page_text(staff_client(role_staff(tree)["mediator"]).get("/console/"))
    assert 'id="case-work"' in text and 'id="not-built"' not in text
    assert "/console/cases/new/" in text
