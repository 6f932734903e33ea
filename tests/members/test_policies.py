"""Who may see, change and unmask members, answer applications, ask for, decide and call off
transfers, import rosters and verify cards (members/policies.py), asked of the personas in and out
of their unions."""

from __future__ import annotations

import pytest

from smartunion.core.errors import Forbidden
from smartunion.members.policies import (
    can_cancel_transfer,
    can_change_member,
    can_decide_application,
    can_decide_transfer,
    can_enrol_member,
    can_import_roster,
    can_request_transfer,
    can_unmask,
    can_verify_card,
    can_view_member,
    can_view_members,
    require_change_member,
    require_view_members,
)
from smartunion.members.services import transfer_request
from tests.conftest import as_staff
from tests.factories import StaffFactory, WorkerFactory, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_a(tree, worker):
    """王甲, a member of 甲公司工会 with their own account."""
    person, _membership = make_person(org=tree.union_a, real_name="王甲", user=worker)
    return person


@pytest.fixture
def member_b(tree):
    person, _membership = make_person(org=tree.union_b, real_name="李乙")
    return person


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("city_admin", True),
        ("fangshan_staff", True),
        ("union_a_staff", True),
        ("shunyi_staff", False),  # another district's member
        ("fangshan_viewer", False),  # the cockpit shows counts, never a person
        ("auditor", False),
        ("union_a_fs_cockpit", True),
    ],
)
def test_a_members_record_is_seen_and_changed_by_their_unions(personas, member_a, persona, expected):
    user = personas[persona]

    assert can_view_member(user, member_a) is expected
    assert can_change_member(user, member_a) is expected


def test_a_wider_scope_shows_no_other_unions_members(personas, member_b):
    # 甲公司工会's clerk who reads Fangshan's cockpit: 乙公司工会's member is not theirs.
    assert not can_view_member(personas["union_a_fs_cockpit"], member_b)
    assert not can_change_member(personas["union_a_fs_cockpit"], member_b)
    assert not can_view_member(personas["union_a_staff"], member_b)


def test_the_raise_forms_refuse_another_unions_member(personas, tree, member_a, member_b):
    clerk = personas["union_a_staff"]
    require_change_member(clerk, member_a)
    require_view_members(clerk, tree.union_a)

    with pytest.raises(Forbidden):
        require_change_member(clerk, member_b)
    with pytest.raises(Forbidden):
        require_view_members(clerk, tree.union_b)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("city_admin", True),
        ("fangshan_admin", True),
        ("fangshan_staff", False),  # union staff see masked numbers only
        ("union_a_staff", False),  # a grassroots clerk may not unmask, not even their own members
        ("shunyi_staff", False),
    ],
)
def test_full_numbers_are_shown_to_administrators_only(personas, member_a, persona, expected):
    assert can_unmask(personas[persona], member_a) is expected


def test_a_district_administrator_may_not_unmask_another_districts_member(personas, tree):
    member_c, _m = make_person(org=tree.union_c, real_name="赵丙")

    assert not can_unmask(personas["fangshan_admin"], member_c)
    assert can_unmask(personas["fangshan_admin"])  # the full export is still offered to them
    assert not can_unmask(personas["union_a_staff"])


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("union_a_staff", True),
        ("fangshan_staff", True),
        ("union_a_fs_cockpit", True),
        ("shunyi_staff", False),
        ("fangshan_viewer", False),
        ("auditor", False),
    ],
)
def test_an_application_is_answered_by_the_union_applied_to(personas, tree, persona, expected):
    _person, application = make_person(org=tree.union_a, real_name="孙申请", status="applying")

    assert can_decide_application(personas[persona], application) is expected


def test_enrolling_and_importing_stay_in_ones_own_union(personas, tree):
    clerk = personas["union_a_staff"]

    assert can_enrol_member(clerk, tree.union_a) and can_import_roster(clerk, tree.union_a)
    assert not can_enrol_member(clerk, tree.union_b)
    assert not can_import_roster(clerk, tree.union_b)
    # Whether to offer the buttons at all.
    assert can_enrol_member(clerk) and can_import_roster(clerk)
    assert not can_enrol_member(personas["auditor"]) and not can_import_roster(personas["fangshan_viewer"])


@pytest.fixture
def transfer_to_shunyi(tree, personas, member_a):
    """王甲 moves from 甲公司工会 (Fangshan) to 丙公司工会 (Shunyi); asked by the sending union."""
    with as_staff(personas["union_a_staff"]):
        return transfer_request(actor=personas["union_a_staff"], person=member_a, to_org=tree.union_c)


def test_a_transfer_is_asked_for_by_the_member_or_the_sending_union(personas, member_a, worker):
    assert can_request_transfer(worker, member_a)  # the member's own account
    assert can_request_transfer(personas["union_a_staff"], member_a)
    assert can_request_transfer(personas["fangshan_staff"], member_a)  # above the sending union
    # The receiving union cannot pull a member it does not keep; a stranger cannot move one.
    assert not can_request_transfer(personas["shunyi_staff"], member_a)
    assert not can_request_transfer(WorkerFactory(), member_a)
    assert not can_request_transfer(personas["fangshan_viewer"], member_a)


def test_a_transfer_is_decided_by_the_receiving_union_only(personas, transfer_to_shunyi):
    assert can_decide_transfer(personas["shunyi_staff"], transfer_to_shunyi)
    assert not can_decide_transfer(personas["union_a_staff"], transfer_to_shunyi)  # the sending side
    assert not can_decide_transfer(personas["fangshan_staff"], transfer_to_shunyi)
    # Whether the start page speaks of transfers "to approve" at all.
    assert can_decide_transfer(personas["union_a_staff"])
    assert not can_decide_transfer(personas["auditor"])


def test_a_waiting_transfer_is_called_off_by_either_union_or_the_member(personas, transfer_to_shunyi, worker):
    assert can_cancel_transfer(worker, transfer_to_shunyi)
    assert can_cancel_transfer(personas["union_a_staff"], transfer_to_shunyi)  # sending
    assert can_cancel_transfer(personas["shunyi_staff"], transfer_to_shunyi)  # receiving
    assert not can_cancel_transfer(personas["fangshan_viewer"], transfer_to_shunyi)
    assert not can_cancel_transfer(personas["auditor"], transfer_to_shunyi)
    assert not can_cancel_transfer(WorkerFactory(), transfer_to_shunyi)


def test_cards_are_verified_by_merchant_clerks_and_union_staff(personas, tree, worker):
    clerk = StaffFactory(
        username="merchant.clerk", home_org=tree.union_c, roles=[("merchant_clerk", tree.union_c)]
    )

    assert can_verify_card(clerk)
    assert can_verify_card(personas["union_a_staff"])
    assert not can_verify_card(personas["auditor"])
    assert not can_verify_card(personas["fangshan_viewer"])
    assert not can_verify_card(worker)


def test_the_members_of_a_union_are_seen_where_the_flag_is_held(personas, tree):
    assert can_view_members(personas["union_a_staff"], tree.union_a)
    assert not can_view_members(personas["union_a_staff"], tree.street_fs)
    assert can_view_members(personas["union_a_fs_cockpit"])
    assert not can_view_members(personas["fangshan_viewer"])
