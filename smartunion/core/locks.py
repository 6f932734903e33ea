"""PostgreSQL session advisory locks: work that must not run twice at once for one key, held
across several transactions (a row written and committed, then counted; a roster checked, then
written). Other databases get no lock: SQLite serialises its writers by itself."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def advisory_lock(*key: int) -> Iterator[None]:
    """Hold PostgreSQL's advisory lock on ``key`` (one bigint, or two int4: the two forms never
    meet) for the block; wait for it if another session holds it."""
    if connection.vendor != "postgresql":
        yield
        return
    args = ", ".join(["%s"] * len(key))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_advisory_lock({args})", list(key))  # noqa: S608 - placeholders only
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT pg_advisory_unlock({args})", list(key))  # noqa: S608
        except DatabaseError:  # the connection is gone, and the lock with it
            logger.warning("Could not release advisory lock %s", key, exc_info=True)
