"""Members, applications and transfers for staff in the API: search with masked personal data, the
recorded opening of a record, audited unmasking, answering applications, transfers; scope (404),
permissions (403), and fixed query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Membership, MembershipStatus, Person, Transfer
from smartunion.members.services import join_apply, transfer_request
from smartunion.notifications.models import InboxMessage
from smartunion.orgs.models import OrgKind
from tests.api.conftest import is_chinese
from tests.factories import OrgFactory, StaffFactory, WorkerFactory, make_id_number, make_person

pytestmark = pytest.mark.django_db

ID_A = "11010519491231002X"
MOBILE_A = "13912345678"


def masked_id(value: str) -> str:
    return value[:6] + "********" + value[-4:]


def masked_mobile(value: str) -> str:
    return value[:3] + "****" + value[-4:]


@pytest.fixture
def member_a(tree):
    person, membership = make_person(org=tree.union_a, real_name="张三", id_number=ID_A, mobile=MOBILE_A)
    return person, membership


@pytest.fixture
def member_b(tree):
    return make_person(org=tree.union_b, real_name="李四")


def apply_to(union, enterprise, *, name="王五", **overrides):
    worker = WorkerFactory()
    return join_apply(
        user=worker,
        org=union,
        consent=True,
        data={"real_name": name, "id_number": make_id_number(), "employer": enterprise, **overrides},
    )


def audit_actions(person) -> list[str]:
    with scopes_disabled():
        return list(
            AuditEvent.objects.filter(object_type="members.person", object_id=str(person.pk))
            .order_by("seq")
            .values_list("action", flat=True)
        )


# --- members --------------------------------------------------------------------------------------


def test_search_by_name_prefix_shows_masked_personal_data(api_as, tree, member_a, member_b):
    make_person(org=tree.union_a, real_name="张三丰")
    api = api_as("union_a_staff")

    response = api.get("/api/v1/members", {"q": "张三"})

    body = response.json()
    assert response.status_code == 200
    assert [m["real_name"] for m in body["items"]] == ["张三", "张三丰"]
    first = body["items"][0]
    assert first["id_number"] == masked_id(ID_A) == "110105********002X"
    assert first["mobile"] == masked_mobile(MOBILE_A) == "139****5678"
    assert first["union"] == {"id": tree.union_a.pk, "name": "甲公司工会"}
    assert first["status"] == "active" and first["status_label"] == "正常"
    assert first["number"] == member_a[1].number
    assert first["sex"] == "F" and first["birth_year"] == 1949
    assert ID_A not in response.content.decode() and MOBILE_A not in response.content.decode()
    assert body["next_cursor"] is None


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_page_of_members_is_exactly_the_schema_it_declares(api_as, tree, member_a, language):
    """The search answers with plain data (api/rendering.py), which django-ninja does not check:
    every field of MemberPage is there, with its type, and nothing else."""
    from smartunion.api.schemas import MemberPage

    make_person(
        org=tree.union_a, real_name="张三丰", employer=tree.enterprise_a, status=MembershipStatus.APPLYING
    )
    with scopes_disabled():
        Person.objects.create(real_name="张三娃", org=tree.union_a)  # no membership, no numbers on file
    api = api_as("union_a_staff")
    api.client.cookies["smartunion_language"] = language

    body = api.get("/api/v1/members", {"q": "张三", "limit": 2}).json()
    rest = api.get("/api/v1/members", {"q": "张三", "limit": 2, "cursor": body["next_cursor"]}).json()

    items = body["items"] + rest["items"]
    assert [m["real_name"] for m in items] == ["张三", "张三丰", "张三娃"]
    for page in (body, rest):
        assert MemberPage.model_validate(page).model_dump(mode="json") == page
    with_employer, bare = items[1], items[2]
    assert with_employer["employer"] == {"id": tree.enterprise_a.pk, "name": tree.enterprise_a.name}
    assert with_employer["status"] == "applying"
    assert with_employer["status_label"] == ("申请中" if language == "zh-hans" else "Applying")
    assert items[0]["employment_form_label"] == (
        "全日制用工" if language == "zh-hans" else "Standard employee"
    )
    assert bare["employer"] is None and bare["status"] == "" and bare["status_label"] == ""
    assert bare["id_number"] == "" and bare["mobile"] == ""
    assert rest["next_cursor"] is None


def test_search_by_full_mobile_and_full_id_number(api_as, tree, member_a, member_b):
    api = api_as("fangshan_staff")

    # Full numbers go in a POST body, out of URLs (GET refuses them: test_members_review.py).
    by_mobile = api.post("/api/v1/members/search", {"q": MOBILE_A})
    by_id = api.post("/api/v1/members/search", {"q": ID_A.lower()})

    assert [m["real_name"] for m in by_mobile.json()["items"]] == ["张三"]
    assert [m["real_name"] for m in by_id.json()["items"]] == ["张三"]


def test_part_of_a_number_is_refused_with_what_to_type(api_as, tree, member_a):
    # Issue 7, item 23: not read as the start of a name (which found nobody, silently).
    api = api_as("fangshan_staff")
    for answer, field in (
        (api.get("/api/v1/members", {"q": MOBILE_A[:7]}), "query.q"),
        (api.post("/api/v1/members/search", {"q": MOBILE_A[:7]}), "body.q"),
    ):
        assert answer.status_code == 422
        assert answer.json()["fields"] == {field: ["请输入完整的 11 位手机号"]}
    partial_id = api.post("/api/v1/members/search", {"q": ID_A[:14]})
    assert partial_id.json()["fields"] == {"body.q": ["请输入完整的 18 位身份证号"]}


def test_a_member_is_found_by_the_sign_in_mobile_too(api_as, tree):
    # The worker signs in with one number and gave the union another as the contact.
    account = WorkerFactory(mobile="13700001111")
    person, _m = make_person(org=tree.union_a, real_name="赵登录", mobile="13700002222", user=account)
    make_person(org=tree.union_c, real_name="钱别处", user=WorkerFactory(mobile="13700003333"))
    api = api_as("fangshan_staff")
    for number in ("13700001111", "13700002222", "137 0000 1111"):
        found = api.post("/api/v1/members/search", {"q": number}).json()["items"]
        assert [m["real_name"] for m in found] == ["赵登录"], number
        assert found[0]["mobile"] == "137****2222"  # the contact number, masked
    # Another district's member is not found by their sign-in number either.
    assert api.post("/api/v1/members/search", {"q": "13700003333"}).json()["items"] == []


def test_filters_by_org_and_status_and_pages_walk_every_row_once(api_as, tree, member_a, member_b):
    for n in range(4):
        make_person(org=tree.union_b, real_name=f"翻页{n}")
    make_person(org=tree.union_b, real_name="停会者", status=MembershipStatus.SUSPENDED)
    api = api_as("fangshan_staff")

    in_b = api.get("/api/v1/members", {"org": tree.union_b.pk, "limit": 200}).json()["items"]
    suspended = api.get("/api/v1/members", {"status": "suspended"}).json()["items"]
    seen, cursor = [], None
    while True:
        page = api.get("/api/v1/members", {"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [m["id"] for m in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert len(in_b) == 6 and {m["union"]["name"] for m in in_b} == {"乙公司工会"}
    assert [m["real_name"] for m in suspended] == ["停会者"]
    assert len(seen) == len(set(seen)) == 7


def test_bad_list_queries_are_422_with_their_paths(api_as, tree):
    api = api_as("fangshan_staff")

    response = api.get("/api/v1/members", {"status": "asleep", "limit": 0, "org": tree.shunyi.pk})

    fields = response.json()["fields"]
    assert response.status_code == 422
    assert set(fields) == {"query.status", "query.limit"}
    assert fields["query.limit"] == ["请输入不小于 1 的数。"]
    outside = api.get("/api/v1/members", {"org": tree.shunyi.pk})
    assert outside.json()["fields"] == {"query.org": ["不存在此编号的组织。"]}


def test_lists_show_only_the_scope(api_as, tree, member_a, member_b):
    make_person(org=tree.union_c, real_name="丙某")
    union_a_names = [m["real_name"] for m in api_as("union_a_staff").get("/api/v1/members").json()["items"]]
    shunyi_names = [m["real_name"] for m in api_as("shunyi_staff").get("/api/v1/members").json()["items"]]

    assert union_a_names == ["张三"]
    assert shunyi_names == ["丙某"]


@pytest.mark.parametrize("count", [1, 3])
def test_member_list_runs_a_fixed_number_of_queries(api_as, tree, count, django_assert_num_queries):
    for n in range(count):
        make_person(org=tree.union_c, real_name=f"计数{n}")
    api = api_as("city_admin")
    # On PostgreSQL the first search in a scope also counts how much of the tree the scope covers
    # (members.selectors._covers_much_of_tree), once per process and scope for ten minutes.
    api.get("/api/v1/members", {"q": "计数"})

    # token lookup, the user's grants, the page (org and employer names and the current membership
    # are subqueries of it)
    with django_assert_num_queries(3):
        response = api.get("/api/v1/members", {"q": "计数"})

    assert len(response.json()["items"]) == count


def test_members_come_twenty_to_a_page_unless_limit_asks_for_more(api_as, tree):
    for n in range(21):
        make_person(org=tree.union_c, real_name=f"翻页{n:02d}")
    api = api_as("city_admin")

    first = api.get("/api/v1/members", {"q": "翻页"}).json()
    searched = api.post("/api/v1/members/search", {"q": "翻页"}).json()
    rest = api.get("/api/v1/members", {"q": "翻页", "cursor": first["next_cursor"]}).json()
    wide = api.get("/api/v1/members", {"q": "翻页", "limit": 50}).json()

    assert [p["real_name"] for p in first["items"]] == [f"翻页{n:02d}" for n in range(20)]
    assert [p["real_name"] for p in searched["items"]] == [f"翻页{n:02d}" for n in range(20)]
    assert [p["real_name"] for p in rest["items"]] == ["翻页20"]
    assert len(wide["items"]) == 21 and wide["next_cursor"] is None


def test_opening_a_member_is_recorded_and_shows_masked_data(api_as, tree, member_a):
    person, membership = member_a
    api = api_as("union_a_staff")

    response = api.get(f"/api/v1/members/{person.pk}")

    body = response.json()
    assert response.status_code == 200
    assert body["real_name"] == "张三"
    assert body["id_number"] == "110105********002X"
    assert body["mobile"] == "139****5678"
    assert body["employment_form_label"] == "全日制用工"
    assert [(m["union"]["name"], m["status"], m["number"]) for m in body["memberships"]] == [
        ("甲公司工会", "active", membership.number)
    ]
    assert ID_A not in response.content.decode()
    assert audit_actions(person) == ["person.view"]
    with scopes_disabled():
        event = AuditEvent.objects.get(action="person.view")
    assert event.actor_label == "union_a.staff"


def test_unmasking_needs_the_flag_and_is_audited(api_as, tree, member_a):
    person, _ = member_a

    refused = api_as("fangshan_staff").post(f"/api/v1/members/{person.pk}/unmask", {"field": "id_number"})
    admin = api_as("fangshan_admin")
    shown = admin.post(f"/api/v1/members/{person.pk}/unmask", {"field": "id_number"})
    mobile = admin.post(f"/api/v1/members/{person.pk}/unmask", {"field": "mobile"})
    bad = admin.post(f"/api/v1/members/{person.pk}/unmask", {"field": "real_name"})

    assert refused.status_code == 403
    assert "查看完整个人信息" in refused.json()["message"]
    assert ID_A not in refused.content.decode()
    assert shown.json() == {"field": "id_number", "value": ID_A}
    assert shown["Cache-Control"] == "no-store"
    assert mobile.json()["value"] == MOBILE_A
    assert bad.status_code == 422
    assert list(bad.json()["fields"]) == ["body.field"]
    assert audit_actions(person) == ["person.unmask", "person.unmask", "person.unmask"]
    with scopes_disabled():
        data = list(
            AuditEvent.objects.filter(action="person.unmask").order_by("seq").values_list("outcome", "data")
        )
    # The refused attempt is on record too, then the two shown fields.
    assert data == [
        ("denied", {"field": "id_number"}),
        ("success", {"field": "id_number"}),
        ("success", {"field": "mobile"}),
    ]
    assert ID_A not in str(data)


def test_a_member_of_a_sibling_union_does_not_exist(api_as, tree, member_b):
    person, _ = member_b
    api = api_as("union_a_staff")

    opened = api.get(f"/api/v1/members/{person.pk}")
    unmasked = api.post(f"/api/v1/members/{person.pk}/unmask", {"field": "mobile"})

    for response in (opened, unmasked):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert "李四" not in response.content.decode()
    assert api.get("/api/v1/members/999999").json() == opened.json()
    assert audit_actions(person) == []  # nothing recorded: nothing was shown


def test_inside_the_scope_without_the_flag_is_403(api_as, tree, member_a):
    person, _ = member_a
    api = api_as("fangshan_viewer")  # cockpit.view only

    detail = api.get(f"/api/v1/members/{person.pk}")
    listing = api.get("/api/v1/members")

    assert detail.status_code == 403
    assert "查看会员" in detail.json()["message"]
    assert "张三" not in detail.content.decode()
    assert listing.status_code == 403


def test_workers_are_refused_every_staff_endpoint(api, worker, tree, member_a):
    person, membership = member_a
    api.sign_in_worker(worker)

    responses = [
        api.get("/api/v1/members"),
        api.get(f"/api/v1/members/{person.pk}"),
        api.post(f"/api/v1/members/{person.pk}/unmask", {"field": "mobile"}),
        api.get("/api/v1/applications"),
        api.post(f"/api/v1/applications/{membership.pk}/decision", {"approve": True}),
        api.get("/api/v1/transfers"),
        api.post("/api/v1/transfers", {"person": person.pk, "to_org": tree.union_b.pk}),
        api.post("/api/v1/transfers/1/decision", {"approve": True}),
    ]

    for response in responses:
        assert response.status_code == 403
        assert response.json()["message"] == "此部分接口仅供工会工作人员使用。"
        assert "张三" not in response.content.decode()


# --- applications ---------------------------------------------------------------------------------


def test_the_queue_lists_open_applications_with_overdue_flags(api_as, tree):
    fresh = apply_to(tree.union_a, tree.enterprise_a, name="新申请")
    late = apply_to(tree.union_a, tree.enterprise_a, name="逾期者")
    apply_to(tree.union_b, tree.enterprise_b, name="乙申请")
    with scopes_disabled():
        Membership.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    api = api_as("union_a_staff")

    queue = api.get("/api/v1/applications").json()
    overdue = api.get("/api/v1/applications", {"overdue": "true"}).json()

    assert [(a["person"]["real_name"], a["overdue"]) for a in queue["items"]] == [
        ("逾期者", True),
        ("新申请", False),
    ]
    item = queue["items"][1]
    assert item["id"] == fresh.pk
    assert item["union"] == {"id": tree.union_a.pk, "name": "甲公司工会"}
    assert item["status_label"] == "申请中"
    assert item["person"]["id_number"].count("*") == 8
    assert [a["person"]["real_name"] for a in overdue["items"]] == ["逾期者"]


def test_the_district_above_sees_its_unions_applications_and_pages_by_due_date(api_as, tree):
    for n in range(3):
        apply_to(tree.union_a, tree.enterprise_a, name=f"甲{n}")
    apply_to(tree.union_b, tree.enterprise_b, name="乙0")
    api = api_as("fangshan_staff")

    first = api.get("/api/v1/applications", {"limit": 3}).json()
    second = api.get("/api/v1/applications", {"limit": 3, "cursor": first["next_cursor"]}).json()

    names = [a["person"]["real_name"] for a in first["items"] + second["items"]]
    assert sorted(names) == ["乙0", "甲0", "甲1", "甲2"]
    assert second["next_cursor"] is None


@pytest.mark.parametrize("count", [1, 3])
def test_application_queue_runs_a_fixed_number_of_queries(api_as, tree, count, django_assert_num_queries):
    for n in range(count):
        apply_to(tree.union_a, tree.enterprise_a, name=f"排队{n}")
    api = api_as("union_a_staff")

    # token lookup, the user's grants, the page (with person and union joined)
    with django_assert_num_queries(3):
        response = api.get("/api/v1/applications")

    assert len(response.json()["items"]) == count


def test_approving_makes_a_member_and_tells_the_worker(api_as, tree):
    application = apply_to(tree.union_a, tree.enterprise_a)
    api = api_as("union_a_staff")

    response = api.post(f"/api/v1/applications/{application.pk}/decision", {"approve": True})

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "active" and body["status_label"] == "正常"
    assert len(body["number"]) == 10
    assert body["join_date"] == timezone.localdate().isoformat()
    assert InboxMessage.objects.filter(user=application.person.user, body__contains=body["number"]).exists()

    again = api.post(f"/api/v1/applications/{application.pk}/decision", {"approve": False, "reason": "重复"})
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    assert is_chinese(again.json()["message"])


def test_rejecting_needs_a_reason_in_chinese(api_as, tree):
    application = apply_to(tree.union_a, tree.enterprise_a)
    api = api_as("union_a_staff")

    no_reason = api.post(
        f"/api/v1/applications/{application.pk}/decision", {"approve": False, "reason": "  "}
    )
    not_bool = api.post(f"/api/v1/applications/{application.pk}/decision", {"approve": "maybe"})
    rejected = api.post(
        f"/api/v1/applications/{application.pk}/decision", {"approve": False, "reason": "非本单位职工"}
    )

    assert no_reason.status_code == 422
    assert list(no_reason.json()["fields"]) == ["body.reason"]
    assert is_chinese(no_reason.json()["fields"]["body.reason"][0])
    assert not_bool.json()["fields"] == {"body.approve": ["请输入 true 或 false。"]}
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["reason"] == "非本单位职工"


def test_a_sibling_unions_application_does_not_exist(api_as, tree):
    application = apply_to(tree.union_b, tree.enterprise_b, name="乙申请")
    api = api_as("union_a_staff")

    queue = api.get("/api/v1/applications")
    decided = api.post(f"/api/v1/applications/{application.pk}/decision", {"approve": True})

    assert "乙申请" not in queue.content.decode()
    assert decided.status_code == 404
    assert "乙申请" not in decided.content.decode()
    with scopes_disabled():
        assert Membership.objects.get(pk=application.pk).status == MembershipStatus.APPLYING


def test_deciding_without_the_flag_is_403(api_as, tree):
    application = apply_to(tree.union_a, tree.enterprise_a)

    response = api_as("fangshan_viewer").post(
        f"/api/v1/applications/{application.pk}/decision", {"approve": True}
    )

    assert response.status_code == 403
    with scopes_disabled():
        assert Membership.objects.get(pk=application.pk).status == MembershipStatus.APPLYING


# --- transfers ------------------------------------------------------------------------------------


def test_a_transfer_is_requested_by_the_sending_union_and_approved_by_the_receiving_one(
    api_as, tree, member_a
):
    person, old = member_a
    sending = api_as("union_a_staff")

    requested = sending.post(
        "/api/v1/transfers", {"person": person.pk, "to_org": tree.union_c.pk, "reason": "换工作"}
    )

    body = requested.json()
    assert requested.status_code == 201, requested.content.decode()
    assert body["person"]["real_name"] == "张三"
    assert body["person"]["id_number"] == "110105********002X"
    assert body["from_union"]["name"] == "甲公司工会" and body["to_union"]["name"] == "丙公司工会"
    assert body["status"] == "requested" and is_chinese(body["status_label"])
    assert body["reason"] == "换工作"
    assert [t["id"] for t in sending.get("/api/v1/transfers").json()["items"]] == [body["id"]]

    # The sending side may not approve its own request.
    refused = sending.post(f"/api/v1/transfers/{body['id']}/decision", {"approve": True})
    assert refused.status_code == 403

    receiving = api_as("shunyi_staff")
    assert [t["id"] for t in receiving.get("/api/v1/transfers").json()["items"]] == [body["id"]]
    approved = receiving.post(f"/api/v1/transfers/{body['id']}/decision", {"approve": True})

    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    with scopes_disabled():
        statuses = dict(Membership.objects.filter(person=person).values_list("org_id", "status"))
    assert statuses == {tree.union_a.pk: "transferred_out", tree.union_c.pk: "active"}
    again = receiving.post(f"/api/v1/transfers/{body['id']}/decision", {"approve": False, "reason": "x"})
    assert again.status_code == 409
    assert is_chinese(again.json()["message"])


def test_transfer_requests_with_bad_input(api_as, tree, member_a, member_b):
    person, _ = member_a
    api = api_as("union_a_staff")

    to_itself = api.post("/api/v1/transfers", {"person": person.pk, "to_org": tree.union_a.pk})
    to_a_district = api.post("/api/v1/transfers", {"person": person.pk, "to_org": tree.fangshan.pk})
    someone_elses = api.post("/api/v1/transfers", {"person": member_b[0].pk, "to_org": tree.union_c.pk})
    missing = api.post("/api/v1/transfers", {"to_org": "丙"})

    assert list(to_itself.json()["fields"]) == ["body.to_org"]
    assert is_chinese(to_itself.json()["fields"]["body.to_org"][0])
    assert to_a_district.json()["fields"] == {"body.to_org": ["不存在此编号的工会。"]}
    assert someone_elses.json()["fields"] == {"body.person": ["不存在此编号的人员。"]}
    assert "李四" not in someone_elses.content.decode()
    assert missing.json()["fields"] == {"body.person": ["此项为必填项。"], "body.to_org": ["请输入整数。"]}

    first = api.post("/api/v1/transfers", {"person": person.pk, "to_org": tree.union_c.pk})
    second = api.post("/api/v1/transfers", {"person": person.pk, "to_org": tree.union_b.pk})
    assert first.status_code == 201
    assert second.status_code == 409
    assert is_chinese(second.json()["message"])


def test_only_a_member_can_transfer(api_as, tree):
    applicant = apply_to(tree.union_a, tree.enterprise_a, name="申请人")

    response = api_as("union_a_staff").post(
        "/api/v1/transfers", {"person": applicant.person_id, "to_org": tree.union_c.pk}
    )

    assert response.status_code == 409
    assert is_chinese(response.json()["message"])


def test_a_transfer_between_other_unions_does_not_exist(api_as, tree, member_b):
    person, _ = member_b
    with scopes_disabled():
        transfer = transfer_request(
            actor=StaffFactory(roles=[("grassroots_staff", tree.union_b)]), person=person, to_org=tree.union_c
        )
    api = api_as("union_a_staff")

    listing = api.get("/api/v1/transfers")
    decided = api.post(f"/api/v1/transfers/{transfer.pk}/decision", {"approve": True})

    assert listing.json()["items"] == []
    assert decided.status_code == 404
    assert "李四" not in decided.content.decode()
    with scopes_disabled():
        assert Transfer.objects.get(pk=transfer.pk).status == "requested"


@pytest.mark.parametrize("count", [1, 3])
def test_transfer_list_runs_a_fixed_number_of_queries(api_as, tree, count, django_assert_num_queries):
    staff = StaffFactory(roles=[("grassroots_staff", tree.union_a)])
    for n in range(count):
        person, _ = make_person(org=tree.union_a, real_name=f"调动{n}")
        transfer_request(actor=staff, person=person, to_org=tree.union_c)
    api = api_as("city_admin")

    # token lookup, the user's grants, the page (with person and both unions joined)
    with django_assert_num_queries(3):
        response = api.get("/api/v1/transfers")

    assert len(response.json()["items"]) == count


def test_transfers_page_by_request_time(api_as, tree):
    staff = StaffFactory(roles=[("grassroots_staff", tree.union_a)])
    ids = []
    for n in range(5):
        person, _ = make_person(org=tree.union_a, real_name=f"翻页{n}")
        ids.append(transfer_request(actor=staff, person=person, to_org=tree.union_b).pk)
    api = api_as("fangshan_staff")

    seen, cursor = [], None
    while True:
        page = api.get("/api/v1/transfers", {"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [t["id"] for t in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == ids


def test_direct_joining_union_as_a_transfer_target(api_as, tree, member_a):
    """Join first, transfer later: a member may move to a union that accepts direct joining too."""
    direct = OrgFactory(
        name="房山区联合工会",
        kind=OrgKind.JOINT_UNION,
        parent=tree.fangshan,
        region_code="110111",
        accepts_direct_joining=True,
    )

    response = api_as("union_a_staff").post(
        "/api/v1/transfers", {"person": member_a[0].pk, "to_org": direct.pk}
    )

    assert response.status_code == 201
    assert response.json()["to_union"]["name"] == "房山区联合工会"
