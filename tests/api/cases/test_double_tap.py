"""A double tap: two requests with the same Idempotency-Key sent at the same moment, from two
threads, to a real server with two workers (tests/realserver.py), make one case. Runs on SQLite and,
with DATABASE_URL set, on PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from smartunion.cases.models import Case
from smartunion.core.scoping import scopes_disabled
from tests.factories import WORKER_PASSWORD
from tests.factories.cases import application_data, make_case_world


@pytest.mark.django_db(transaction=True)
def test_two_parallel_requests_with_the_same_key_make_one_case(real_server, tree):
    world = make_case_world(tree)
    server = real_server(workers=2)
    client = server.client()
    token = client.post_json(
        "/api/v1/auth/token", {"username": world.worker.mobile, "password": WORKER_PASSWORD}
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "double-tap-7f3a"}
    data = application_data(employer=world.employer_fs)
    start = threading.Barrier(2)
    answers = []

    def submit():
        start.wait()
        answers.append(server.client().post_json("/api/v1/cases", data, headers=headers))

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(a.status for a in answers) == [200, 201], [a.text for a in answers] + [server.log()]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    with scopes_disabled():
        assert Case.objects.count() == 1
