from __future__ import annotations

import pytest

from tests.factories import OrgFactory

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


def test_list_shows_the_scope_in_tree_order(api_as, tree):
    api = api_as("fangshan_staff")

    response = api.get("/api/v1/orgs")

    assert response.status_code == 200
    assert names(response) == [
        "房山区总工会",
        "拱辰街道总工会",
        "甲公司工会",
        "乙公司工会",
        "房山区劳动争议调解中心",
    ]
    assert response.json()["next_cursor"] is None
    first = response.json()["items"][0]
    assert first["kind"] == "district_union"
    assert first["kind_label"] == "区县总工会"
    assert first["region_code"] == "110111"
    assert first["children"] == 2


def test_search_by_name_and_by_division_code(api_as, tree):
    api = api_as("city_admin")

    by_name = api.get("/api/v1/orgs", {"q": "街道"})
    by_code = api.get("/api/v1/orgs", {"q": "110113"})

    assert names(by_name) == ["拱辰街道总工会", "胜利街道总工会"]
    assert names(by_code) == ["顺义区总工会", "胜利街道总工会", "丙公司工会"]


def test_parent_and_kind_filters(api_as, tree):
    api = api_as("city_admin")

    under_street = api.get("/api/v1/orgs", {"parent": tree.street_fs.pk})
    districts = api.get("/api/v1/orgs", {"kind": "district_union"})

    assert names(under_street) == ["甲公司工会", "乙公司工会"]
    assert names(districts) == ["房山区总工会", "顺义区总工会"]


def test_parent_outside_the_scope_is_a_field_error(api_as, tree):
    api = api_as("fangshan_staff")

    response = api.get("/api/v1/orgs", {"parent": tree.shunyi.pk})

    body = response.json()
    assert response.status_code == 422
    assert body["fields"] == {"query.parent": ["不存在此编号的组织。"]}
    assert "顺义" not in response.content.decode()


def test_bad_query_values_are_422_with_their_paths(api_as, tree):
    api = api_as("fangshan_staff")

    response = api.get("/api/v1/orgs", {"limit": 500, "kind": "castle", "cursor": "@@@"})

    body = response.json()
    assert response.status_code == 422
    assert body["fields"]["query.limit"] == ["请输入不大于 200 的数。"]
    assert list(body["fields"]) == ["query.kind", "query.limit"]
    assert body["fields"]["query.kind"][0].startswith("请从以下选项中选择")


def test_bad_cursor_is_422(api_as, tree):
    api = api_as("fangshan_staff")

    response = api.get("/api/v1/orgs", {"cursor": "bm90LWpzb24"})

    assert response.json()["fields"] == {"query.cursor": ["翻页标记无效：请从第一页重新开始。"]}


def test_detail_with_visible_ancestors(api_as, tree):
    api = api_as("fangshan_staff")

    response = api.get(f"/api/v1/orgs/{tree.union_a.pk}")

    org = response.json()
    assert response.status_code == 200
    assert org["name"] == "甲公司工会"
    assert org["parent_id"] == tree.street_fs.pk
    # The city federation is above fangshan's scope: not shown.
    assert org["ancestors"] == [
        {"id": tree.fangshan.pk, "name": "房山区总工会"},
        {"id": tree.street_fs.pk, "name": "拱辰街道总工会"},
    ]


def test_detail_outside_the_scope_is_404_without_a_hint(api_as, tree):
    api = api_as("fangshan_staff")

    response = api.get(f"/api/v1/orgs/{tree.union_c.pk}")

    body = response.json()
    assert response.status_code == 404
    assert body["code"] == "not_found"
    assert body["message"] == response.json()["message"]
    assert "丙公司工会" not in response.content.decode()
    missing = api.get("/api/v1/orgs/999999").json()
    assert missing == body  # out of scope reads exactly like "does not exist"


def test_inside_the_scope_without_the_flag_is_403(api_as, tree):
    api = api_as("fangshan_viewer")  # cockpit.view only

    detail = api.get(f"/api/v1/orgs/{tree.union_a.pk}")
    listing = api.get("/api/v1/orgs")

    assert detail.status_code == 403
    assert detail.json()["code"] == "forbidden"
    assert "查看组织" in detail.json()["message"]
    assert "甲公司工会" not in detail.content.decode()
    assert listing.status_code == 403


def test_workers_are_refused_staff_endpoints(api, worker, tree):
    api.sign_in_worker(worker)

    for url in ("/api/v1/orgs", f"/api/v1/orgs/{tree.union_a.pk}", "/api/v1/enterprises"):
        response = api.get(url)
        assert response.status_code == 403
        assert response.json()["message"] == "此部分接口仅供工会工作人员使用。"


def test_unknown_paths_and_non_numeric_ids_answer_in_the_error_shape(api_as, tree):
    api = api_as("fangshan_staff")

    unknown = api.get("/api/v1/nothing-here")
    not_a_number = api.get("/api/v1/orgs/abc")

    assert unknown.status_code == 404
    assert unknown.json() == {"code": "not_found", "message": "未找到。", "fields": {}}
    assert not_a_number.status_code == 422
    assert not_a_number.json()["fields"] == {"path.org_id": ["请输入整数。"]}


def test_pages_walk_every_row_once(api_as, tree):
    for n in range(7):
        OrgFactory(name=f"翻页工会{n}", parent=tree.street_fs, region_code="110111")
    api = api_as("fangshan_staff")

    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = api.get("/api/v1/orgs", params).json()
        seen += [item["name"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break

    everything = names(api.get("/api/v1/orgs", {"limit": 200}))
    assert len(everything) == 12
    assert seen == everything
    assert len(set(seen)) == 12
    assert pages == 4


@pytest.mark.parametrize("count", [1, 3])
def test_list_runs_a_fixed_number_of_queries(api_as, tree, count, django_assert_num_queries):
    for n in range(count):
        OrgFactory(name=f"计数工会{n}", parent=tree.street_sy, kind="joint_union", region_code="110113")
    api = api_as("city_admin")

    # token lookup, the user's grants, the page
    with django_assert_num_queries(3):
        response = api.get("/api/v1/orgs", {"kind": "joint_union"})

    assert len(response.json()["items"]) == count
