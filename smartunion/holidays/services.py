"""The holiday calendar's writes: an administrator's overrides of the national calendar, one date at
a time or a State Council notice at once (DOMAIN.md, "Working days and deadlines").

The calendar belongs to the whole installation, not to a subtree: only someone who holds
``calendar.change`` on a top-level node may change it (``policies.can_change_calendar``; decision
0012). Every change is one transaction with its audit record; the apps whose stored dates were
counted with the calendar (pending applications' deadlines) recount them inside it, through
``CALENDAR_CHANGE_HOOKS``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from smartunion.accounts.models import User
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import Conflict, NotFound, ValidationFailed
from smartunion.holidays.calendar import package_knows_year
from smartunion.holidays.models import HolidayOverride
from smartunion.holidays.policies import require_change_calendar

NOTE_MAX_LENGTH = 200
NOTICE_MAX_LINES = 40
HOLIDAY_MAX_DAYS = 14  # the longest period in any notice so far is 9 days (国庆 2023)

# An app whose stored dates were counted with the calendar registers a hook (in its AppConfig.ready):
# called with the first and last date about to change, before the change, it returns a function
# that is called after the change, still inside the transaction, and says how many rows it moved.
CalendarHook = Callable[[date, date], Callable[[], int]]
CALENDAR_CHANGE_HOOKS: list[CalendarHook] = []


@dataclass(frozen=True)
class CalendarChange:
    """What a calendar service wrote: the override rows (kept or removed) and how many pending
    deadlines it moved."""

    overrides: list[HolidayOverride]
    deadlines_moved: int


def calendar_today() -> date:
    return timezone.localdate()


def editable_years(today: date | None = None) -> tuple[int, int]:
    """This year and the next: the State Council publishes a year's notice late in the year before,
    so no date further ahead can be known, and a past year's dates no longer move a deadline."""
    today = today or calendar_today()
    return today.year, today.year + 1


# --- one date at a time -------------------------------------------------------------------------


def holiday_override_create(
    *, actor: User | None, day: date | str, is_workday: bool | None, note: str = "", client_address: str = ""
) -> CalendarChange:
    require_change_calendar(actor)
    with transaction.atomic():
        when, is_workday, note = _clean_override(day=day, is_workday=is_workday, note=note, current=None)
        finish = _before_change(when, when)
        try:
            with transaction.atomic():
                override = HolidayOverride.objects.create(date=when, is_workday=is_workday, note=note)
        except IntegrityError as exc:  # entered by someone else a moment ago
            raise _taken(when) from exc
        moved = finish()
        audit_record(
            action=AuditAction.HOLIDAY_CREATE,
            actor=actor,
            obj=override,
            client_address=client_address,
            data={**_describe(override), "deadlines_moved": moved},
        )
    return CalendarChange([override], moved)


def holiday_override_update(
    *,
    actor: User | None,
    override: HolidayOverride,
    day: date | str,
    is_workday: bool | None,
    note: str = "",
    client_address: str = "",
) -> CalendarChange:
    require_change_calendar(actor)
    with transaction.atomic():
        current = HolidayOverride.objects.select_for_update().filter(pk=override.pk).first()
        if current is None:
            raise NotFound(_("This date is no longer in the calendar's overrides."))
        when, is_workday, note = _clean_override(day=day, is_workday=is_workday, note=note, current=current)
        before = _describe(current)
        if (when, is_workday, note) == (current.date, current.is_workday, current.note):
            return CalendarChange([current], 0)
        finish = _before_change(min(when, current.date), max(when, current.date))
        current.date, current.is_workday, current.note = when, is_workday, note
        try:
            with transaction.atomic():
                current.save(update_fields=["date", "is_workday", "note"])
        except IntegrityError as exc:
            raise _taken(when) from exc
        moved = finish()
        audit_record(
            action=AuditAction.HOLIDAY_UPDATE,
            actor=actor,
            obj=current,
            client_address=client_address,
            data={"before": before, "after": _describe(current), "deadlines_moved": moved},
        )
    return CalendarChange([current], moved)


