"""The worker's end of membership in the API: the public union directory, applying, the status, the
card, the worker's own data, contact correction and closing the account."""

from __future__ import annotations

import pytest
from django.test import Client

from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Membership, MembershipStatus, Person
from smartunion.members.services import join_apply, join_decide, person_open, person_unmask
from smartunion.notifications import senders
from smartunion.orgs.models import OrgKind
from tests.api.conftest import ApiClient, is_chinese
from tests.conftest import as_staff
from tests.factories import (
    WORKER_PASSWORD,
    OrgFactory,
    WorkerFactory,
    make_id_number,
    make_mobile,
    make_person,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def direct_union(tree):
    return OrgFactory(
        name="房山区新就业形态劳动者联合工会",
        kind=OrgKind.JOINT_UNION,
        parent=tree.fangshan,
        region_code="110111",
        accepts_direct_joining=True,
        address="房山区良乡东路1号",
        contact_name="赵联络",
        contact_phone="0086 138 0013 0008",
    )


@pytest.fixture
def courier():
    return WorkerFactory(display_name="吴师傅", mobile="13612345678")


@pytest.fixture
def as_worker(db):
    """``as_worker(user)``: a fresh client signed in as that worker (several may be signed in at once)."""

    def sign_in(user) -> ApiClient:
        client = ApiClient(Client())
        client.sign_in_worker(user)
        return client

    return sign_in


def application(direct_union, **overrides) -> dict:
    body = {
        "org": direct_union.pk,
        "real_name": "吴师傅",
        "id_number": make_id_number(birth="19880808"),
        "employment_form": "courier",
        "occupation_tags": ["courier", "outdoor"],
        "sensitive_consent": True,
    }
    return {**body, **overrides}


# --- the public directory -------------------------------------------------------------------------


def test_joinable_unions_are_public_and_show_only_public_fields(api, tree, direct_union):
    OrgFactory(
        name="顺义区快递行业联合工会",
        kind=OrgKind.JOINT_UNION,
        parent=tree.shunyi,
        region_code="110113",
        accepts_direct_joining=True,
    )

    everything = api.get("/api/v1/unions/joinable")
    in_fangshan = api.get("/api/v1/unions/joinable", {"region": "110111"})
    by_name = api.get("/api/v1/unions/joinable", {"q": "快递"})

    assert everything.status_code == 200  # no token
    assert {u["name"] for u in everything.json()["items"]} == {
        "房山区新就业形态劳动者联合工会",
        "顺义区快递行业联合工会",
    }
    assert in_fangshan.json()["items"] == [
        {
            "id": direct_union.pk,
            "name": "房山区新就业形态劳动者联合工会",
            "kind": "joint_union",
            "kind_label": "联合工会",
            "district": "房山区总工会",
            # The union's office, as it publishes it; a contact mobile masked (issue 7, item 18).
            "address": "房山区良乡东路1号",
            "contact_name": "赵联络",
            "contact_phone": "138****0008",
            "enterprise": None,
        }
    ]
    assert [u["name"] for u in by_name.json()["items"]] == ["顺义区快递行业联合工会"]
    assert "甲公司工会" not in everything.content.decode()  # not a direct-joining union
    assert "0013" not in everything.content.decode()


def test_an_enterprise_leads_to_its_covering_union(api, tree):
    by_code = api.get("/api/v1/unions/joinable", {"enterprise": tree.enterprise_a.credit_code.lower()})
    by_name = api.get("/api/v1/unions/joinable", {"enterprise": "乙科技"})
    too_short = api.get("/api/v1/unions/joinable", {"enterprise": "乙"})

    assert by_code.json()["items"] == [
        {
            "id": tree.union_a.pk,
            "name": "甲公司工会",
            "kind": "enterprise_union",
            "kind_label": "企业工会",
            "district": "房山区总工会",
            "address": "",
            "contact_name": "",
            "contact_phone": "",
            "enterprise": {"id": tree.enterprise_a.pk, "name": "甲物流有限公司"},
        }
    ]
    assert [(u["name"], u["enterprise"]["name"]) for u in by_name.json()["items"]] == [
        ("乙公司工会", "乙科技有限公司")
    ]
    assert too_short.json()["items"] == []


def test_bad_directory_queries_are_422_with_their_paths(api, db):
    response = api.get("/api/v1/unions/joinable", {"q": "工" * 101, "region": "1" * 13})

    assert response.status_code == 422
    assert response.json()["fields"] == {
        "query.q": ["最多输入 100 个字符。"],
        "query.region": ["最多输入 12 个字符。"],
    }


def test_occupation_tags_are_public(api, db):
    tags = api.get("/api/v1/occupation-tags").json()

    assert {"code": "sanitation", "name": "环卫工人"} in tags


# --- applying -------------------------------------------------------------------------------------


def test_a_courier_applies_and_follows_the_status(as_worker, courier, direct_union):
    api = as_worker(courier)

    created = api.post("/api/v1/me/applications", application(direct_union))

    assert created.status_code == 201, created.content.decode()
    body = created.json()
    assert body["union"] == {"id": direct_union.pk, "name": "房山区新就业形态劳动者联合工会"}
    assert body["status"] == "applying"
    assert body["status_label"] == "申请中"
    assert body["number"] == ""
    assert body["due_date"] > body["applied_at"][:10]
    with scopes_disabled():
        person = Person.objects.get(user=courier)
        assert person.mobile == "13612345678"  # the account's mobile when none is sent
        assert sorted(person.occupation_tags.values_list("code", flat=True)) == ["courier", "outdoor"]
        assert person.employment_form == "courier"

    status = api.get("/api/v1/me/membership").json()
    assert status["membership"]["id"] == body["id"]
    assert status["membership"]["status"] == "applying"
    assert [(h["from_status"], h["to_status"], h["to_status_label"]) for h in status["history"]] == [
        ("", "applying", "申请中")
    ]


def test_the_answer_and_its_reason_reach_the_worker(as_worker, courier, direct_union, personas):
    api = as_worker(courier)
    membership_id = api.post("/api/v1/me/applications", application(direct_union)).json()["id"]
    with scopes_disabled():
        membership = Membership.objects.get(pk=membership_id)
    with as_staff(personas["fangshan_staff"]):
        join_decide(
            actor=personas["fangshan_staff"], membership=membership, approve=False, reason="请到企业工会申请"
        )

    status = api.get("/api/v1/me/membership").json()

    assert status["membership"]["status"] == "rejected"
    assert status["membership"]["status_label"] == "未通过"
    assert status["membership"]["reason"] == "请到企业工会申请"
    assert [h["to_status"] for h in status["history"]] == ["rejected", "applying"]


def test_before_any_application_the_membership_is_null(as_worker, worker):
    body = as_worker(worker).get("/api/v1/me/membership").json()

    assert body == {"membership": None, "history": []}


def test_bad_application_fields_are_422_in_chinese_and_nothing_is_written(as_worker, courier, direct_union):
    api = as_worker(courier)
    body = application(
        direct_union,
        id_number="110105194912310021",
        mobile="12345",
        employment_form="pilot",
        occupation_tags=["astronaut"],
    )

    shape = api.post("/api/v1/me/applications", body)
    assert shape.status_code == 422
    assert list(shape.json()["fields"]) == ["body.employment_form"]  # the schema stops first
    assert shape.json()["fields"]["body.employment_form"][0].startswith("请从以下选项中选择")

    rules = api.post("/api/v1/me/applications", {**body, "employment_form": "courier", "occupation_tags": []})
    fields = rules.json()["fields"]
    assert rules.status_code == 422
    assert set(fields) == {"body.id_number", "body.mobile"}
    assert all(is_chinese(messages[0]) for messages in fields.values())

    tags = api.post(
        "/api/v1/me/applications",
        {**body, "employment_form": "courier", "id_number": make_id_number(), "mobile": None},
    )
    assert tags.json()["fields"]["body.occupation_tags"][0].endswith("astronaut。")

    with scopes_disabled():
        assert not Person.objects.filter(user=courier).exists()


def test_consent_to_the_id_number_is_required(as_worker, courier, direct_union):
    response = as_worker(courier).post(
        "/api/v1/me/applications", application(direct_union, sensitive_consent=False)
    )

    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["body.sensitive_consent"]
    assert is_chinese(response.json()["fields"]["body.sensitive_consent"][0])


def test_unknown_union_and_employer_are_field_errors(as_worker, courier, tree, direct_union):
    api = as_worker(courier)

    unknown = api.post("/api/v1/me/applications", application(direct_union, org=999_999))
    not_a_union = api.post("/api/v1/me/applications", application(direct_union, org=tree.fangshan.pk))
    no_employer = api.post("/api/v1/me/applications", application(direct_union, employer=999_999))

    assert unknown.json()["fields"] == {"body.org": ["不存在此编号的工会。"]}
    assert not_a_union.json()["fields"] == {"body.org": ["不存在此编号的工会。"]}
    assert no_employer.json()["fields"] == {"body.employer": ["不存在此编号的企业。"]}


def test_an_enterprise_union_takes_its_own_employees_only(as_worker, courier, tree):
    api = as_worker(courier)
    body = {
        "org": tree.union_a.pk,
        "real_name": "吴师傅",
        "id_number": make_id_number(),
        "employment_form": "standard",
        "sensitive_consent": True,
    }

    stranger = api.post("/api/v1/me/applications", body)
    employee = api.post("/api/v1/me/applications", {**body, "employer": tree.enterprise_a.pk})

    assert stranger.status_code == 422
    assert list(stranger.json()["fields"]) == ["body.org"]
    assert is_chinese(stranger.json()["fields"]["body.org"][0])
    assert employee.status_code == 201
    assert employee.json()["union"]["name"] == "甲公司工会"


def test_a_second_application_and_a_member_applying_are_409_with_the_reason(
    as_worker, courier, tree, direct_union
):
    api = as_worker(courier)
    api.post("/api/v1/me/applications", application(direct_union))

    again = api.post("/api/v1/me/applications", application(direct_union))

    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    assert "房山区新就业形态劳动者联合工会" in again.json()["message"]
    assert is_chinese(again.json()["message"].replace("房山区新就业形态劳动者联合工会", ""))

    member = WorkerFactory()
    make_person(org=tree.union_c, user=member, real_name="钱七")
    elsewhere = as_worker(member).post("/api/v1/me/applications", application(direct_union, real_name="钱七"))
    assert elsewhere.status_code == 409
    assert "丙公司工会" in elsewhere.json()["message"]
    with scopes_disabled():
        assert Membership.objects.filter(person__user=member).count() == 1


def test_an_id_number_registered_to_someone_else_is_refused(as_worker, courier, tree, direct_union):
    taken = make_id_number()
    make_person(org=tree.union_a, id_number=taken)

    response = as_worker(courier).post("/api/v1/me/applications", application(direct_union, id_number=taken))

    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["body.id_number"]
    assert is_chinese(response.json()["fields"]["body.id_number"][0])


def test_staff_cannot_use_the_workers_endpoints(api_as, tree, direct_union):
    api = api_as("fangshan_staff")

    for response in (
        api.get("/api/v1/me/membership"),
        api.get("/api/v1/me/card"),
        api.get("/api/v1/me/data"),
        api.post("/api/v1/me/applications", application(direct_union)),
    ):
        assert response.status_code == 403
        assert response.json()["message"] == "此部分接口仅供职工本人使用。"


# --- the card -------------------------------------------------------------------------------------


def test_an_active_member_gets_a_card_with_a_fresh_token(as_worker, tree, settings):
    member = WorkerFactory()
    _person, membership = make_person(org=tree.union_a, user=member, real_name="张三丰")

    response = as_worker(member).get("/api/v1/me/card")

    body = response.json()
    assert response.status_code == 200
    assert body["name"] == "张**"
    assert body["number"] == membership.number
    assert body["union"] == {"id": tree.union_a.pk, "name": "甲公司工会"}
    assert body["status"] == "active" and body["status_label"] == "正常"
    assert body["expires_in"] == settings.CARD_TOKEN_TTL_SECONDS == 120
    assert len(body["token"]) > 20


def test_no_card_without_an_active_membership(as_worker, courier, direct_union):
    api = as_worker(courier)
    nothing = api.get("/api/v1/me/card")
    api.post("/api/v1/me/applications", application(direct_union))
    applying = api.get("/api/v1/me/card")

    for response in (nothing, applying):
        assert response.status_code == 409
        assert response.json()["message"] == "只有正常会籍才有会员卡。"


# --- the worker's own data ------------------------------------------------------------------------


def test_my_data_is_everything_held_in_full_and_the_download_is_recorded(
    as_worker, courier, direct_union, personas
):
    api = as_worker(courier)
    id_number = make_id_number(birth="19880808")
    api.post("/api/v1/me/applications", application(direct_union, id_number=id_number))

    response = api.get("/api/v1/me/data")

    data = response.json()
    assert response.status_code == 200
    assert data["account"]["display_name"] == "吴师傅"
    assert data["account"]["mobile"] == "13612345678"
    assert data["person"]["id_number"] == id_number  # the worker's own data, in full
    assert data["person"]["birth_date"] == "1988-08-08"
    assert data["person"]["employment_form"] == "courier"
    assert data["memberships"][0]["union"]["name"] == "房山区新就业形态劳动者联合工会"
    assert data["memberships"][0]["status"] == "applying"
    assert data["inbox"][0]["title"] == "房山区新就业形态劳动者联合工会已收到您的入会申请"
    with scopes_disabled():
        event = AuditEvent.objects.filter(action="person.self_export").get()
    assert event.actor == courier
    assert id_number not in str(event.data) + event.object_repr


def test_access_history_shows_who_opened_and_unmasked_my_record(as_worker, tree, personas):
    member = WorkerFactory()
    person, _membership = make_person(org=tree.union_a, user=member)
    admin = personas["fangshan_admin"]
    with as_staff(admin):
        person_open(actor=admin, pk=person.pk, client_address="10.0.0.8")
        person_unmask(actor=admin, person=person, field="mobile")

    history = as_worker(member).get("/api/v1/me/access-history").json()

    assert [(h["action"], h["field"]) for h in history] == [("person.unmask", "mobile"), ("person.view", "")]
    assert history[0]["by"] == admin.display_name
    assert history[0]["by_org"] == "房山区总工会"
    assert all(is_chinese(h["action_label"]) for h in history)


def test_a_worker_sees_only_their_own_record(as_worker, tree, personas):
    mine, other = WorkerFactory(), WorkerFactory()
    make_person(org=tree.union_a, user=mine, real_name="自己")
    other_person, _ = make_person(org=tree.union_a, user=other, real_name="别人")
    with as_staff(personas["fangshan_staff"]):
        person_open(actor=personas["fangshan_staff"], pk=other_person.pk)
    api = as_worker(mine)

    data = api.get("/api/v1/me/data")
    history = api.get("/api/v1/me/access-history")
    card = api.get("/api/v1/me/card")

    assert data.json()["person"]["real_name"] == "自己"
    assert "别人" not in data.content.decode() + card.content.decode()
    assert other_person.id_number not in data.content.decode()
    assert history.json() == []
    assert card.json()["name"] == "自*"
    # There is no address for someone else's data: the worker endpoints take no id at all.
    assert api.get(f"/api/v1/members/{other_person.pk}").status_code == 403


# --- contact and closing --------------------------------------------------------------------------


def test_contact_mobile_is_changed_with_a_code_sent_to_the_new_number(as_worker, courier, direct_union):
    api = as_worker(courier)
    api.post("/api/v1/me/applications", application(direct_union))
    new_mobile = make_mobile()

    sent = api.post("/api/v1/me/contact/code", {"mobile": new_mobile})
    wrong = api.patch("/api/v1/me/contact", {"mobile": new_mobile, "code": "000000"})
    right = api.patch("/api/v1/me/contact", {"mobile": new_mobile, "code": senders.OUTBOX[new_mobile]})

    assert sent.status_code == 204
    assert wrong.status_code == 422
    assert list(wrong.json()["fields"]) == ["body.code"]
    assert is_chinese(wrong.json()["fields"]["body.code"][0])
    assert right.status_code == 200, right.content.decode()
    assert right.json() == {"mobile": new_mobile[:3] + "****" + new_mobile[-4:]}
    with scopes_disabled():
        assert Person.objects.get(user=courier).mobile == new_mobile


def test_contact_change_needs_a_valid_mobile_and_a_record(as_worker, worker):
    api = as_worker(worker)

    bad = api.post("/api/v1/me/contact/code", {"mobile": "12345"})
    no_record = api.patch("/api/v1/me/contact", {"mobile": make_mobile(), "code": "123456"})

    assert list(bad.json()["fields"]) == ["body.mobile"]
    assert is_chinese(bad.json()["fields"]["body.mobile"][0])
    assert no_record.status_code == 404
    assert is_chinese(no_record.json()["message"])


def test_closing_needs_the_password_and_anonymises(as_worker, tree):
    member = WorkerFactory()
    person, membership = make_person(org=tree.union_a, user=member, real_name="赵六")
    api = as_worker(member)

    wrong = api.post("/api/v1/me/close", {"password": "not-my-password"})
    assert wrong.status_code == 422
    assert list(wrong.json()["fields"]) == ["body.password"]
    assert is_chinese(wrong.json()["fields"]["body.password"][0])

    closed = api.post("/api/v1/me/close", {"password": WORKER_PASSWORD})

    assert closed.status_code == 204
    assert api.get("/api/v1/me/membership").status_code == 401  # the token was revoked
    with scopes_disabled():
        person.refresh_from_db()
        assert person.real_name != "赵六" and person.id_number_encrypted == "" and person.user is None
        assert Membership.objects.get(pk=membership.pk).status == MembershipStatus.LEFT


def test_worker_endpoints_need_a_token(api):
    for response in (
        api.get("/api/v1/me/membership"),
        api.get("/api/v1/me/data"),
        api.post("/api/v1/me/close", {"password": "x"}),
    ):
        assert response.status_code == 401


def test_apply_via_the_service_and_see_it_in_the_api(as_worker, courier, direct_union):
    """The mobile web and the API share one service: an application made elsewhere shows here."""
    join_apply(
        user=courier,
        org=direct_union,
        consent=True,
        data={"real_name": "吴师傅", "id_number": make_id_number(), "employment_form": "courier"},
    )

    body = as_worker(courier).get("/api/v1/me/membership").json()

    assert body["membership"]["union"]["name"] == "房山区新就业形态劳动者联合工会"
