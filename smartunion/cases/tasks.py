"""The cases app's scheduled work (core/tasks.py says what a task promises: JSON arguments, safe to
run twice): the clocks' reminders, once a day per case and clock (``ReminderSent``).

- To the mediator or lawyer holding the case (or, before assignment, to everyone holding the
  handling flag on its centre): a clock due today or tomorrow, or past.
- To the worker: day 15 of a mediation without agreement (劳动争议调解仲裁法 第十四条: they may now
  apply for arbitration); an agreement's payment date passed unpaid (第十六条: the payment order).
- Urgency is re-read every day: legal aid is urgent once fewer than 7 days remain before the
  limitation ends (法律援助法 第四十四条).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from celery import shared_task
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.accounts.models import RoleGrant
from smartunion.cases import clocks
from smartunion.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseKind,
    CaseStatus,
    Clock,
    EventKind,
    PaymentStatus,
    ReminderSent,
)
from smartunion.cases.policies import handling_flag
from smartunion.cases.services.events import case_event
from smartunion.core.scoping import scopes_disabled
from smartunion.core.tree import ancestor_paths
from smartunion.notifications.services import notify

logger = logging.getLogger(__name__)
BATCH = 500


def _once(case: Case, clock: str, day: date) -> bool:
    """Claim today's reminder for (case, clock); False when a run already sent it."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(case=case, clock=clock, day=day)
    except IntegrityError:
        return False
    return True


def _handlers(case: Case, cache: dict[tuple[int, str], list[int]]) -> list[int]:
    """Who is reminded: the assignee, or the active staff holding the handling flag on the centre."""
    if case.assignee_id:
        return [case.assignee_id]
    flag = handling_flag(case.kind)
    key = (case.org_id, flag)
    if key not in cache:
        grants = RoleGrant.objects.filter(
            org__path__in=ancestor_paths(case.org.path), user__is_active=True
        ).values_list("user_id", "role__permissions")
        cache[key] = sorted({user_id for user_id, flags in grants if flag in flags})
    return cache[key]


def _clock_text(case: Case, today: date) -> str:
    days = (case.next_clock - today).days
    label = Clock(case.next_clock_kind).label if case.next_clock_kind else ""
    if days < 0:
        return _("Case %(number)s: %(clock)s passed %(days)d days ago.") % {
            "number": case.number,
            "clock": label,
            "days": -days,
        }
    return _("Case %(number)s: %(clock)s ends on %(date)s.") % {
        "number": case.number,
        "clock": label,
        "date": case.next_clock.isoformat(),
    }


@shared_task(name="cases.clock_reminders")
def clock_reminders(today: str | None = None) -> dict[str, int]:
    """Daily (CELERY_BEAT_SCHEDULE). ``today`` (ISO) is for tests and catching up."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    sent = {"staff": 0, "workers": 0, "urgent_changed": 0}
    handler_cache: dict[tuple[int, str], list[int]] = {}
    with scopes_disabled():  # system work across every centre
        # Urgency depends on today: re-read it where the limitation is near or the flag is set.
        near = Case.objects.filter(kind=CaseKind.LEGAL_AID, status__in=OPEN_STATUSES).filter(
            limitation_ends__lte=day + timedelta(days=8)
        ) | Case.objects.filter(is_urgent=True)
        for case in near.iterator(chunk_size=BATCH):
            before = case.is_urgent
            clocks.refresh(case, today=day)
            if case.is_urgent != before:
                # Only the flag: the clocks are the services' to write (a move may be under way).
                Case.objects.filter(pk=case.pk).update(is_urgent=case.is_urgent)
                sent["urgent_changed"] += 1
        due = (
            Case.objects.filter(next_clock__lte=day + timedelta(days=1))
            .exclude(next_clock_kind="")
            .select_related("org")
            .order_by("next_clock", "id")
        )
        for case in due.iterator(chunk_size=BATCH):
            if _once(case, case.next_clock_kind, day):
                text = _clock_text(case, day)
                for user_id in _handlers(case, handler_cache):
                    notify(user_id=user_id, title=text, link=f"/console/cases/{case.pk}/")
                    sent["staff"] += 1
        # Day 15 of a mediation without agreement: tell the worker of arbitration, once.
        window = Case.objects.filter(
            kind=CaseKind.MEDIATION, status__in=OPEN_STATUSES, mediation_window_ends__lte=day
        ).select_related("org")
        for case in window.iterator(chunk_size=BATCH):
            # Keyed on the window's end, "w_" for the worker's notice: once per case, ever.
            if _once(case, f"w_{Clock.MEDIATION_WINDOW}", case.mediation_window_ends or day):
                with transaction.atomic():
                    case_event(
                        case=case,
                        kind=EventKind.REMINDER,
                        actor=None,
                        public_text=lambda: _(
                            "15 days have passed since your mediation application without an "
                            "agreement. You may now apply to the labour-dispute arbitration committee "
                            "(Labour Dispute Mediation and Arbitration Law, Art. 14); mediation can go on "
                            "meanwhile."
                        ),
                        data={"clock": Clock.MEDIATION_WINDOW},
                    )
                sent["workers"] += 1
        # An agreement's payment date passed and it is not paid in full: the payment order (第十六条).
        unpaid = Case.objects.filter(
            status=CaseStatus.AGREED,
            payment_status__in=[PaymentStatus.PENDING, PaymentStatus.PARTLY_PAID],
            payment_due__lt=day,
        ).select_related("org")
        for case in unpaid.iterator(chunk_size=BATCH):
            if _once(case, f"w_{Clock.PAYMENT}", case.payment_due or day):
                with transaction.atomic():
                    case_event(
                        case=case,
                        kind=EventKind.REMINDER,
                        actor=None,
                        public_text=lambda: _(
                            "The payment date of your agreement has passed. If the employer does not "
                            "pay, you may apply to a people's court for a payment order (Art. 16); ask "
                            "your mediator for the application."
                        ),
                        data={"clock": Clock.PAYMENT},
                    )
                sent["workers"] += 1
    logger.info("case reminders %s", sent)
    return sent
