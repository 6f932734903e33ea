"""The real-server fixture itself: gunicorn on the test database sees what the test committed."""

from __future__ import annotations

from tests.factories import WORKER_PASSWORD, WorkerFactory


def test_the_real_server_signs_in_a_worker_the_test_created(real_server):
    worker = WorkerFactory()
    server = real_server()
    answer = server.client().post_json(
        "/api/v1/auth/token", {"username": worker.mobile, "password": WORKER_PASSWORD}
    )
    assert answer.status == 200, answer.text
    assert answer.json()["token"]
    assert server.alive()
