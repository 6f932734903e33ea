"""Scope rows of accounts: staff accounts and roles (console), one's own password, and a worker's own
account and sign-in number (mobile web and API)."""

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
    # --- console: creating staff and granting roles names only what the granter's scope holds ---
    # a staff account homed in 顺义 reads as unknown to 房山's administrator: no grant is made
    Row(
        "fangshan_admin",
        "console",
        "POST",
        "/console/roles/grant/",
        200,
        "staff_shunyi",
        (
            ("username", "shunyi.staff"),
            ("role", "{role_grassroots_staff.pk}"),
            ("org", "{fangshan.pk}"),
            ("confirm", "Staff-Pass-2026!"),
        ),
        refused=True,
        counted="RoleGrant",
    ),
    # nor is a grant made on a node outside the scope, nor is that node shown as picked
    Row(
        "fangshan_admin",
        "console",
        "GET",
        "/console/roles/grant/?org={shunyi.pk}",
        200,
        "shunyi",
        hidden=("顺义区总工会",),
        refused=True,
    ),
    Row("union_a_staff", "console", "GET", "/console/roles/grant/", 403),
    Row(
        "fangshan_admin",
        "console",
        "POST",
        "/console/staff/new/",
        200,
        "shunyi",
        (
            ("username", "matrix.intruder"),
            ("display_name", "越权账户"),
            ("password", "Intruder-Pass-2026!"),
            ("home_org", "{shunyi.pk}"),
        ),
        refused=True,
        counted="User",
    ),
    Row("fangshan_staff", "console", "GET", "/console/staff/new/", 403),
    # --- console: one's own password; nobody's without a session -----------------------------
    Row(
        "anonymous",
        "console",
        "POST",
        "/console/account/password/",
        302,
        "staff_shunyi",
        (("old_password", "Staff-Pass-2026!"), ("new_password", "Intruder-Pass-2026!")),
        refused=True,
        redirect="/console/login/",
    ),
    Row("union_a_staff", "console", "GET", "/console/account/password/", 200),
    # --- who am I: the caller's own account, never another's ----------------------------------
    Row(
        "worker_b",
        "api",
        "GET",
        "/api/v1/me",
        200,
        "worker_a",
        hidden=("甲职工账户",),
        visible=("乙职工账户",),
        refused=True,
    ),
    Row("anonymous", "api", "GET", "/api/v1/me", 401),
    # --- mobile: 我的, and the sign-in number, of the worker's own account ----------------------
    Row(
        "worker_b",
        "mobile",
        "GET",
        "/m/me/",
        200,
        "worker_a",
        hidden=("甲职工账户",),
        visible=("乙职工账户",),
        refused=True,
    ),
    Row("anonymous", "mobile", "GET", "/m/me/", 302, "worker_a", refused=True, redirect="/m/login/"),
    Row("union_a_staff", "mobile", "GET", "/m/me/", 403, "worker_a"),
    # a number in use by another account is not taken over with a wrong code
    Row(
        "worker_b",
        "mobile",
        "POST",
        "/m/me/mobile/",
        200,
        "worker_a",
        (("password", "Worker-Pass-2026!"), ("mobile", "{worker_a.mobile}"), ("code", "123456")),
        refused=True,
    ),
    Row("anonymous", "mobile", "GET", "/m/me/mobile/", 302, "worker_a", refused=True, redirect="/m/login/"),
    Row("union_a_staff", "mobile", "GET", "/m/me/mobile/", 403, "worker_a"),
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
