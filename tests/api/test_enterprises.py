from __future__ import annotations

import re

import pytest

from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from smartunion.orgs.models import Enterprise
from tests.api.conftest import is_chinese
from tests.factories import EnterpriseFactory, make_credit_code

pytestmark = pytest.mark.django_db


def new_enterprise(tree, **overrides) -> dict:
    body = {
        "name": "京西快递服务有限公司",
        "credit_code": make_credit_code("110111"),
        "industry": "G",
        "headcount": 120,
        "address": "房山区拱辰街道1号",
        "is_platform": True,
        "org": tree.street_fs.pk,
        "covering_union": tree.union_a.pk,
    }
    return {**body, **overrides}


def audit_actions(enterprise_id) -> list[str]:
    with scopes_disabled():
        return list(
            AuditEvent.objects.filter(object_type="orgs.enterprise", object_id=str(enterprise_id))
            .order_by("seq")
            .values_list("action", flat=True)
        )


def test_list_search_and_detail(api_as, tree):
    api = api_as("fangshan_staff")

    listing = api.get("/api/v1/enterprises", {"q": "公司"})
    detail = api.get(f"/api/v1/enterprises/{tree.enterprise_a.pk}")

    assert [e["name"] for e in listing.json()["items"]] == ["乙科技有限公司", "甲物流有限公司"]
    body = detail.json()
    assert body["name"] == "甲物流有限公司"
    assert body["credit_code"] == tree.enterprise_a.credit_code
    assert body["org"] == {"id": tree.union_a.pk, "name": "甲公司工会"}
    assert body["covering_union"] == {"id": tree.union_a.pk, "name": "甲公司工会"}
    assert body["industry"] == "G"
    assert is_chinese(body["industry_label"])


def test_search_by_credit_code_prefix(api_as, tree):
    api = api_as("city_admin")

    response = api.get("/api/v1/enterprises", {"q": tree.enterprise_c.credit_code[:17].lower()})

    assert [e["name"] for e in response.json()["items"]] == ["丙餐饮有限公司"]


def test_create_change_and_delete_each_write_an_audit_record(api_as, tree):
    api = api_as("fangshan_admin")

    created = api.post("/api/v1/enterprises", new_enterprise(tree))
    assert created.status_code == 201, created.content.decode()
    body = created.json()
    assert body["name"] == "京西快递服务有限公司"
    assert body["region_code"] == "110111"
    assert body["address"] == "房山区拱辰街道1号"
    assert body["is_platform"] is True
    assert body["org"] == {"id": tree.street_fs.pk, "name": "拱辰街道总工会"}
    enterprise_id = body["id"]

    changed = api.patch(f"/api/v1/enterprises/{enterprise_id}", {"headcount": 80, "covering_union": None})
    assert changed.status_code == 200
    assert changed.json()["headcount"] == 80
    assert changed.json()["covering_union"] is None
    assert changed.json()["name"] == "京西快递服务有限公司"

    deleted = api.delete(f"/api/v1/enterprises/{enterprise_id}")
    assert deleted.status_code == 204
    assert api.get(f"/api/v1/enterprises/{enterprise_id}").status_code == 404

    assert audit_actions(enterprise_id) == ["enterprise.create", "enterprise.update", "enterprise.delete"]
    with scopes_disabled():
        event = AuditEvent.objects.get(action="enterprise.update", object_id=str(enterprise_id))
    assert event.actor_label == "fangshan.admin"
    assert event.client_address == "127.0.0.1"
    assert event.data == {"changed": ["covering_union", "headcount"]}


def test_invalid_credit_code_is_422_in_chinese_and_nothing_is_saved(api_as, tree):
    api = api_as("fangshan_staff")
    code = make_credit_code("110111")
    mistyped = code[:17] + ("0" if code[17] != "0" else "1")

    response = api.post("/api/v1/enterprises", new_enterprise(tree, credit_code=mistyped))

    body = response.json()
    assert response.status_code == 422
    assert body["code"] == "validation_error"
    assert list(body["fields"]) == ["body.credit_code"]
    assert is_chinese(body["fields"]["body.credit_code"][0])
    with scopes_disabled():
        assert not Enterprise.objects.filter(name="京西快递服务有限公司").exists()
        assert not AuditEvent.objects.filter(action="enterprise.create", data__credit_code=mistyped).exists()


