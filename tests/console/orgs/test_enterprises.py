"""The enterprise register: list, search, add (with a bad credit code), edit, delete."""

from __future__ import annotations

import pytest

from smartunion.core.scoping import scopes_disabled
from smartunion.orgs.models import Enterprise
from tests.console.conftest import form_error_near, page_text, zh
from tests.factories import EnterpriseFactory, make_credit_code

pytestmark = pytest.mark.django_db


def enterprise_form(org, **overrides):
    data = {
        "name": "丁餐饮管理有限公司",
        "credit_code": make_credit_code("110111"),
        "industry": "H",
        "headcount": "35",
        "address": "良乡大街 8 号",
        "org": str(org.pk),
        "covering_union": "",
    }
    data.update(overrides)
    return data


def test_the_list_shows_my_scope_and_searches_by_name_and_code(signed_in, tree):
    client = signed_in("fangshan_staff")
    text = page_text(client.get("/console/enterprises/"))
    assert "企业名录" in text and "甲物流有限公司" in text and "乙科技有限公司" in text
    assert "丙餐饮有限公司" not in text
    assert "共 2 家企业" in text

    by_name = page_text(client.get("/console/enterprises/?q=物流"))
    assert "甲物流有限公司" in by_name and "乙科技有限公司" not in by_name
    code = tree.enterprise_b.credit_code
    assert code[:17] != tree.enterprise_a.credit_code[:17]
    by_code = page_text(client.get(f"/console/enterprises/?q={code[:17].lower()}"))  # a prefix, any case
    assert "乙科技有限公司" in by_code and "甲物流有限公司" not in by_code
    exact = page_text(client.get(f"/console/enterprises/?q={code}"))
    assert "乙科技有限公司" in exact and "甲物流有限公司" not in exact

    partial = page_text(client.get("/console/enterprises/?q=物流", HTTP_HX_REQUEST="true"))
    assert "<html" not in partial and "甲物流有限公司" in partial


def test_the_list_of_a_branch(signed_in, tree):
    text = page_text(signed_in("fangshan_staff").get(f"/console/enterprises/?org={tree.union_b.pk}"))
    assert "乙科技有限公司" in text and "甲物流有限公司" not in text


@pytest.mark.parametrize("count", [1, 3])
def test_the_list_runs_a_fixed_number_of_queries(signed_in, tree, django_assert_num_queries, count):
    for i in range(count):
        EnterpriseFactory(name=f"测企{i}有限公司", org=tree.union_a, covering_union=tree.union_a)
    client = signed_in("fangshan_staff")
    # session, user, grants, count, page (with both unions joined), the session save
    with django_assert_num_queries(8):
        response = client.get("/console/enterprises/?q=测企")
    assert page_text(response).count('">测企') == count


def test_register_an_enterprise(signed_in, tree):
    client = signed_in("fangshan_staff")
    form = page_text(client.get(f"/console/enterprises/new/?org={tree.union_a.pk}"))
    assert "登记企业" in form and "甲公司工会" in form
    data = enterprise_form(tree.union_a, covering_union=str(tree.union_a.pk))
    response = client.post("/console/enterprises/new/", data, follow=True)
    text = page_text(response)
    assert "已登记“丁餐饮管理有限公司”" in text
    assert data["credit_code"] in text and "110111" in text and "良乡大街 8 号" in text
    with scopes_disabled():
        saved = Enterprise.objects.get(credit_code=data["credit_code"])
    assert (
        saved.org_id == tree.union_a.pk
        and saved.covering_union_id == tree.union_a.pk
        and saved.headcount == 35
    )


def test_an_invalid_credit_code_is_explained_and_nothing_is_saved(signed_in, tree):
    client = signed_in("fangshan_staff")
    good = make_credit_code("110111")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with scopes_disabled():
        before = Enterprise.objects.count()
    response = client.post("/console/enterprises/new/", enterprise_form(tree.union_a, credit_code=bad))
    assert form_error_near(response, "id_credit_code") == zh(
        "The check character is wrong: this code was mistyped."
    )
    content = response.content.decode()
    assert 'value="丁餐饮管理有限公司"' in content and f'value="{bad}"' in content
    assert f'value="{tree.union_a.pk}" checked' in content  # the chosen union is kept
    with scopes_disabled():
        assert Enterprise.objects.count() == before


def test_a_duplicate_credit_code_is_refused(signed_in, tree):
    client = signed_in("fangshan_staff")
    response = client.post(
        "/console/enterprises/new/", enterprise_form(tree.union_a, credit_code=tree.enterprise_b.credit_code)
    )
    assert form_error_near(response, "id_credit_code") == zh(
        "An enterprise with this credit code is already registered."
    )


