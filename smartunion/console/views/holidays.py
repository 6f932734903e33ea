"""The holiday calendar: a year's days off and adjusted working days with their source, one-date
overrides, and a State Council notice entered at once. For administrators of the top-level
federation only (``calendar.change`` held on a root: the calendar is the whole installation's)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from smartunion.accounts.middleware import request_address
from smartunion.console.forms.holidays import (
    HolidayNoticeForm,
    HolidayOverrideForm,
    kind_to_is_workday,
    notice_years,
)
from smartunion.console.helpers import apply_domain_error, calendar_warning, render_page, staff_required
from smartunion.core.errors import Conflict, ValidationFailed
from smartunion.holidays.calendar import PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR
from smartunion.holidays.policies import require_change_calendar
from smartunion.holidays.selectors import calendar_year, calendar_year_status, holiday_override_get
from smartunion.holidays.services import (
    CalendarChange,
    editable_years,
    holiday_notice_check,
    holiday_notice_delete,
    holiday_notice_enter,
    holiday_override_create,
    holiday_override_delete,
    holiday_override_update,
)


def _moved_message(change: CalendarChange) -> str:
    if not change.deadlines_moved:
        return ""
    return ngettext(
        "%(n)d open application's answer deadline was recounted.",
        "%(n)d open applications' answer deadlines were recounted.",
        change.deadlines_moved,
    ) % {"n": change.deadlines_moved}


def _flash(request, text: str, change: CalendarChange) -> None:
    messages.success(request, " ".join(part for part in (text, _moved_message(change)) if part))


def _back_to(year: int) -> str:
    return f"{reverse('console:calendar')}?year={year}"


def _shown_year(request) -> int:
    this_year, next_year = editable_years()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return this_year
    return year if PACKAGE_FIRST_YEAR <= year <= next_year + 1 else this_year


@require_GET
@staff_required
def calendar_view(request):
    require_change_calendar(request.user)
    year = _shown_year(request)
    this_year, next_year = editable_years()
    context = {
        "year": year,
        "years": sorted({year, this_year - 1, this_year, next_year}),
        "editable": year in (this_year, next_year),
        "status": calendar_year_status(year=year),
        "days": calendar_year(year=year, chinese=get_language().startswith("zh")),
        "package_first": PACKAGE_FIRST_YEAR,
        "package_last": PACKAGE_LAST_YEAR,
        **calendar_warning(request.user),
    }
    return render_page(request, "console/holidays/calendar.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def calendar_override_add(request):
    require_change_calendar(request.user)
    form = HolidayOverrideForm(
        request.POST or None, initial={"date": request.GET.get("date", ""), "kind": "off"}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = holiday_override_create(
                actor=request.user,
                day=data["date"],
                is_workday=kind_to_is_workday(data["kind"]),
                note=data["note"],
                client_address=request_address(request),
            )
        except (ValidationFailed, Conflict) as exc:
            apply_domain_error(form, exc, aliases={"is_workday": "kind"})
        else:
            override = change.overrides[0]
            _flash(
                request,
                _("%(date)s was added to the calendar.") % {"date": override.date.isoformat()},
                change,
            )
            return redirect(_back_to(override.date.year))
    context = {"form": form, "override": None}
    return render_page(
        request, "console/holidays/calendar_override_form.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@staff_required
def calendar_override_edit(request, pk):
    require_change_calendar(request.user)
    override = holiday_override_get(pk=pk)
    initial = {
        "date": override.date.isoformat(),
        "kind": "work" if override.is_workday else "off",
        "note": override.note,
    }
    form = HolidayOverrideForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = holiday_override_update(
                actor=request.user,
                override=override,
                day=data["date"],
                is_workday=kind_to_is_workday(data["kind"]),
                note=data["note"],
                client_address=request_address(request),
            )
        except (ValidationFailed, Conflict) as exc:
            apply_domain_error(form, exc, aliases={"is_workday": "kind"})
        else:
            saved = change.overrides[0]
            _flash(request, _("%(date)s was saved.") % {"date": saved.date.isoformat()}, change)
            return redirect(_back_to(saved.date.year))
    context = {"form": form, "override": override}
    return render_page(
        request, "console/holidays/calendar_override_form.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@staff_required
def calendar_override_delete(request, pk):
    require_change_calendar(request.user)
    override = holiday_override_get(pk=pk)
    if request.method == "POST":
        change = holiday_override_delete(
            actor=request.user, override=override, client_address=request_address(request)
        )
        _flash(
            request, _("The override of %(date)s was deleted.") % {"date": override.date.isoformat()}, change
        )
        return redirect(_back_to(override.date.year))
    return render_page(
        request, "console/holidays/calendar_delete.html", {"override": override, "year": override.date.year}
    )


@require_http_methods(["GET", "POST"])
@staff_required
def calendar_notice(request):
    """Enter a year's notice; “Check” shows what would be written, “Save” writes it."""
    require_change_calendar(request.user)
    years = notice_years()
    form = HolidayNoticeForm(
        request.POST or None, years=years, initial={"year": request.GET.get("year") or years[-1]}
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "save" in request.POST:
                change = holiday_notice_enter(
                    actor=request.user,
                    year=data["year"],
                    text=data["text"],
                    client_address=request_address(request),
                )
            else:
                _year, preview = holiday_notice_check(year=data["year"], text=data["text"])
        except (ValidationFailed, Conflict) as exc:
            apply_domain_error(form, exc)
            preview = None
        else:
            if preview is None:
                rows = change.overrides
                off = sum(1 for r in rows if not r.is_workday)
                text = _(
                    "The %(year)s notice was entered: %(off)d days off and %(work)d adjusted working days."
                ) % {"year": data["year"], "off": off, "work": len(rows) - off}
                _flash(request, text, change)
                return redirect(_back_to(int(data["year"])))
    context = {"form": form, "preview": preview, **calendar_warning(request.user)}
    return render_page(
        request, "console/holidays/calendar_notice.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@staff_required
def calendar_notice_delete_view(request, year: int):
    require_change_calendar(request.user)
    status = calendar_year_status(year=year)
    if request.method == "POST":
        change = holiday_notice_delete(actor=request.user, year=year, client_address=request_address(request))
        _flash(request, _("The %(year)d notice was deleted.") % {"year": year}, change)
        return redirect(_back_to(year))
    if not status.notice_dates:
        return redirect(_back_to(year))
    return render_page(
        request, "console/holidays/calendar_delete.html", {"override": None, "year": year, "status": status}
    )