def holiday_override_delete(
    *, actor: User | None, override: HolidayOverride, client_address: str = ""
) -> CalendarChange:
    """Remove one override."""
    require_change_calendar(actor)
    with transaction.atomic():
        current = HolidayOverride.objects.select_for_update().filter(pk=override.pk).first()
        if current is None:
            raise NotFound(_("This date is no longer in the calendar's overrides."))
        finish = _before_change(current.date, current.date)
        # A queryset delete keeps the instance's pk for the audit record.
        HolidayOverride.objects.filter(pk=current.pk).delete()
        moved = finish()
        audit_record(
            action=AuditAction.HOLIDAY_DELETE,
            actor=actor,
            obj=current,
            client_address=client_address,
            data={**_describe(current), "deadlines_moved": moved},
        )
    return CalendarChange([current], moved)


def _clean_override(*, day, is_workday, note, current: HolidayOverride | None) -> tuple[date, bool, str]:
    errors: dict[str, list[str]] = {}
    when = None
    if isinstance(day, date):
        when = day
    else:
        text = (day or "").strip()
        if not text:
            errors["date"] = [_("Enter the date, such as 2027-01-01.")]
        else:
            when, problem = _parse_one_day(text)
            if problem:
                errors["date"] = [problem]
    if when is not None and (current is None or when != current.date):
        this_year, next_year = editable_years()
        if when.year < this_year:
            errors["date"] = [
                _(
                    "%(date)s lies in a past year: changing it would move no deadline any more. "
                    "Only dates in %(this)d and %(next)d can be entered."
                )
                % {"date": when.isoformat(), "this": this_year, "next": next_year}
            ]
        elif when.year > next_year:
            errors["date"] = [
                _(
                    "%(date)s is too far ahead: the State Council publishes a year's holidays only late in "
                    "the year before. Only dates in %(this)d and %(next)d can be entered."
                )
                % {"date": when.isoformat(), "this": this_year, "next": next_year}
            ]
        else:
            existing = HolidayOverride.objects.filter(date=when).first()
            if existing is not None:
                errors["date"] = [_taken(when, existing).message]
    if is_workday is None:
        errors["is_workday"] = [_("Choose whether this date is a day off or a working day.")]
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = [
            _("The note is %(length)d characters long; at most %(max)d are kept.")
            % {"length": len(note), "max": NOTE_MAX_LENGTH}
        ]
    if errors:
        raise ValidationFailed(fields=errors)
    assert when is not None  # a date that is missing or unreadable is an error above
    return when, bool(is_workday), note


def _taken(when: date, existing: HolidayOverride | None = None) -> Conflict:
    existing = existing or HolidayOverride.objects.filter(date=when).first()
    kind = _kind_word(existing.is_workday) if existing is not None else ""
    return Conflict(
        _("%(date)s has an override already (%(kind)s): change or delete that one instead.")
        % {"date": when.isoformat(), "kind": kind}
    )


def _kind_word(is_workday: bool) -> str:
    return _("working day") if is_workday else _("day off")


def _describe(override: HolidayOverride) -> dict:
    return {
        "date": override.date.isoformat(),
        "is_workday": override.is_workday,
        "note": override.note,
        "notice_year": override.notice_year,
    }


# --- a State Council notice at once ---------------------------------------------------------------


@dataclass(frozen=True)
class NoticeDay:
    day: date
    is_workday: bool
    name: str
    line: int

    @property
    def weekday(self) -> int:
        return self.day.weekday()


# 2027-02-06, 2027/2/6, 2027.2.6, 2027年2月6日
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
# “调休” alone is not one: notices say “放假调休” of the days off.
_WORK_KEYWORD = re.compile(r"调休上班|补班|上班|workdays?", re.IGNORECASE)
_RANGE_SEPARATORS = {"至", "到", "~", "～", "-", "—", "–", "－", "to"}
_WEEKDAY_NOTE = re.compile(r"[（(][^）)]*[）)]")  # "（周五）" after a date
# After the working-day keyword only single days stand: a range or a holiday word there means the
# line was written the other way round ("上班 … 放假 … 至 …"), which would turn holidays into
# working days.
_NOT_A_WORKDAY_LIST = re.compile(r"至|到|[~～]|放假|休|\bto\b|\boff\b|holiday", re.IGNORECASE)
_NAME_TRAILER = re.compile(r"(放假调休|放假|休息|假期)?[\s:：,，、;；]*$")
_DIGITS = re.compile(r"\d+")


