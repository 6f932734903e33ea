"""A lost database connection (a failover, a PostgreSQL restart, a killed backend) costs no request:
each server process checks its kept connection before using it (CONN_HEALTH_CHECKS) and opens a new
one, instead of answering 500 once per process."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import WORKER_PASSWORD, WorkerFactory
from tests.realserver import _database_url

APP = "smartunion_failover_test"


def _server_backends() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [APP])
        return [pid for (pid,) in cursor.fetchall()]


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="PostgreSQL only: SQLite has no server connection to lose (and CONN_MAX_AGE is 0)",
)
def test_killed_database_connections_cost_no_request(real_server):
    worker = WorkerFactory()
    server = real_server(
        workers=2, env={"DATABASE_URL": f"{_database_url()}?application_name={APP}", "CONN_MAX_AGE": "600"}
    )
    client = server.client()
    token = client.post_json("/api/v1/auth/token", {"username": worker.mobile, "password": WORKER_PASSWORD})
    bearer = {"Authorization": f"Bearer {token.json()['token']}"}

    def ping(_n: int = 0) -> int:
        return server.client().get("/api/v1/ping", headers=bearer).status

    # Requests side by side until both server processes hold a database connection.
    deadline = time.monotonic() + 30
    with ThreadPoolExecutor(max_workers=4) as pool:
        while len(_server_backends()) < 2 and time.monotonic() < deadline:
            assert set(pool.map(ping, range(8))) == {200}
    killed = _server_backends()
    assert len(killed) == 2, killed

    with connection.cursor() as cursor:  # what a failover does to every open connection
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", [APP]
        )
    deadline = time.monotonic() + 10
    while set(_server_backends()) & set(killed) and time.monotonic() < deadline:
        time.sleep(0.05)

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(ping, range(20)))
    assert statuses == [200] * 20, server.log()
    assert len(_server_backends()) == 2  # each process opened a new connection
    assert not set(_server_backends()) & set(killed)
