"""The case flow through the services: applying routes by the employer's district, the workflow
moves and refuses, and the worker is told at each step."""

from __future__ import annotations

from decimal import Decimal

import pytest

from smartunion.cases.models import Case, CaseEvent, CaseStatus, PaymentStatus
from smartunion.cases.services import case_apply, case_transition
from smartunion.core.errors import Conflict, ValidationFailed
from smartunion.core.scoping import scopes_disabled
from smartunion.notifications.models import InboxMessage
from smartunion.notifications.senders import TEXT_OUTBOX
from tests.factories.cases import application_data, make_case


def test_mediation_application_reaches_the_fangshan_centre(case_world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case, created = case_apply(
            actor=case_world.worker,
            data=application_data(employer=case_world.employer_fs),
            submission_key="k1",
        )
    assert created
    assert case.org == case_world.mediation_fs
    assert case.number.startswith("TJ")
    assert case.amount_claimed == Decimal("21673.30")
    assert case.mediation_window_ends is not None
    again, created = case_apply(
        actor=case_world.worker, data=application_data(employer=case_world.employer_fs), submission_key="k1"
    )
    assert not created and again.pk == case.pk
    with scopes_disabled():
        assert Case.objects.count() == 1
    assert InboxMessage.objects.filter(user=case_world.worker).count() == 1
    assert case.number in TEXT_OUTBOX[case_world.worker.mobile][-1]


def test_legal_aid_goes_to_the_shunyi_legal_service_centre(case_world):
    case, _ = case_apply(
        actor=case_world.worker, data=application_data(kind="legal_aid", employer=case_world.employer_sy)
    )
    assert case.org == case_world.legal_sy
    assert case.decision_due is not None


def test_full_mediation_to_paid(case_world):
    case = make_case(case_world, status="paid")
    assert case.status == CaseStatus.AGREED
    assert case.payment_status == PaymentStatus.PAID
    assert case.amount_paid == Decimal("21673.30")
    with scopes_disabled():
        kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds[0] == "created" and "payment" in kinds


def test_illegal_move_and_kind_closing_are_refused(case_world):
    case = make_case(case_world, status="received")
    with pytest.raises(Conflict):
        case_transition(case=case, to="agreed", actor=case_world.mediator_fs)
    case = make_case(case_world, status="in_progress")
    with pytest.raises(Conflict):
        case_transition(case=case, to="aid_granted", actor=case_world.mediator_fs)
    with pytest.raises(ValidationFailed) as err:
        case_transition(case=case, to="agreed", actor=case_world.mediator_fs)
    assert "amount_agreed" in err.value.fields


def test_bad_application_names_every_field(case_world):
    data = application_data(employer=None, amount="-5")
    data["employer"] = {"name": "某公司", "credit_code": "91110111MA0000000X"}
    data["claims"].append({"type": "overtime", "amount": "12.345"})
    data["dispute_date"] = "2999-01-01"
    with pytest.raises(ValidationFailed) as err:
        case_apply(actor=case_world.worker, data=data)
    assert {"claims.0.amount", "claims.1.amount", "employer.credit_code", "dispute_date"} <= set(
        err.value.fields
    )
    with scopes_disabled():
        assert Case.objects.count() == 0


def test_a_claim_carries_the_calculation_worked_again(case_world):
    data = application_data(employer=case_world.employer_fs)
    data["claims"] = [
        {
            "type": "termination",
            "calculation": {
                "kind": "economic-compensation",
                "input": {
                    "monthly_wage": "8000",
                    "start_date": "2020-03-01",
                    "end_date": "2026-02-28",
                    "region_code": "110000",
                },
                # A client's own result is ignored: the claim gets the figure worked out again.
                "amount": "999999.00",
            },
        }
    ]
    case, _ = case_apply(actor=case_world.worker, data=data)
    claim = case.claims.get()
    assert claim.amount == Decimal("48000.00")  # six full years × 8,000 (劳动合同法 第四十七条)
    assert claim.calculation["amount"] == "48000.00" and "第四十七条" in claim.calculation["basis"]
    data["claims"][0]["calculation"]["input"]["monthly_wage"] = "-1"
    with pytest.raises(ValidationFailed) as err:
        case_apply(actor=case_world.worker, data=data)
    assert "claims.0.calculation.input.monthly_wage" in err.value.fields


def test_the_worker_reads_each_step_in_their_own_language(case_world):
    from django.utils import translation

    case = make_case(case_world, status="received")
    with translation.override("en"):  # the mediator works in English
        case_transition(case=case, to="accepted", actor=case_world.mediator_fs)
    with scopes_disabled():
        text = CaseEvent.objects.filter(case=case, to_status="accepted").get().public_text
    assert "已受理" in text or "受理" in text, text  # the worker's language: the default, Chinese
    case_world.other_worker.language = "en"
    case_world.other_worker.save(update_fields=["language"])
    english = make_case(case_world, status="received", worker=case_world.other_worker)
    case_transition(case=english, to="accepted", actor=case_world.mediator_fs)
    with scopes_disabled():
        text = CaseEvent.objects.filter(case=english, to_status="accepted").get().public_text
    assert "has accepted your application" in text
