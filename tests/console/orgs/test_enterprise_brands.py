"""Brand names and aliases on the console (issue 7, item 18), and the industry shown by name
(item 22)."""

from __future__ import annotations

import pytest

from smartunion.core.scoping import scopes_disabled
from smartunion.orgs.models import Enterprise
from tests.console.conftest import form_error_near, page_text
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def edit_form(enterprise, **overrides) -> dict:
    data = {
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "industry": enterprise.industry,
        "headcount": str(enterprise.headcount),
        "address": enterprise.address,
        "covering_union": str(enterprise.covering_union_id or ""),
        "brand_names": "",
    }
    return {**data, **overrides}


def test_staff_give_a_platform_its_brands_and_find_it_by_them(signed_in, tree):
    client = signed_in("fangshan_staff")
    response = client.post(
        f"/console/enterprises/{tree.enterprise_a.pk}/edit/",
        edit_form(tree.enterprise_a, brand_names="饿了么， 蜂鸟即配;饿了么"),
        follow=True,
    )
    text = page_text(response)
    assert "修改已保存" in text and "饿了么、蜂鸟即配" in text
    with scopes_disabled():
        assert Enterprise.objects.get(pk=tree.enterprise_a.pk).brand_names == "饿了么、蜂鸟即配"
    found = page_text(client.get("/console/enterprises/", {"q": "饿了么"}))
    assert "甲物流有限公司" in found and "乙科技有限公司" not in found
    assert "共 1 家企业" in found
    form = page_text(client.get(f"/console/enterprises/{tree.enterprise_a.pk}/edit/"))
    assert 'value="饿了么、蜂鸟即配"' in form


def test_a_brand_name_too_long_is_refused_on_its_field(signed_in, tree):
    client = signed_in("fangshan_staff")
    response = client.post(
        f"/console/enterprises/{tree.enterprise_a.pk}/edit/",
        edit_form(tree.enterprise_a, brand_names="美" * 51),
    )
    assert "品牌名称每个最多 50 个字" in form_error_near(response, "id_brand_names")
    with scopes_disabled():
        assert Enterprise.objects.get(pk=tree.enterprise_a.pk).brand_names == ""


def test_the_list_names_the_industry_instead_of_its_letter(signed_in, tree):
    EnterpriseFactory(name="丁餐饮管理有限公司", org=tree.union_a, industry="H")
    text = page_text(signed_in("fangshan_staff").get("/console/enterprises/"))
    row = text[text.index("丁餐饮管理有限公司") : text.index("</tr>", text.index("丁餐饮管理有限公司"))]
    assert "住宿和餐饮业" in row
    assert "<td>H</td>" not in row
