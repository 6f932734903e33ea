"""Every console list shows what the flag it needs lets one see, not the whole scope of all grants.

The case from the security review: a grassroots clerk of 甲公司工会 is also given the cockpit
viewer's role on the city. That widens their scope to the city (the cockpit reads it) but gives
them no right to browse the city's organisations, enterprises, grants or audit log.
"""

from __future__ import annotations

import re

import pytest

from smartunion.accounts.models import Role, RoleGrant
from smartunion.accounts.permissions import forget_grants
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.models import AuditOutcome
from smartunion.core.scoping import scopes_disabled
from smartunion.orgs.models import Org, OrgKind
from tests.console.conftest import page_text, zh
from tests.factories import OrgFactory, StaffFactory

pytestmark = pytest.mark.django_db


def grant(user, role_code: str, org: Org) -> None:
    with scopes_disabled():
        RoleGrant.objects.create(user=user, role=Role.objects.get(code=role_code), org=org)
    forget_grants(user)


@pytest.fixture
def widened(personas, tree):
    """union_a_staff with an extra cockpit_viewer grant on the city."""
    user = personas["union_a_staff"]
    grant(user, "cockpit_viewer", tree.city)
    return user


def stats(response) -> dict[str, int]:
    """The home page's figures, by their label."""
    html = response.content.decode()
    return {
        label: int(value.replace(",", ""))
        for value, label in re.findall(
            r'<span class="stat-value">([\d,]+)</span><span class="stat-label">(.*?)</span>', html
        )
    }


# --- Organisations ------------------------------------------------------------------------------


def test_search_does_not_reach_beyond_the_orgs_view_grant(widened, staff_client):
    client = staff_client(widened)
    text = page_text(client.get("/console/orgs/?q=顺义"))
    assert "顺义区总工会" not in text and "胜利街道总工会" not in text
    assert "没有找到匹配的组织" in text
    # The clerk's own union is still found.
    assert "甲公司工会" in page_text(client.get("/console/orgs/?q=甲公司"))


def test_an_empty_search_says_so_instead_of_no_organisation(signed_in):
    text = page_text(signed_in("city_admin").get("/console/orgs/?q=不存在的工会"))
    assert "没有找到匹配的组织" in text
    assert "您目前不负责任何组织" not in text


def test_the_tree_starts_at_the_orgs_view_grant(widened, staff_client):
    text = page_text(staff_client(widened).get("/console/orgs/"))
    assert "甲公司工会" in text
    assert "北京市总工会" not in text and "顺义区总工会" not in text


