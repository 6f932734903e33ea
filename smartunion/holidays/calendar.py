"""Working days (DOMAIN.md, "Working days and deadlines").

China's holiday calendar comes from the `chinese-calendar` package (the State Council's yearly
notice), corrected by an administrator's override table (``holidays.HolidayOverride``, edited on the
console's holiday calendar page, ``holidays.services``). For years the package does not know yet,
weekends are rest days unless an override says otherwise; the console warns about such years until
an administrator enters the year's notice.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import chinese_calendar
from django.utils import timezone

from smartunion.holidays.models import HolidayOverride

# The years the installed package carries data for (1.11.0: 2004–2026). A module constant rather
# than a question put to the package each time, so tests can pretend a newer package is older.
PACKAGE_FIRST_YEAR = min(chinese_calendar.holidays).year
PACKAGE_LAST_YEAR = max(chinese_calendar.holidays).year

Overrides = Mapping[date, bool]


def package_knows_year(year: int) -> bool:
    return PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR


def package_is_workday(day: date) -> bool:
    """The package's answer, or the weekend rule for a year it does not know."""
    if package_knows_year(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def is_workday(day: date, overrides: Overrides | None = None) -> bool:
    if overrides is None:
        overrides = overrides_between(day, day)
    if day in overrides:
        return overrides[day]
    return package_is_workday(day)


def add_working_days(start: date, days: int, *, overrides: Overrides | None = None) -> date:
    """The date ``days`` working days after ``start`` (start itself not counted); weekends and
    holidays are skipped and adjusted working weekends (调休) count. ``overrides`` (from
    ``overrides_between``) must cover the whole span when given; without it they are loaded."""
    if overrides is None:
        overrides = overrides_between(start, start + timedelta(days=days * 3 + 30))
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_workday(current, overrides):
            remaining -= 1
    return current


def working_days_between(start: date, end: date, *, overrides: Overrides) -> int:
    """How many working days lie after ``start`` up to and including ``end``: the inverse of
    ``add_working_days`` (``add_working_days(s, working_days_between(s, e))`` is ``e`` when ``e``
    is a working day)."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_workday(current, overrides):
            count += 1
    return count


def overrides_between(first: date, last: date) -> dict[date, bool]:
    return dict(
        HolidayOverride.objects.filter(date__gte=first, date__lte=last).values_list("date", "is_workday")
    )


def package_holiday_name(day: date, *, chinese: bool) -> str:
    """The name of the holiday that makes ``day`` a rest or adjusted working day in the package
    ("国庆节", "National Day"), or ""."""
    if not package_knows_year(day.year):
        return ""
    name = chinese_calendar.holidays.get(day) or chinese_calendar.workdays.get(day) or ""
    if chinese and name:
        return _CHINESE_NAMES.get(name, name)
    return name


def package_special_days(year: int) -> dict[date, bool]:
    """The package's days of ``year`` that are not ordinary: named holidays (rest, weekends within
    a holiday period included) and adjusted working weekends; date → is a working day."""
    if not package_knows_year(year):
        return {}
    days = {d: False for d in chinese_calendar.holidays if d.year == year}
    days.update({d: True for d in chinese_calendar.workdays if d.year == year})
    return days


_CHINESE_NAMES = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}


def calendar_today() -> date:
    return timezone.localdate()


def editable_years(today: date | None = None) -> tuple[int, int]:
    """This year and the next: the State Council publishes a year's notice late in the year before,
    so no date further ahead can be known, and a past year's dates no longer move a deadline."""
    today = today or calendar_today()
    return today.year, today.year + 1
