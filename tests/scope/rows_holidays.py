"""Scope rows of the working-day calendar and its overrides (console)."""

from __future__ import annotations

from tests.scope.rows import Row

HOLIDAY_ADD = (("date", "2026-12-31"), ("kind", "off"), ("note", "越权"))
HOLIDAY_EDIT = (("date", "2027-03-01"), ("kind", "work"), ("note", "越权"))
HOLIDAY_NOTICE = (("year", "2027"), ("text", "越权 2027-03-01"), ("save", "1"))

MATRIX = [
    # --- console: the holiday calendar belongs to the whole installation: no subtree hides it, so
    # whoever lacks calendar.change on a top-level node gets 403 on every route, existing row or not
    # (a district's federation administrator holds the flag, but only on the district).
    Row("fangshan_admin", "console", "GET", "/console/calendar/", 403),
    Row(
        "fangshan_admin",
        "console",
        "POST",
        "/console/calendar/overrides/new/",
        403,
        "holiday_override",
        HOLIDAY_ADD,
    ),
    Row(
        "fangshan_admin",
        "console",
        "GET",
        "/console/calendar/overrides/{holiday_override.pk}/edit/",
        403,
        "holiday_override",
    ),
    Row(
        "fangshan_admin",
        "console",
        "POST",
        "/console/calendar/overrides/{holiday_override.pk}/edit/",
        403,
        "holiday_override",
        HOLIDAY_EDIT,
    ),
    Row(
        "fangshan_admin",
        "console",
        "POST",
        "/console/calendar/overrides/{holiday_override.pk}/delete/",
        403,
        "holiday_override",
    ),
    Row(
        "fangshan_admin",
        "console",
        "POST",
        "/console/calendar/notice/",
        403,
        "holiday_override",
        HOLIDAY_NOTICE,
    ),
    Row(
        "fangshan_admin", "console", "POST", "/console/calendar/notice/2027/delete/", 403, "holiday_override"
    ),
    Row("fangshan_admin", "console", "POST", "/console/calendar/overrides/999999/delete/", 403),
    Row("auditor", "console", "GET", "/console/calendar/", 403),  # on the root, without the flag
    Row(
        "union_a_widened",
        "console",
        "POST",
        "/console/calendar/overrides/{holiday_override.pk}/edit/",
        403,
        "holiday_override",
        HOLIDAY_EDIT,
    ),
    Row(
        "union_a_staff",
        "console",
        "POST",
        "/console/calendar/overrides/{holiday_override.pk}/delete/",
        403,
        "holiday_override",
    ),
    Row(
        "fangshan_staff", "console", "POST", "/console/calendar/notice/2027/delete/", 403, "holiday_override"
    ),
    # positive controls
    Row("city_admin", "console", "GET", "/console/calendar/", 200),
    Row(
        "city_admin",
        "console",
        "GET",
        "/console/calendar/overrides/{holiday_override.pk}/edit/",
        200,
        "holiday_override",
    ),
    Row("city_admin", "console", "GET", "/console/calendar/notice/2027/delete/", 200, "holiday_override"),
]
