"""Scope rows of roster imports and exports (console)."""

from __future__ import annotations

from tests.scope.rows import ListRow, Row

ROSTER_EXPORT_B = (("org", "{union_b.pk}"), ("content", "masked"), ("file_format", "xlsx"))

MATRIX = [
    # --- console: roster import and export (data made by member_objects) -------------------
    Row(
        "union_a_staff",
        "console",
        "GET",
        "/console/roster/imports/{roster_import_b.pk}/",
        404,
        "roster_import_b",
    ),
    Row(
        "union_a_staff",
        "console",
        "POST",
        "/console/roster/imports/{roster_import_b.pk}/",
        404,
        "roster_import_b",
    ),
    Row("union_a_staff", "console", "GET", "/console/roster/?org={union_b.pk}", 404, "union_b"),
    Row("union_a_staff", "console", "POST", "/console/roster/", 404, "union_b", (("org", "{union_b.pk}"),)),
    Row("union_a_staff", "console", "POST", "/console/roster/export/", 404, "person_b", ROSTER_EXPORT_B),
    Row(
        "fangshan_staff",
        "console",
        "POST",
        "/console/roster/export/",
        404,
        "person_c",
        (("org", "{union_c.pk}"), ("content", "masked"), ("file_format", "xlsx")),
    ),
    Row(
        "shunyi_staff",
        "console",
        "GET",
        "/console/roster/imports/{roster_import_a.pk}/",
        404,
        "roster_import_a",
    ),
    Row(
        "fangshan_viewer",
        "console",
        "GET",
        "/console/roster/imports/{roster_import_a.pk}/",
        403,
        "roster_import_a",
    ),
    Row("fangshan_viewer", "console", "GET", "/console/roster/", 403),
    Row(
        "union_a_staff",
        "console",
        "GET",
        "/console/roster/imports/{roster_import_a.pk}/",
        200,
        "roster_import_a",
    ),
    Row(
        "fangshan_staff",
        "console",
        "GET",
        "/console/roster/imports/{roster_import_a.pk}/",
        200,
        "roster_import_a",
    ),
    Row("fangshan_staff", "console", "GET", "/console/roster/export/?org={union_b.pk}", 200, "union_b"),
    # the blank template: for whoever reads members somewhere
    Row("fangshan_viewer", "console", "GET", "/console/roster/template.xlsx", 403),
    Row("union_a_staff", "console", "GET", "/console/roster/template.csv", 200),
    Row("anonymous", "console", "GET", "/console/roster/template.xlsx", 302, redirect="/console/login/"),
]

LIST_ROWS = [
    ListRow(
        "roster_home",
        "/console/roster/",
        200,
        "乙公司工会名册.xlsx",
        "roster_import_b",
        "甲公司工会名册.xlsx",
    ),
    ListRow("roster_home", "/console/roster/?org={union_b.pk}", 404, "乙公司工会", "union_b"),
    ListRow("roster_export", "/console/roster/export/?org={union_b.pk}", 404, "乙公司工会", "union_b"),
    ListRow(
        "roster_export",
        "/console/roster/export/",
        404,
        "乙会员",
        "person_b",
        method="POST",
        body=ROSTER_EXPORT_B,
    ),
]
