"""Rules found in review: who is the applicant, where a case may move, which rules route which
kinds, and which claims keep the limitation running."""

from __future__ import annotations

import pytest

from smartunion.cases import clocks
from smartunion.cases.models import CaseStatus
from smartunion.cases.policies import is_applicant
from smartunion.cases.selectors import my_cases
from smartunion.cases.services import case_apply, case_move, route, routing_rule_create
from smartunion.core.errors import ValidationFailed
from tests.factories import StaffFactory, WorkerFactory
from tests.factories.cases import application_data, make_case


def test_a_mobile_reassigned_to_someone_else_does_not_open_the_case(case_world):
    case = make_case(case_world)  # applied by the worker, from their account
    newcomer = WorkerFactory(mobile=case_world.worker.mobile.replace("139", "138"))
    newcomer.set_mobile(case_world.worker.mobile)  # the number, later, in someone else's hands
    assert not is_applicant(newcomer, case)
    assert case.number not in {c.number for c in my_cases(user=newcomer)}


def test_a_case_entered_by_staff_is_followed_by_the_worker_of_that_mobile(case_world):
    data = application_data(employer=case_world.employer_fs, mobile="13612345678")
    case, _ = case_apply(actor=case_world.mediator_fs, data=data, channel="phone")
    assert case.applicant is None  # nobody has that mobile yet
    later = WorkerFactory(mobile="13612345678")
    assert is_applicant(later, case) and case.number in {c.number for c in my_cases(user=later)}


def test_a_staff_account_with_the_mobile_is_never_the_applicant(case_world):
    staff = StaffFactory(username="has.a.mobile")
    staff.set_mobile("13712345678")
    staff.save()
    data = application_data(employer=case_world.employer_fs, mobile="13712345678")
    case, _ = case_apply(actor=case_world.mediator_fs, data=data, channel="phone")
    assert case.applicant is None


def test_a_case_moves_only_to_a_centre_of_its_kind_and_back_to_the_queue(case_world):
    case = make_case(case_world, status="in_progress")
    with pytest.raises(ValidationFailed) as err:
        case_move(case=case, centre=case_world.legal_sy, actor=case_world.mediator_fs, reason="错投")
    assert "centre" in err.value.fields
    moved = case_move(case=case, centre=case_world.mediation_sy, actor=case_world.mediator_fs, reason="属地")
    assert (moved.org, moved.status, moved.assignee) == (case_world.mediation_sy, CaseStatus.ACCEPTED, None)


def test_a_rule_for_every_kind_routes_only_what_its_centre_takes(case_world, system_scope):
    routing_rule_create(
        actor=None, kind="", region_prefix="110113", industry="", centre=case_world.mediation_fs
    )
    assert route(kind="mediation", region_code="110113") == case_world.mediation_fs
    assert route(kind="legal_aid", region_code="110113") == case_world.legal_sy
    with pytest.raises(ValidationFailed) as err:
        routing_rule_create(
            actor=None, kind="legal_aid", region_prefix="110113", industry="", centre=case_world.mediation_fs
        )
    assert "centre" in err.value.fields


@pytest.mark.parametrize(
    "types,rule",
    [
        ({"unpaid_wages"}, True),
        ({"unpaid_wages", "overtime"}, True),
        ({"unpaid_wages", "social_insurance"}, False),  # the other claim keeps its one year
        (set(), False),
    ],
)
def test_the_unpaid_wages_rule_decides_only_when_every_claim_is_for_pay(types, rule):
    assert clocks.only_remuneration(types) is rule
