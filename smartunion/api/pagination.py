"""Keyset (cursor) pagination: a page is "the next ``limit`` rows after the last one you saw" on a
stable, unique order, so pages stay cheap at any depth and nothing is skipped or repeated when rows
are added meanwhile. No COUNT(*): the response says only whether there is a next page."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from smartunion.core.errors import ValidationFailed

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def _plain(value: Any) -> Any:
    """Dates and times travel as ISO 8601 strings; the database compares them as before."""
    return value.isoformat() if isinstance(value, date) else value


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps([_plain(v) for v in values], ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *, arity: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        values = None
    if (
        not isinstance(values, list)
        or len(values) != arity
        or not all(isinstance(v, str | int) for v in values)
    ):
        raise _invalid_cursor()
    return values


def _invalid_cursor() -> ValidationFailed:
    return ValidationFailed(
        fields={"query.cursor": [_("This cursor is not valid: start again from the first page.")]}
    )


def _after(fields: tuple[str, ...], values: list[Any]) -> Q:
    """Rows strictly after ``values`` in ascending order of ``fields`` (a row-value comparison)."""
    condition = Q()
    for i in range(len(fields) - 1, -1, -1):
        step = Q(**{f"{fields[i]}__gt": values[i]})
        if i < len(fields) - 1:
            step |= Q(**{fields[i]: values[i]}) & condition
        condition = step
    return condition


def keyset_page(
    qs: QuerySet, *, order: tuple[str, ...], limit: int, cursor: str | None
) -> tuple[list, str | None]:
    """One page of ``qs`` ordered by ``order`` (ascending, the last field unique)."""
    qs = qs.order_by(*order)
    if cursor:
        try:
            qs = qs.filter(_after(order, decode_cursor(cursor, arity=len(order))))
        except (ValueError, TypeError, DjangoValidationError):
            # Well-formed, but a value does not fit its column (text where an id belongs).
            raise _invalid_cursor() from None
    rows = list(qs[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, encode_cursor([getattr(last, field) for field in order])
