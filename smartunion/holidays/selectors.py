"""Reading the holiday calendar: a year's special days with where each comes from, and which years
the calendar has no data for (the console warns that deadlines falling in them are provisional)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from smartunion.core.errors import NotFound
from smartunion.holidays.calendar import (
    package_holiday_name,
    package_is_workday,
    package_knows_year,
    package_special_days,
)
from smartunion.holidays.models import HolidayOverride


class DaySource:
    PACKAGE = "package"  # the chinese-calendar package
    NOTICE = "notice"  # an override entered as part of a year's State Council notice
    OVERRIDE = "override"  # an override entered on its own (a correction, a local holiday)


@dataclass(frozen=True)
class CalendarDay:
    day: date
    is_workday: bool
    name: str
    source: str
    override: HolidayOverride | None = None
    # Without the override, would the day be a working day? (None: no override)
    underlying_is_workday: bool | None = None

    @property
    def changes_the_package(self) -> bool:
        return self.underlying_is_workday is not None and self.underlying_is_workday != self.is_workday


@dataclass(frozen=True)
class YearStatus:
    year: int
    package_knows: bool
    notice_dates: int  # overrides entered as this year's notice
    other_overrides: int

    @property
    def has_data(self) -> bool:
        return self.package_knows or self.notice_dates > 0


def calendar_year(*, year: int, chinese: bool) -> list[CalendarDay]:
    """Every day of ``year`` that is not ordinary (a weekday off, a weekend worked, a named holiday),
    and every override, in date order."""
    overrides = {o.date: o for o in HolidayOverride.objects.filter(date__year=year)}
    days: list[CalendarDay] = []
    for day, is_workday in package_special_days(year).items():
        if day not in overrides:
            days.append(
                CalendarDay(day, is_workday, package_holiday_name(day, chinese=chinese), DaySource.PACKAGE)
            )
    for day, override in overrides.items():
        days.append(
            CalendarDay(
                day,
                override.is_workday,
                override.note or package_holiday_name(day, chinese=chinese),
                DaySource.NOTICE if override.notice_year else DaySource.OVERRIDE,
                override=override,
                underlying_is_workday=package_is_workday(day),
            )
        )
    return sorted(days, key=lambda d: d.day)


def calendar_year_status(*, year: int) -> YearStatus:
    notice = HolidayOverride.objects.filter(notice_year=year).count()
    others = HolidayOverride.objects.filter(date__year=year).exclude(notice_year=year).count()
    return YearStatus(year, package_knows_year(year), notice, others)


def calendar_missing_years(*, years: Iterable[int]) -> list[int]:
    """Those of ``years`` for which the calendar knows nothing: the package does not cover them and no
    notice was entered, so only weekends count as rest days."""
    unknown = sorted({y for y in years if not package_knows_year(y)})
    if not unknown:
        return []
    entered = set(
        HolidayOverride.objects.filter(notice_year__in=unknown)
        .values_list("notice_year", flat=True)
        .distinct()
    )
    return [y for y in unknown if y not in entered]


def holiday_override_get(*, pk) -> HolidayOverride:
    override = HolidayOverride.objects.filter(pk=pk).first()
    if override is None:
        raise NotFound()
    return override
