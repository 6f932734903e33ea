"""The organisation tree: lazy browsing, search, add, edit, move, delete."""

from __future__ import annotations

import pytest

from smartunion.core.scoping import scopes_disabled
from smartunion.orgs.models import Org, OrgKind
from tests.console.conftest import form_error_near, page_text, zh
from tests.factories import OrgFactory

pytestmark = pytest.mark.django_db


def fresh(org: Org) -> Org:
    with scopes_disabled():
        return Org.objects.get(pk=org.pk)


def test_the_tree_shows_the_roots_of_my_scope_and_loads_children_lazily(signed_in, tree):
    client = signed_in("fangshan_staff")
    text = page_text(client.get("/console/orgs/"))
    assert "组织架构" in text
    assert "房山区总工会" in text and "110111" in text
    assert "北京市总工会" not in text and "顺义区总工会" not in text
    # Children are not in the page until the node is opened.
    assert "拱辰街道总工会" not in text
    assert f'hx-get="/console/orgs/{tree.fangshan.pk}/children/"' in text

    children = client.get(f"/console/orgs/{tree.fangshan.pk}/children/", HTTP_HX_REQUEST="true")
    part = page_text(children)
    assert "<html" not in part
    assert "拱辰街道总工会" in part and "110111004" in part and zh("Street or township union") in part
    assert "下级 2 个" in part  # numchild of the street union
    assert "房山区劳动争议调解中心" in part

    grandchildren = page_text(
        client.get(f"/console/orgs/{tree.street_fs.pk}/children/", HTTP_HX_REQUEST="true")
    )
    assert "甲公司工会" in grandchildren and "乙公司工会" in grandchildren


def test_children_of_a_node_outside_my_scope_are_not_found(signed_in, tree):
    client = signed_in("fangshan_staff")
    response = client.get(f"/console/orgs/{tree.shunyi.pk}/children/", HTTP_HX_REQUEST="true")
    assert response.status_code == 404
    assert "胜利街道总工会" not in page_text(response)


def test_search_by_name_and_by_division_code(signed_in, tree):
    client = signed_in("city_admin")
    by_name = page_text(client.get("/console/orgs/?q=甲公司"))
    assert "甲公司工会" in by_name and "乙公司工会" not in by_name
    assert "共有 1 个组织与“甲公司”匹配" in by_name

    by_code = page_text(client.get("/console/orgs/?q=110113"))
    assert "顺义区总工会" in by_code and "胜利街道总工会" in by_code and "丙公司工会" in by_code
    assert "房山区总工会" not in by_code

    street = page_text(client.get("/console/orgs/?q=110111004"))
    assert "拱辰街道总工会" in street and "房山区总工会</a>" not in street

    partial = page_text(client.get("/console/orgs/?q=甲公司", HTTP_HX_REQUEST="true"))
    assert "<html" not in partial and "甲公司工会" in partial


def test_search_stays_in_my_scope(signed_in, tree):
    client = signed_in("union_a_staff")
    text = page_text(client.get("/console/orgs/?q=公司工会"))
    assert "甲公司工会" in text and "乙公司工会" not in text and "丙公司工会" not in text


@pytest.mark.parametrize("extra", [0, 2])
def test_org_search_runs_a_fixed_number_of_queries(signed_in, tree, django_assert_num_queries, extra):
    for i in range(extra):
        OrgFactory(name=f"测点工会{i}", parent=tree.street_sy, region_code="110113")
    OrgFactory(name="测点工会X", parent=tree.street_fs, region_code="110111")
    client = signed_in("city_admin")
    # session, user, grants, count, page, then the session's idle expiry saved (in a savepoint)
    with django_assert_num_queries(8):
        response = client.get("/console/orgs/?q=测点工会")
    assert page_text(response).count("测点工会") >= 1 + extra


