"""A person's current membership, defined once (issue 8): the one they hold or their open application
(``CURRENT_STATUSES``), and the one they hold (``HOLDING_STATUSES``), which transfers and status
changes act on. Every page, service and the member list's SQL read them the same way."""

from __future__ import annotations

import pytest

from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import CURRENT_STATUSES, HOLDING_STATUSES, Membership, MembershipStatus
from smartunion.members.selectors import (
    current_of,
    person_current_membership,
    person_held_membership,
    person_memberships,
    worker_current_membership,
    worker_membership,
)
from tests.factories import WorkerFactory, make_person

pytestmark = pytest.mark.django_db


def test_current_is_held_or_applying_and_held_is_active_suspended_or_retained():
    assert set(HOLDING_STATUSES) == {
        MembershipStatus.ACTIVE,
        MembershipStatus.SUSPENDED,
        MembershipStatus.RETAINED,
    }
    assert set(CURRENT_STATUSES) == {*HOLDING_STATUSES, MembershipStatus.APPLYING}


@pytest.mark.parametrize("status", MembershipStatus.values)
def test_each_status_is_current_or_held_as_the_constants_say(tree, status):
    user = WorkerFactory()
    person, membership = make_person(org=tree.union_a, status=status, user=user)
    with scopes_disabled():
        current = person_current_membership(person=person)
        held = person_held_membership(person=person)
        listed = current_of(person_memberships(person=person))
    assert current == listed == (membership if status in CURRENT_STATUSES else None)
    assert held == (membership if status in HOLDING_STATUSES else None)
    assert worker_current_membership(user=user) == current
    # The worker's own page shows the current membership, else the latest answer.
    assert worker_membership(user=user).membership == membership


def test_the_current_membership_is_found_among_older_answers(tree):
    user = WorkerFactory()
    person, left = make_person(org=tree.union_b, status=MembershipStatus.LEFT, user=user)
    with scopes_disabled():
        applying = Membership.objects.create(
            person=person, org=tree.union_a, status=MembershipStatus.APPLYING
        )
        assert person_current_membership(person=person) == applying
        assert person_current_membership(person=person).org == tree.union_a
        assert person_held_membership(person=person) is None
        assert current_of(person_memberships(person=person)) == applying
    assert worker_current_membership(user=user) == applying
    assert worker_membership(user=user).membership == applying
    with scopes_disabled():
        Membership.objects.filter(pk=applying.pk).update(status=MembershipStatus.REJECTED)
    assert worker_current_membership(user=user) is None
    assert worker_membership(user=user).membership == applying  # the latest answer
    assert left.status == MembershipStatus.LEFT


def test_a_worker_without_a_record_has_no_current_membership():
    assert worker_current_membership(user=WorkerFactory()) is None
