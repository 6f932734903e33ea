"""Following a case on the phone: my cases, the case page (status, centre, clocks in plain words,
the public timeline without internal notes, amounts), evidence only for the applicant, consent to
sharing, rating once after closing, and "who opened my record" listing staff opening the case."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from PIL import Image

from smartunion.cases.models import Case, CaseEvent, EventKind
from smartunion.cases.services import (
    case_open,
    case_unmask,
    document_generate,
    document_open,
    evidence_add,
    evidence_open,
    share_request,
)
from smartunion.core.errors import NotFound
from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from tests.factories.cases import make_case
from tests.mobile.cases.conftest import field_error, page, zh
from tests.scope.personas import api_token

pytestmark = pytest.mark.django_db


def jpeg(name="合同.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 90, 200)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def as_worker(client, case_world):
    client.force_login(case_world.worker)
    return client


def test_my_cases_lists_only_my_own(as_worker, case_world):
    mine = make_case(case_world)
    theirs = make_case(case_world, worker=case_world.other_worker)
    text = page(as_worker.get("/m/cases/"))
    assert mine.number in text and theirs.number not in text


def test_another_workers_case_is_not_found(as_worker, case_world):
    theirs = make_case(case_world, worker=case_world.other_worker)
    for url in (f"/m/cases/{theirs.pk}/", f"/m/cases/{theirs.pk}/rate/"):
        response = (
            as_worker.get(url)
            if url.endswith(f"{theirs.pk}/")
            else as_worker.post(url, {"rating": "neutral"})
        )
        assert response.status_code == 404
        assert theirs.number not in page(response)


def test_the_case_page_shows_the_status_the_centre_and_the_mediation_clock(as_worker, case_world):
    case = make_case(case_world, status="assigned")
    text = page(as_worker.get(f"/m/cases/{case.pk}/"))
    assert case.number in text and case_world.mediation_fs.name in text
    assert case.get_status_display() in text
    left = (case.mediation_window_ends - timezone.localdate()).days
    with translation.override("zh-hans"):
        days = translation.ngettext("%(n)d day", "%(n)d days", left) % {"n": left}
    assert (
        f"调解期限：还剩 {left} 天"
        == zh("Mediation period: %(left)s left (until %(date)s).", left=days, date="").split("（")[0]
    )
    assert (
        zh(
            "Mediation period: %(left)s left (until %(date)s).",
            left=days,
            date=case.mediation_window_ends.isoformat(),
        )
        in text
    )
    assert zh("You may apply for labour arbitration", "cases") not in text


def test_from_day_15_the_worker_is_shown_the_arbitration_option(as_worker, case_world):
    case = make_case(case_world, status="in_progress")
    with scopes_disabled():
        Case.objects.filter(pk=case.pk).update(mediation_window_ends=timezone.localdate() - timedelta(days=1))
    text = page(as_worker.get(f"/m/cases/{case.pk}/"))
    assert zh("You may apply for labour arbitration", "cases") in text


def test_the_timeline_never_shows_an_internal_note(as_worker, case_world):
    case = make_case(case_world, status="in_progress")  # the contact log's summary is internal
    with scopes_disabled():
        CaseEvent.objects.create(case=case, kind=EventKind.NOTE, internal_text="内部备注：雇主态度强硬")
    text = page(as_worker.get(f"/m/cases/{case.pk}/"))
    assert "内部备注" not in text and "电话了解情况" not in text
    assert case.number in text  # the public "received" event


def test_a_closed_case_shows_the_agreed_and_paid_amounts(as_worker, case_world):
    case = make_case(case_world, status="paid")
    text = page(as_worker.get(f"/m/cases/{case.pk}/"))
    assert "21,673.30" in text.split('id="amount-agreed"')[1][:200]
    assert "21,673.30" in text.split('id="amount-paid"')[1][:200]


def test_evidence_is_uploaded_and_served_only_to_the_applicant(as_worker, client, case_world):
    case = make_case(case_world)
    response = as_worker.post(f"/m/cases/{case.pk}/evidence/", {"file": jpeg(), "description": "劳动合同"})
    assert response.status_code == 302
    with scopes_disabled():
        evidence = case.evidence.get()
    url = f"/m/cases/{case.pk}/evidence/{evidence.pk}/"
    assert f'href="{url}"' in page(as_worker.get(f"/m/cases/{case.pk}/"))
    served = as_worker.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["Cache-Control"] == "private, no-store"
    client.logout()
    client.force_login(case_world.other_worker)
    assert client.get(url).status_code == 404
    # Those holding the case read it through the service; union staff with cases.view do not.
    assert evidence_open(evidence=evidence, actor=case_world.mediator_fs)
    with pytest.raises(NotFound):
        evidence_open(evidence=evidence, actor=case_world.union_staff_fs)


def test_a_bad_evidence_file_on_the_case_page(as_worker, case_world):
    case = make_case(case_world)
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 300, content_type="image/jpeg")
    response = as_worker.post(f"/m/cases/{case.pk}/evidence/", {"file": fake, "description": "照片"})
    assert response.status_code == 422
    assert field_error(response, "id_file") == zh(
        "Only photos (JPEG, PNG, WebP) and PDF files can be added; this file is neither."
    )
    assert 'value="照片"' in page(response)


def test_the_worker_answers_a_consent_request(as_worker, case_world):
    case = make_case(case_world, status="in_progress")
    share = share_request(
        case=case, actor=case_world.mediator_fs, recipient="房山区劳动人事争议仲裁委员会", purpose="申请仲裁"
    )
    text = page(as_worker.get(f"/m/cases/{case.pk}/"))
    assert "房山区劳动人事争议仲裁委员会" in text and "申请仲裁" in text
    response = as_worker.post(f"/m/cases/{case.pk}/shares/{share.pk}/", {"answer": "consent"})
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.consented_at is not None and share.refused_at is None
    again = as_worker.post(f"/m/cases/{case.pk}/shares/{share.pk}/", {"answer": "refuse"}, follow=True)
    assert zh("You have already answered this request.") in page(again)
    share.refresh_from_db()
    assert share.refused_at is None


def test_rating_once_after_closing(as_worker, case_world):
    open_case = make_case(case_world, status="in_progress")
    assert zh("Rate the service", "cases") not in page(as_worker.get(f"/m/cases/{open_case.pk}/"))
    refused = as_worker.post(f"/m/cases/{open_case.pk}/rate/", {"rating": "satisfied"}, follow=True)
    assert zh("You can rate the service once the case is closed.") in page(refused)
    case = make_case(case_world, status="paid")
    assert zh("Rate the service", "cases") in page(as_worker.get(f"/m/cases/{case.pk}/"))
    empty = as_worker.post(f"/m/cases/{case.pk}/rate/", {"comment": "很好"})
    assert field_error(empty, "id_rating") == zh("Choose satisfied, neutral or dissatisfied.")
    as_worker.post(f"/m/cases/{case.pk}/rate/", {"rating": "satisfied", "comment": "调解员很耐心"})
    case.refresh_from_db()
    assert case.rating == "satisfied" and case.rating_comment == "调解员很耐心"
    text = page(as_worker.get(f"/m/cases/{case.pk}/"))
    assert zh("Satisfied", "rating") in text and f'action="/m/cases/{case.pk}/rate/"' not in text
    second = as_worker.post(f"/m/cases/{case.pk}/rate/", {"rating": "dissatisfied"}, follow=True)
    assert zh("You have already rated this case.") in page(second)
    case.refresh_from_db()
    assert case.rating == "satisfied"


def test_who_opened_my_record_lists_staff_opening_my_case(as_worker, client, case_world):
    case = make_case(case_world)
    evidence = evidence_add(case=case, actor=case_world.worker, upload=jpeg())
    case_open(case=case, actor=case_world.mediator_fs)
    evidence_open(evidence=evidence, actor=case_world.mediator_fs)
    case_unmask(case=case, actor=case_world.mediator_fs)
    evidence_open(evidence=evidence, actor=case_world.worker)  # the worker's own look is not listed
    theirs = make_case(case_world, worker=case_world.other_worker)
    case_open(
        case=theirs,
        actor=case_world.mediator_sy if theirs.org != case_world.mediation_fs else case_world.mediator_fs,
    )
    text = page(as_worker.get("/m/me/data/"))
    access = text.split('id="access"')[1]
    for label in (
        "Opened your case",
        "Opened an evidence file of your case",
        "Showed your case's numbers in full",
    ):
        assert zh(label, "access") in access
    assert "房山调解员甲" in access and case.number in access
    assert theirs.number not in access
    assert access.count(zh("Opened an evidence file of your case", "access")) == 1
    client.logout()  # the API gives the same entries
    bearer = api_token(client, case_world.worker)
    entries = client.get("/api/v1/me/access-history", HTTP_AUTHORIZATION=f"Bearer {bearer}").json()
    assert {e["action"] for e in entries} == {"case.view", "case.evidence_view", "case.unmask"}
    assert {e["case_number"] for e in entries} == {case.number}
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="case.evidence_view", actor=case_world.worker).exists()


def test_the_worker_downloads_the_cases_documents(as_worker, client, case_world):
    case = make_case(case_world)
    document = document_generate(case=case, kind="mediation_application", actor=case_world.mediator_fs)
    text = page(as_worker.get(f"/m/cases/{case.pk}/"))
    url = f"/m/cases/{case.pk}/documents/{document.pk}/"
    assert f'href="{url}"' in text
    response = as_worker.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    client.logout()
    client.force_login(case_world.other_worker)
    assert client.get(url).status_code == 404
    document_open(document=document, actor=case_world.mediator_fs)
    client.force_login(case_world.worker)
    access = page(client.get("/m/me/data/")).split('id="access"')[1]
    assert zh("Downloaded a document of your case", "access") in access
