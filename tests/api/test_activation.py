"""Activation through the API, in step with the mobile web: registering with the number on a record
union staff entered links it (`member_record: "linked"`); a signed-in worker links it with
`POST /me/membership/link`. The same answers for every number until the code is proved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from smartunion.accounts.models import OneTimeCode
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Person
from smartunion.notifications import senders
from tests.api.conftest import is_chinese
from tests.factories import WORKER_PASSWORD, WorkerFactory, make_mobile, make_person

pytestmark = pytest.mark.django_db


def code_for(api, url: str, mobile: str) -> str:
    with scopes_disabled():  # one code a minute per number: move an earlier one back
        OneTimeCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    response = api.post(url, {"mobile": mobile})
    assert response.status_code == 204, response.content
    return senders.OUTBOX[mobile]


def register_body(mobile: str, code: str) -> dict:
    return {
        "mobile": mobile,
        "code": code,
        "password": WORKER_PASSWORD,
        "display_name": "孙师傅",
        "agree": True,
    }


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_registering_with_the_number_on_a_record_links_it_and_the_card_works(api, tree):
    mobile = make_mobile()
    person, membership = make_person(org=tree.union_a, mobile=mobile)

    code = code_for(api, "/api/v1/auth/register/code", mobile)
    response = api.post("/api/v1/auth/register", register_body(mobile, code))

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["member_record"] == "linked"
    assert body["membership"]["number"] == membership.number and body["membership"]["status"] == "active"
    assert body["membership"]["union"] == {"id": tree.union_a.pk, "name": tree.union_a.name}
    api.token = body["token"]
    card = api.get("/api/v1/me/card").json()
    assert card["number"] == membership.number and card["name"] == person.name_masked
    assert api.get("/api/v1/me/data").json()["person"]["mobile"] == mobile
    assert api.get("/api/v1/me/membership").json()["membership"]["number"] == membership.number


def test_a_new_worker_registers_through_the_api(api, tree):
    mobile = make_mobile()
    response = api.post(
        "/api/v1/auth/register", register_body(mobile, code_for(api, "/api/v1/auth/register/code", mobile))
    )
    assert response.status_code == 201
    assert response.json()["member_record"] == "none" and response.json()["membership"] is None
    api.token = response.json()["token"]
    assert api.get("/api/v1/me").json()["mobile"] == f"{mobile[:3]}****{mobile[-4:]}"


def test_a_number_on_two_records_is_several(api, tree):
    mobile = make_mobile()
    make_person(org=tree.union_a, mobile=mobile)
    make_person(org=tree.union_b, mobile=mobile)
    response = api.post(
        "/api/v1/auth/register", register_body(mobile, code_for(api, "/api/v1/auth/register/code", mobile))
    )
    assert response.status_code == 201 and response.json()["member_record"] == "several"


def test_form_errors_come_before_the_code_and_on_their_paths(api):
    response = api.post(
        "/api/v1/auth/register",
        {"mobile": "12345", "code": "1", "password": "weak", "display_name": "", "agree": False},
    )
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {
        "body.mobile",
        "body.password",
        "body.display_name",
        "body.agree",
    }


def test_a_wrong_code_is_422_and_the_sixth_attempt_is_locked(api, tree, settings):
    mobile = make_mobile()
    person, _ = make_person(org=tree.union_a, mobile=mobile)
    code = code_for(api, "/api/v1/auth/register/code", mobile)
    for _ in range(settings.LOCKOUT_ACCOUNT_FAILURES):
        response = api.post("/api/v1/auth/register", register_body(mobile, wrong(code)))
        assert response.status_code == 422 and list(response.json()["fields"]) == ["body.code"]
        assert is_chinese(response.json()["fields"]["body.code"][0])
    response = api.post("/api/v1/auth/register", register_body(mobile, code))
    assert response.status_code == 429 and response["Retry-After"]
    with scopes_disabled():
        assert Person.objects.get(pk=person.pk).user is None


def test_until_the_code_is_proved_every_number_is_answered_alike(api, tree):
    on_roster = make_mobile()
    make_person(org=tree.union_a, mobile=on_roster)
    answers = []
    for mobile in (on_roster, WorkerFactory().mobile, make_mobile()):
        with scopes_disabled():
            OneTimeCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))
        sent = api.post("/api/v1/auth/register/code", {"mobile": mobile})
        refused = api.post("/api/v1/auth/register", register_body(mobile, wrong(senders.OUTBOX[mobile])))
        answers.append((sent.status_code, sent.content, refused.status_code, refused.json()))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][2] == 422


def test_a_registered_number_gets_422_on_mobile_after_the_code(api):
    worker = WorkerFactory()
    response = api.post(
        "/api/v1/auth/register",
        register_body(worker.mobile, code_for(api, "/api/v1/auth/register/code", worker.mobile)),
    )
    assert response.status_code == 422 and list(response.json()["fields"]) == ["body.mobile"]


# --- a signed-in worker links the record ---------------------------------------------------------------


def test_a_signed_in_worker_links_their_record(api, tree):
    worker = WorkerFactory()
    person, membership = make_person(org=tree.union_a, mobile=worker.mobile)
    api.sign_in_worker(worker)

    code = code_for(api, "/api/v1/me/membership/link/code", worker.mobile)
    response = api.post("/api/v1/me/membership/link", {"mobile": worker.mobile, "code": code})

    assert response.status_code == 200, response.content
    assert response.json()["membership"]["number"] == membership.number
    with scopes_disabled():
        assert Person.objects.get(pk=person.pk).user == worker
    # Now it has one: no second record, not even a code for it.
    again = api.post("/api/v1/me/membership/link/code", {"mobile": worker.mobile})
    assert again.status_code == 409 and is_chinese(again.json()["message"])
    assert api.post("/api/v1/me/membership/link", {"mobile": worker.mobile, "code": code}).status_code == 409


def test_link_errors(api, tree, personas):
    worker = WorkerFactory()
    api.sign_in_worker(worker)
    code = code_for(api, "/api/v1/me/membership/link/code", worker.mobile)
    wrong_code = api.post("/api/v1/me/membership/link", {"mobile": worker.mobile, "code": wrong(code)})
    assert wrong_code.status_code == 422 and list(wrong_code.json()["fields"]) == ["body.code"]
    nothing = api.post("/api/v1/me/membership/link", {"mobile": worker.mobile, "code": code})
    assert nothing.status_code == 404 and is_chinese(nothing.json()["message"])
    assert api.post("/api/v1/me/membership/link", {"mobile": "123", "code": "1"}).status_code == 422

    someone, _ = make_person(org=tree.union_a)
    api.sign_in_staff(personas["union_a_staff"])
    refused = api.post("/api/v1/me/membership/link", {"mobile": someone.mobile, "code": "123456"})
    assert refused.status_code == 403
    assert api.post("/api/v1/me/membership/link/code", {"mobile": someone.mobile}).status_code == 403
    api.token = None
    assert (
        api.post("/api/v1/me/membership/link", {"mobile": someone.mobile, "code": "123456"}).status_code
        == 401
    )
    with scopes_disabled():
        assert Person.objects.get(pk=someone.pk).user is None
