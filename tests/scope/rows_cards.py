"""Scope rows of the e-member card: a worker's own card (mobile web and worker API), and verifying
a card shown to staff (API)."""

from __future__ import annotations

from tests.scope.rows import Row

MATRIX = [
    # --- the worker's own card -----------------------------------------------------------------
    Row(
        "worker_b",
        "mobile",
        "GET",
        "/m/card/",
        200,
        "worker_a_membership",
        hidden=("{worker_a_membership.number}",),
        visible=("{worker_b_membership.number}", "丙公司工会"),
        refused=True,
    ),
    Row(
        "worker_b",
        "mobile",
        "GET",
        "/m/card/qr/",
        200,
        "worker_a_membership",
        hidden=("{worker_a_card}",),
        refused=True,
    ),
    Row(
        "anonymous",
        "mobile",
        "GET",
        "/m/card/",
        302,
        "worker_a_membership",
        refused=True,
        redirect="/m/login/",
    ),
    Row(
        "anonymous",
        "mobile",
        "GET",
        "/m/card/qr/",
        302,
        "worker_a_membership",
        refused=True,
        redirect="/m/login/",
    ),
    Row("union_a_staff", "mobile", "GET", "/m/card/", 403, "worker_a_membership"),
    Row("union_a_staff", "mobile", "GET", "/m/card/qr/", 403, "worker_a_membership"),
    Row(
        "worker_b",
        "api",
        "GET",
        "/api/v1/me/card",
        200,
        "worker_a_membership",
        hidden=("{worker_a_membership.number}",),
        visible=("{worker_b_membership.number}",),
        refused=True,
    ),
    Row("worker_new", "api", "GET", "/api/v1/me/card", 409, "worker_a_membership", refused=True),
    Row("union_a_staff", "api", "GET", "/api/v1/me/card", 403, "worker_a_membership"),
    Row("anonymous", "api", "GET", "/api/v1/me/card", 401, "worker_a_membership"),
    # --- verifying a card: staff with members.view (or merchant clerks) anywhere; the answer is
    # what the card shows (a masked name), never the ID number or the full name
    Row(
        "shunyi_staff",
        "api",
        "POST",
        "/api/v1/cards/verify",
        200,
        "worker_a_membership",
        (("token", "{worker_a_card}"),),
        hidden=("甲职工", "{worker_a_person.id_number}"),
        visible=("{worker_a_membership.number}",),
    ),
    Row(
        "worker_b",
        "api",
        "POST",
        "/api/v1/cards/verify",
        403,
        "worker_a_membership",
        (("token", "{worker_a_card}"),),
    ),
    Row(
        "auditor",
        "api",
        "POST",
        "/api/v1/cards/verify",
        403,
        "worker_a_membership",
        (("token", "{worker_a_card}"),),
    ),
    Row(
        "anonymous",
        "api",
        "POST",
        "/api/v1/cards/verify",
        401,
        "worker_a_membership",
        (("token", "{worker_a_card}"),),
    ),
]