def test_children_of_a_node_without_the_flag_are_refused(widened, staff_client, tree):
    response = staff_client(widened).get(f"/console/orgs/{tree.shunyi.pk}/children/", HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert "胜利街道总工会" not in page_text(response)


def test_a_search_result_does_not_name_a_parent_i_may_not_open(signed_in):
    text = page_text(signed_in("union_a_staff").get("/console/orgs/?q=甲公司"))
    assert "甲公司工会" in text
    assert "拱辰街道总工会" not in text


def test_the_breadcrumb_shows_only_ancestors_i_may_open(widened, staff_client, tree):
    text = page_text(staff_client(widened).get(f"/console/orgs/{tree.union_a.pk}/"))
    assert "甲公司工会" in text
    assert "北京市总工会" not in text and "房山区总工会" not in text and "拱辰街道总工会" not in text


# --- Enterprises --------------------------------------------------------------------------------


def test_the_enterprise_list_follows_enterprises_view(widened, staff_client):
    text = page_text(staff_client(widened).get("/console/enterprises/?q=公司"))
    assert "甲物流有限公司" in text
    assert "丙餐饮有限公司" not in text and "乙科技有限公司" not in text


def test_the_enterprise_list_of_a_branch_without_the_flag_is_not_found(widened, staff_client, tree):
    response = staff_client(widened).get(f"/console/enterprises/?org={tree.shunyi.pk}")
    assert response.status_code == 404
    assert "丙餐饮有限公司" not in page_text(response)


def test_the_org_page_lists_enterprises_by_their_own_flag(personas, staff_client, tree):
    # An audit administrator may open organisations but not browse enterprises.
    text = page_text(staff_client(personas["auditor"]).get(f"/console/orgs/{tree.union_a.pk}/"))
    assert "甲公司工会" in text
    assert "甲物流有限公司" not in text


# --- Home ---------------------------------------------------------------------------------------


def test_home_counts_what_the_lists_show(widened, staff_client):
    figures = stats(staff_client(widened).get("/console/"))
    assert figures[zh("Organisations in my scope")] == 1
    assert figures[zh("Enterprises in my scope")] == 1


# --- Grants and audit ---------------------------------------------------------------------------


def test_the_grant_list_follows_roles_view(personas, staff_client, tree):
    user = personas["fangshan_staff"]  # union_staff on 房山: roles.view there
    grant(user, "cockpit_viewer", tree.city)
    text = page_text(staff_client(user).get("/console/roles/"))
    assert "fangshan.staff" in text
    assert "shunyi.staff" not in text and "city.admin" not in text


def test_the_audit_log_follows_audit_view(tree, staff_client):
    auditor = StaffFactory(
        username="fs.auditor", home_org=tree.fangshan, roles=[("audit_admin", tree.fangshan)]
    )
    grant(auditor, "cockpit_viewer", tree.city)
    with scopes_disabled():
        audit_record(action=AuditAction.HOLIDAY_CREATE, org=tree.shunyi, outcome=AuditOutcome.SUCCESS)
        audit_record(action=AuditAction.HOLIDAY_UPDATE, org=tree.fangshan, outcome=AuditOutcome.SUCCESS)
        audit_record(action=AuditAction.HOLIDAY_DELETE, org=None, outcome=AuditOutcome.SUCCESS)
    rows = page_text(staff_client(auditor).get("/console/audit/")).split("<tbody>")[1]
    assert "holiday.update" in rows
    assert "holiday.create" not in rows and "holiday.delete" not in rows


# --- Pickers ------------------------------------------------------------------------------------


def test_the_picker_offers_only_where_the_flag_is_held(widened, staff_client):
    client = staff_client(widened)
    for perm in ("", "orgs.view", "enterprises.change", "audit.view"):
        text = page_text(client.get(f"/console/orgs/pick/?field=org&perm={perm}&q=顺义"))
        assert "顺义区总工会" not in text, perm
    first = page_text(client.get("/console/orgs/pick/?field=org&perm="))
    assert "甲公司工会" in first and "北京市总工会" not in first


def test_the_move_picker_offers_no_service_body_and_no_own_branch(signed_in, tree):
    OrgFactory(
        name="房山区法律服务中心",
        kind=OrgKind.LEGAL_SERVICE_CENTRE,
        parent=tree.fangshan,
        region_code="110111",
    )
    OrgFactory(
        name="房山区建筑业工会", kind=OrgKind.INDUSTRY_UNION, parent=tree.fangshan, region_code="110111"
    )
    client = signed_in("fangshan_staff")
    text = page_text(client.get(f"/console/orgs/{tree.union_b.pk}/move/?q=房山"))
    assert f"?parent={tree.fangshan.pk}" in text and "房山区建筑业工会" in text
    assert "房山区劳动争议调解中心" not in text and "房山区法律服务中心" not in text
    by_code = page_text(client.get(f"/console/orgs/{tree.street_fs.pk}/move/?q=110111"))
    assert "房山区建筑业工会" in by_code
    # The node itself and its own branches are not offered.
    for own in (tree.street_fs, tree.union_a, tree.union_b):
        assert f"?parent={own.pk}" not in by_code


def test_the_move_picker_follows_orgs_change(personas, staff_client, tree):
    user = personas["fangshan_staff"]
    grant(user, "cockpit_viewer", tree.city)
    text = page_text(staff_client(user).get(f"/console/orgs/{tree.union_a.pk}/move/?q=110113"))
    assert "顺义区总工会" not in text and "胜利街道总工会" not in text


# --- The org page's panels ----------------------------------------------------------------------


def test_staff_and_roles_need_roles_view_on_the_org(signed_in, tree):
    heading = zh("Staff and roles here")
    assert heading not in page_text(signed_in("union_a_staff").get(f"/console/orgs/{tree.union_a.pk}/"))
    shown = page_text(signed_in("fangshan_admin").get(f"/console/orgs/{tree.union_a.pk}/"))
    assert heading in shown and "union_a.staff" in shown


def test_the_move_picker_offers_only_kinds_the_node_may_stand_under(signed_in, tree):
    client = signed_in("fangshan_staff")
    # An enterprise union cannot stand under another enterprise union; a district union can hold it.
    text = page_text(client.get(f"/console/orgs/{tree.union_b.pk}/move/?q=房山"))
    assert f"?parent={tree.fangshan.pk}" in text
    siblings = page_text(client.get(f"/console/orgs/{tree.union_b.pk}/move/?q=公司工会"))
    assert f"?parent={tree.union_a.pk}" not in siblings
