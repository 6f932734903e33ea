"""The inbox's table moved from core to the notifications app in Django's state only: an
installation that had messages before keeps them, under the same table, and the worker still reads
them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from smartunion.notifications.models import InboxMessage
from smartunion.notifications.selectors import inbox_counts, inbox_list
from tests.factories import WorkerFactory

BEFORE_THE_MOVE = [("core", "0008_holidayoverride_moves_to_holidays"), ("notifications", None)]


def _migrate_to_the_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_model_keeps_its_table():
    assert InboxMessage._meta.app_label == "notifications"
    assert InboxMessage._meta.db_table == "core_inboxmessage"


@pytest.mark.django_db(transaction=True)
def test_an_existing_database_keeps_its_inbox_when_the_model_moves_out_of_core():
    worker = WorkerFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_MOVE)
    try:
        old = executor.loader.project_state(BEFORE_THE_MOVE[0]).apps.get_model("core", "InboxMessage")
        old.objects.create(user_id=worker.pk, title="入会申请已收到", body="我们会在十个工作日内答复。")
    finally:
        _migrate_to_the_latest()
    assert [(m.title, m.body, m.read_at) for m in inbox_list(user=worker)] == [
        ("入会申请已收到", "我们会在十个工作日内答复。", None)
    ]
    assert inbox_counts(user=worker) == (1, 1)
    assert "core_inboxmessage" in connection.introspection.table_names()
