"""Scope rows of the start pages: the console's (counts of the lists the roles open) and the mobile
web's (a worker's tiles, their membership and unread messages)."""

from __future__ import annotations

from tests.scope.rows import Row

MATRIX = [
    # --- console: staff past the second factor only; the counts follow the lists' flags -------
    Row("anonymous", "console", "GET", "/console/", 302, redirect="/console/login/"),
    Row("fangshan_viewer", "console", "GET", "/console/", 200, "person_b", hidden=("乙会员",)),
    # --- mobile: a worker's home shows their own membership, never another worker's ----------
    Row(
        "worker_b",
        "mobile",
        "GET",
        "/m/",
        200,
        "worker_a_membership",
        hidden=("甲职工账户", "甲公司工会"),
        visible=("乙职工账户", "丙公司工会"),
        refused=True,
    ),
    # a visitor, and staff, read the public home: how to sign in or register
    Row(
        "anonymous", "mobile", "GET", "/m/", 200, "worker_a_membership", hidden=("甲职工账户",), refused=True
    ),
    Row(
        "union_a_staff",
        "mobile",
        "GET",
        "/m/",
        200,
        "worker_a_membership",
        hidden=("甲职工账户",),
        refused=True,
    ),
]
