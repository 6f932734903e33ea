"""The scheduled task reminds the mediator of near and past clocks and tells the worker of day 15
and of an unpaid agreement, once, however often it runs."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from smartunion.cases.models import Case, CaseEvent
from smartunion.cases.tasks import clock_reminders
from smartunion.core.scoping import scopes_disabled
from smartunion.labourlaw import deadlines
from smartunion.notifications.models import InboxMessage
from tests.factories.cases import make_case


def test_day_15_tells_the_worker_of_arbitration_once(case_world):
    case = make_case(case_world, status="in_progress")
    day15 = case.mediation_window_ends
    clock_reminders(today=(day15 - timedelta(days=1)).isoformat())
    with scopes_disabled():
        assert not CaseEvent.objects.filter(case=case, kind="reminder").exists()
    first = clock_reminders(today=day15.isoformat())
    again = clock_reminders(today=day15.isoformat())
    later = clock_reminders(today=(day15 + timedelta(days=3)).isoformat())
    assert first["workers"] == 1 and again["workers"] == 0 and later["workers"] == 0
    with scopes_disabled():
        events = list(CaseEvent.objects.filter(case=case, kind="reminder"))
    assert len(events) == 1 and not events[0].is_internal
    inbox = InboxMessage.objects.filter(user=case_world.worker).order_by("-id").first()
    assert case.number in inbox.title


def test_the_assignee_is_reminded_of_a_near_clock_once_a_day(case_world):
    case = make_case(case_world, status="assigned")
    assert case.next_clock_kind == "first_contact"
    due = case.next_clock
    before = InboxMessage.objects.filter(user=case_world.mediator_fs).count()
    assert clock_reminders(today=(due - timedelta(days=1)).isoformat())["staff"] == 1
    assert clock_reminders(today=(due - timedelta(days=1)).isoformat())["staff"] == 0
    assert clock_reminders(today=(due + timedelta(days=2)).isoformat())["staff"] == 1
    messages = InboxMessage.objects.filter(user=case_world.mediator_fs).order_by("id")[before:]
    assert [m.link for m in messages] == [f"/console/cases/{case.pk}/"] * 2
    assert "2" in messages[1].title  # "passed 2 days ago"


def test_an_unassigned_case_reminds_the_centre_handlers(case_world):
    case = make_case(case_world, status="received")
    clock_reminders(today=case.next_clock.isoformat())
    for mediator in (case_world.mediator_fs, case_world.mediator_fs2):
        assert InboxMessage.objects.filter(user=mediator, link=f"/console/cases/{case.pk}/").count() == 1
    # Nobody at another centre, and no legal-aid officer, is bothered.
    assert not InboxMessage.objects.filter(user=case_world.mediator_sy).exists()
    assert not InboxMessage.objects.filter(user=case_world.officer_fs).exists()


def test_an_unpaid_agreement_tells_the_worker_of_the_payment_order(case_world):
    case = make_case(case_world, status="agreed")
    after = case.payment_due + timedelta(days=1)
    assert clock_reminders(today=after.isoformat())["workers"] >= 1
    with scopes_disabled():
        texts = [e.public_text for e in CaseEvent.objects.filter(case=case, kind="reminder")]
    assert any("支付令" in t or "payment order" in t for t in texts)


def test_urgency_is_reread_each_day(case_world):
    today = timezone.localdate()
    # Knew of it almost a year ago, a claim other than pay: the one-year limitation is near. The
    # day is found through the calendar, since an end on a weekend or a holiday moves to the next
    # working day (a fixed 360 days is 7 days from the end on some days of the year).
    knew_on = next(
        today - timedelta(days=n)
        for n in range(364, 300, -1)
        if deadlines.is_urgent(deadlines.limitation(knew_on=today - timedelta(days=n)).ends, today)
    )
    case = make_case(
        case_world,
        kind="legal_aid",
        status="received",
        dispute_type="social_insurance",
        means_route="pledge",  # the migrant waiver is for claims of pay (法律援助法 第四十二条)
        dispute_date=knew_on.isoformat(),
        employment_start=(today - timedelta(days=900)).isoformat(),
    )
    with scopes_disabled():
        case = Case.objects.get(pk=case.pk)
    assert case.limitation_ends is not None
    assert case.is_urgent  # fewer than 7 days remain (法律援助法 第四十四条)
