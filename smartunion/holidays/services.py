"""The holiday calendar's writes: an administrator's overrides of the national calendar, one date at
a time or a State Council notice at once (DOMAIN.md, "Working days and deadlines").

The calendar belongs to the whole installation, not to a subtree: only someone who holds
``calendar.change`` on a top-level node may change it (``policies.can_change_calendar``; decision
0012). Every change is one transaction with its audit record; the apps whose stored dates were
counted with the calendar (pending applications' deadlines) recount them inside it, through
``CALENDAR_CHANGE_HOOKS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from smartunion.accounts.models import User
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import Conflict, NotFound, ValidationFailed
from smartunion.holidays.calendar import editable_years
from smartunion.holidays.models import HolidayOverride
from smartunion.holidays.notice import holiday_notice_check, kind_word, parse_one_day
from smartunion.holidays.policies import require_change_calendar

NOTE_MAX_LENGTH = 200

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
            when, problem = parse_one_day(text)
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
    kind = kind_word(existing.is_workday) if existing is not None else ""
    return Conflict(
        _("%(date)s has an override already (%(kind)s): change or delete that one instead.")
        % {"date": when.isoformat(), "kind": kind}
    )


def _describe(override: HolidayOverride) -> dict:
    return {
        "date": override.date.isoformat(),
        "is_workday": override.is_workday,
        "note": override.note,
        "notice_year": override.notice_year,
    }


# --- a State Council notice at once ---------------------------------------------------------------


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


def _before_change(first: date, last: date) -> Callable[[], int]:
    finishers = [hook(first, last) for hook in CALENDAR_CHANGE_HOOKS]
    return lambda: sum(finish() for finish in finishers)
