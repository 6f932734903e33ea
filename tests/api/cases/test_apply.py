"""POST /api/v1/cases: a worker applies, staff record an application on a worker's behalf, every bad
value is answered on its field path, and a retried submission makes one case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from smartunion.cases.models import Case
from smartunion.core.scoping import scopes_disabled
from tests.api.cases.conftest import english_client
from tests.factories.cases import application_data

pytestmark = pytest.mark.django_db


def case_count() -> int:
    with scopes_disabled():
        return Case.objects.count()


def test_a_worker_applies_and_the_case_reaches_the_centre_of_the_employers_district(world, worker_api):
    api = worker_api(world.worker)

    response = api.post("/api/v1/cases", application_data(employer=world.employer_fs))

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("TJ")
    assert body["centre"] == {"id": world.mediation_fs.pk, "name": "房山区劳动争议调解中心"}
    assert body["status"] == "received"
    assert body["channel"] == "online"
    assert body["amount_claimed"] == "21673.30"
    with scopes_disabled():
        case = Case.objects.get(pk=body["id"])
    assert case.applicant == world.worker
    # The worker's own account mobile is where the news goes, whatever the body said.
    assert case.applicant_mobile == world.worker.mobile


def test_legal_aid_goes_to_the_shunyi_legal_service_centre(world, worker_api):
    api = worker_api(world.worker)

    body = api.post("/api/v1/cases", application_data(kind="legal_aid", employer=world.employer_sy)).json()

    assert body["number"].startswith("YZ")
    assert body["centre"]["name"] == "顺义区总工会职工法律服务中心"


def test_a_retried_submission_with_the_same_idempotency_key_returns_the_same_case(world, worker_api):
    api = worker_api(world.worker)
    data = application_data(employer=world.employer_fs)
    headers = {"Idempotency-Key": "4f1c2a9e-tap"}

    first = api.client.post(
        "/api/v1/cases", data, content_type="application/json", headers={**api._headers(), **headers}
    )
    again = api.client.post(
        "/api/v1/cases", data, content_type="application/json", headers={**api._headers(), **headers}
    )
    other = api.client.post(
        "/api/v1/cases",
        data,
        content_type="application/json",
        headers={**api._headers(), "Idempotency-Key": "x2"},
    )

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["number"] == first.json()["number"]
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    assert case_count() == 2


def test_staff_record_an_application_taken_by_phone_and_the_worker_follows_it(world, staff_api, worker_api):
    staff = staff_api(world.mediator_fs)
    data = application_data(employer=world.employer_fs, mobile=world.worker.mobile, channel="phone")

    response = staff.post("/api/v1/cases", data)

    assert response.status_code == 201, response.content
    assert response.json()["channel"] == "phone"
    mine = worker_api(world.worker).get("/api/v1/me/cases").json()["items"]
    assert [c["number"] for c in mine] == [response.json()["number"]]


def test_staff_who_do_not_handle_cases_cannot_record_one(world, staff_api):
    response = staff_api(world.union_staff_fs).post(
        "/api/v1/cases", application_data(employer=world.employer_fs, channel="walk_in")
    )

    assert response.status_code == 403
    assert response.json()["message"] == "Only staff who handle cases may record an application."
    assert case_count() == 0


def test_applying_needs_a_token(world):
    response = english_client().post("/api/v1/cases", application_data(employer=world.employer_fs))

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "The amount must be more than zero."),
        ("abc", "Enter an amount in yuan, such as 21673.30."),
        ("12.345", "An amount has at most two decimals (fen)."),
        (12.345, "An amount has at most two decimals (fen)."),
    ],
)
def test_a_bad_amount_is_answered_on_its_claim(world, worker_api, amount, message):
    data = application_data(employer=world.employer_fs)
    data["claims"].append({"type": "overtime", "amount": amount})

    response = worker_api(world.worker).post("/api/v1/cases", data)

    assert response.status_code == 422
    assert response.json()["fields"] == {"body.claims.1.amount": [message]}
    assert case_count() == 0


def test_dates_in_the_future_or_out_of_order_are_refused(world, worker_api):
    today = timezone.localdate()
    data = application_data(
        employer=world.employer_fs,
        dispute_date=(today + timedelta(days=3)).isoformat(),
        employment_start=(today - timedelta(days=100)).isoformat(),
        employment_end=(today - timedelta(days=200)).isoformat(),
    )

    response = worker_api(world.worker).post("/api/v1/cases", data)

    assert response.status_code == 422
    fields = response.json()["fields"]
    assert fields["body.dispute_date"] == ["This date is in the future."]
    assert fields["body.employment_end"] == ["The end of employment is before its start."]
    assert case_count() == 0


def test_an_unknown_employer_is_refused_on_its_field(world, worker_api):
    api = worker_api(world.worker)
    unknown_id = application_data(employer=world.employer_fs)
    unknown_id["employer"] = {"id": 999999}
    bad_code = application_data(employer=None)
    bad_code["employer"] = {"name": "某某有限公司", "credit_code": "91110111MA0000000X"}

    by_id = api.post("/api/v1/cases", unknown_id)
    by_code = api.post("/api/v1/cases", bad_code)

    assert by_id.status_code == 422
    assert by_id.json()["fields"] == {
        "body.employer.id": ["This employer is not in the register. Enter its name and credit code."]
    }
    assert by_code.status_code == 422
    assert list(by_code.json()["fields"]) == ["body.employer.credit_code"]
    assert case_count() == 0


def test_every_bad_value_is_named_at_once(world, worker_api):
    data = application_data(employer=world.employer_fs, amount="-1", facts="")
    data["applicant"]["name"] = ""

    response = worker_api(world.worker).post("/api/v1/cases", data)

    assert response.status_code == 422
    assert {"body.applicant.name", "body.claims.0.amount", "body.facts"} <= set(response.json()["fields"])
    assert case_count() == 0


def test_an_unknown_kind_is_a_choice_error(world, worker_api):
    response = worker_api(world.worker).post(
        "/api/v1/cases", application_data(employer=world.employer_fs, kind="lawsuit")
    )

    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["body.kind"]


def test_a_field_the_application_does_not_have_is_refused(world, worker_api):
    data = application_data(employer=world.employer_fs, salary="5000")

    response = worker_api(world.worker).post("/api/v1/cases", data)

    assert response.status_code == 422
    assert response.json()["fields"] == {"body.salary": ["This field is not part of the request."]}
