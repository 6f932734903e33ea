"""Keyset pages and cursors (core/pagination.py), the one module the console, the API and the
audit log page with: cursors handed out before it existed still decode, a sealed cursor is noise
and belongs to one list, and pages follow each other without a gap or a repeat, either way round."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from smartunion.core.models import AuditEvent
from smartunion.core.pagination import (
    InvalidCursor,
    decode_cursor,
    encode_cursor,
    keyset_page,
    keyset_rows,
    numbered_page,
)
from smartunion.core.scoping import scopes_disabled
from smartunion.orgs.models import Org

# Cursors as the API's own module wrote them before this one (api/pagination.py, issue 7): a client
# may hold one across the upgrade.
EARLIER_CURSORS = [
    ("WyLnlLLnianmtYHmnInpmZDlhazlj7giLDEyXQ", ["甲物流有限公司", 12], ["甲物流有限公司", 12]),
    ("WyIyMDI2LTAzLTAxIiw1XQ", [date(2026, 3, 1), 5], ["2026-03-01", 5]),
    (
        "WyIyMDI2LTAzLTAxVDA4OjMwOjAwKzAwOjAwIiw3XQ",
        [datetime(2026, 3, 1, 8, 30, tzinfo=UTC), 7],
        ["2026-03-01T08:30:00+00:00", 7],
    ),
    ("WyIwMDAxLjAwMDIiXQ", ["0001.0002"], ["0001.0002"]),
]


@pytest.mark.parametrize(("cursor", "values", "decoded"), EARLIER_CURSORS)
def test_cursors_handed_out_before_still_decode_and_are_written_the_same(cursor, values, decoded):
    assert encode_cursor(values) == cursor
    assert decode_cursor(cursor, arity=len(values)) == decoded


def test_a_sealed_cursor_is_noise_and_belongs_to_its_list():
    cursor = encode_cursor(["欧阳甲", 7], seal="members")
    assert "欧阳" not in cursor and decode_cursor(cursor, arity=2, seal="members") == ["欧阳甲", 7]
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, arity=2, seal="transfers")
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, arity=2)  # unsealed reading of a sealed cursor
    with pytest.raises(InvalidCursor):
        decode_cursor(encode_cursor(["欧阳甲", 7]), arity=2, seal="members")  # and the other way


@pytest.mark.parametrize("cursor", ["", "@@@", "bm90LWpzb24", encode_cursor([1]), encode_cursor([[1], 2])])
def test_a_damaged_cursor_or_one_of_another_shape_is_invalid(cursor):
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, arity=2)


@pytest.mark.django_db
def test_pages_follow_each_other_ascending(tree):
    with scopes_disabled():
        everyone = list(Org.objects.order_by("name", "id"))
        seen, cursor = [], None
        while True:
            rows, cursor = keyset_page(
                Org.objects.all(), order=("name", "id"), limit=4, cursor=cursor, seal="orgs"
            )
            seen += rows
            if cursor is None:
                break
    assert seen == everyone and len(everyone) > 4


@pytest.mark.django_db
def test_pages_follow_each_other_descending(tree):
    with scopes_disabled():
        newest_first = list(AuditEvent.objects.order_by("-seq"))
        seen, after = [], None
        while True:
            rows, after = keyset_rows(AuditEvent.objects.all(), order=("-seq",), after=after, limit=5)
            seen += rows
            if after is None:
                break
    assert seen == newest_first and len(seen) > 5


@pytest.mark.django_db
def test_values_that_do_not_fit_their_columns_are_an_invalid_cursor(tree):
    with scopes_disabled(), pytest.raises(InvalidCursor):
        keyset_rows(Org.objects.all(), order=("name", "id"), after=["甲", "not-an-id"], limit=3)


@pytest.mark.django_db
def test_numbered_pages_forgive_a_page_out_of_range(tree):
    with scopes_disabled():
        orgs = Org.objects.order_by("pk")
        assert (
            numbered_page(orgs, number="99", per_page=4).number
            == numbered_page(orgs, number=None, per_page=4).paginator.num_pages
        )
        assert numbered_page(orgs, number="x", per_page=4).number == 1
