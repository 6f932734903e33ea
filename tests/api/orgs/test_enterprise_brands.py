"""Brand names in the API (issue 7, item 18): written and read as a list, found by the enterprise
search and by the public join search."""

from __future__ import annotations

import pytest

from tests.factories import EnterpriseFactory, make_credit_code

pytestmark = pytest.mark.django_db


def test_brand_names_are_written_read_and_searched(api_as, tree):
    api = api_as("fangshan_staff")
    body = {
        "name": "北京畅行网约车科技有限公司",
        "credit_code": make_credit_code("110111"),
        "industry": "I",
        "is_platform": True,
        "org": tree.street_fs.pk,
        "brand_names": ["滴滴", " 滴滴出行 ", "滴滴", ""],
    }
    created = api.post("/api/v1/enterprises", body)
    assert created.status_code == 201, created.json()
    assert created.json()["brand_names"] == ["滴滴", "滴滴出行"]
    found = api.get("/api/v1/enterprises", {"q": "滴滴"}).json()["items"]
    assert [e["name"] for e in found] == ["北京畅行网约车科技有限公司"]
    changed = api.patch(f"/api/v1/enterprises/{created.json()['id']}", {"brand_names": ["花小猪"]})
    assert changed.json()["brand_names"] == ["花小猪"]
    assert api.get("/api/v1/enterprises", {"q": "滴滴"}).json()["items"] == []


def test_a_brand_name_too_long_is_a_field_error(api_as, tree):
    api = api_as("fangshan_staff")
    response = api.patch(f"/api/v1/enterprises/{tree.enterprise_a.pk}", {"brand_names": ["顺" * 51]})
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["body.brand_names"]


def test_the_public_join_search_finds_the_union_of_a_brand(client, tree):
    EnterpriseFactory(
        name="北京快马货运信息技术有限公司",
        org=tree.union_c,
        covering_union=tree.union_c,
        is_platform=True,
        brand_names="顺丰, 顺丰速运",
    )
    items = client.get("/api/v1/unions/joinable", {"enterprise": "顺丰"}).json()["items"]
    assert [(u["name"], u["enterprise"]["name"]) for u in items] == [
        ("丙公司工会", "北京快马货运信息技术有限公司")
    ]
