"""The database stage: people, memberships, their first history event and occupation tags, written
in bulk inside the import's one transaction. Primary keys are reserved first, then each table goes
through the database's fastest path, binary COPY on PostgreSQL and executemany on SQLite, with the
rows generated (and their ID numbers and mobiles encrypted) while the database consumes them; not
``bulk_create``, which was five times slower than the raw load (decision 0007). The mechanisms are
``core.bulk``'s; this module lays out the four tables' rows."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.utils import timezone

from smartunion.accounts.models import User
from smartunion.core import crypto
from smartunion.core.bulk import load_rows, reserve_ids
from smartunion.members.models import Membership, MembershipEvent, MembershipStatus, Person
from smartunion.members.roster.lookups import _chunks
from smartunion.orgs.models import Org

PROGRESS_EVERY = 5_000

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
    person_ids = iter(reserve_ids(Person, len(new)))
    membership_ids = reserve_ids(Membership, len(staged))
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
    load_rows(
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
    load_rows(
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
    load_rows(
        MembershipEvent,
        EVENT_INSERT_FIELDS,
        reporting(
            ((membership_ids[i], "", MembershipStatus.ACTIVE, actor_id, reason, stamp) for i in range(total)),
            0.75,
            0.95,
        ),
    )
    load_rows(
        Tags, TAG_INSERT_FIELDS, ((person_of[i], tag_id) for i, r in enumerate(staged) for tag_id in r[13])
    )
    if progress is not None:
        progress(total)
    return WriteResult(created=len(new), rejoined=len(again), seconds=time.perf_counter() - started)