def holiday_notice_check(*, year: int | str | None, text: str) -> tuple[int, list[NoticeDay]]:
    """Read a notice typed as one line per holiday: a name, the period, and the adjusted working
    days after “上班”, such as ``春节 2027-02-06 至 2027-02-13 上班 2027-02-14 2027-02-20``.
    Returns the year and the days in date order, or raises ValidationFailed naming every bad line."""
    notice_year = _check_notice_year(year)
    lines = (text or "").splitlines()
    errors: list[str] = []
    days: list[NoticeDay] = []
    seen: dict[date, int] = {}
    numbered = [(n, line.strip()) for n, line in enumerate(lines, start=1)]
    numbered = [(n, line) for n, line in numbered if line and not line.startswith("#")]
    if not numbered:
        raise ValidationFailed(
            fields={
                "text": [
                    _(
                        "Write at least one line, such as “春节 2027-02-06 至 2027-02-13 上班 2027-02-14 2027-02-20”."
                    )
                ]
            }
        )
    if len(numbered) > NOTICE_MAX_LINES:
        raise ValidationFailed(
            fields={
                "text": [
                    _(
                        "The notice has %(count)d lines; a year's notice has about seven, at most %(max)d are read."
                    )
                    % {"count": len(numbered), "max": NOTICE_MAX_LINES}
                ]
            }
        )
    first_allowed, last_allowed = date(notice_year - 1, 12, 1), date(notice_year, 12, 31)
    for number, line in numbered:
        parsed, line_errors = _parse_notice_line(number, line)
        errors.extend(line_errors)
        if line_errors:
            continue
        for item in parsed:
            problem = ""
            if not first_allowed <= item.day <= last_allowed:
                problem = _(
                    "Line %(line)d: %(date)s is not part of the %(year)d arrangements, which lie between "
                    "%(first)s and %(last)s."
                ) % {
                    "line": number,
                    "date": item.day.isoformat(),
                    "year": notice_year,
                    "first": first_allowed.isoformat(),
                    "last": last_allowed.isoformat(),
                }
            elif item.is_workday and item.day.weekday() < 5:
                problem = _(
                    "Line %(line)d: the adjusted working day %(date)s is a %(weekday)s, a working day anyway; "
                    "adjusted working days fall on a Saturday or Sunday."
                ) % {"line": number, "date": item.day.isoformat(), "weekday": date_format(item.day, "l")}
            elif item.day in seen:
                problem = _("Line %(line)d: %(date)s appears already on line %(other)d.") % {
                    "line": number,
                    "date": item.day.isoformat(),
                    "other": seen[item.day],
                }
            if problem:
                errors.append(problem)
            else:
                seen[item.day] = number
                days.append(item)
    if days:
        taken = dict(
            HolidayOverride.objects.filter(date__in=[d.day for d in days]).values_list("date", "is_workday")
        )
        for item in days:
            if item.day in taken:
                errors.append(
                    _(
                        "Line %(line)d: %(date)s has an override already (%(kind)s): change or delete that "
                        "one first."
                    )
                    % {"line": item.line, "date": item.day.isoformat(), "kind": _kind_word(taken[item.day])}
                )
    if errors:
        raise ValidationFailed(fields={"text": errors})
    return notice_year, sorted(days, key=lambda d: d.day)


