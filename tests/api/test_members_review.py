"""Findings of the membership review on the API: no birth date beside a masked ID number, full
numbers searched by POST and kept out of URLs, sealed cursors, no-store answers, staff named by
their name in the worker's access history, withdrawing an application and cancelling a transfer."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client

from smartunion.core.errors import Forbidden
from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Membership, MembershipStatus, Transfer, TransferStatus
from smartunion.members.services import join_apply, person_open, person_unmask, transfer_request
from tests.api.conftest import ApiClient, is_chinese
from tests.conftest import as_staff
from tests.console.conftest import zh
from tests.factories import StaffFactory, WorkerFactory, make_id_number, make_person

pytestmark = pytest.mark.django_db

ID_A = "11010519491231002X"
MOBILE_A = "13912345678"
NUMBERS_MESSAGE = "请用 POST /api/v1/members/search 发送完整的手机号或身份证号，以免它们出现在网址和日志中。"


@pytest.fixture
def member_a(tree):
    return make_person(org=tree.union_a, real_name="张三", id_number=ID_A, mobile=MOBILE_A)


@pytest.fixture
def as_worker(db):
    def sign_in(user) -> ApiClient:
        client = ApiClient(Client())
        client.sign_in_worker(user)
        return client

    return sign_in


def unpadded_b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- C1: the masked ID number and the birth date ------------------------------------------------------


def test_lists_and_detail_give_the_birth_year_never_the_date(api_as, tree, member_a):
    person, _membership = member_a
    api = api_as("union_a_staff")

    listing = api.get("/api/v1/members", {"q": "张"})
    detail = api.get(f"/api/v1/members/{person.pk}")

    item = listing.json()["items"][0]
    assert item["id_number"] == "110105********002X" and item["birth_year"] == 1949
    assert detail.json()["id_number"] == "110105********002X" and detail.json()["birth_year"] == 1949
    for response in (listing, detail):
        text = response.content.decode()
        assert "birth_date" not in text
        assert "1949-12-31" not in text and "19491231" not in text and "1949-12" not in text


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


# --- I8: answers that are not to be cached --------------------------------------------------------


def test_my_data_and_unmasking_are_not_cached(api_as, as_worker, tree, member_a):
    person, _membership = member_a
    mine = WorkerFactory()
    make_person(org=tree.union_a, user=mine, real_name="自己")

    data = as_worker(mine).get("/api/v1/me/data")
    unmasked = api_as("fangshan_admin").post(f"/api/v1/members/{person.pk}/unmask", {"field": "mobile"})

    assert data.json()["person"]["real_name"] == "自己"
    assert data["Cache-Control"] == "no-store"
    assert unmasked.json()["value"] == MOBILE_A and unmasked["Cache-Control"] == "no-store"


# --- I8: the worker sees staff by name and organisation, never by login name ---------------------------


def test_access_history_names_staff_never_by_their_login(as_worker, tree, personas):
    member = WorkerFactory()
    person, _membership = make_person(org=tree.union_a, user=member)
    nameless = StaffFactory(
        username="zhang.login",
        display_name="",
        home_org=tree.fangshan,
        roles=[("union_staff", tree.fangshan)],
    )
    admin = personas["fangshan_admin"]
    with as_staff(nameless):
        person_open(actor=nameless, pk=person.pk)
    with as_staff(admin):
        person_open(actor=admin, pk=person.pk)

    response = as_worker(member).get("/api/v1/me/access-history")

    history = response.json()
    assert [(h["by"], h["by_org"]) for h in history] == [
        (admin.display_name, "房山区总工会"),
        ("工会工作人员", "房山区总工会"),
    ]
    assert "zhang.login" not in response.content.decode()
    assert admin.username not in response.content.decode()
    assert all(h["refused"] is False for h in history)


def test_a_refused_attempt_to_show_a_number_reads_as_refused(as_worker, tree, personas):
    member = WorkerFactory()
    person, _membership = make_person(org=tree.union_a, user=member)
    staff = personas["union_a_staff"]  # may view, may not unmask
    with as_staff(staff), pytest.raises(Forbidden):
        person_unmask(actor=staff, person=person, field="id_number")

    (entry,) = as_worker(member).get("/api/v1/me/access-history").json()

    assert entry["action"] == "person.unmask" and entry["refused"] is True
    assert entry["action_label"] == "试图显示完整信息（被拒绝）" and entry["field"] == "id_number"


# --- I11: withdrawing an application, cancelling a transfer ------------------------------------------


def test_a_worker_withdraws_the_waiting_application_and_may_apply_again(as_worker, tree):
    worker = WorkerFactory()
    join_apply(
        user=worker,
        org=tree.union_a,
        data={"real_name": "吴快递", "id_number": make_id_number(), "employer": tree.enterprise_a},
    )
    api = as_worker(worker)

    withdrawn = api.delete("/api/v1/me/applications/current")
    again = api.delete("/api/v1/me/applications/current")
    status = api.get("/api/v1/me/membership").json()

    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn" and withdrawn.json()["status_label"] == "已撤回"
    assert again.status_code == 409 and again.json()["message"] == zh(
        "You have no application waiting for an answer."
    )
    assert status["history"][0]["to_status"] == "withdrawn"
    with scopes_disabled():
        assert not Membership.objects.filter(person__user=worker, status="applying").exists()


def test_staff_cannot_withdraw_a_workers_application(api_as, tree):
    response = api_as("union_a_staff").delete("/api/v1/me/applications/current")
    assert response.status_code == 403 and is_chinese(response.json()["message"])


@pytest.fixture
def waiting_transfer(tree, personas):
    person, _m = make_person(org=tree.union_a, real_name="王转会")
    with as_staff(personas["union_a_staff"]):
        return transfer_request(actor=personas["union_a_staff"], person=person, to_org=tree.union_b)


def test_the_sending_union_cancels_a_waiting_transfer(api_as, waiting_transfer):
    api = api_as("union_a_staff")

    response = api.post(f"/api/v1/transfers/{waiting_transfer.pk}/cancel", {"reason": "填错了工会"})
    again = api.post(f"/api/v1/transfers/{waiting_transfer.pk}/cancel", {})

    body = response.json()
    assert response.status_code == 200
    assert (
        body["status"] == "cancelled" and body["status_label"] == "已取消" and body["reason"] == "填错了工会"
    )
    assert again.status_code == 409 and again.json()["message"] == zh(
        "This transfer has already been decided."
    )
    assert api.get("/api/v1/transfers").json()["items"] == []
    with scopes_disabled():
        assert Transfer.objects.get(pk=waiting_transfer.pk).status == TransferStatus.CANCELLED
        assert Membership.objects.get(person=waiting_transfer.person).status == "active"
        assert AuditEvent.objects.filter(action="transfer.cancel").count() == 1


def test_the_receiving_union_cancels_and_others_may_not(api_as, tree, waiting_transfer):
    outsider = api_as("shunyi_staff").post(f"/api/v1/transfers/{waiting_transfer.pk}/cancel", {})
    viewer = api_as("fangshan_viewer").post(f"/api/v1/transfers/{waiting_transfer.pk}/cancel", {})
    fangshan = api_as("fangshan_staff")
    too_long = fangshan.post(f"/api/v1/transfers/{waiting_transfer.pk}/cancel", {"reason": "长" * 301})
    receiver = fangshan.post(f"/api/v1/transfers/{waiting_transfer.pk}/cancel", {})

    assert outsider.status_code == 404
    assert viewer.status_code == 403
    assert too_long.status_code == 422 and list(too_long.json()["fields"]) == ["body.reason"]
    assert receiver.status_code == 200 and receiver.json()["status"] == "cancelled"


def test_post_search_by_number_stays_in_the_scope(api_as, tree):
    theirs, _m = make_person(org=tree.union_b, real_name="乙会员", mobile="13955556666")
    api = api_as("union_a_staff")

    by_mobile = api.post("/api/v1/members/search", {"q": "13955556666"})
    by_id = api.post("/api/v1/members/search", {"q": theirs.id_number})

    assert by_mobile.json()["items"] == [] and by_id.json()["items"] == []
    assert "乙会员" not in by_mobile.content.decode() + by_id.content.decode()


# --- Names the service refuses come back on the field ------------------------------------------------


@pytest.mark.parametrize(
    "name, message",
    [
        (
            '=HYPERLINK("http://example.com","点我")',
            "A name cannot start with = + - or @ (it would act as a spreadsheet formula).",
        ),
        ("\u200b", "Please enter the real name."),
    ],
)
def test_an_application_with_a_bad_name_is_a_422_on_the_name(as_worker, tree, name, message):
    worker = WorkerFactory()
    response = as_worker(worker).post(
        "/api/v1/me/applications",
        {
            "org": tree.union_a.pk,
            "employer": tree.enterprise_a.pk,
            "real_name": name,
            "id_number": make_id_number(),
            "employment_form": "courier",
            "sensitive_consent": True,
        },
    )

    assert response.status_code == 422
    assert response.json()["fields"] == {"body.real_name": [zh(message)]}
    with scopes_disabled():
        assert not Membership.objects.filter(person__user=worker).exists()