def test_every_bad_field_is_reported(api_as, tree):
    api = api_as("fangshan_staff")

    response = api.post(
        "/api/v1/enterprises",
        {"name": "x" * 201, "headcount": -1, "industry": "G", "org": tree.fangshan.pk, "owner": 1},
    )

    fields = response.json()["fields"]
    assert response.status_code == 422
    assert fields == {
        "body.name": ["最多输入 200 个字符。"],
        "body.credit_code": ["此项为必填项。"],
        "body.headcount": ["请输入不小于 0 的数。"],
        "body.owner": ["请求中不应包含此字段。"],
    }


def test_references_outside_the_scope_are_field_errors(api_as, tree):
    api = api_as("fangshan_staff")

    response = api.post(
        "/api/v1/enterprises", new_enterprise(tree, org=tree.shunyi.pk, covering_union=tree.union_c.pk)
    )

    assert response.status_code == 422
    assert response.json()["fields"] == {
        "body.org": ["不存在此编号的组织。"],
        "body.covering_union": ["不存在此编号的组织。"],
    }
    assert "顺义" not in response.content.decode()


def test_service_rules_come_back_on_their_fields(api_as, tree):
    api = api_as("fangshan_staff")

    response = api.post("/api/v1/enterprises", new_enterprise(tree, covering_union=tree.street_fs.pk))

    fields = response.json()["fields"]
    assert response.status_code == 422
    assert list(fields) == ["body.covering_union"]
    assert is_chinese(fields["body.covering_union"][0])


def test_patch_refuses_to_blank_a_required_field(api_as, tree):
    api = api_as("fangshan_staff")

    response = api.patch(f"/api/v1/enterprises/{tree.enterprise_a.pk}", {"name": None, "credit_code": "X"})

    fields = response.json()["fields"]
    assert fields["body.name"] == ["此字段不能为空。"]
    assert list(fields) == ["body.name"]  # pydantic stops before the service is asked
    with scopes_disabled():
        assert Enterprise.objects.get(pk=tree.enterprise_a.pk).name == "甲物流有限公司"


def test_patch_reports_the_service_error_on_the_body_path(api_as, tree):
    api = api_as("fangshan_staff")

    response = api.patch(
        f"/api/v1/enterprises/{tree.enterprise_a.pk}", {"credit_code": tree.enterprise_b.credit_code}
    )

    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["body.credit_code"]
    assert is_chinese(response.json()["fields"]["body.credit_code"][0])


def test_fangshan_staff_cannot_reach_a_shunyi_enterprise(api_as, tree):
    api = api_as("fangshan_staff")
    url = f"/api/v1/enterprises/{tree.enterprise_c.pk}"

    responses = [api.get(url), api.patch(url, {"name": "改名公司"}), api.delete(url)]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert all("丙餐饮" not in r.content.decode() for r in responses)
    with scopes_disabled():
        assert Enterprise.objects.get(pk=tree.enterprise_c.pk).name == "丙餐饮有限公司"


def test_inside_the_scope_without_the_flag_is_403(api_as, tree):
    viewer = api_as("fangshan_viewer")

    response = viewer.get(f"/api/v1/enterprises/{tree.enterprise_a.pk}")

    assert response.status_code == 403
    assert "查看企业" in response.json()["message"]
    assert "甲物流" not in response.content.decode()


def test_grassroots_staff_may_not_delete(api_as, tree):
    api = api_as("union_a_staff")

    response = api.delete(f"/api/v1/enterprises/{tree.enterprise_a.pk}")

    assert response.status_code == 403
    assert "删除企业" in response.json()["message"]
    with scopes_disabled():
        assert Enterprise.objects.filter(pk=tree.enterprise_a.pk).exists()


