"""Bulk loading (core/bulk.py): reserved keys nobody else takes, rows written by COPY or executemany
read back as the ORM wrote them, and the cycle collector paused and restored."""

from __future__ import annotations

import gc
from datetime import date

import pytest
from django.db import connection, transaction

from smartunion.core.bulk import adapted_for_sqlite, cyclic_gc_paused, load_rows, reserve_ids
from smartunion.holidays.models import HolidayOverride
from smartunion.members.models import Person

pytestmark = pytest.mark.django_db


def test_rows_loaded_in_bulk_read_back_as_the_orm_would_have_written_them():
    with transaction.atomic():
        ids = reserve_ids(HolidayOverride, 3)
        load_rows(
            HolidayOverride,
            ["id", "date", "is_workday", "note", "notice_year"],
            adapted_for_sqlite(
                (pk, day, workday, note, year)
                for pk, day, workday, note, year in zip(
                    ids,
                    [date(2031, 10, 1), date(2031, 10, 2), date(2031, 10, 11)],
                    [False, False, True],
                    ["国庆节", "国庆节", "调休上班"],
                    [2030, 2030, None],
                    strict=True,
                )
            ),
        )
    loaded = HolidayOverride.objects.filter(pk__in=list(ids)).order_by("date")
    assert [(o.pk, o.date, o.is_workday, o.note, o.notice_year) for o in loaded] == [
        (ids[0], date(2031, 10, 1), False, "国庆节", 2030),
        (ids[1], date(2031, 10, 2), False, "国庆节", 2030),
        (ids[2], date(2031, 10, 11), True, "调休上班", None),
    ]
    after = HolidayOverride.objects.create(date=date(2031, 10, 12), is_workday=True)
    assert after.pk > max(ids)  # the table's own counter moved past the reserved keys


def test_no_keys_are_reserved_for_no_rows():
    assert list(reserve_ids(Person, 0)) == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's counter")
def test_reserved_keys_on_sqlite_never_reuse_a_deleted_rows_key():
    with transaction.atomic():
        top = HolidayOverride.objects.create(date=date(2031, 1, 2), is_workday=True).pk
        HolidayOverride.objects.filter(pk=top).delete()
        assert reserve_ids(HolidayOverride, 2) == range(top + 1, top + 3)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the sequence path is PostgreSQL's")
def test_reserved_keys_are_fresh_whether_or_not_the_sequence_hands_out_one_run():
    run = reserve_ids(Person, 5)
    assert list(run) == list(range(run[0], run[0] + 5))
    with connection.cursor() as cursor:  # as if other sessions drew every other value meanwhile
        cursor.execute("SELECT pg_get_serial_sequence('members_person', 'id')")
        sequence = cursor.fetchone()[0]
        cursor.execute(f"ALTER SEQUENCE {sequence} INCREMENT BY 2")
    scattered = reserve_ids(Person, 5)
    assert len(set(scattered)) == 5 and min(scattered) > run[-1]
    assert sorted(scattered) == list(range(min(scattered), min(scattered) + 10, 2))


def test_the_cycle_collector_pauses_for_overlapping_imports_and_comes_back_as_it_was():
    assert gc.isenabled()
    first, second = cyclic_gc_paused(), cyclic_gc_paused()
    first.__enter__()
    second.__enter__()
    assert not gc.isenabled()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the other import still runs
    second.__exit__(None, None, None)
    assert gc.isenabled()
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()  # it was off: it stays off
    finally:
        gc.enable()
