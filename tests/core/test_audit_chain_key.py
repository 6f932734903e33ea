"""The keyed audit chain: someone with database access but without AUDIT_CHAIN_KEY cannot rewrite it,
and an exported head catches records cut from the end."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from smartunion.core.audit import REKEY_ACTION, _canonical, audit_verify, plain_hash, seal_unkeyed_chain
from smartunion.core.models import AuditChainHead, AuditEvent
from smartunion.core.scoping import scopes_disabled
from smartunion.orgs.services import org_update
from tests.factories import WORKER_PASSWORD, WorkerFactory

ROOT = Path(__file__).resolve().parents[2]


def _raw(sql: str, params=()):
    """Write as an attacker with database access would: first switch off the append-only trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update")
        cursor.execute(sql, params)


def _rehash_from(seq: int, hasher=plain_hash) -> None:
    """Recompute every hash from record ``seq`` on, and the chain head, as the attacker would."""
    with scopes_disabled():
        events = list(AuditEvent.objects.order_by("seq"))
    prev = events[seq - 2].hash if seq > 1 else "0" * 64
    for event in events[seq - 1 :]:
        event.prev_hash = prev
        event.hash = hasher(event)
        _raw(
            "UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s",
            [prev, event.hash, event.seq],
        )
        prev = event.hash
    AuditChainHead.objects.filter(pk=1).update(seq=events[-1].seq, hash=prev)


@contextmanager
def _audit_column_named(name: str):
    """The audit table's client address column under an older name, for historical models."""
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE core_auditevent RENAME COLUMN client_address TO {name}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE core_auditevent RENAME COLUMN {name} TO client_address")


def _tail_seq() -> int:
    with scopes_disabled():
        return AuditEvent.objects.order_by("-seq").first().seq


@pytest.mark.django_db
def test_editing_a_record_and_recomputing_sha256_after_it_is_caught(tree):
    org_update(actor=None, org=tree.union_a, name="甲公司工会委员会")
    with scopes_disabled():
        target = AuditEvent.objects.get(seq=4)
    _raw("UPDATE core_auditevent SET object_repr = %s WHERE seq = 4", ["篡改"])
    _rehash_from(4)
    # The attacker's chain is internally consistent as plain SHA-256 ...
    with scopes_disabled():
        events = list(AuditEvent.objects.order_by("seq"))
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    assert events[3].object_repr == "篡改"
    assert events[3].hash == hashlib.sha256(_canonical(events[3])).hexdigest()
    # ... but not keyed: the first altered record is named.
    result = audit_verify()
    assert (result.ok, result.first_bad_seq) == (False, target.seq)
    assert "record #4 was altered" in result.reason
    with pytest.raises(CommandError, match=r"BROKEN at record #4: record #4 was altered"):
        call_command("audit_verify")


@pytest.mark.django_db
def test_rewriting_the_whole_chain_without_the_key_is_caught(tree):
    _raw("UPDATE core_auditevent SET object_repr = %s WHERE seq = 1", ["篡改"])
    _rehash_from(1)
    result = audit_verify()
    assert (result.ok, result.first_bad_seq) == (False, 1)
    assert "record #1 was altered or written without AUDIT_CHAIN_KEY" in result.reason
    assert "no re-key record vouches for" in result.reason


@pytest.mark.django_db
def test_a_wrong_key_fails_at_the_first_record(tree, settings):
    assert audit_verify().ok
    settings.AUDIT_CHAIN_KEY = "not-the-key"
    result = audit_verify()
    assert (result.ok, result.first_bad_seq) == (False, 1)
    assert "AUDIT_CHAIN_KEY is not the key" in result.reason


@pytest.mark.django_db
def test_hmac_sm3_under_the_sm_setting(tree, settings):
    settings.BLIND_INDEX_ALGORITHM = "hmac-sm3"
    org_update(actor=None, org=tree.union_a, name="甲公司工会委员会")
    with scopes_disabled():
        last = AuditEvent.objects.order_by("-seq").first()
    sha256_mac = hmac.new(settings.AUDIT_CHAIN_KEY.encode(), _canonical(last), "sha256").hexdigest()
    assert len(last.hash) == 64 and last.hash != sha256_mac
    # The records before were written under HMAC-SHA256: under SM3 the first one no longer verifies.
    assert audit_verify().first_bad_seq == 1
    settings.BLIND_INDEX_ALGORITHM = "hmac-sha256"
    assert audit_verify().first_bad_seq == last.seq


