"""Open applications' answer deadlines follow the holiday calendar (DOMAIN.md, "Working days and
deadlines"; docs/members.md, "The answer deadline").

A deadline is counted when the application arrives, with the calendar as it is then. For a year
whose holidays are not known yet it counts weekends only, so it is provisional: when an
administrator changes the calendar (``holidays.services``), the open applications whose counting window
touches a changed date are counted again, each with the number of working days it was given.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from smartunion.core.scoping import scopes_disabled
from smartunion.holidays.calendar import add_working_days, overrides_between, working_days_between
from smartunion.holidays.services import CALENDAR_CHANGE_HOOKS
from smartunion.members.models import Membership, MembershipStatus


def application_due_years(*, after: date | None = None) -> set[int]:
    """The years in which the open applications in scope fall due (only those due after ``after``:
    the console asks only about years the holiday package does not know)."""
    qs = Membership.objects.filter(status=MembershipStatus.APPLYING, due_date__isnull=False)
    if after is not None:
        qs = qs.filter(due_date__gt=after)
    return {day.year for day in qs.dates("due_date", "year")}


def application_deadlines_follow_calendar(first: date, last: date) -> Callable[[], int]:
    """A ``holidays.services.CALENDAR_CHANGE_HOOKS`` hook: called before the calendar changes between
    ``first`` and ``last``, it returns the function that recounts the deadlines afterwards.

    Only an application with a changed date after its day of arrival and on or before its due date
    can move: the count up to the due date is unchanged otherwise. Each keeps its own number of
    working days (counted now, with the calendar as it was), so a later change of
    ``JOIN_RESPONSE_WORKING_DAYS`` does not leak into older applications.
    """
    # The calendar belongs to the whole installation; so do the deadlines it moves.
    with scopes_disabled():
        rows = list(
            Membership.objects.filter(
                status=MembershipStatus.APPLYING,
                due_date__gte=first,
                applied_at__lt=timezone.make_aware(datetime.combine(last, time.min)),
            ).only("pk", "applied_at", "due_date")
        )
    if not rows:
        return lambda: 0
    arrived = {m.pk: timezone.localdate(m.applied_at) for m in rows}
    due = {m.pk: m.due_date for m in rows if m.due_date is not None}  # every row: due_date__gte
    span_first = min(arrived.values())
    span_last = max(due.values())
    before = overrides_between(span_first, span_last)
    counts = {pk: working_days_between(arrived[pk], day, overrides=before) for pk, day in due.items()}

    def recount() -> int:
        # Wide enough for the longest count, as add_working_days would load it.
        after = overrides_between(span_first, span_last + timedelta(days=max(counts.values()) * 3 + 30))
        moved = []
        for m in rows:
            due = add_working_days(arrived[m.pk], counts[m.pk], overrides=after)
            if due != m.due_date:
                m.due_date = due
                moved.append(m)
        if moved:
            with scopes_disabled():
                Membership.objects.bulk_update(moved, ["due_date"])
        return len(moved)

    return recount


def register_calendar_hook() -> None:
    if application_deadlines_follow_calendar not in CALENDAR_CHANGE_HOOKS:
        CALENDAR_CHANGE_HOOKS.append(application_deadlines_follow_calendar)
