"""Scope rows of a worker's own membership: linking a record, applying, the card, their own data
(mobile web and the worker API)."""

from __future__ import annotations

from tests.scope.rows import Row

MATRIX = [
    # --- activation: linking a record is for a worker's own account; a staff token, whatever its
    # scope, claims nobody's record through it (and the record stays without an account)
    Row(
        "union_a_staff",
        "api",
        "POST",
        "/api/v1/me/membership/link",
        403,
        "person_b",
        (("mobile", "{person_b.mobile}"), ("code", "123456")),
    ),
    Row(
        "city_admin",
        "api",
        "POST",
        "/api/v1/me/membership/link",
        403,
        "person_a",
        (("mobile", "{person_a.mobile}"), ("code", "123456")),
    ),
    Row(
        "union_a_staff",
        "api",
        "POST",
        "/api/v1/me/membership/link/code",
        403,
        "person_a",
        (("mobile", "{person_a.mobile}"),),
    ),
]
