"""The demo cases (cases/demo.py, run by ``seed_demo``): what a new user sees after ``make run``.
Cases in every status with the clocks, payments and ratings the pages show; story 2's paid
mediation; the demo workers' own cases; work on the mediator's, the legal-aid officer's and the
cockpit viewer's homes; bulk rows that agree with what the services write. One tiny seed is built
for the module and rolled back at its end."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from smartunion.accounts.models import User
from smartunion.accounts.permissions import scope_for_user
from smartunion.cases import clocks, demo
from smartunion.cases.models import (
    KIND_CLOSINGS,
    NO_CLOCK,
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    Clock,
    MaterialRequest,
    PaymentStatus,
)
from smartunion.cases.policies import can_be_assigned, is_applicant
from smartunion.cases.selectors import QueueFilters, case_numbers, case_queue, case_timeline, my_cases
from smartunion.cases.services import route
from smartunion.core.models import AuditEvent
from smartunion.core.personal import is_mobile, mobile_index
from smartunion.core.scoping import activate, scopes_disabled
from smartunion.notifications import senders
from smartunion.orgs.models import OrgKind


@dataclass
class Seeded:
    output: str
    accounts: dict
    texts_before: int


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    var_dir: Path = tmp_path_factory.mktemp("var")
    texts_before = sum(len(v) for v in senders.TEXT_OUTBOX.values())
    with django_db_blocker.unblock(), override_settings(VAR_DIR=var_dir), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", "--scale", "tiny", stdout=out, stderr=StringIO())
        accounts = json.loads((var_dir / "demo-accounts.json").read_text(encoding="utf-8"))
        yield Seeded(out.getvalue(), accounts, texts_before)
        transaction.set_rollback(True)


def showcase_ids() -> list[int]:
    """The showcase is written first, the volume after it."""
    with scopes_disabled():
        return list(Case.objects.order_by("pk").values_list("pk", flat=True)[: len(demo.SHOWCASE)])


def user(username: str) -> User:
    with scopes_disabled():
        return User.objects.get(username=username)


def worker(accounts: dict, n: int) -> User:
    with scopes_disabled():
        return User.objects.get(mobile_index=mobile_index(accounts["workers"][n]["mobile"]))


@pytest.mark.django_db
def test_the_seed_reports_the_cases_and_marks_its_run(seeded, system_scope):
    marker = AuditEvent.objects.get(action="demo.cases")
    counts = marker.data["counts"]
    assert counts["cases"] == Case.objects.count() == demo.CASE_COUNTS["tiny"] + len(demo.SHOWCASE)
    assert counts["showcase"] == len(demo.SHOWCASE)
    assert "Cases added in" in seeded.output and f"{counts['cases']:,} cases" in seeded.output


@pytest.mark.django_db
def test_every_status_of_every_kind_and_every_payment_state(seeded, system_scope):
    showcase = Case.objects.filter(pk__in=showcase_ids())
    seen = set(showcase.values_list("kind", "status"))
    for kind, closings in KIND_CLOSINGS.items():
        for status in (CaseStatus.RECEIVED, CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS, *closings):
            assert (kind, status) in seen, (kind, status)
    assert {CaseStatus.DECLINED, CaseStatus.ASSIGNED} <= {s for _k, s in seen}
    payments = set(showcase.values_list("payment_status", flat=True))
    assert {
        PaymentStatus.PENDING,
        PaymentStatus.PAID,
        PaymentStatus.PARTLY_PAID,
        PaymentStatus.UNPAID,
    } <= payments
    # The volume too covers every status.
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    # Agreements add up: paid in full means all of it, partly some, not paid nothing.
    for case in Case.objects.filter(status=CaseStatus.AGREED):
        assert case.amount_agreed is not None and case.amount_agreed <= case.amount_claimed
        if case.payment_status == PaymentStatus.PAID:
            assert case.amount_paid == case.amount_agreed
        elif case.payment_status == PaymentStatus.PARTLY_PAID:
            assert 0 < case.amount_paid < case.amount_agreed
        else:
            assert case.amount_paid == 0
        if case.payment_status == PaymentStatus.UNPAID:
            assert case.payment_due < timezone.localdate()


@pytest.mark.django_db
def test_clocks_near_and_past_urgent_legal_aid_and_a_collective_case(seeded, system_scope):
    today = timezone.localdate()
    open_cases = Case.objects.filter(status__in=("received", "accepted", "assigned", "in_progress"))
    overdue = Counter(open_cases.filter(next_clock__lt=today).values_list("next_clock_kind", flat=True))
    for clock in (Clock.FIRST_CONTACT, Clock.MEDIATION_WINDOW, Clock.DECISION):
        assert overdue[clock] >= 1, (clock, overdue)
    assert open_cases.filter(next_clock__gte=today, next_clock__lte=today + timedelta(days=3)).exists()
    assert Case.objects.filter(status="agreed", next_clock_kind=Clock.PAYMENT, next_clock__lt=today).exists()
    urgent = Case.objects.get(is_urgent=True)
    assert urgent.kind == CaseKind.LEGAL_AID and urgent.is_open and 0 <= urgent.days_to_clock < 7
    collective = Case.objects.get(is_collective=True)
    assert collective.participants.count() >= 10 and collective.participants.filter(is_representative=True)
    assert MaterialRequest.objects.filter(case__status=CaseStatus.IN_PROGRESS).exists()
    ratings = set(Case.objects.exclude(rating="").values_list("rating", flat=True))
    assert ratings == {"satisfied", "neutral", "dissatisfied"}


@pytest.mark.django_db
def test_story_two_wang_jianguos_mediation_closed_with_21673_30_paid(seeded):
    wang = worker(seeded.accounts, 0)
    [case] = [c for c in my_cases(user=wang) if c.kind == CaseKind.MEDIATION]
    assert case.org.name == "房山区劳动争议调解中心" and case.org.kind == OrgKind.MEDIATION_CENTRE
    assert case.status == CaseStatus.AGREED and case.payment_status == PaymentStatus.PAID
    assert case.amount_agreed == case.amount_paid == Decimal("21673.30")
    assert case.assignee.username == "fangshan.mediator" and case.rating == "satisfied"
    timeline = case_timeline(case=case, public_only=True)
    assert "21,673.30" in timeline[-1].public_text and timeline[-1].kind == "payment"
    # Dated as a real case: in order, from its receipt weeks ago, agreed inside the 15-day window.
    times = [e.at for e in case_timeline(case=case, public_only=False)]
    assert times == sorted(times) and times[0] == case.received_at
    assert (timezone.now() - case.received_at).days >= 30
    assert timezone.localdate(case.closed_at) <= case.mediation_window_ends
    assert not any(e.is_internal for e in timeline)


@pytest.mark.django_db
def test_each_demo_worker_sees_cases_on_the_phone(seeded):
    for n in range(3):
        account = worker(seeded.accounts, n)
        cases = my_cases(user=account)
        assert cases, account.display_name
        assert all(is_applicant(account, c) and c.applicant_name == account.display_name for c in cases)
    # 赵磊 is story 1's courier: legal aid at the 顺义 legal-service centre, in progress.
    zhao = my_cases(user=worker(seeded.accounts, 2))
    assert any(
        c.kind == CaseKind.LEGAL_AID and c.org.name == "顺义区总工会职工法律服务中心" and c.is_open
        for c in zhao
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username",
    ["fangshan.mediator", "fangshan.legal_aid_officer", "shunyi.mediator", "shunyi.legal_aid_officer"],
)
def test_the_case_handlers_home_has_a_queue_and_cases_of_their_own(seeded, username):
    staff = user(username)
    with activate(scope_for_user(staff)):  # as in their requests
        centre = case_queue(user=staff, filters=QueueFilters(view="centre"))
        assert centre.filter(assignee__isnull=True).exists()  # new cases to accept and assign
        assert case_queue(user=staff, filters=QueueFilters(view="mine")).exists()
        assert case_queue(user=staff, filters=QueueFilters(view="centre", clock="overdue")).exists()
        kinds = set(centre.values_list("kind", flat=True))
        mediator = username.endswith("mediator")
        assert kinds == ({"mediation"} if mediator else {"legal_aid", "consultation"})
        # The handler works at the district's centre (its queue), not at the district union.
        centre_kind = OrgKind.MEDIATION_CENTRE if mediator else OrgKind.LEGAL_SERVICE_CENTRE
        assert set(centre.values_list("org__kind", flat=True)) == {centre_kind}
        numbers = case_numbers(user=staff)
        assert numbers["open"] > 0 and numbers["total"] > numbers["open"]


@pytest.mark.django_db
def test_the_cockpit_viewer_and_union_staff_have_cases_in_scope(seeded):
    for username in ("city.cockpit_viewer", "fangshan.cockpit_viewer", "shunyi.cockpit_viewer"):
        viewer = user(username)
        with activate(scope_for_user(viewer)):
            assert (
                Case.objects.filter(rating__gt="").exists() and Case.objects.filter(status="agreed").exists()
            )
    with activate(scope_for_user(user("city.cockpit_viewer"))):
        assert Case.objects.values("org").distinct().count() > 10  # the centres of many districts
    staff = user("fangshan.union_staff")
    with activate(scope_for_user(staff)):
        listed = list(case_queue(user=staff, filters=QueueFilters(view="all", status="closed")))
    assert listed and all(c.org.path.startswith(user_org_path(staff)) for c in listed)


def user_org_path(staff: User) -> str:
    with scopes_disabled():
        return staff.grants.get().org.path


@pytest.mark.django_db
def test_bulk_cases_agree_with_the_services(seeded, system_scope):
    bulk = list(Case.objects.exclude(pk__in=showcase_ids()).select_related("org", "employer", "assignee"))
    assert len(bulk) == demo.CASE_COUNTS["tiny"]
    numbers = [c.number for c in bulk]
    assert len(set(numbers)) == len(numbers)
    today = timezone.localdate()
    for case in bulk:
        assert (
            case.number
            == f"{demo.NUMBER_PREFIX[case.kind]}{timezone.localdate(case.received_at):%Y}{case.pk:07d}"
        )
        assert is_mobile(case.applicant_mobile) and case.applicant_mobile.startswith("147")
        assert case.applicant_mobile_index == mobile_index(case.applicant_mobile)
        employer = case.employer
        assert case.org == route(kind=case.kind, region_code=employer.region_code, industry=employer.industry)
        if case.assignee is not None:
            assert can_be_assigned(case.assignee, case)
        assert case.amount_claimed == sum((c.amount or 0 for c in case.claims.all()), Decimal("0"))
        # The clocks are what cases.clocks computes from the same dates.
        expected = Case.objects.get(pk=case.pk)
        clocks.set_dates(expected)
        clocks.refresh(expected, today=today)
        for name in clocks.CLOCK_FIELDS:
            assert getattr(case, name) == getattr(expected, name), (case.number, name)
        # The timeline: received first, then each move in order, ending at the case's status.
        events = list(CaseEvent.objects.filter(case=case).order_by("at", "id"))
        assert events[0].kind == "created" and events[0].at == case.received_at
        moves = [e for e in events if e.kind == "transition"]
        assert (moves[-1].to_status if moves else CaseStatus.RECEIVED) == case.status
        assert all(a.to_status == b.from_status for a, b in zip(moves, moves[1:], strict=False))
        assert events[-1].at <= timezone.now()
        if case.first_contact_at:
            assert case.contacts.filter(at=case.first_contact_at, party="worker").exists()
    assert any(c.next_clock != NO_CLOCK for c in bulk) and any(c.rating for c in bulk)


@pytest.mark.django_db
def test_a_second_run_adds_nothing_and_no_text_message_went_out(seeded, system_scope):
    before = (Case.objects.count(), CaseEvent.objects.count(), AuditEvent.objects.count())
    out = StringIO()
    call_command("seed_demo", "--scale", "tiny", stdout=out, stderr=StringIO())
    assert (Case.objects.count(), CaseEvent.objects.count(), AuditEvent.objects.count()) == before
    assert "Cases already seeded" in out.getvalue()
    assert sum(len(v) for v in senders.TEXT_OUTBOX.values()) == seeded.texts_before
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "Audit chain intact" in out.getvalue()


@pytest.mark.django_db
def test_the_volume_is_deterministic_from_the_seed(seeded, system_scope):
    now = timezone.now()
    employers = demo._employers()

    def rows(seed: int) -> list[tuple]:
        volume = demo._Volume(seed=seed, now=now, employers=employers)
        cases, _claims, _events, _contacts, _n = volume.batch(0, 50, range(1, 51), range(1, 51))
        # Everything but the encrypted mobile (a fresh nonce each time).
        return [row[:9] + row[10:] for row in cases]

    assert rows(7) == rows(7)
    assert rows(7) != rows(8)
