"""Searching members in the API by a full number: full mobiles and ID numbers are sent by POST
/members/search and kept out of URLs (a GET with one is refused on the query), the search filters,
pages and stays in the scope like the list, and its sealed cursors carry no readable name and belong
to one list."""

from __future__ import annotations

import base64
import json

import pytest

from smartunion.members.models import MembershipStatus
from tests.api.conftest import is_chinese
from tests.factories import make_person

pytestmark = pytest.mark.django_db

ID_A = "11010519491231002X"
MOBILE_A = "13912345678"
NUMBERS_MESSAGE = "请用 POST /api/v1/members/search 发送完整的手机号或身份证号，以免它们出现在网址和日志中。"


@pytest.fixture
def member_a(tree):
    return make_person(org=tree.union_a, real_name="张三", id_number=ID_A, mobile=MOBILE_A)


def unpadded_b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- I6: full numbers stay out of URLs -------------------------------------------------------------


@pytest.mark.parametrize("q", [MOBILE_A, "139 1234 5678", ID_A, ID_A.lower()])
def test_a_get_with_a_full_number_is_refused_on_the_query(api_as, tree, member_a, q):
    response = api_as("union_a_staff").get("/api/v1/members", {"q": q})

    assert response.status_code == 422
    assert response.json()["fields"] == {"query.q": [NUMBERS_MESSAGE]}


def test_the_refusal_comes_after_the_permission_check(api, worker):
    api.sign_in_worker(worker)
    response = api.get("/api/v1/members", {"q": MOBILE_A})
    assert response.status_code == 403 and is_chinese(response.json()["message"])


def test_post_search_finds_by_full_mobile_full_id_and_name_prefix(api_as, tree, member_a):
    make_person(org=tree.union_a, real_name="张三丰")
    make_person(org=tree.union_b, real_name="李四")
    api = api_as("fangshan_staff")

    by_mobile = api.post("/api/v1/members/search", {"q": "139 1234 5678"})
    by_id = api.post("/api/v1/members/search", {"q": ID_A.lower()})
    by_name = api.post("/api/v1/members/search", {"q": "张三"})
    partial = api.post("/api/v1/members/search", {"q": MOBILE_A[:7]})

    assert [m["real_name"] for m in by_mobile.json()["items"]] == ["张三"]
    assert [m["real_name"] for m in by_id.json()["items"]] == ["张三"]
    assert [m["real_name"] for m in by_name.json()["items"]] == ["张三", "张三丰"]
    assert partial.json()["fields"] == {"body.q": ["请输入完整的 11 位手机号"]}  # issue 7, item 23
    first = by_mobile.json()["items"][0]
    assert first["mobile"] == "139****5678" and first["birth_year"] == 1949
    assert first["union"]["name"] == "甲公司工会" and first["status_label"] == "正常"
    assert MOBILE_A not in by_mobile.content.decode() and ID_A not in by_id.content.decode()


def test_post_search_filters_and_pages_like_the_list(api_as, tree):
    for n in range(4):
        make_person(org=tree.union_b, real_name=f"翻页{n}")
    make_person(org=tree.union_b, real_name="停会者", status=MembershipStatus.SUSPENDED)
    make_person(org=tree.union_a, real_name="甲某")
    api = api_as("fangshan_staff")

    suspended = api.post("/api/v1/members/search", {"status": "suspended"}).json()["items"]
    seen, cursor = [], None
    while True:
        page = api.post(
            "/api/v1/members/search", {"org": tree.union_b.pk, "limit": 2, "cursor": cursor}
        ).json()
        seen += [m["real_name"] for m in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert [m["real_name"] for m in suspended] == ["停会者"]
    assert sorted(seen) == sorted(["翻页0", "翻页1", "翻页2", "翻页3", "停会者"]) and len(seen) == 5


def test_post_search_bad_input_is_422_on_the_body(api_as, tree):
    api = api_as("fangshan_staff")

    response = api.post(
        "/api/v1/members/search", {"status": "asleep", "limit": 0, "org": tree.shunyi.pk, "colour": "red"}
    )
    outside = api.post("/api/v1/members/search", {"org": tree.shunyi.pk})
    bad_cursor = api.post("/api/v1/members/search", {"cursor": "not-a-cursor"})

    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"body.status", "body.limit", "body.colour"}
    assert outside.json()["fields"] == {"body.org": ["不存在此编号的组织。"]}
    assert list(bad_cursor.json()["fields"]) == ["body.cursor"]