@pytest.mark.django_db
def test_truncation_after_an_exported_head_is_caught(tree, tmp_path, capsys):
    head_file = tmp_path / "audit-head.json"
    call_command("audit_verify", export_head=str(head_file))
    exported = json.loads(head_file.read_text())
    seq = _tail_seq()
    with scopes_disabled():
        tail = AuditEvent.objects.get(seq=seq)
    assert (exported["seq"], exported["hash"]) == (seq, tail.hash)
    assert exported["at"].startswith(tail.created_at.isoformat()[:19]) and exported["exported_at"]
    assert "Audit chain intact" in capsys.readouterr().out

    # More records, then the check against yesterday's head passes.
    org_update(actor=None, org=tree.union_a, name="甲公司工会委员会")
    call_command("audit_verify", head=str(head_file))
    assert f"reaches the exported head #{seq}" in capsys.readouterr().out

    # The DBA removes the last three records and sets the head row back: the chain alone verifies...
    _raw("DELETE FROM core_auditevent WHERE seq > %s", [seq - 3])
    with scopes_disabled():
        new_tail = AuditEvent.objects.get(seq=seq - 3)
    AuditChainHead.objects.filter(pk=1).update(seq=new_tail.seq, hash=new_tail.hash)
    assert audit_verify().ok
    # ... the exported head does not.
    with pytest.raises(
        CommandError, match=rf"#{seq - 2}: the chain ends at #{seq - 3}, before the exported head #{seq}"
    ):
        call_command("audit_verify", head=str(head_file))


@pytest.mark.django_db
def test_a_head_that_differs_is_caught(tree, tmp_path):
    head_file = tmp_path / "head.json"
    call_command("audit_verify", export_head=str(head_file))
    exported = json.loads(head_file.read_text())
    head_file.write_text(json.dumps({**exported, "hash": "f" * 64}))
    with pytest.raises(CommandError, match=rf"record #{exported['seq']} differs from the exported head"):
        call_command("audit_verify", head=str(head_file))
    head_file.write_text("not json")
    with pytest.raises(CommandError, match="is not an exported audit head"):
        call_command("audit_verify", head=str(head_file))


@pytest.mark.django_db
def test_a_broken_chain_exports_no_head(tree, tmp_path):
    _raw("UPDATE core_auditevent SET object_repr = %s WHERE seq = 2", ["篡改"])
    head_file = tmp_path / "head.json"
    with pytest.raises(CommandError, match="#2"):
        call_command("audit_verify", export_head=str(head_file))
    assert not head_file.exists()


@pytest.mark.django_db
def test_an_unkeyed_chain_moves_to_the_keyed_form_with_a_rekey_record(tree):
    # A chain written before the key existed: plain SHA-256 throughout.
    _rehash_from(1)
    before = _tail_seq()
    assert "no re-key record vouches for" in audit_verify().reason

    # The data migration's own code, with the historical models it is given, on the table as it was
    # then (core 0010 renamed its column address to client_address).
    state = MigrationExecutor(connection).loader.project_state(("core", "0006_audit_chain_rekey"))
    with _audit_column_named("address"):
        rekey_seq = seal_unkeyed_chain(
            event_model=state.apps.get_model("core", "AuditEvent"),
            head_model=state.apps.get_model("core", "AuditChainHead"),
        )
    assert rekey_seq == before + 1
    with scopes_disabled():
        rekey = AuditEvent.objects.get(seq=rekey_seq)
        sealed = AuditEvent.objects.get(seq=before)
    assert rekey.action == REKEY_ACTION
    assert rekey.data == {"unkeyed": [[1, before, sealed.hash]], "algorithm": "hmac-sha256"}
    assert seal_unkeyed_chain() is None  # once only
    org_update(actor=None, org=tree.union_a, name="甲公司工会委员会")
    result = audit_verify()
    assert result.ok and result.checked == rekey_seq + 1

    # Unkeyed before the re-key record, keyed after it: an edit after it is named ...
    _raw("UPDATE core_auditevent SET object_repr = %s WHERE seq = %s", ["篡改", rekey_seq + 1])
    _rehash_from(rekey_seq + 1)
    assert audit_verify().first_bad_seq == rekey_seq + 1


