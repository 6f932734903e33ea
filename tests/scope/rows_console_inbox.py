"""Scope rows of the staff inbox in the console (提醒): a staff member's reminders are theirs alone."""

from __future__ import annotations

from tests.scope.rows import Row

MATRIX = [
    Row("anonymous", "console", "GET", "/console/inbox/", 302, redirect="/console/login/"),
    Row("fangshan_staff", "console", "GET", "/console/inbox/", 200),
    Row("anonymous", "console", "POST", "/console/inbox/read/", 302, redirect="/console/login/"),
    Row("fangshan_staff", "console", "POST", "/console/inbox/read/", 302),
]
