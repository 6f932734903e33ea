"""The case page: opened (audited) by those who may see the case, acted on by those holding it."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from smartunion.cases.models import Case, CaseStatus, Contact
from smartunion.cases.selectors import case_timeline
from smartunion.cases.services import evidence_add
from smartunion.core.audit import AuditAction
from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from tests.console.conftest import form_error_near, page_text


def _reload(case) -> Case:
    with scopes_disabled():
        return Case.objects.select_related("org").get(pk=case.pk)


def _audits(case, action) -> int:
    with scopes_disabled():
        return AuditEvent.objects.filter(action=action, object_id=str(case.pk)).count()


def test_the_mediator_opens_the_case_and_each_opening_is_recorded(world, as_user, new_case):
    case = new_case(status="received")
    client = as_user(world.mediator_fs)
    before = _audits(case, AuditAction.CASE_VIEW)
    for _ in range(2):
        response = client.get(f"/console/cases/{case.pk}/")
        assert response.status_code == 200
    text = page_text(response)
    assert case.number in text and "刘芳" in text and "北京房山示例商贸有限公司" in text
    assert "21,673.30" in text
    assert case.applicant_mobile not in text  # masked until shown
    assert case.applicant_mobile_masked in text
    assert _audits(case, AuditAction.CASE_VIEW) == before + 2
    # Only the moves the table allows from "received": accept, decline, withdraw.
    assert 'value="accepted"' in text and 'value="declined"' in text
    assert 'value="agreed"' not in text and 'value="assigned"' not in text
    # The withdrawal reads as the step recorded, not as the status's label (已撤回).
    assert "申请人撤回" in text and "已撤回" not in text


def test_union_staff_read_only_and_without_evidence(world, as_user, new_case):
    case = new_case(status="in_progress")
    evidence = evidence_add(case=case, actor=world.mediator_fs, upload=_png(), description="工资条照片")
    client = as_user(world.union_staff_fs)
    response = client.get(f"/console/cases/{case.pk}/")
    text = page_text(response)
    assert response.status_code == 200
    assert "工资条照片" in text  # they see that the file exists
    assert f"/console/cases/{case.pk}/evidence/{evidence.pk}/" not in text
    assert 'name="to"' not in text and "/contacts/" not in text
    assert client.get(f"/console/cases/{case.pk}/evidence/{evidence.pk}/").status_code == 404
    assert (
        client.post(f"/console/cases/{case.pk}/transition/", {"to": "withdrawn", "reason": "x"}).status_code
        == 403
    )
    assert client.post(f"/console/cases/{case.pk}/unmask/", {"field": "mobile"}).status_code == 403
    assert _reload(case).status == CaseStatus.IN_PROGRESS


def test_the_handler_opens_the_evidence_file_audited(world, as_user, new_case):
    case = new_case(status="in_progress")
    evidence = evidence_add(case=case, actor=world.mediator_fs, upload=_png(), description="工资条照片")
    before = _audits(case, AuditAction.CASE_EVIDENCE_VIEW)
    response = as_user(world.mediator_fs).get(f"/console/cases/{case.pk}/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert _audits(case, AuditAction.CASE_EVIDENCE_VIEW) == before + 1


def test_outside_the_scope_is_404_and_without_a_case_flag_403(world, as_user, new_case, personas):
    case = new_case(status="received")
    assert as_user(world.mediator_sy).get(f"/console/cases/{case.pk}/").status_code == 404
    assert as_user(world.officer_fs).get(f"/console/cases/{case.pk}/").status_code == 404  # not their kind
    assert as_user(personas["union_a_staff"]).get(f"/console/cases/{case.pk}/").status_code == 403
    assert as_user(personas["fangshan_viewer"]).get(f"/console/cases/{case.pk}/").status_code == 403
    response = as_user(world.mediator_sy).post(f"/console/cases/{case.pk}/transition/", {"to": "accepted"})
    assert response.status_code == 404
    assert _reload(case).status == CaseStatus.RECEIVED


def test_unmask_shows_the_full_mobile_and_is_audited(world, as_user, new_case):
    case = new_case(status="received")
    before = _audits(case, AuditAction.CASE_UNMASK)
    response = as_user(world.mediator_fs).post(f"/console/cases/{case.pk}/unmask/", {"field": "mobile"})
    assert response.status_code == 200
    assert case.applicant_mobile in page_text(response)
    assert _audits(case, AuditAction.CASE_UNMASK) == before + 1


def test_accept_decline_needs_a_reason_and_illegal_moves_are_refused(world, as_user, new_case):
    case = new_case(status="received")
    client = as_user(world.mediator_fs)
    response = client.post(f"/console/cases/{case.pk}/transition/", {"to": "declined", "reason": ""})
    assert response.status_code == 400
    assert form_error_near(response, "move_declined_reason")
    assert _reload(case).status == CaseStatus.RECEIVED
    response = client.post(
        f"/console/cases/{case.pk}/transition/", {"to": "agreed", "amount_agreed": "1"}, follow=True
    )
    assert "不能" in page_text(response) or "cannot" in page_text(response)
    assert _reload(case).status == CaseStatus.RECEIVED
    client.post(f"/console/cases/{case.pk}/transition/", {"to": "accepted"})
    assert _reload(case).status == CaseStatus.ACCEPTED
    response = client.get(f"/console/cases/{case.pk}/")
    assert "房山调解员乙" in page_text(response)  # a choice of whom to assign
    client.post(
        f"/console/cases/{case.pk}/transition/", {"to": "assigned", "assignee": world.mediator_fs2.pk}
    )
    case = _reload(case)
    assert case.status == CaseStatus.ASSIGNED and case.assignee == world.mediator_fs2


def test_one_click_contact_starts_the_work_and_a_future_time_is_refused(world, as_user, new_case):
    case = new_case(status="assigned")
    client = as_user(world.mediator_fs)
    future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/console/cases/{case.pk}/contacts/",
        {"channel": "phone", "party": "worker", "at": future, "summary": "明天的电话"},
    )
    assert response.status_code == 400
    assert form_error_near(response, "contact_at")
    assert "明天的电话" in page_text(response)  # nothing typed is lost
    response = client.post(
        f"/console/cases/{case.pk}/contacts/",
        {"template": "worker_first_call", "channel": "phone", "party": "worker"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        contact = Contact.objects.get(case=case)
    assert contact.summary == "已电话联系职工了解工作经历与争议情况"
    assert _reload(case).status == CaseStatus.IN_PROGRESS


def test_material_is_requested_once(world, as_user, new_case):
    case = new_case(status="in_progress")
    client = as_user(world.mediator_fs)
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    assert (
        client.post(
            f"/console/cases/{case.pk}/material/", {"items": "劳动合同、工资条", "due": due}
        ).status_code
        == 302
    )
    response = client.post(f"/console/cases/{case.pk}/material/", {"items": "再要一次", "due": due})
    assert response.status_code == 400
    assert "劳动合同、工资条" in page_text(response)


def test_agreement_amounts_are_checked_and_payment_recorded(world, as_user, new_case):
    case = new_case(status="in_progress")
    client = as_user(world.mediator_fs)
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    url = f"/console/cases/{case.pk}/transition/"
    for bad in ("-5", "12.345", "abc"):
        response = client.post(url, {"to": "agreed", "amount_agreed": bad, "payment_due": due})
        assert response.status_code == 400
        assert form_error_near(response, "move_agreed_amount_agreed"), bad
        assert f'value="{bad}"' in response.content.decode()
    assert _reload(case).status == CaseStatus.IN_PROGRESS
    client.post(url, {"to": "agreed", "amount_agreed": "21673.30", "payment_due": due})
    assert _reload(case).status == CaseStatus.AGREED
    response = client.post(f"/console/cases/{case.pk}/payment/", {"amount_paid": "99999"})
    assert response.status_code == 400 and form_error_near(response, "payment_amount_paid")
    client.post(f"/console/cases/{case.pk}/payment/", {"amount_paid": "21673.30"})
    assert _reload(case).payment_status == "paid"


def test_transfer_needs_a_reason_is_audited_and_on_the_workers_timeline(world, as_user, new_case):
    case = new_case(status="accepted")
    client = as_user(world.mediator_fs)
    url = f"/console/cases/{case.pk}/move/"
    response = client.post(url, {"centre": world.mediation_sy.pk, "reason": ""})
    assert response.status_code == 400 and form_error_near(response, "move_reason")
    before = _audits(case, AuditAction.CASE_MOVE)
    assert (
        client.post(url, {"centre": world.mediation_sy.pk, "reason": "用人单位实际经营地在顺义"}).status_code
        == 302
    )
    case = _reload(case)
    assert case.org == world.mediation_sy
    assert _audits(case, AuditAction.CASE_MOVE) == before + 1
    worker_view = " ".join(e.public_text for e in case_timeline(case=case, public_only=True))
    assert "顺义区劳动争议调解中心" in worker_view
    assert "用人单位实际经营地在顺义" not in worker_view  # the reason is internal
    assert as_user(world.mediator_fs).get(f"/console/cases/{case.pk}/").status_code == 404
    assert as_user(world.mediator_sy).get(f"/console/cases/{case.pk}/").status_code == 200


def test_share_request_names_recipient_and_purpose(world, as_user, new_case):
    case = new_case(status="in_progress")
    client = as_user(world.mediator_fs)
    response = client.post(f"/console/cases/{case.pk}/share/", {"recipient": "", "purpose": ""})
    assert response.status_code == 400 and form_error_near(response, "share_recipient")
    client.post(
        f"/console/cases/{case.pk}/share/",
        {"recipient": "房山区劳动人事争议仲裁委员会", "purpose": "仲裁立案"},
    )
    assert "房山区劳动人事争议仲裁委员会" in page_text(client.get(f"/console/cases/{case.pk}/"))


def _png(name="pay.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _offered_documents(client, case) -> set[str]:
    text = client.get(f"/console/cases/{case.pk}/").content.decode()
    return set(re.findall(r'name="kind" value="([a-z_]+)"', text))


def test_only_the_documents_the_case_can_have_are_offered(world, as_user, new_case):
    # A button that can only fail is not shown: no agreement before one, no payment order once paid.
    client = as_user(world.mediator_fs)
    case = new_case(status="in_progress")
    offered = _offered_documents(client, case)
    assert "mediation_application" in offered and "arbitration_application" in offered
    assert "mediation_agreement" not in offered and "payment_order" not in offered
    response = client.post(f"/console/cases/{case.pk}/documents/", {"kind": "mediation_agreement"})
    assert response.status_code == 302
    with scopes_disabled():
        assert not case.documents.exists()
    agreed = new_case(status="agreed")
    assert {"mediation_agreement", "judicial_confirmation"} <= _offered_documents(client, agreed)
    assert "payment_order" not in _offered_documents(client, agreed)  # not due yet


def test_the_payment_form_goes_once_paid_in_full(world, as_user, new_case):
    client = as_user(world.mediator_fs)
    agreed = new_case(status="agreed")
    assert 'id="payment"' in client.get(f"/console/cases/{agreed.pk}/").content.decode()
    paid = new_case(status="paid")
    text = client.get(f"/console/cases/{paid.pk}/").content.decode()
    assert 'id="payment"' not in text and "已付清" in text


def test_legal_aid_cases_offer_no_mediation_wording(world, as_user, new_case):
    aid = new_case(kind="legal_aid", status="in_progress")
    text = as_user(world.officer_sy).get(f"/console/cases/{aid.pk}/").content.decode()
    assert "已电话联系职工了解工作经历与争议情况" in text
    assert "已通知用人单位参加调解" not in text
    mediation = new_case(status="in_progress")
    text = as_user(world.mediator_fs).get(f"/console/cases/{mediation.pk}/").content.decode()
    assert "已通知用人单位参加调解" in text