@pytest.mark.django_db
def test_rewriting_the_unkeyed_part_after_the_rekey_is_caught(tree):
    _rehash_from(1)
    sealed_last = _tail_seq()
    rekey_seq = seal_unkeyed_chain()
    # The attacker rewrites record 2 and the plain hashes after it, up to the re-key record, whose
    # own hash they cannot recompute.
    _raw("UPDATE core_auditevent SET object_repr = %s WHERE seq = 2", ["篡改"])
    with scopes_disabled():
        rekey = AuditEvent.objects.get(seq=rekey_seq)
    _rehash_from(2)
    _raw(
        "UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s",
        [rekey.prev_hash, rekey.hash, rekey_seq],
    )
    result = audit_verify()
    assert (result.ok, result.first_bad_seq) == (False, sealed_last)
    assert "was rewritten after a re-key record sealed it" in result.reason
    # Rehashing the re-key record too makes it unauthentic: nothing is vouched for any more.
    _rehash_from(2)
    assert "no re-key record vouches for" in audit_verify().reason


def test_records_an_old_server_writes_during_the_upgrade_can_be_vouched_for(tree):
    """migrate runs before the restart: the old code still writes unkeyed records after the re-key."""
    _rehash_from(1)
    seal_unkeyed_chain()
    org_update(actor=None, org=tree.union_a, name="甲公司工会委员会")
    org_update(actor=None, org=tree.union_b, name="乙公司工会委员会")
    stray = _tail_seq() - 1
    _rehash_from(stray)  # the old code's two records: plain SHA-256
    result = audit_verify()
    assert (result.ok, result.first_bad_seq) == (False, stray)
    # At the end of the chain they may be a forgery: not vouched for yet.
    with pytest.raises(
        CommandError, match=rf"#{stray}: .*no re-key record vouches for.*audit_verify --rekey"
    ):
        call_command("audit_verify", rekey=True)
    # The upgraded server writes a keyed record after them: now they are sealed, and vouched for.
    org_update(actor=None, org=tree.union_c, name="丙公司工会委员会")
    call_command("audit_verify", rekey=True)
    with scopes_disabled():
        rekey = AuditEvent.objects.order_by("-seq").first()
        last_stray = AuditEvent.objects.get(seq=stray + 1)
    assert rekey.action == REKEY_ACTION
    assert rekey.data["unkeyed"] == [[stray, stray + 1, last_stray.hash]]
    assert audit_verify().ok
    call_command("audit_verify", rekey=True)  # nothing more to vouch for
    assert _tail_seq() == rekey.seq


@pytest.mark.django_db
def test_export_head_to_standard_output(tree, capsys):
    call_command("audit_verify", export_head="-")
    captured = capsys.readouterr()
    assert json.loads(captured.out)["seq"] == _tail_seq()
    assert "Audit chain intact" in captured.err


def test_production_refuses_to_start_without_an_audit_chain_key(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "AUDIT_CHAIN_KEY"}},
        "SMARTUNION_ENV": "production",
        "SECRET_KEY": "x" * 50,
        "FIELD_ENCRYPTION_KEYS": "1:" + "A" * 43 + "=",
        "BLIND_INDEX_KEY": "b" * 40,
        "OTP_SENDER": "smartunion.notifications.senders.LogSender",
        "SMARTUNION_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode != 0
    assert "AUDIT_CHAIN_KEY must be set" in result.stderr
    assert not (tmp_path / "audit_chain_key").exists()


def test_the_records_the_real_server_writes_verify_with_the_key_only(real_server, settings):
    worker = WorkerFactory()
    server = real_server()
    client = server.client()
    answer = client.post_json("/api/v1/auth/token", {"username": worker.mobile, "password": WORKER_PASSWORD})
    assert answer.status == 200, answer.text
    token = answer.json()["token"]
    revoked = client.post_json(
        "/api/v1/auth/token", {}, headers={"Authorization": f"Bearer {token}"}, method="DELETE"
    )
    assert revoked.status == 204, revoked.text

    with scopes_disabled():
        actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-3:] == ["signin.password", "token.issue", "token.revoke"]
    result = audit_verify()
    assert result.ok, result.reason
    assert result.checked == len(actions)
    settings.AUDIT_CHAIN_KEY = "not-the-servers-key"
    wrong = audit_verify()
    assert (wrong.ok, wrong.first_bad_seq) == (False, 1)
