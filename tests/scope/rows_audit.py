"""Scope rows of the audit log (console)."""

from __future__ import annotations

from tests.scope.rows import ListRow, Row

MATRIX = [
    # --- console: inside the scope, without the permission: 403 -------------------------------
    Row("fangshan_staff", "console", "GET", "/console/audit/", 403),
    # --- console: positive controls (the same routes work inside the scope) -------------------
    Row("auditor", "console", "GET", "/console/audit/", 200),
]

LIST_ROWS = [
    ListRow("audit_log", "/console/audit/", 403, "乙公司工会", "union_b"),
]
