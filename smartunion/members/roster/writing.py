"""The database stage: people, memberships, their first history event and occupation tags, written
in bulk inside the import's one transaction. Primary keys are reserved first, then each table goes
through the database's fastest path, binary COPY on PostgreSQL and executemany on SQLite, with the
rows generated (and their ID numbers and mobiles encrypted) while the database consumes them; not
``bulk_create``, which was five times slower than the raw load (decision 0007)."""

from __future__ import annotations

import contextlib
import functools
import gc
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.utils import timezone

from smartunion.accounts.models import User
from smartunion.core import crypto
from smartunion.members.models import Membership, MembershipEvent, MembershipStatus, Person
from smartunion.members.roster.lookups import _chunks
from smartunion.orgs.models import Org

PROGRESS_EVERY = 5_000


def _reserve_ids(model, count: int) -> list[int]:
    """Primary keys for ``count`` new rows, reserved before the rows are written, so that rows
    pointing at them (memberships, events, tags) can be written in the same bulk pass."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ``count`` values of the sequence, named and cast to regclass once (per row it cost half a
            # second at 100,000). When nobody else drew from it meanwhile, the usual case, they are one run and
            # only its start crosses the wire: n distinct values from min to min + n - 1 are that run.
            cursor.execute(
                "WITH drawn AS (SELECT nextval((SELECT pg_get_serial_sequence(%s, 'id')::regclass)) AS id "
                "FROM generate_series(1, %s)) "
                "SELECT min(id), CASE WHEN max(id) - min(id) + 1 = count(*) THEN NULL ELSE array_agg(id) END FROM drawn",
                [table, count],
            )
            first, scattered = cursor.fetchone()
            return scattered if scattered is not None else list(range(first, first + count))
        if connection.vendor != "sqlite":
            raise NotImplementedError(
                "Roster import writes through PostgreSQL's COPY or SQLite's executemany."
            )
        # SQLite: the import's transaction holds the database's write lock (BEGIN IMMEDIATE), so no
        # other writer can take these numbers; AUTOINCREMENT's counter moves past them by itself.
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT MAX(id) FROM {quoted}")  # noqa: S608 (a model's own table name)
        top = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(top, row[0] if row else 0) + 1
        return list(range(start, start + count))


def insert_rows(model, fields: list[str], rows: Iterable[tuple]) -> None:
    """Write rows through the database's bulk path: binary COPY on PostgreSQL, executemany on
    SQLite. ``rows`` may be a generator: it is consumed while the database works. For PostgreSQL the
    values are of their columns' Python types (a date column takes dates, not ISO text)."""
    meta = model._meta
    quote = connection.ops.quote_name
    column_names = [meta.get_field(name).column for name in fields]
    columns = ", ".join(quote(name) for name in column_names)
    table = quote(meta.db_table)
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
            # django-stubs types the parameters as a Sequence; Django's and sqlite3's executemany take
            # any iterable, and a generator is what lets the rows stream (see the docstring).
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # type: ignore[arg-type]  # noqa: S608