def holiday_notice_enter(
    *, actor: User | None, year: int | str | None, text: str, client_address: str = ""
) -> CalendarChange:
    """Enter a year's State Council notice: every day off and adjusted working day of it, all or
    nothing. The year then counts as entered (no more warning about it)."""
    require_change_calendar(actor)
    with transaction.atomic():
        notice_year, days = holiday_notice_check(year=year, text=text)
        finish = _before_change(days[0].day, days[-1].day)
        rows = [
            HolidayOverride(
                date=d.day, is_workday=d.is_workday, note=d.name[:NOTE_MAX_LENGTH], notice_year=notice_year
            )
            for d in days
        ]
        try:
            with transaction.atomic():
                HolidayOverride.objects.bulk_create(rows)
        except IntegrityError as exc:
            raise Conflict(
                _("The calendar was changed at the same moment; reload the page and enter the notice again.")
            ) from exc
        moved = finish()
        audit_record(
            action=AuditAction.HOLIDAY_NOTICE,
            actor=actor,
            client_address=client_address,
            data={
                "year": notice_year,
                "days_off": [d.day.isoformat() for d in days if not d.is_workday],
                "working_days": [d.day.isoformat() for d in days if d.is_workday],
                "deadlines_moved": moved,
            },
        )
    return CalendarChange(rows, moved)


def holiday_notice_delete(*, actor: User | None, year: int, client_address: str = "") -> CalendarChange:
    """Remove every date entered as the notice for ``year`` (to enter a corrected one)."""
    require_change_calendar(actor)
    with transaction.atomic():
        rows = list(HolidayOverride.objects.select_for_update().filter(notice_year=year).order_by("date"))
        if not rows:
            raise NotFound(_("No notice for %(year)d has been entered.") % {"year": year})
        finish = _before_change(rows[0].date, rows[-1].date)
        HolidayOverride.objects.filter(pk__in=[r.pk for r in rows]).delete()
        moved = finish()
        audit_record(
            action=AuditAction.HOLIDAY_NOTICE_DELETE,
            actor=actor,
            client_address=client_address,
            data={"year": year, "dates": [_describe(r) for r in rows], "deadlines_moved": moved},
        )
    return CalendarChange(rows, moved)


def _check_notice_year(year) -> int:
    this_year, next_year = editable_years()
    try:
        notice_year = int(str(year).strip())
    except (TypeError, ValueError):
        raise ValidationFailed(
            fields={
                "year": [
                    _("Choose the year the notice is for: %(this)d or %(next)d.")
                    % {"this": this_year, "next": next_year}
                ]
            }
        ) from None
    if notice_year not in (this_year, next_year):
        raise ValidationFailed(
            fields={
                "year": [
                    _("A notice can be entered for %(this)d or %(next)d only, not for %(year)d.")
                    % {"this": this_year, "next": next_year, "year": notice_year}
                ]
            }
        )
    if package_knows_year(notice_year):
        raise ValidationFailed(
            fields={
                "year": [
                    _(
                        "The %(year)d holidays come with the holiday package (chinese-calendar) already; to correct a "
                        "single date, add a one-date override instead."
                    )
                    % {"year": notice_year}
                ]
            }
        )
    entered = HolidayOverride.objects.filter(notice_year=notice_year).count()
    if entered:
        raise ValidationFailed(
            fields={
                "year": [
                    _(
                        "The notice for %(year)d is entered already (%(count)d dates). To enter it again, delete it "
                        "first on the calendar page."
                    )
                    % {"year": notice_year, "count": entered}
                ]
            }
        )
    return notice_year


def _parse_one_day(text: str) -> tuple[date | None, str]:
    match = _DATE.fullmatch(text.strip())
    if match is None:
        return None, _("“%(text)s” is not a date: write it as 2027-01-01.") % {"text": text}
    try:
        return date(*(int(part) for part in match.groups())), ""
    except ValueError:
        return None, _("“%(text)s” is not a date of the calendar (no such day in that month).") % {
            "text": text
        }


