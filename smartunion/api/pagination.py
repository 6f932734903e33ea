"""Keyset (cursor) pagination: a page is "the next ``limit`` rows after the last one you saw" on a
stable, unique order, so pages stay cheap at any depth and nothing is skipped or repeated when rows
are added meanwhile. No COUNT(*): the response says only whether there is a next page.

A list of people seals its cursors (``seal=``, one purpose per list): the cursor carries the last
row's name, and a cursor stands in URLs and so in access logs; sealed, it reads as noise, and a
cursor of one list pasted into another is refused instead of misread."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from smartunion.core import crypto
from smartunion.core.errors import ValidationFailed

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def _plain(value: Any) -> Any:
    """Dates and times travel as ISO 8601 strings; the database compares them as before."""
    return value.isoformat() if isinstance(value, date) else value


def encode_cursor(values: list[Any], *, seal: str | None = None) -> str:
    plain = [_plain(v) for v in values]
    if seal is not None:
        # Encrypted with the field key (core.crypto), the list's purpose inside the sealed text.
        plain = {"list": seal, "after": plain}
    raw = json.dumps(plain, ensure_ascii=False, separators=(",", ":")).encode()
    if seal is not None:
        raw = crypto.encrypt_blob(raw)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(
    cursor: str, *, arity: int, seal: str | None = None, field: str = "query.cursor"
) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.urlsafe_b64decode(padded.encode())
        if seal is not None:
            raw = crypto.decrypt_blob(raw)
        values = json.loads(raw.decode())
    except (ValueError, binascii.Error, UnicodeDecodeError, crypto.DecryptionError):
        values = None
    if seal is not None:
        values = values.get("after") if isinstance(values, dict) and values.get("list") == seal else None
    if (
        not isinstance(values, list)
        or len(values) != arity
        or not all(isinstance(v, str | int) for v in values)
    ):
        raise invalid_cursor(field)
    return values


def invalid_cursor(field: str = "query.cursor") -> ValidationFailed:
    return ValidationFailed(fields={field: [_("This cursor is not valid: start again from the first page.")]})


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
    qs: QuerySet,
    *,
    order: tuple[str, ...],
    limit: int,
    cursor: str | None,
    seal: str | None = None,
    cursor_field: str = "query.cursor",
) -> tuple[list, str | None]:
    """One page of ``qs`` ordered by ``order`` (ascending, the last field unique). ``seal``: the
    list's purpose, to encrypt its cursors; ``cursor_field``: where the cursor came from, for the
    error (``body.cursor`` in a POSTed search)."""
    qs = qs.order_by(*order)
    if cursor:
        values = decode_cursor(cursor, arity=len(order), seal=seal, field=cursor_field)
        try:
            qs = qs.filter(_after(order, values))
        except (ValueError, TypeError, DjangoValidationError):
            # Well-formed, but a value does not fit its column (text where an id belongs).
            raise invalid_cursor(cursor_field) from None
    rows = list(qs[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, encode_cursor([getattr(last, field) for field in order], seal=seal)
