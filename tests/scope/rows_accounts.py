"""Scope rows of staff accounts and roles (console), and of a worker's own sign-in number (API)."""

from __future__ import annotations

from tests.scope.rows import Listed, ListRow, Row

MATRIX = [
    # --- console: a district cannot reach another district ------------------------------------
    Row(
        "fangshan_admin",
        "console",
        "POST",
        "/console/roles/{grant_shunyi_staff.pk}/revoke/",
        404,
        "grant_shunyi_staff",
        (("confirm", "Staff-Pass-2026!"),),
    ),
    Row(
        "fangshan_admin",
        "console",
        "POST",
        "/console/staff/{staff_shunyi.pk}/reset-authenticator/",
        404,
        "staff_shunyi",
        (("confirm", "Staff-Pass-2026!"),),
    ),
    # --- the sign-in number is a worker's own: no staff token moves an account to a member's number
    Row(
        "union_a_staff",
        "api",
        "POST",
        "/api/v1/me/mobile/code",
        403,
        "person_a",
        (("mobile", "{person_a.mobile}"),),
    ),
    Row(
        "city_admin",
        "api",
        "POST",
        "/api/v1/me/mobile",
        403,
        "person_a",
        (("password", "Staff-Pass-2026!"), ("mobile", "{person_a.mobile}"), ("code", "123456")),
    ),
]

LIST_ROWS = [
    ListRow("role_grants", "/console/roles/", 403, "fangshan.staff", "grant_fangshan_staff"),
    ListRow(
        "staff_pick", "/console/roles/staff/pick/?q=staff", 403, "fangshan.staff", "grant_fangshan_staff"
    ),
]

CONSOLE_LISTS = [
    Listed("fangshan_staff", "/console/roles/", "shunyi.staff"),
]