@pytest.mark.parametrize("extra", [0, 2])
def test_lazy_children_run_a_fixed_number_of_queries(signed_in, tree, django_assert_num_queries, extra):
    for i in range(extra):
        OrgFactory(name=f"新增工会{i}", parent=tree.street_sy, region_code="110113")
    client = signed_in("city_admin")
    # session, user, grants, the parent, its children, the session save
    with django_assert_num_queries(8):
        response = client.get(f"/console/orgs/{tree.street_sy.pk}/children/", HTTP_HX_REQUEST="true")
    assert "丙公司工会" in page_text(response)


def test_detail_shows_breadcrumb_children_enterprises_and_grants(signed_in, tree, personas):
    client = signed_in("fangshan_admin")
    text = page_text(client.get(f"/console/orgs/{tree.street_fs.pk}/"))
    assert "房山区总工会" in text  # breadcrumb
    assert "北京市总工会" not in text  # above the viewer's scope
    assert "甲公司工会" in text and "乙公司工会" in text
    assert "甲物流有限公司" in text and "乙科技有限公司" in text
    fangshan = page_text(client.get(f"/console/orgs/{tree.fangshan.pk}/"))
    assert "fangshan.staff" in fangshan and zh("Union staff") in fangshan
    for label in ("编辑", "添加下级", "迁移", "删除"):
        assert label in text


def test_a_page_outside_my_scope_is_a_friendly_404(signed_in, tree):
    response = signed_in("fangshan_staff").get(f"/console/orgs/{tree.union_c.pk}/")
    assert response.status_code == 404
    text = page_text(response)
    assert "未找到" in text and "返回首页" in text and "丙公司工会" not in text


def test_inside_my_scope_without_the_permission_is_a_403_page(signed_in, tree):
    response = signed_in("union_a_staff").get(f"/console/orgs/{tree.union_a.pk}/edit/")
    assert response.status_code == 403
    assert "无权执行此操作" in page_text(response)


def test_add_a_child(signed_in, tree):
    client = signed_in("fangshan_staff")
    form = page_text(client.get(f"/console/orgs/{tree.street_fs.pk}/add/"))
    assert "在“拱辰街道总工会”下添加组织" in form
    response = client.post(
        f"/console/orgs/{tree.street_fs.pk}/add/",
        {
            "name": "丁公司工会",
            "kind": OrgKind.ENTERPRISE_UNION,
            "region_code": "110111",
            "address": "拱辰大街 1 号",
        },
        follow=True,
    )
    text = page_text(response)
    assert "已添加“丁公司工会”" in text and "拱辰大街 1 号" in text
    assert fresh(tree.street_fs).numchild == 3


def test_add_with_a_bad_division_code_keeps_the_input_and_saves_nothing(signed_in, tree):
    client = signed_in("fangshan_staff")
    response = client.post(
        f"/console/orgs/{tree.street_fs.pk}/add/",
        {"name": "丁公司工会", "kind": OrgKind.ENTERPRISE_UNION, "region_code": "99011"},
    )
    assert form_error_near(response, "id_region_code") == zh(
        "A division code has 6 digits (9 or 12 for streets and townships)."
    )
    assert 'value="丁公司工会"' in response.content.decode()
    with scopes_disabled():
        assert not Org.objects.filter(name="丁公司工会").exists()


def test_edit_and_no_mobile_in_plain_text(signed_in, tree):
    client = signed_in("fangshan_staff")
    response = client.post(
        f"/console/orgs/{tree.union_a.pk}/edit/",
        {
            "name": "甲公司工会（新）",
            "kind": OrgKind.ENTERPRISE_UNION,
            "region_code": "110111",
            "contact_name": "张三",
            "contact_phone": "13912345678",
        },
        follow=True,
    )
    text = page_text(response)
    assert "修改已保存" in text and "甲公司工会（新）" in text
    assert "139****5678" in text and "13912345678" not in text
    form = page_text(client.get(f"/console/orgs/{tree.union_a.pk}/edit/"))
    assert "13912345678" not in form and "139****5678" in form
    # Blank keeps the stored number.
    client.post(
        f"/console/orgs/{tree.union_a.pk}/edit/",
        {
            "name": "甲公司工会",
            "kind": OrgKind.ENTERPRISE_UNION,
            "region_code": "110111",
            "contact_phone": "",
        },
    )
    assert fresh(tree.union_a).contact_phone == "13912345678"
    assert fresh(tree.union_a).name == "甲公司工会"


