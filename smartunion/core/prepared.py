"""Statements the database server plans once per connection (PostgreSQL, server-side binding).

Django opens psycopg connections that never prepare a statement (``prepare_threshold=None``): the
server plans every query anew. For most queries that is right: a plan made once for unknown values
can be far worse than one made for the values at hand. A few hot statements are written so that one
plan fits every value (``members.selectors.member_rows``); for those, planning costs more than
running, and ``prepared()`` asks psycopg to prepare them. The server then plans them a few times,
sees that its general plan is as good, and reuses it for as long as the connection lives.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connection


@contextlib.contextmanager
def prepared() -> Iterator[None]:
    """Statements run inside are prepared on the server (PostgreSQL with server-side binding;
    elsewhere nothing changes). Only for statements whose one plan suits every parameter value."""
    options = connection.settings_dict.get("OPTIONS", {})
    if connection.vendor != "postgresql" or not options.get("server_side_binding"):
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    previous = raw.prepare_threshold
    raw.prepare_threshold = 0
    try:
        yield
    finally:
        raw.prepare_threshold = previous
