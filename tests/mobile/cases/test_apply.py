"""Applying on the phone: the guided interview step by step, saved as it goes and resumed on
another device, each bad answer of the issue shown on its field with nothing typed lost, and a
double-tapped submission filing one case."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from smartunion.cases.models import ApplicationDraft, Case, Evidence
from smartunion.core.scoping import scopes_disabled
from tests.factories import make_credit_code
from tests.mobile.cases.conftest import (
    ANSWERS,
    days_ago,
    field_error,
    field_value,
    fill_until,
    page,
    step_url,
    zh,
)

pytestmark = pytest.mark.django_db


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def case_count() -> int:
    with scopes_disabled():
        return Case.objects.count()


@pytest.fixture
def worker_client(client, case_world):
    client.force_login(case_world.worker)
    return client


def test_the_first_page_offers_three_kinds_in_plain_words(worker_client):
    text = page(worker_client.get("/m/cases/apply/"))
    for title in ("Mediation of a labour dispute", "Free legal aid", "Legal advice"):
        assert zh(title, "cases") in text
    assert zh("Continue your application", "cases") not in text


def test_the_interview_step_by_step_files_a_mediation_case(worker_client, case_world, walk):
    first = page(worker_client.get(step_url("mediation", "applicant")))
    assert 'value="刘芳"' in first  # the name from the account
    assert case_world.worker.mobile_masked in first
    fill_until(worker_client, "mediation", case_world.employer_fs)
    assert worker_client.post(step_url("mediation", "evidence"), {"action": "next"}).status_code == 302
    review = worker_client.get(step_url("mediation", "review"))
    text = page(review)
    assert case_world.employer_fs.name in text and "21673.30" in text
    key = text.split('name="submission_key" value="')[1].split('"')[0]
    response = worker_client.post(step_url("mediation", "review"), {"submission_key": key})
    with scopes_disabled():
        case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/m/cases/{case.pk}/"
    assert case.org == case_world.mediation_fs and case.applicant == case_world.worker
    status = page(worker_client.get(response["Location"]))
    assert case.number in status and case_world.mediation_fs.name in status
    assert not ApplicationDraft.objects.filter(user=case_world.worker).exists()


def test_a_draft_resumes_on_another_device(client, case_world, walk):
    phone = client
    phone.force_login(case_world.worker)
    fill_until(phone, "mediation", case_world.employer_fs, last="dispute")
    tablet = Client()
    tablet.force_login(case_world.worker)
    start = page(tablet.get("/m/cases/apply/"))
    assert zh("Continue your application", "cases") in start
    assert step_url("mediation", "claims") in start  # where the worker left off
    dispute = tablet.get(step_url("mediation", "dispute"))
    assert field_value(dispute, "id_employment_start") == ANSWERS["dispute"]["employment_start"]
    employer = page(tablet.get(step_url("mediation", "employer")))
    assert case_world.employer_fs.name in employer


def test_the_employer_is_found_by_name_brand_or_credit_code(worker_client, case_world):
    for q in ("房山示例", case_world.employer_fs.credit_code):
        text = page(worker_client.get(step_url("mediation", "employer"), {"q": q}))
        assert case_world.employer_fs.name in text, q


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-100", "The amount cannot be negative."),
        ("abc", "Enter an amount in yuan, such as 3500.50."),
        ("10.555", "At most two decimals (fen)."),
    ],
)
def test_a_bad_amount_is_shown_on_its_field_and_kept(worker_client, case_world, walk, amount, message):
    fill_until(worker_client, "mediation", case_world.employer_fs, last="dispute")
    data = {**ANSWERS["claims"], "claims-0-amount": amount}
    response = walk(worker_client, "mediation", "claims", data)
    assert response.status_code == 200
    error = field_error(response, "id_claims-0-amount")
    assert error, page(response)[:2000]
    assert field_value(response, "id_claims-0-amount") == amount
    assert field_value(response, "id_claims-0-description") == "拖欠三个月工资"
    # Saved as typed: the other device sees the same wrong amount to correct.
    other = Client()
    other.force_login(case_world.worker)
    assert field_value(other.get(step_url("mediation", "claims")), "id_claims-0-amount") == amount


def test_claim_rows_are_added_and_removed_without_javascript(worker_client, case_world, walk):
    fill_until(worker_client, "mediation", case_world.employer_fs, last="dispute")
    response = walk(worker_client, "mediation", "claims", ANSWERS["claims"], action="add")
    assert response.status_code == 200
    assert field_value(response, "id_claims-0-amount") == "21673.30"
    assert field_value(response, "id_claims-1-amount") == ""
    data = {
        **ANSWERS["claims"],
        "claims-count": "2",
        "claims-1-type": "overtime",
        "claims-1-amount": "800",
        "claims-1-description": "",
    }
    response = walk(worker_client, "mediation", "claims", data, action="remove-0")
    assert field_value(response, "id_claims-0-amount") == "800"
    assert "id_claims-1-amount" not in page(response)


def test_a_future_dispute_date_and_an_end_before_the_start(worker_client, case_world, walk):
    fill_until(worker_client, "mediation", case_world.employer_fs, last="employer")
    tomorrow = days_ago(-1)
    data = {
        "employment_start": days_ago(100),
        "employment_end": days_ago(200),
        "dispute_date": tomorrow,
    }
    response = walk(worker_client, "mediation", "dispute", data)
    assert response.status_code == 200
    assert field_error(response, "id_dispute_date") == zh("This date is in the future.")
    assert field_error(response, "id_employment_end") == zh("The end of employment is before its start.")
    assert field_value(response, "id_dispute_date") == tomorrow


def test_a_bad_credit_code_and_an_unknown_employer(worker_client, case_world, walk):
    response = walk(
        worker_client, "mediation", "employer", {"name": "北京某某有限公司", "credit_code": "91110111ABC"}
    )
    assert response.status_code == 200
    assert field_error(response, "id_credit_code")
    assert field_value(response, "id_credit_code") == "91110111ABC"
    assert field_value(response, "id_name") == "北京某某有限公司"
    response = walk(
        worker_client,
        "mediation",
        "employer",
        {"employer": "999999", "employer_name": "假公司"},
        action="choose",
    )
    assert response.status_code == 200
    assert zh("This employer is not in the register. Enter its name and credit code.") in page(response)
    # A valid code of an employer not in the register is accepted (routed by its district).
    code = make_credit_code("110111")
    response = walk(worker_client, "mediation", "employer", {"name": "北京新公司", "credit_code": code})
    assert response.status_code == 302


def test_review_sends_the_worker_back_to_the_step_with_the_error(worker_client, case_world, walk):
    fill_until(worker_client, "mediation", case_world.employer_fs)
    walk(worker_client, "mediation", "claims", {**ANSWERS["claims"], "claims-0-amount": "abc"}, action="back")
    review = page(worker_client.get(step_url("mediation", "review")))
    assert f"{step_url('mediation', 'claims')}?check=1" in review
    response = worker_client.post(step_url("mediation", "review"), {"submission_key": "k"})
    assert response.status_code == 302
    assert response["Location"] == f"{step_url('mediation', 'claims')}?check=1"
    shown = worker_client.get(response["Location"])
    assert field_error(shown, "id_claims-0-amount")
    assert field_value(shown, "id_claims-0-amount") == "abc"
    assert case_count() == 0


def test_a_double_tapped_submission_files_one_case(worker_client, case_world):
    fill_until(worker_client, "mediation", case_world.employer_fs)
    first = worker_client.post(step_url("mediation", "review"), {"submission_key": "tap-tap"})
    second = worker_client.post(step_url("mediation", "review"), {"submission_key": "tap-tap"})
    assert case_count() == 1
    assert first["Location"] == second["Location"]


def test_legal_aid_asks_the_means_test_route(worker_client, case_world, walk):
    fill_until(worker_client, "legal_aid", case_world.employer_sy)
    # A worker who said they are not a migrant worker cannot take the migrant waiver (Art. 42).
    response = walk(worker_client, "legal_aid", "means", {"means_route": "waived_migrant"})
    assert response.status_code == 200
    assert field_error(response, "id_means_route") == zh("The waiver is for migrant workers (进城务工人员).")
    assert walk(worker_client, "legal_aid", "means", {"means_route": "pledge"}).status_code == 302
    worker_client.post(step_url("legal_aid", "review"), {"submission_key": "la"})
    with scopes_disabled():
        case = Case.objects.get()
    assert case.org == case_world.legal_sy and case.means_route == "pledge"


def test_evidence_chosen_in_the_interview_goes_to_the_case(worker_client, case_world, walk, settings):
    fill_until(worker_client, "mediation", case_world.employer_fs)
    response = worker_client.post(
        step_url("mediation", "evidence"),
        {"action": "upload", "file": upload("工资条.jpg", jpeg_bytes()), "description": "工资条"},
    )
    assert response.status_code == 200 and "工资条" in page(response)
    worker_client.post(step_url("mediation", "review"), {"submission_key": "ev"})
    with scopes_disabled():
        evidence = Evidence.objects.get()
    assert evidence.description == "工资条" and evidence.content_type == "image/jpeg"
    assert not list((settings.CASE_FILES_DIR / "drafts").iterdir())


def test_an_executable_renamed_jpg_and_a_30_mb_file_are_refused_on_the_field(worker_client, case_world, walk):
    fill_until(worker_client, "mediation", case_world.employer_fs)
    response = worker_client.post(
        step_url("mediation", "evidence"),
        {
            "action": "upload",
            "file": upload("photo.jpg", b"MZ\x90\x00" + b"\x00" * 500),
            "description": "照片",
        },
    )
    assert field_error(response, "id_file") == zh(
        "Only photos (JPEG, PNG, WebP) and PDF files can be added; this file is neither."
    )
    big = upload("big.jpg", jpeg_bytes() + b"\x00" * (30 * 1024 * 1024))
    response = worker_client.post(step_url("mediation", "evidence"), {"action": "upload", "file": big})
    assert field_error(response, "id_file") == zh(
        "The file is %(size)s MB; at most %(limit)s MB.", size="30.0", limit=10
    )
    assert ApplicationDraft.objects.get(user=case_world.worker).data.get("evidence") == []