def _parse_notice_line(number: int, line: str) -> tuple[list[NoticeDay], list[str]]:
    errors: list[str] = []
    keyword = _WORK_KEYWORD.search(line)
    holiday_part, work_part = (line[: keyword.start()], line[keyword.end() :]) if keyword else (line, None)
    holiday_dates, name = _dates_in(number, holiday_part, errors, with_name=True)
    work_dates, _unused = _dates_in(number, work_part or "", errors, with_name=False)
    if errors:
        return [], errors
    misplaced = _NOT_A_WORKDAY_LIST.search(_WEEKDAY_NOTE.sub(" ", _DATE.sub(" ", work_part or "")))
    if keyword is not None and misplaced is not None:
        return [], [
            _(
                "Line %(line)d: after “%(word)s” write only the adjusted working days, one by one; the "
                "holiday period goes before it, such as “春节 2027-02-06 至 2027-02-13 上班 2027-02-14”."
            )
            % {"line": number, "word": keyword.group(0)}
        ]
    if not holiday_dates and not work_dates:
        return [], [
            _(
                "Line %(line)d: no date found. Write a full date with the year, such as "
                "“春节 2027-02-06 至 2027-02-13 上班 2027-02-14”."
            )
            % {"line": number}
        ]
    if keyword is not None and not work_dates:
        return [], [
            _("Line %(line)d: no date after “%(word)s”: write the adjusted working days after it.")
            % {"line": number, "word": keyword.group(0)}
        ]
    if len(holiday_dates) > 2:
        return [], [
            _(
                "Line %(line)d: a holiday period has a first and a last day only (%(count)d dates found); write "
                "the adjusted working days after “上班”."
            )
            % {"line": number, "count": len(holiday_dates)}
        ]
    items: list[NoticeDay] = []
    if holiday_dates:
        first, last = holiday_dates[0][0], holiday_dates[-1][0]
        if len(holiday_dates) == 2:
            between = _WEEKDAY_NOTE.sub(
                "", holiday_part[holiday_dates[0][1] : holiday_dates[1][1] - len(holiday_dates[1][2])]
            )
            if between.strip().lower() not in _RANGE_SEPARATORS:
                return [], [
                    _(
                        "Line %(line)d: join the first and last day of the period with “至”, such as "
                        "“2027-02-06 至 2027-02-13”."
                    )
                    % {"line": number}
                ]
        if last < first:
            return [], [
                _("Line %(line)d: the period ends on %(last)s, before it starts on %(first)s.")
                % {"line": number, "first": first.isoformat(), "last": last.isoformat()}
            ]
        length = (last - first).days + 1
        if length > HOLIDAY_MAX_DAYS:
            return [], [
                _(
                    "Line %(line)d: %(first)s to %(last)s is %(days)d days; no holiday is longer than "
                    "%(max)d days, check the dates."
                )
                % {
                    "line": number,
                    "first": first.isoformat(),
                    "last": last.isoformat(),
                    "days": length,
                    "max": HOLIDAY_MAX_DAYS,
                }
            ]
        items += [NoticeDay(first + timedelta(days=i), False, name, number) for i in range(length)]
    items += [NoticeDay(day, True, name, number) for day, _end, _token in work_dates]
    return items, []


def _dates_in(
    number: int, text: str, errors: list[str], *, with_name: bool
) -> tuple[list[tuple[date, int, str]], str]:
    """The dates in ``text`` as (date, end offset, token), and the name before the first one. Any
    other number is refused: it is a date written without its year or a typo."""
    found: list[tuple[date, int, str]] = []
    for match in _DATE.finditer(text):
        try:
            found.append((date(*(int(part) for part in match.groups())), match.end(), match.group(0)))
        except ValueError:
            errors.append(
                _("Line %(line)d: “%(text)s” is not a date of the calendar (no such day in that month).")
                % {"line": number, "text": match.group(0).strip()}
            )
    rest = _WEEKDAY_NOTE.sub(" ", _DATE.sub(" ", text))
    stray = _DIGITS.search(rest)
    if stray is not None:
        errors.append(
            _(
                "Line %(line)d: “%(text)s” is not understood; write every date in full with its year, "
                "such as 2027-02-13."
            )
            % {"line": number, "text": stray.group(0)}
        )
    name = ""
    if with_name:
        first = _DATE.search(text)
        head = text[: first.start()] if first else text
        name = _NAME_TRAILER.sub("", head).strip()
    return found, name


def _before_change(first: date, last: date) -> Callable[[], int]:
    finishers = [hook(first, last) for hook in CALENDAR_CHANGE_HOOKS]
    return lambda: sum(finish() for finish in finishers)
