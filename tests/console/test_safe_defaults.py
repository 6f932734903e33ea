"""Safe defaults in the console (issue 7, item 22): no status chosen in advance on a member's
status change, only the kinds allowed under the parent when adding an organisation (starting on
the usual one), and the staff member of a role grant picked by a name search."""

from __future__ import annotations

import re

import pytest

from smartunion.accounts.models import Role, RoleGrant
from smartunion.core.scoping import scopes_disabled
from smartunion.orgs.models import OrgKind
from tests.console.conftest import form_error_near, page_text
from tests.factories import STAFF_PASSWORD, StaffFactory, make_person

pytestmark = pytest.mark.django_db


# --- A member's status ------------------------------------------------------------------------------


def test_no_status_is_chosen_in_advance_and_sending_none_is_refused_on_the_form(signed_in, tree):
    person, membership = make_person(org=tree.union_a, real_name="冯师傅")
    client = signed_in("union_a_staff")
    text = page_text(client.get(f"/console/members/{person.pk}/"))
    radios = re.findall(r'<input type="radio" name="to"[^>]*>', text)
    assert len(radios) >= 2 and "暂停会籍" in text
    assert not [radio for radio in radios if "checked" in radio]

    response = client.post(f"/console/members/{person.pk}/status/", {"reason": "长期拖欠会费"})
    assert response.status_code == 400
    assert form_error_near(response, "id_to") == "请选择新的会籍状态。"
    assert 'value="长期拖欠会费"' in page_text(response)  # the reason is kept
    membership.refresh_from_db()
    assert membership.status == "active"


# --- Adding an organisation ----------------------------------------------------------------------


def kind_options(text: str) -> tuple[list[str], str]:
    select = re.search(r'<select name="kind".*?</select>', text, re.S)[0]
    values = re.findall(r'<option value="([a-z_]+)"', select)
    selected = re.search(r'<option value="([a-z_]+)" selected', select)
    return values, selected[1] if selected else ""


def test_adding_under_a_district_offers_its_kinds_and_starts_on_a_street_union(signed_in, tree):
    text = page_text(signed_in("fangshan_admin").get(f"/console/orgs/{tree.fangshan.pk}/add/"))
    values, selected = kind_options(text)
    assert selected == OrgKind.STREET_UNION
    assert OrgKind.ENTERPRISE_UNION in values and OrgKind.MEDIATION_CENTRE in values
    assert OrgKind.CITY_FEDERATION not in values and OrgKind.DISTRICT_UNION not in values


def test_adding_under_a_street_union_starts_on_an_enterprise_union(signed_in, tree):
    text = page_text(signed_in("fangshan_staff").get(f"/console/orgs/{tree.street_fs.pk}/add/"))
    values, selected = kind_options(text)
    assert selected == OrgKind.ENTERPRISE_UNION
    assert OrgKind.STREET_UNION not in values and OrgKind.DISTRICT_UNION not in values
    assert values[:2] == [OrgKind.ENTERPRISE_UNION, OrgKind.JOINT_UNION]


def test_editing_offers_the_kinds_allowed_where_the_node_stands(signed_in, tree):
    text = page_text(signed_in("fangshan_staff").get(f"/console/orgs/{tree.union_a.pk}/edit/"))
    values, selected = kind_options(text)
    assert selected == OrgKind.ENTERPRISE_UNION
    assert OrgKind.DISTRICT_UNION not in values and OrgKind.STREET_UNION not in values


# --- Granting a role -------------------------------------------------------------------------------


def test_the_grant_form_finds_the_staff_member_by_name(signed_in, tree):
    newcomer = StaffFactory(username="gc.lx", display_name="梁翔", home_org=tree.street_fs)
    StaffFactory(username="sy.lx", display_name="梁晓", home_org=tree.street_sy)  # 顺义: not grantable here
    client = signed_in("fangshan_admin")
    form = page_text(client.get("/console/roles/grant/"))
    assert 'hx-get="/console/roles/staff/pick/"' in form
    assert 'name="username" type="text"' not in form and 'type="text" name="username"' not in form

    choices = page_text(client.get("/console/roles/staff/pick/", {"q": "梁"}, HTTP_HX_REQUEST="true"))
    assert "<html" not in choices
    assert "梁翔" in choices and 'value="gc.lx"' in choices and "拱辰街道总工会" in choices
    assert "梁晓" not in choices and "sy.lx" not in choices
    assert "没有匹配的工作人员" in page_text(client.get("/console/roles/staff/pick/", {"q": "梁晓"}))

    response = client.post(
        "/console/roles/grant/",
        {
            "username": "gc.lx",
            "role": Role.objects.get(code="union_staff").pk,
            "org": tree.street_fs.pk,
            "confirm": STAFF_PASSWORD,
        },
        follow=True,
    )
    assert "已授予 gc.lx" in page_text(response)
    with scopes_disabled():
        assert RoleGrant.objects.filter(user=newcomer, org=tree.street_fs).exists()


def test_granting_without_choosing_a_staff_member_says_how(signed_in, tree):
    client = signed_in("fangshan_admin")
    data = {
        "role": Role.objects.get(code="union_staff").pk,
        "org": tree.street_fs.pk,
        "confirm": STAFF_PASSWORD,
    }
    response = client.post("/console/roles/grant/", data)
    assert form_error_near(response, "id_username") == "请按姓名搜索并选择工作人员。"


def test_the_staff_picker_needs_the_right_to_grant(signed_in, tree):
    response = signed_in("fangshan_staff").get("/console/roles/staff/pick/", {"q": "fangshan"})
    assert response.status_code == 403
    assert "fangshan.admin" not in page_text(response)
