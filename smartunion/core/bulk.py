"""Bulk loading: many rows into a few tables inside one transaction, faster than ``bulk_create``.

Used by the roster import (members/roster/writing.py) and the demo seeder (members/demo.py);
decision 0007 says why each piece is as it is. A caller reserves the primary keys of the rows it
will write (``reserve_ids``), so that rows pointing at them can be written in the same pass, then
loads each table through the database's fastest path (``load_rows``: binary COPY on PostgreSQL,
executemany on SQLite), with the rows generated while the database consumes them. Around a large
load, ``cyclic_gc_paused`` spares Python's cycle collector walking millions of new objects, and
``bulk_write_session`` gives SQLite a page cache that holds the indexes being filled.

Models are passed in: this module knows no domain app. PostgreSQL and SQLite only (the two the
project supports); another database raises NotImplementedError at the key reservation.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime

from django.db import connection
from django.db.models import Model


def reserve_ids(model: type[Model], count: int) -> Sequence[int]:
    """Primary keys for ``count`` new rows of ``model``, nobody else's: a ``range`` when they are one
    run (the usual case), else the list of them. Call inside the load's transaction."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ``count`` values of the sequence, each drawn by nextval, so a concurrent insert can never
            # take one of them (setting the sequence past a run could hand out a value twice). The
            # sequence is named and cast to regclass once (per row it cost half a second at 100,000).
            # When nobody else drew from it meanwhile, the usual case, the values are one run and only
            # its start crosses the wire: n distinct values from min to min + n - 1 are that run.
            cursor.execute(
                "WITH drawn AS (SELECT nextval((SELECT pg_get_serial_sequence(%s, 'id')::regclass)) AS id "
                "FROM generate_series(1, %s)) "
                "SELECT min(id), CASE WHEN max(id) - min(id) + 1 = count(*) THEN NULL ELSE array_agg(id) END FROM drawn",
                [table, count],
            )
            first, scattered = cursor.fetchone()
            return scattered if scattered is not None else range(first, first + count)
        if connection.vendor != "sqlite":
            raise NotImplementedError(
                "Bulk loading writes through PostgreSQL's COPY or SQLite's executemany."
            )
        # SQLite: the load's transaction holds the database's write lock (BEGIN IMMEDIATE), so no
        # other writer can take these numbers; AUTOINCREMENT's counter moves past them by itself.
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT MAX(id) FROM {quoted}")  # noqa: S608 (a model's own table name)
        top = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(top, row[0] if row else 0) + 1
        return range(start, start + count)


def load_rows(model: type[Model], fields: Sequence[str], rows: Iterable[tuple]) -> None:
    """Write rows into ``model``'s table through the database's bulk path: binary COPY on
    PostgreSQL, executemany on SQLite. ``fields`` are the model's field names (or their columns'
    attnames, ``org_id``); ``rows`` may be a generator, consumed while the database works. Values
    are as the database takes them: on PostgreSQL of their columns' Python types (a date column
    takes dates, not ISO text), on SQLite as Django stores them (``adapted_for_sqlite``)."""
    quote = connection.ops.quote_name
    column_names = [_column(model, name) for name in fields]
    columns = ", ".join(quote(name) for name in column_names)
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Binary: the server takes integers, dates and timestamps as they are instead of parsing
            # their text, and the client sends strings unescaped (100,000 people: a tenth or more off
            # the server's time, four fifths off the client's). The column types come from the catalog.
            cursor.execute(
                "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
                [table],
            )
            types = dict(cursor.fetchall())
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types([types[name] for name in column_names])
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            # Any iterable, a generator included: Django's SQLite cursor peeks at it with tee.
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 (our own names)
                rows,  # type: ignore[arg-type]
            )


def _column(model: type[Model], name: str) -> str:
    """The table column of a forward field (a relation's own column: ``org`` -> ``org_id``)."""
    column = getattr(model._meta.get_field(name), "column", None)
    if not column:
        raise ValueError(f"{model.__name__}.{name} has no column of its own.")
    return column


def adapted_for_sqlite(rows: Iterable[tuple]) -> Iterator[tuple]:
    """Rows whose dates and datetimes are turned into what Django stores on SQLite (the ORM's
    adaptation, done once per distinct value: a bulk load repeats a few timestamps); on PostgreSQL
    the rows pass unchanged, since COPY takes the Python values."""
    if connection.vendor == "postgresql":
        yield from rows
        return
    ops = connection.ops
    adapted: dict[date, str | None] = {}

    def adapt(value):
        if isinstance(value, date):
            if value not in adapted:
                adapted[value] = (
                    ops.adapt_datetimefield_value(value)
                    if isinstance(value, datetime)
                    else ops.adapt_datefield_value(value)
                )
            return adapted[value]
        return value

    for row in rows:
        yield tuple(adapt(v) for v in row)


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Python's cycle collector paused while a large batch of rows is built and loaded. A
    100,000-row roster makes millions of objects (rows, cells, staged lists), none of them in a
    reference cycle, and each full collection walks them all: about a second of a large roster's
    check and staging. Plain reference counting still frees them. The switch is process-wide, so
    pauses are counted (loads may overlap in threads) and the last one ends it, turning the
    collector back on only if it was on."""
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


@contextlib.contextmanager
def bulk_write_session() -> Iterator[None]:
    """SQLite: a page cache big enough for the indexes a bulk load touches. Random keys (the blind
    indexes) make every insert re-read index pages with SQLite's default 2 MB cache; 64 MB keeps a
    100,000-row import's indexes in memory. The connection's setting is put back afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -65536")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")