def test_pages_walk_every_enterprise_once(api_as, tree):
    for n in range(6):
        EnterpriseFactory(name="同名企业有限公司" if n % 2 else f"翻页企业{n}", org=tree.union_b)
    api = api_as("fangshan_staff")

    seen: list[int] = []
    cursor = None
    while True:
        page = api.get("/api/v1/enterprises", {"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    everything = [item["id"] for item in api.get("/api/v1/enterprises", {"limit": 200}).json()["items"]]
    assert len(everything) == 8
    assert seen == everything
    assert len(set(seen)) == 8


@pytest.mark.parametrize("count", [1, 3])
def test_list_runs_a_fixed_number_of_queries(api_as, tree, count, django_assert_num_queries):
    for n in range(count):
        EnterpriseFactory(name=f"计数企业{n}", org=tree.union_c, covering_union=tree.union_c)
    api = api_as("city_admin")

    # token lookup, the user's grants, the page (with its orgs joined)
    with django_assert_num_queries(3):
        response = api.get("/api/v1/enterprises", {"q": "计数企业"})

    assert len(response.json()["items"]) == count


# --- Names across scope (issue 7, item 6): the same rule as the console's "—" ---------------------


@pytest.fixture
def covered_elsewhere(tree):
    """Kept by the 顺义 street union (which 甲公司工会's clerk may not view), covered by 甲公司工会."""
    return EnterpriseFactory(name="戊快递有限公司", org=tree.street_sy, covering_union=tree.union_a)


def test_a_union_the_caller_may_not_view_is_not_named(api_as, tree, covered_elsewhere):
    api = api_as("union_a_staff")
    response = api.get(f"/api/v1/enterprises/{covered_elsewhere.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "戊快递有限公司"
    assert body["org"] == {"id": None, "name": None}
    assert body["covering_union"] == {"id": tree.union_a.pk, "name": "甲公司工会"}
    assert "胜利街道总工会" not in response.content.decode()
    listing = api.get("/api/v1/enterprises", {"q": "戊快递"})
    assert [item["org"] for item in listing.json()["items"]] == [{"id": None, "name": None}]
    assert "胜利街道总工会" not in listing.content.decode()


def test_a_covering_union_the_caller_may_not_view_is_not_named(api_as, tree):
    # Kept by 甲公司工会, covered by 顺义's 丙公司工会: the covering union is the hidden one.
    enterprise = EnterpriseFactory(name="己外卖有限公司", org=tree.union_a, covering_union=tree.union_c)
    api = api_as("union_a_staff")
    changed = api.patch(f"/api/v1/enterprises/{enterprise.pk}", {"headcount": 30})
    assert changed.status_code == 200, changed.content
    for body in (changed.json(), api.get(f"/api/v1/enterprises/{enterprise.pk}").json()):
        assert body["org"] == {"id": tree.union_a.pk, "name": "甲公司工会"}
        assert body["covering_union"] == {"id": None, "name": None}
    assert "丙公司工会" not in changed.content.decode()


def test_the_console_and_the_api_name_the_same_unions(api_as, staff_client, personas, covered_elsewhere):
    from tests.console.conftest import page_text, zh

    def console_shows(page: str, label: str) -> str:
        match = re.search(rf"<dt>{zh(label)}</dt><dd>(.*?)</dd>", page, re.S)
        return re.sub(r"<[^>]+>", "", match.group(1)).strip()

    seen = set()
    for persona in ("union_a_staff", "fangshan_staff", "city_admin"):
        body = api_as(persona).get(f"/api/v1/enterprises/{covered_elsewhere.pk}").json()
        page = page_text(staff_client(personas[persona]).get(f"/console/enterprises/{covered_elsewhere.pk}/"))
        for key, label in (("org", "Responsible union"), ("covering_union", "Covering grassroots union")):
            assert console_shows(page, label) == (body[key]["name"] or "—"), (persona, key)
            seen.add(body[key]["name"])
    assert {None, "胜利街道总工会", "甲公司工会"} <= seen


def test_a_union_with_no_covering_union_stays_null(api_as, tree):
    enterprise = EnterpriseFactory(name="庚物流有限公司", org=tree.union_a, covering_union=None)
    body = api_as("union_a_staff").get(f"/api/v1/enterprises/{enterprise.pk}").json()
    assert body["covering_union"] is None
