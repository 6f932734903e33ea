"""The queue's hot path (cases.selectors.case_queue_rows) is one SQL statement. It must read exactly
the rows the ORM's case_queue reads, with the same values, in the same order, for every role and
filter; page the same way; and take its scope from the one mechanism, failing closed like the
managers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from smartunion.accounts.permissions import scope_for_user
from smartunion.cases.models import NO_CLOCK, Case
from smartunion.cases.selectors import (
    CASE_HOLDING_KINDS,
    QUEUE_ORDER,
    QUEUE_VALUES,
    QueueFilters,
    case_queue,
    case_queue_rows,
    queue_centres,
)
from smartunion.core.pagination import InvalidCursor, keyset_rows
from smartunion.core.scoping import EMPTY_SCOPE, ScopeError, activate, scopes_disabled
from smartunion.orgs.models import Org
from tests.factories.cases import make_case

FILTERS = [
    {},
    {"view": "mine"},
    {"status": "closed"},
    {"status": "assigned"},
    {"kind": "legal_aid"},
    {"dispute_type": "unpaid_wages"},
    {"dispute_type": "overtime_pay"},
    {"clock": "overdue"},
    {"clock": "due_soon"},
    {"clock": "urgent"},
    {"clock": "none"},
    {"q": "x"},
    {"status": "open", "clock": "overdue", "view": "mine"},
]


@pytest.fixture
def queue(case_world):
    """Open and closed cases of both kinds at both districts' centres, one assigned to each mediator,
    with clocks past, near, far and none."""
    w = case_world
    made = [
        make_case(w, kind="mediation", employer=w.employer_fs),
        make_case(w, kind="mediation", employer=w.employer_fs, status="assigned"),
        make_case(w, kind="mediation", employer=w.employer_fs, status="in_progress"),
        make_case(w, kind="mediation", employer=w.employer_fs, status="agreed"),
        make_case(w, kind="mediation", employer=w.employer_sy),
        make_case(w, kind="mediation", employer=w.employer_sy, status="assigned"),
        make_case(w, kind="legal_aid", employer=w.employer_sy),
        make_case(w, kind="legal_aid", employer=w.employer_fs, status="assigned"),
        make_case(w, kind="legal_aid", employer=w.employer_fs, status="aid_refused"),
    ]
    today = timezone.localdate()
    clocks = [today - timedelta(days=3), today + timedelta(days=2), today + timedelta(days=9), NO_CLOCK]
    with scopes_disabled():
        for i, case in enumerate(made):
            # Two cases share each clock date: the id breaks the tie.
            Case.objects.filter(pk=case.pk).update(next_clock=clocks[i // 2 % 4], is_urgent=i % 3 == 0)
    return made


def orm_rows(user, filters: QueueFilters) -> list[dict]:
    return list(case_queue(user=user, filters=filters).order_by(*QUEUE_ORDER).values(*QUEUE_VALUES))


@pytest.mark.parametrize("filters", FILTERS)
def test_the_statement_reads_what_the_orm_reads(case_world, queue, filters):
    w = case_world
    number = queue[0].number
    for user in (w.mediator_fs, w.mediator_fs2, w.mediator_sy, w.officer_fs, w.officer_sy, w.union_staff_fs):
        given = QueueFilters(**{**filters, "q": number[:6] if filters.get("q") else ""})
        with activate(scope_for_user(user)):
            expected = orm_rows(user, given)
            assert case_queue_rows(user=user, filters=given, limit=100) == expected, (user.username, filters)


def test_the_queues_are_not_empty(case_world, queue):
    # The comparison above compares real rows: each role has some, and filters narrow them.
    w = case_world
    with activate(scope_for_user(w.mediator_fs)):
        assert len(case_queue_rows(user=w.mediator_fs, filters=QueueFilters(), limit=100)) == 3
        mine = case_queue_rows(user=w.mediator_fs, filters=QueueFilters(view="mine"), limit=100)
        assert {row["id"] for row in mine} == {queue[1].pk, queue[2].pk}
    with activate(scope_for_user(w.union_staff_fs)):
        assert (
            len(case_queue_rows(user=w.union_staff_fs, filters=QueueFilters(status="closed"), limit=100)) == 2
        )


def test_pages_follow_one_another_in_clock_order(case_world, queue):
    user = case_world.union_staff_fs
    filters = QueueFilters(status="all")
    with activate(scope_for_user(user)):
        everything = [row["id"] for row in orm_rows(user, filters)]
        assert len(everything) == 6
        seen, after = [], None
        while True:
            fetch = lambda **kw: case_queue_rows(user=user, filters=filters, **kw)  # noqa: E731
            rows, last = keyset_rows(fetch, order=QUEUE_ORDER, after=after, limit=2)
            seen += [row["id"] for row in rows]
            if last is None:
                break
            after = [last[0].isoformat(), last[1]]  # as a cursor carries them
        assert seen == everything


@pytest.mark.parametrize("after", [["not a date", 1], ["2026-01-01", "x"], [3, 4], ["2026-01-01"]])
def test_a_cursor_that_does_not_fit_is_refused(case_world, queue, after):
    user = case_world.mediator_fs
    with activate(scope_for_user(user)), pytest.raises(InvalidCursor):
        case_queue_rows(user=user, filters=QueueFilters(), after=after, limit=10)


def test_scope_comes_from_the_mechanism_and_fails_closed(case_world, queue):
    user = case_world.mediator_fs
    with pytest.raises(ScopeError):
        case_queue_rows(user=user, filters=QueueFilters(), limit=10)
    with activate(EMPTY_SCOPE):
        assert case_queue_rows(user=user, filters=QueueFilters(), limit=10) == []
        assert case_queue_rows(user=user, filters=QueueFilters(view="mine"), limit=10) == []
    # A scope narrower than the grants (顺义 only) hides the 房山 centre's cases, theirs included.
    with activate(scope_for_user(case_world.mediator_sy)):
        assert case_queue_rows(user=user, filters=QueueFilters(), limit=10) == []
        assert case_queue_rows(user=user, filters=QueueFilters(view="mine"), limit=10) == []


def test_the_centre_filter_offers_the_centres_in_scope(case_world):
    w = case_world
    for user in (w.union_staff_fs, w.mediator_sy, w.officer_fs):
        with activate(scope_for_user(user)):
            centres = Org.objects.filter(kind__in=CASE_HOLDING_KINDS).order_by("path")
            assert queue_centres(user=user) == [(o.pk, o.name) for o in centres]
    with activate(scope_for_user(w.union_staff_fs)):
        assert {pk for pk, _name in queue_centres(user=w.union_staff_fs)} == {
            w.mediation_fs.pk,
            w.legal_fs.pk,
        }
