"""The API's side of keyset pagination (core/pagination.py): its page-size limits, and a cursor that
is not valid answered as a 422 on the field it came from (``query.cursor``, or ``body.cursor`` in a
POSTed search)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from smartunion.core import pagination
from smartunion.core.errors import ValidationFailed
from smartunion.core.pagination import encode_cursor

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "decode_cursor", "encode_cursor", "invalid_cursor", "keyset_page"]

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def invalid_cursor(field: str = "query.cursor") -> ValidationFailed:
    return ValidationFailed(fields={field: [_("This cursor is not valid: start again from the first page.")]})


def decode_cursor(
    cursor: str, *, arity: int, seal: str | None = None, field: str = "query.cursor"
) -> list[Any]:
    try:
        return pagination.decode_cursor(cursor, arity=arity, seal=seal)
    except pagination.InvalidCursor:
        raise invalid_cursor(field) from None


def keyset_page(
    qs: QuerySet | pagination.RowsAfter,
    *,
    order: tuple[str, ...],
    limit: int,
    cursor: str | None,
    seal: str | None = None,
    cursor_field: str = "query.cursor",
) -> tuple[list, str | None]:
    """One page of ``qs`` ordered by ``order`` (ascending, the last field unique). ``seal``: the
    list's purpose, to encrypt its cursors; ``cursor_field``: where the cursor came from, for the
    error."""
    try:
        return pagination.keyset_page(qs, order=order, limit=limit, cursor=cursor, seal=seal)
    except pagination.InvalidCursor:
        raise invalid_cursor(cursor_field) from None
