"""Scope rows of the inbox: a worker's messages are theirs alone (mobile web)."""

from __future__ import annotations

from tests.scope.rows import Row

MATRIX = [
    Row(
        "worker_b",
        "mobile",
        "GET",
        "/m/messages/",
        200,
        "worker_a_message",
        hidden=("{worker_a_message.title}",),
        visible=("{worker_b_message.title}",),
        refused=True,
    ),
    Row("worker_a", "mobile", "GET", "/m/messages/", 200, visible=("{worker_a_message.title}",)),
    # Marking another worker's message read by its id changes nothing (the worker is sent back).
    Row(
        "worker_b",
        "mobile",
        "POST",
        "/m/membership/inbox/read/",
        302,
        "worker_a_message",
        (("message", "{worker_a_message.pk}"),),
        refused=True,
    ),
    Row(
        "anonymous",
        "mobile",
        "POST",
        "/m/membership/inbox/read/",
        302,
        "worker_a_message",
        (("message", "{worker_a_message.pk}"),),
        refused=True,
        redirect="/m/login/",
    ),
    Row(
        "anonymous",
        "mobile",
        "GET",
        "/m/messages/",
        302,
        "worker_a_message",
        refused=True,
        redirect="/m/login/",
    ),
    # Staff have no inbox on the mobile web: they are pointed to the console.
    Row("union_a_staff", "mobile", "GET", "/m/messages/", 403, "worker_a_message"),
    Row(
        "union_a_staff",
        "mobile",
        "POST",
        "/m/membership/inbox/read/",
        403,
        "worker_a_message",
        (("message", "{worker_a_message.pk}"),),
    ),
]