PERSON_INSERT_FIELDS = [
    "id",
    "real_name",
    "id_number_encrypted",
    "id_number_index",
    "mobile_encrypted",
    "mobile_index",
    "birth_date",
    "sex",
    "employment_form",
    "employer",
    "platform",
    "wage_bracket",
    "org",
    "user",
    "closed_at",
    "created_at",
    "updated_at",
]
MEMBERSHIP_INSERT_FIELDS = [
    "id",
    "person",
    "org",
    "number",
    "status",
    "join_date",
    "applied_at",
    "due_date",
    "decided_at",
    "reason",
    "card_version",
    "created_at",
    "updated_at",
]
EVENT_INSERT_FIELDS = ["membership", "from_status", "to_status", "actor", "reason", "created_at"]
TAG_INSERT_FIELDS = ["person", "occupationtag"]


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Python's cycle collector paused while a roster is checked or imported. A 100,000-row roster
    makes millions of objects (rows, cells, staged lists), none of them in a reference cycle, and
    each full collection walks them all: about a second of a large roster's check and staging.
    Plain reference counting still frees them. The switch is process-wide, so pauses are counted
    (imports may overlap in threads) and the last one ends it, turning the collector back on only
    if it was on."""
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
    """SQLite: a page cache big enough for the indexes a bulk load touches. The blind indexes are
    random keys, so with SQLite's default 2 MB cache every insert re-reads index pages; 64 MB keeps
    a 100,000-row import's indexes in memory. The connection's setting is put back afterwards."""
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


@dataclass
class WriteResult:
    created: int
    rejoined: int
    seconds: float


def write_staged(
    staged: list[list],
    *,
    org: Org,
    actor: User | None,
    numbers: list[str],
    reason: str,
    progress: Callable[[int], None] | None = None,
) -> WriteResult:
    """The database stage: people, memberships, their first event and tags, in bulk. Call inside
    the import's transaction. Rows are produced as the database consumes them."""
    started = time.perf_counter()
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(timezone.now())
    today = timezone.localdate().isoformat()
    as_date: Callable[[str], date | str]
    if connection.vendor == "postgresql":  # binary COPY: dates as dates (a roster repeats them)
        as_date = functools.cache(date.fromisoformat)
    else:

        def as_date(text: str) -> str:
            return text

    actor_id = actor.pk if actor is not None and actor.pk else None
    new = [r for r in staged if r[14] is None]
    again = [r for r in staged if r[14] is not None]
    person_ids = iter(_reserve_ids(Person, len(new)))
    membership_ids = _reserve_ids(Membership, len(staged))
    Tags = Person.occupation_tags.through  # noqa: N806
    if again:
        # People registered before (they left, or their record was kept) join again here.
        # The name and a mobile on file stay (the check warned of a different one); a record with no
        # mobile takes the roster's.
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {ops.quote_name(Person._meta.db_table)} SET org_id = %s, employer_id = %s, platform_id = %s, "  # noqa: S608
                "employment_form = %s, wage_bracket = %s, updated_at = %s, "
                "mobile_encrypted = CASE WHEN mobile_index IS NULL THEN %s ELSE mobile_encrypted END, "
                "mobile_index = COALESCE(mobile_index, %s) WHERE id = %s",
                [(org.pk, r[9], r[10], r[8], r[11], stamp, crypto.encrypt(r[4]), r[5], r[14]) for r in again],
            )
        for chunk in _chunks([r[14] for r in again]):
            Tags.objects.filter(person_id__in=chunk).delete()
    person_of = [r[14] if r[14] is not None else next(person_ids) for r in staged]
    total = len(staged)

    def reporting(rows: Iterable[tuple], first: float, last: float) -> Iterator[tuple]:
        """Pass rows through, reporting progress as the share ``first``..``last`` of the import
        (one COPY per table: a statement boundary stalls the stream, so there are only four)."""
        for done, row in enumerate(rows, start=1):
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(int(total * (first + (last - first) * min(done / max(total, 1), 1))))
            yield row

    fresh = [(person_of[i], r) for i, r in enumerate(staged) if r[14] is None]
    ids_encrypted = crypto.encrypt_iter(r[2] for _pk, r in fresh)
    mobiles_encrypted = crypto.encrypt_iter(r[4] for _pk, r in fresh)
    insert_rows(
        Person,
        PERSON_INSERT_FIELDS,
        reporting(
            (
                (
                    pk,
                    r[1],
                    id_enc,
                    r[3],
                    mobile_enc,
                    r[5],
                    as_date(r[6]),
                    r[7],
                    r[8],
                    r[9],
                    r[10],
                    r[11],
                    org.pk,
                    None,
                    None,
                    stamp,
                    stamp,
                )
                for (pk, r), id_enc, mobile_enc in zip(fresh, ids_encrypted, mobiles_encrypted, strict=True)
            ),
            0.0,
            0.5,
        ),
    )
    insert_rows(
        Membership,
        MEMBERSHIP_INSERT_FIELDS,
        reporting(
            (
                (
                    membership_ids[i],
                    person_of[i],
                    org.pk,
                    numbers[i],
                    MembershipStatus.ACTIVE,
                    as_date(r[12] or today),
                    None,
                    None,
                    None,
                    "",
                    1,
                    stamp,
                    stamp,
                )
                for i, r in enumerate(staged)
            ),
            0.5,
            0.75,
        ),
    )
    insert_rows(
        MembershipEvent,
        EVENT_INSERT_FIELDS,
        reporting(
            ((membership_ids[i], "", MembershipStatus.ACTIVE, actor_id, reason, stamp) for i in range(total)),
            0.75,
            0.95,
        ),
    )
    insert_rows(
        Tags, TAG_INSERT_FIELDS, ((person_of[i], tag_id) for i, r in enumerate(staged) for tag_id in r[13])
    )
    if progress is not None:
        progress(total)
    return WriteResult(created=len(new), rejoined=len(again), seconds=time.perf_counter() - started)
