"""The hash-chained audit log: written with each change, verifiable, tamper-evident."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from smartunion.core.audit import audit_verify
from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from smartunion.orgs.services import org_update

pytestmark = pytest.mark.django_db


def _raw(sql: str, params=()):
    """Tamper as an attacker with database access would: first switch off the append-only trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update")
        cursor.execute(sql, params)


def test_changes_write_chained_records(tree, system_scope):
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.action for e in events[:2]] == ["org.create", "org.create"]
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    org_update(actor=None, org=tree.union_a, name="甲公司工会委员会")
    last = AuditEvent.objects.order_by("-seq").first()
    assert (last.action, last.object_repr, last.data) == (
        "org.update",
        "甲公司工会委员会",
        {"changed": ["name"]},
    )
    assert audit_verify().ok


def test_audit_verify_passes_on_intact_chain(tree, capsys):
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "intact" in out
    with scopes_disabled():
        assert f"{AuditEvent.objects.count()} records" in out


def test_editing_a_record_is_named(tree):
    with scopes_disabled():
        target = AuditEvent.objects.order_by("seq")[3]
    _raw("UPDATE core_auditevent SET object_repr = %s WHERE seq = %s", ["篡改", target.seq])
    result = audit_verify()
    assert (result.ok, result.first_bad_seq) == (False, target.seq)
    assert "altered" in result.reason
    with pytest.raises(CommandError, match=f"#{target.seq}"):
        call_command("audit_verify")


def test_removing_a_record_is_named(tree):
    _raw("DELETE FROM core_auditevent WHERE seq = 5")
    result = audit_verify()
    assert (result.ok, result.first_bad_seq) == (False, 5)
    assert "missing" in result.reason


def test_removing_the_newest_records_is_detected_by_the_head(tree):
    with scopes_disabled():
        last = AuditEvent.objects.order_by("-seq").first().seq
    _raw("DELETE FROM core_auditevent WHERE seq = %s", [last])
    result = audit_verify()
    assert (result.ok, result.first_bad_seq) == (False, last)


def test_reordering_records_is_named(tree):
    # Swap the content of records 3 and 4, keeping their sequence numbers.
    with scopes_disabled():
        e3, e4 = AuditEvent.objects.filter(seq__in=[3, 4]).order_by("seq")
    _raw(
        "UPDATE core_auditevent SET action=%s, object_id=%s, object_repr=%s, prev_hash=%s, hash=%s WHERE seq=3",
        [e4.action, e4.object_id, e4.object_repr, e4.prev_hash, e4.hash],
    )
    result = audit_verify()
    assert (result.ok, result.first_bad_seq) == (False, 3)


def test_the_application_cannot_alter_or_delete_records(tree):
    with scopes_disabled():
        event = AuditEvent.objects.first()
    event.object_repr = "x"
    with pytest.raises(RuntimeError, match="append-only"):
        event.save()
    with pytest.raises(RuntimeError, match="append-only"):
        event.delete()


def test_the_database_refuses_updates(tree):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET object_repr = 'x' WHERE seq = 1")
