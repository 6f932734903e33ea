"""The case's documents: produced from the case by those holding it, each generation a new
version, readable by the applicant and staff who may see the case, every opening audited."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from smartunion.cases.models import Case
from smartunion.cases.services import available_kinds, case_record_payment, document_generate, document_open
from smartunion.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from tests.factories.cases import make_case


def text_of(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_agreement_carries_the_amount_and_versions_stack(case_world):
    case = make_case(case_world, status="agreed")
    assert "mediation_agreement" in available_kinds(case)
    first = document_generate(case=case, kind="mediation_agreement", actor=case_world.mediator_fs)
    second = document_generate(case=case, kind="mediation_agreement", actor=case_world.mediator_fs)
    assert (first.version, second.version) == (1, 2)
    text = text_of(document_open(document=first, actor=case_world.worker))
    assert "21,673.30" in text and "贰万壹仟陆佰柒拾叁元叁角整" in text
    assert case.number in text and "刘芳" in text and case_world.employer_fs.name in text
    with scopes_disabled():
        assert (
            AuditEvent.objects.filter(action="case.document_view", actor_id=case_world.worker.pk).count() == 1
        )


def test_the_mediation_application_prints_what_was_filed(case_world):
    case = make_case(case_world, status="received")
    document = document_generate(case=case, kind="mediation_application", actor=case_world.mediator_fs)
    text = text_of(document_open(document=document, actor=case_world.mediator_fs))
    assert "21,673.30" in text and "公司同意解除劳动合同" in text
    # It prints the worker's numbers in full: not for union staff who only read cases.
    with pytest.raises(NotFound):
        document_open(document=document, actor=case_world.union_staff_fs)


def test_documents_the_case_cannot_have_yet_are_refused(case_world):
    case = make_case(case_world, status="in_progress")
    with pytest.raises(Conflict):
        document_generate(case=case, kind="mediation_agreement", actor=case_world.mediator_fs)
    with pytest.raises(Conflict):
        document_generate(case=case, kind="payment_order", actor=case_world.mediator_fs)


def test_an_unpaid_agreement_gets_the_payment_order_pack(case_world):
    case = make_case(case_world, status="agreed")
    with pytest.raises(ValidationFailed):  # before the date there is nothing unpaid yet
        case_record_payment(case=case, actor=case_world.mediator_fs, paid="0")
    # The payment date passes.
    with scopes_disabled():
        Case.objects.filter(pk=case.pk).update(payment_due=timezone.localdate() - timedelta(days=1))
    case = case_record_payment(case=case, actor=case_world.mediator_fs, paid="0")
    document = document_generate(case=case, kind="payment_order", actor=case_world.mediator_fs)
    assert "支付令" in text_of(document_open(document=document, actor=case_world.mediator_fs))


def test_only_holders_generate_and_only_those_who_see_the_case_read(case_world):
    case = make_case(case_world, status="agreed")
    with pytest.raises(Forbidden):
        document_generate(case=case, kind="mediation_agreement", actor=case_world.union_staff_fs)
    document = document_generate(case=case, kind="mediation_agreement", actor=case_world.mediator_fs)
    for outsider in (case_world.other_worker, case_world.mediator_sy, case_world.officer_fs):
        with pytest.raises(NotFound):
            document_open(document=document, actor=outsider)


def test_the_documents_the_worker_is_told_of_are_ready(case_world):
    not_agreed = make_case(case_world, status="not_agreed")
    assert [d.kind for d in not_agreed.documents.all()] == ["arbitration_application"]
    agreed = make_case(case_world, status="agreed")
    with scopes_disabled():
        Case.objects.filter(pk=agreed.pk).update(payment_due=timezone.localdate() - timedelta(days=1))
    unpaid = case_record_payment(case=agreed, actor=case_world.mediator_fs, paid="0")
    assert [d.kind for d in unpaid.documents.all()] == ["payment_order"]
    assert document_open(document=unpaid.documents.get(), actor=case_world.worker)[:5] == b"%PDF-"
