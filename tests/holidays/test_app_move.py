"""The holiday calendar's table moved from core to the holidays app in Django's state only: an
installation that had overrides before keeps them, under the same table, and the calendar counts
with them."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from smartunion.holidays.calendar import is_workday
from smartunion.holidays.models import HolidayOverride

BEFORE_THE_MOVE = [("core", "0007_ratelimithit"), ("holidays", None)]


def _migrate_to_the_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_model_keeps_its_table():
    assert HolidayOverride._meta.app_label == "holidays"
    assert HolidayOverride._meta.db_table == "core_holidayoverride"


@pytest.mark.django_db(transaction=True)
def test_an_existing_database_keeps_its_overrides_when_the_calendar_moves_out_of_core():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_MOVE)
    try:
        old = executor.loader.project_state(BEFORE_THE_MOVE[0]).apps.get_model("core", "HolidayOverride")
        old.objects.create(date=date(2027, 1, 4), is_workday=True, note="调休上班", notice_year=2027)
        old.objects.create(date=date(2027, 1, 5), is_workday=False, note="地方假日")
    finally:
        _migrate_to_the_latest()
    assert list(
        HolidayOverride.objects.order_by("date").values_list("date", "is_workday", "note", "notice_year")
    ) == [
        (date(2027, 1, 4), True, "调休上班", 2027),
        (date(2027, 1, 5), False, "地方假日", None),
    ]
    assert is_workday(date(2027, 1, 4)) is True  # a Monday made a working day anyway, and counted so
    assert is_workday(date(2027, 1, 5)) is False  # a Tuesday off
    assert "core_holidayoverride" in connection.introspection.table_names()