def test_a_covering_union_must_be_grassroots(signed_in, tree):
    client = signed_in("fangshan_staff")
    response = client.post(
        "/console/enterprises/new/", enterprise_form(tree.union_a, covering_union=str(tree.street_fs.pk))
    )
    assert zh("Only an enterprise union or a joint union can cover an enterprise.") in page_text(response)


def test_edit(signed_in, tree):
    client = signed_in("fangshan_staff")
    form = page_text(client.get(f"/console/enterprises/{tree.enterprise_a.pk}/edit/"))
    assert 'value="甲物流有限公司"' in form
    data = enterprise_form(
        tree.union_a,
        name="甲物流集团有限公司",
        credit_code=tree.enterprise_a.credit_code,
        headcount="80",
        covering_union=str(tree.union_a.pk),
    )
    response = client.post(f"/console/enterprises/{tree.enterprise_a.pk}/edit/", data, follow=True)
    text = page_text(response)
    assert "修改已保存" in text and "甲物流集团有限公司" in text
    with scopes_disabled():
        assert Enterprise.objects.get(pk=tree.enterprise_a.pk).headcount == 80


def test_delete(signed_in, tree):
    client = signed_in("fangshan_admin")
    confirm = page_text(client.get(f"/console/enterprises/{tree.enterprise_b.pk}/delete/"))
    assert "确定将“乙科技有限公司”" in confirm
    response = client.post(f"/console/enterprises/{tree.enterprise_b.pk}/delete/", follow=True)
    assert "已删除“乙科技有限公司”" in page_text(response)
    with scopes_disabled():
        assert not Enterprise.objects.filter(pk=tree.enterprise_b.pk).exists()


def test_grassroots_staff_see_their_enterprise_but_cannot_delete_it(signed_in, tree):
    client = signed_in("union_a_staff")
    text = page_text(client.get(f"/console/enterprises/{tree.enterprise_a.pk}/"))
    assert "甲物流有限公司" in text and "编辑" in text
    assert f"/console/enterprises/{tree.enterprise_a.pk}/delete/" not in text
    response = client.get(f"/console/enterprises/{tree.enterprise_a.pk}/delete/")
    assert response.status_code == 403 and "无权执行此操作" in page_text(response)


# --- The covering union (security review) ---------------------------------------------------------


@pytest.fixture
def covered_elsewhere(tree):
    """An enterprise kept by the 顺义 street union and covered by 甲公司工会 in 房山."""
    return EnterpriseFactory(name="戊快递有限公司", org=tree.street_sy, covering_union=tree.union_a)


def test_the_covering_union_opens_and_edits_the_enterprise(signed_in, covered_elsewhere):
    client = signed_in("union_a_staff")
    text = page_text(client.get(f"/console/enterprises/{covered_elsewhere.pk}/"))
    assert "戊快递有限公司" in text
    assert f"/console/enterprises/{covered_elsewhere.pk}/edit/" in text
    response = client.post(
        f"/console/enterprises/{covered_elsewhere.pk}/edit/",
        {
            **enterprise_form(covered_elsewhere.org),
            "name": "戊快递（北京）有限公司",
            "credit_code": covered_elsewhere.credit_code,
            "covering_union": str(covered_elsewhere.covering_union_id),
        },
        follow=True,
    )
    assert "修改已保存" in page_text(response)
    with scopes_disabled():
        assert Enterprise.objects.get(pk=covered_elsewhere.pk).name == "戊快递（北京）有限公司"


def test_a_responsible_union_i_cannot_see_is_not_named(signed_in, covered_elsewhere):
    detail = page_text(signed_in("union_a_staff").get(f"/console/enterprises/{covered_elsewhere.pk}/"))
    assert "胜利街道总工会" not in detail
    assert "<dd>—</dd>" in detail
    assert "甲公司工会" in detail  # the covering union, which the clerk may open
    listing = page_text(signed_in("union_a_staff").get("/console/enterprises/?q=戊快递"))
    assert "戊快递有限公司" in listing and "胜利街道总工会" not in listing


def test_the_city_sees_both_unions_named(signed_in, covered_elsewhere):
    detail = page_text(signed_in("city_admin").get(f"/console/enterprises/{covered_elsewhere.pk}/"))
    assert "胜利街道总工会" in detail and "甲公司工会" in detail


def test_a_headcount_beyond_ten_million_is_a_form_error(signed_in, tree):
    client = signed_in("fangshan_staff")
    data = enterprise_form(tree.union_a, headcount="10000001")
    response = client.post("/console/enterprises/new/", data)
    assert response.status_code == 200
    assert "10000000" in form_error_near(response, "id_headcount")
    with scopes_disabled():
        assert not Enterprise.objects.filter(credit_code=data["credit_code"]).exists()