def test_move_by_search_then_confirm(signed_in, tree):
    client = signed_in("city_admin")
    search = page_text(client.get(f"/console/orgs/{tree.street_fs.pk}/move/?q=顺义"))
    assert "顺义区总工会" in search
    assert f"/console/orgs/{tree.street_fs.pk}/move/?parent={tree.shunyi.pk}" in search
    confirm = page_text(client.get(f"/console/orgs/{tree.street_fs.pk}/move/?parent={tree.shunyi.pk}"))
    assert "确定将“拱辰街道总工会”及其全部下级迁移到“顺义区总工会”之下吗？" in confirm
    response = client.post(
        f"/console/orgs/{tree.street_fs.pk}/move/", {"parent": tree.shunyi.pk}, follow=True
    )
    text = page_text(response)
    assert "已迁移“拱辰街道总工会”" in text
    assert fresh(tree.street_fs).parent_id == tree.shunyi.pk
    assert fresh(tree.union_a).path.startswith(fresh(tree.shunyi).path)


def test_moving_under_its_own_descendant_is_refused(signed_in, tree):
    client = signed_in("city_admin")
    response = client.post(f"/console/orgs/{tree.fangshan.pk}/move/", {"parent": tree.union_a.pk})
    assert zh("An organisation cannot be moved under itself or one of its own branches.") in page_text(
        response
    )
    assert fresh(tree.fangshan).parent_id == tree.city.pk


def test_delete_is_refused_with_the_reasons(signed_in, tree):
    client = signed_in("city_admin")
    page = page_text(client.get(f"/console/orgs/{tree.street_fs.pk}/delete/"))
    assert "该组织暂不能删除" in page
    assert zh("it still has %(n)d organisations under it", n=2) in page
    fangshan = page_text(client.get(f"/console/orgs/{tree.fangshan.pk}/delete/"))
    # 3 staff accounts and 4 role grants belong to 房山 (one: union_a_fs_cockpit's cockpit on it)
    assert zh("staff accounts or role grants still belong to it (%(n)d)", n=7) in fangshan

    response = client.post(f"/console/orgs/{tree.street_fs.pk}/delete/")
    assert zh("it still has %(n)d organisations under it", n=2) in page_text(response)
    with scopes_disabled():
        assert Org.objects.filter(pk=tree.street_fs.pk).exists()


def test_delete_a_leaf(signed_in, tree):
    leaf = OrgFactory(name="待删工会", parent=tree.street_fs, region_code="110111")
    client = signed_in("city_admin")
    confirm = page_text(client.get(f"/console/orgs/{leaf.pk}/delete/"))
    assert "确定删除“待删工会”吗？" in confirm
    response = client.post(f"/console/orgs/{leaf.pk}/delete/", follow=True)
    assert "已删除“待删工会”" in page_text(response)
    assert response.redirect_chain[-1][0] == f"/console/orgs/{tree.street_fs.pk}/"
    with scopes_disabled():
        assert not Org.objects.filter(pk=leaf.pk).exists()


def test_the_picker_offers_only_orgs_where_i_hold_the_permission(signed_in, tree):
    client = signed_in("union_a_staff")
    text = page_text(client.get("/console/orgs/pick/?field=org&perm=enterprises.change&q=公司工会"))
    assert 'name="org"' in text and "甲公司工会" in text
    assert "乙公司工会" not in text and "丙公司工会" not in text
    first = page_text(client.get("/console/orgs/pick/?field=org&perm=enterprises.change&auto=1"))
    assert "甲公司工会" in first and "checked" in first
