"""Pagination, one home for the console, the API and the selectors.

Keyset (cursor) pages: a page is "the next ``limit`` rows after the last one you saw" on a stable,
unique order, so pages stay cheap at any depth and nothing is skipped or repeated when rows are
added meanwhile. No COUNT(*): a page says only whether there is a next one.

A cursor is the last row's key values, as URL-safe base64 of JSON. A list of people seals its
cursors (``seal=``, one purpose per list): the cursor carries the last row's name, and a cursor
stands in URLs and so in access logs; sealed with the field key (core.crypto: authenticated
encryption) together with the list's purpose, it reads as noise, and a cursor of one list pasted
into another is refused instead of misread.

Each end says in its own way that a cursor is not valid (the API a 422 on ``query.cursor``, the
console the first page with a notice): here it is ``InvalidCursor``.

Numbered pages (``numbered_page``) are for short lists that show "page 2 of 5".
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from smartunion.core import crypto


class InvalidCursor(ValueError):
    """A cursor that is damaged, sealed for another list, or whose values do not fit the list's keys."""


def _plain(value: Any) -> Any:
    """Dates and times travel as ISO 8601 strings; the database compares them as before."""
    return value.isoformat() if isinstance(value, date) else value


def encode_cursor(values: Sequence[Any], *, seal: str | None = None) -> str:
    """An opaque "after this row" token for ``values``, the last row's keys."""
    plain: Any = [_plain(v) for v in values]
    if seal is not None:
        # Encrypted with the field key, the list's purpose inside the sealed text.
        plain = {"list": seal, "after": plain}
    raw = json.dumps(plain, ensure_ascii=False, separators=(",", ":")).encode()
    if seal is not None:
        raw = crypto.encrypt_blob(raw)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *, arity: int, seal: str | None = None) -> list[Any]:
    """The row values ``cursor`` carries: ``arity`` strings or integers. Raises ``InvalidCursor``."""
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
        raise InvalidCursor(cursor)
    return values


def rows_after(order: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows strictly after ``values`` in the order ``order`` (a row-value comparison; a field named
    ``-field`` descends)."""
    condition = Q()
    for i in range(len(order) - 1, -1, -1):
        name = order[i].removeprefix("-")
        beyond = "lt" if order[i].startswith("-") else "gt"
        step = Q(**{f"{name}__{beyond}": values[i]})
        if i < len(order) - 1:
            step |= Q(**{name: values[i]}) & condition
        condition = step
    return condition


class RowsAfter(Protocol):
    """A selector that reads a page itself (a hot path written in SQL): up to ``limit`` rows in its
    order after the row whose keys are ``after``; raises ``InvalidCursor`` when they do not fit."""

    def __call__(self, *, after: Sequence[Any] | None, limit: int) -> list: ...


def keyset_rows(
    qs: QuerySet | RowsAfter, *, order: Sequence[str], after: Sequence[Any] | None, limit: int
) -> tuple[list, list[Any] | None]:
    """One page of ``qs`` in the order ``order`` (the last field unique), after the row whose keys
    are ``after``: (rows, the last row's keys when there is a next page). Raises ``InvalidCursor``
    when a value of ``after`` does not fit its column (text where an id belongs). ``qs`` is a
    queryset, or a ``RowsAfter`` that reads the page in that order itself."""
    if isinstance(qs, QuerySet):
        qs = qs.order_by(*order)
        if after is not None:
            try:
                qs = qs.filter(rows_after(order, after))
            except (ValueError, TypeError, DjangoValidationError):
                raise InvalidCursor(after) from None
        rows = list(qs[: limit + 1])
    else:
        rows = qs(after=after, limit=limit + 1)
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    if isinstance(last, dict):  # a .values() page
        return rows, [last[field.removeprefix("-")] for field in order]
    return rows, [getattr(last, field.removeprefix("-")) for field in order]


def keyset_page(
    qs: QuerySet | RowsAfter, *, order: Sequence[str], limit: int, cursor: str | None, seal: str | None = None
) -> tuple[list, str | None]:
    """One page of ``qs`` after ``cursor``: (rows, the next page's cursor or None). ``seal``: the
    list's purpose, to encrypt its cursors. Raises ``InvalidCursor``."""
    after = decode_cursor(cursor, arity=len(order), seal=seal) if cursor else None
    rows, last = keyset_rows(qs, order=order, after=after, limit=limit)
    return rows, (encode_cursor(last, seal=seal) if last is not None else None)


def numbered_page(queryset, *, number: Any, per_page: int) -> Page:
    """Page ``number`` (any input: out of range or not a number gives the nearest page) of a short
    list: one COUNT and one page query, whatever the page size."""
    return Paginator(queryset, per_page).get_page(number)
