"""Working days (DOMAIN.md, "Working days and deadlines").

China's holiday calendar comes from the `chinese-calendar` package (the State Council's yearly
notice), corrected by an administrator's override table (``core.HolidayOverride``). For years the
package does not know yet, weekends are rest days unless an override says otherwise; the docs say
so and administrators add the new year's notice as overrides.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar


def is_workday(day: date, overrides: dict[date, bool] | None = None) -> bool:
    if overrides is None:
        overrides = _overrides_around(day, day)
    if day in overrides:
        return overrides[day]
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the package does not cover yet
        return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (start itself not counted); weekends and
    holidays are skipped and adjusted working weekends (调休) count."""
    overrides = _overrides_around(start, start + timedelta(days=days * 3 + 30))
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_workday(current, overrides):
            remaining -= 1
    return current


def _overrides_around(first: date, last: date) -> dict[date, bool]:
    from smartunion.core.models import HolidayOverride

    return dict(HolidayOverride.objects.filter(date__gte=first, date__lte=last).values_list("date", "is_workday"))