@pytest.mark.parametrize("count", [1, 3])
def test_post_search_runs_a_fixed_number_of_queries(api_as, tree, count, django_assert_num_queries):
    for n in range(count):
        make_person(org=tree.union_c, real_name=f"计数{n}")
    api = api_as("city_admin")

    # token lookup, the user's grants, the page (org and employer joined, the current membership
    # a subquery of it)
    api.post("/api/v1/members/search", {"q": "计数"})  # PostgreSQL counts the scope's breadth once
    with django_assert_num_queries(3):
        response = api.post("/api/v1/members/search", {"q": "计数"})

    assert len(response.json()["items"]) == count


# --- Cursors carry no readable name, and belong to one list -----------------------------------------


def test_a_member_cursor_hides_the_name_and_works_in_get_and_post(api_as, tree):
    for name in ("欧阳一", "欧阳二", "欧阳三"):
        make_person(org=tree.union_a, real_name=name)
    api = api_as("union_a_staff")

    first = api.get("/api/v1/members", {"q": "欧阳", "limit": 1}).json()
    cursor = first["next_cursor"]
    decoded = unpadded_b64decode(cursor)
    by_get = api.get("/api/v1/members", {"q": "欧阳", "limit": 1, "cursor": cursor}).json()
    by_post = api.post("/api/v1/members/search", {"q": "欧阳", "limit": 1, "cursor": cursor}).json()

    names = sorted(["欧阳一", "欧阳二", "欧阳三"])
    assert first["items"][0]["real_name"] == names[0]
    assert "欧阳".encode() not in decoded and "欧阳" not in cursor
    with pytest.raises(ValueError):
        json.loads(decoded)  # sealed, not a readable JSON list
    assert [m["real_name"] for m in by_get["items"]] == [names[1]]
    assert [m["real_name"] for m in by_post["items"]] == [names[1]]


def test_a_cursor_of_another_list_is_refused_as_a_422(api_as, tree):
    for name in ("欧阳一", "欧阳二"):
        make_person(org=tree.union_a, real_name=name)
    api = api_as("union_a_staff")
    member_cursor = api.get("/api/v1/members", {"limit": 1}).json()["next_cursor"]
    plain_cursor = base64.urlsafe_b64encode(json.dumps(["欧阳一", 1]).encode()).decode().rstrip("=")

    for url in ("/api/v1/applications", "/api/v1/transfers"):
        response = api.get(url, {"cursor": member_cursor})
        assert response.status_code == 422 and list(response.json()["fields"]) == ["query.cursor"]
        assert is_chinese(response.json()["fields"]["query.cursor"][0])
    unsealed = api.get("/api/v1/members", {"cursor": plain_cursor})
    assert unsealed.status_code == 422 and list(unsealed.json()["fields"]) == ["query.cursor"]


def test_post_search_by_number_stays_in_the_scope(api_as, tree):
    theirs, _m = make_person(org=tree.union_b, real_name="乙会员", mobile="13955556666")
    api = api_as("union_a_staff")

    by_mobile = api.post("/api/v1/members/search", {"q": "13955556666"})
    by_id = api.post("/api/v1/members/search", {"q": theirs.id_number})

    assert by_mobile.json()["items"] == [] and by_id.json()["items"] == []
    assert "乙会员" not in by_mobile.content.decode() + by_id.content.decode()
