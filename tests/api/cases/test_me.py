"""The worker's own cases: the list, the case with its public timeline and clocks, evidence, the
rating and the answer to a request to share; nobody else's case, and no staff token."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from smartunion.cases.models import Case, Evidence
from smartunion.cases.services import share_request
from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from tests.factories.cases import make_case

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    return out.getvalue()


def upload(api, case_id: int, name: str, content: bytes, content_type: str = "image/png"):
    return api.client.post(
        f"/api/v1/me/cases/{case_id}/evidence",
        {"file": SimpleUploadedFile(name, content, content_type=content_type), "description": "工资条"},
        headers=api._headers(),
    )


def test_the_worker_lists_their_own_cases_only(world, worker_api):
    mine = make_case(world)
    theirs = make_case(world, worker=world.other_worker)

    items = worker_api(world.worker).get("/api/v1/me/cases").json()["items"]

    assert [c["number"] for c in items] == [mine.number]
    assert theirs.number not in str(items)


def test_the_case_shows_the_public_timeline_clocks_and_amounts(world, worker_api):
    case = make_case(world, status="agreed")

    response = worker_api(world.worker).get(f"/api/v1/me/cases/{case.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "agreed"
    assert body["amounts"]["agreed"] == "21673.30"
    assert body["amounts"]["payment_status"] == "pending"
    assert body["amounts"]["payment_due"] == (timezone.localdate() + timedelta(days=10)).isoformat()
    assert body["claims"][0] == {
        "type": "unpaid_wages",
        "type_label": "Unpaid wages",
        "amount": "21673.30",
        "description": "拖欠工资",
        "calculation": {},
    }
    assert body["clocks"]["next_clock_kind"] == "payment"
    assert body["clocks"]["next_clock"] == body["amounts"]["payment_due"]
    texts = [event["text"] for event in body["timeline"]]
    # Each step is worded as the worker was told it at the time (here in Chinese).
    assert texts[0].startswith(f"您的申请{case.number}已收到")
    assert any("21,673.30" in text for text in texts)
    # The contact log's summary and the reasons are staff-internal: never on the worker's timeline.
    assert "电话了解情况" not in response.content.decode()
    assert "internal_text" not in body["timeline"][0]
    assert body["arbitration_open"] is False
    assert body["can_rate"] is True


def test_day_15_of_mediation_opens_the_arbitration_option(world, worker_api):
    case = make_case(world, status="in_progress")
    with scopes_disabled():
        Case.objects.filter(pk=case.pk).update(mediation_window_ends=timezone.localdate())

    body = worker_api(world.worker).get(f"/api/v1/me/cases/{case.pk}").json()

    assert body["arbitration_open"] is True


def test_another_workers_case_does_not_exist_and_staff_are_sent_away(world, worker_api, staff_api):
    case = make_case(world, worker=world.other_worker)

    other = worker_api(world.worker).get(f"/api/v1/me/cases/{case.pk}")
    staff = staff_api(world.mediator_fs).get("/api/v1/me/cases")

    assert other.status_code == 404
    assert other.json()["message"] == "This case does not exist."
    assert "刘芳" not in other.content.decode()
    assert staff.status_code == 403


def test_the_worker_adds_a_photo_and_downloads_it(world, worker_api):
    case = make_case(world)
    api = worker_api(world.worker)

    response = upload(api, case.pk, "payslip.png", png_bytes())

    assert response.status_code == 201, response.content
    (evidence,) = response.json()["evidence"]
    assert evidence["content_type"] == "image/png"
    assert evidence["description"] == "工资条"
    download = api.get(f"/api/v1/me/cases/{case.pk}/evidence/{evidence['id']}")
    assert download.status_code == 200
    assert download.content == png_bytes()
    assert download["Content-Type"] == "image/png"
    assert download["Cache-Control"] == "private, no-store"
    # Someone else's file does not exist.
    assert (
        worker_api(world.other_worker)
        .get(f"/api/v1/me/cases/{case.pk}/evidence/{evidence['id']}")
        .status_code
        == 404
    )


def test_an_executable_renamed_jpg_is_refused_on_the_file(world, worker_api):
    case = make_case(world)

    response = upload(
        worker_api(world.worker), case.pk, "photo.jpg", b"MZ\x90\x00" + b"\x00" * 2000, "image/jpeg"
    )

    assert response.status_code == 422
    assert response.json()["fields"] == {
        "file.file": ["Only photos (JPEG, PNG, WebP) and PDF files can be added; this file is neither."]
    }
    with scopes_disabled():
        assert Evidence.objects.count() == 0


def test_a_30_mb_file_is_refused_on_the_file(world, worker_api):
    case = make_case(world)

    response = upload(
        worker_api(world.worker),
        case.pk,
        "scan.pdf",
        b"%PDF-1.7\n" + b"0" * (30 * 1024 * 1024),
        "application/pdf",
    )

    assert response.status_code == 422
    assert response.json()["fields"] == {"file.file": ["The file is 30.0 MB; at most 10 MB."]}
    with scopes_disabled():
        assert Evidence.objects.count() == 0


def test_an_upload_without_a_file_names_the_part(world, worker_api):
    case = make_case(world)
    api = worker_api(world.worker)

    response = api.client.post(
        f"/api/v1/me/cases/{case.pk}/evidence", {"description": "x"}, headers=api._headers()
    )

    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["file.file"]


def test_no_evidence_on_a_closed_case(world, worker_api):
    case = make_case(world, status="withdrawn")

    response = upload(worker_api(world.worker), case.pk, "payslip.png", png_bytes())

    assert response.status_code == 409
    assert response.json()["message"] == "The case is closed; no more evidence can be added."


def test_the_worker_rates_a_closed_case_once(world, worker_api):
    case = make_case(world, status="agreed")
    api = worker_api(world.worker)

    first = api.post(f"/api/v1/me/cases/{case.pk}/rating", {"rating": "satisfied", "comment": "很及时"})
    again = api.post(f"/api/v1/me/cases/{case.pk}/rating", {"rating": "dissatisfied"})

    assert first.status_code == 200
    assert first.json()["rating"]["rating"] == "satisfied"
    assert first.json()["can_rate"] is False
    assert again.status_code == 409
    assert again.json()["message"] == "You have already rated this case."


def test_an_open_case_cannot_be_rated_and_a_bad_rating_is_a_choice(world, worker_api):
    case = make_case(world)
    api = worker_api(world.worker)

    open_case = api.post(f"/api/v1/me/cases/{case.pk}/rating", {"rating": "satisfied"})
    bad = api.post(f"/api/v1/me/cases/{case.pk}/rating", {"rating": "great"})

    assert open_case.status_code == 409
    assert open_case.json()["message"] == "You can rate the service once the case is closed."
    assert bad.status_code == 422
    assert list(bad.json()["fields"]) == ["body.rating"]


def test_the_worker_answers_a_request_to_share_their_case(world, worker_api):
    case = make_case(world, status="in_progress")
    share = share_request(
        case=case, actor=world.mediator_fs, recipient="房山区劳动人事争议仲裁委员会", purpose="仲裁"
    )
    api = worker_api(world.worker)

    pending = api.get(f"/api/v1/me/cases/{case.pk}").json()["shares"]
    response = api.post(f"/api/v1/me/cases/{case.pk}/shares/{share.pk}", {"consent": True})
    again = api.post(f"/api/v1/me/cases/{case.pk}/shares/{share.pk}", {"consent": False})
    stranger = worker_api(world.other_worker).post(
        f"/api/v1/me/cases/{case.pk}/shares/{share.pk}", {"consent": False}
    )

    assert [(s["recipient"], s["status"]) for s in pending] == [("房山区劳动人事争议仲裁委员会", "pending")]
    assert response.status_code == 200
    assert response.json()["status"] == "consented"
    assert again.status_code == 409
    assert stranger.status_code == 404
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="case.share_answer").count() == 1
