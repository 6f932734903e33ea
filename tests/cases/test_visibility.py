"""Who sees which cases: a mediator the centre's mediation cases, a legal-aid officer the legal-aid
cases, union staff their subtree's cases (read only), a worker only their own."""

from __future__ import annotations

import pytest

from smartunion.accounts.permissions import scope_for_user
from smartunion.cases.policies import can_handle_case, can_see_evidence, can_view_case
from smartunion.cases.selectors import QueueFilters, case_get, case_queue, my_case_get, my_cases
from smartunion.core.errors import NotFound
from smartunion.core.scoping import activate
from tests.factories.cases import make_case


def queue_numbers(user, **filters):
    with activate(scope_for_user(user)):
        return {c.number for c in case_queue(user=user, filters=QueueFilters(**filters))}


@pytest.fixture
def cases(case_world):
    return {
        "med_fs": make_case(case_world, kind="mediation", employer=case_world.employer_fs),
        "med_sy": make_case(case_world, kind="mediation", employer=case_world.employer_sy),
        "aid_sy": make_case(case_world, kind="legal_aid", employer=case_world.employer_sy),
        "aid_fs": make_case(
            case_world, kind="legal_aid", employer=case_world.employer_fs, worker=case_world.other_worker
        ),
    }


def test_each_role_sees_its_own_queue(case_world, cases):
    assert queue_numbers(case_world.mediator_fs) == {cases["med_fs"].number}
    assert queue_numbers(case_world.mediator_sy) == {cases["med_sy"].number}
    assert queue_numbers(case_world.officer_sy) == {cases["aid_sy"].number}
    assert queue_numbers(case_world.officer_fs) == {cases["aid_fs"].number}
    assert queue_numbers(case_world.union_staff_fs) == {cases["med_fs"].number, cases["aid_fs"].number}
    assert queue_numbers(case_world.mediator_fs, view="mine") == set()


def test_outside_the_queue_is_404_and_holding_decides_evidence(case_world, cases):
    with activate(scope_for_user(case_world.mediator_fs)):
        assert case_get(user=case_world.mediator_fs, pk=cases["med_fs"].pk) == cases["med_fs"]
        for key in ("med_sy", "aid_sy", "aid_fs"):
            with pytest.raises(NotFound):
                case_get(user=case_world.mediator_fs, pk=cases[key].pk)
    case = cases["med_fs"]
    assert can_view_case(case_world.union_staff_fs, case) and not can_handle_case(
        case_world.union_staff_fs, case
    )
    assert not can_see_evidence(case_world.union_staff_fs, case)
    assert can_see_evidence(case_world.mediator_fs, case)
    assert not can_view_case(case_world.officer_fs, case)


def test_a_worker_sees_only_their_own_cases(case_world, cases):
    mine = {c.number for c in my_cases(user=case_world.worker)}
    assert mine == {cases[k].number for k in ("med_fs", "med_sy", "aid_sy")}
    with pytest.raises(NotFound):
        my_case_get(user=case_world.worker, pk=cases["aid_fs"].pk)
    assert my_case_get(user=case_world.other_worker, pk=cases["aid_fs"].pk) == cases["aid_fs"]
