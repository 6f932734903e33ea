"""Writing and verifying the hash-chained audit log.

Each record's hash is an HMAC (HMAC-SHA256, or HMAC-SM3 when ``BLIND_INDEX_ALGORITHM=hmac-sm3``)
keyed with ``AUDIT_CHAIN_KEY``, which is kept outside the database: someone who can write to the
database but does not hold the key cannot edit a record and recompute the hashes after it. Chains
begun before the key existed carry plain SHA-256 hashes up to one re-key record (``audit.rekey``,
written by migration core 0006); the re-key record and everything after it are keyed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from smartunion.core.models import AuditChainHead, AuditEvent, AuditOutcome
from smartunion.core.scoping import scopes_disabled

GENESIS_HASH = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "seq": event.seq,
        "at": event.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object": [event.object_type, event.object_id, event.object_repr],
        "org": event.org_id,
        "address": event.address,
        "outcome": event.outcome,
        "data": event.data,
        "prev": event.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


REKEY_ACTION = "audit.rekey"


def chain_algorithm() -> str:
    # The same hash as the blind indexes: both are chosen once, before the first record is written.
    return "hmac-sm3" if settings.BLIND_INDEX_ALGORITHM == "hmac-sm3" else "hmac-sha256"


def keyed_hash(event, *, key: str | None = None) -> str:
    """The record's hash: an HMAC of its canonical fields under AUDIT_CHAIN_KEY."""
    secret = (settings.AUDIT_CHAIN_KEY if key is None else key).encode()
    if chain_algorithm() == "hmac-sm3":
        mac = crypto_hmac.HMAC(secret, hashes.SM3())
        mac.update(_canonical(event))
        return mac.finalize().hex()
    return hmac.new(secret, _canonical(event), "sha256").hexdigest()


def plain_hash(event) -> str:
    """The unkeyed SHA-256 that records written before the chain was keyed carry."""
    return hashlib.sha256(_canonical(event)).hexdigest()


compute_hash = keyed_hash


def actor_label(user) -> str:
    if user is None:
        return "system"
    if getattr(user, "is_staff_member", False):
        return user.username
    return f"worker#{user.pk}"  # never a mobile number or a name


def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    org=None,
    client_address: str | None = "",
    outcome: str = AuditOutcome.SUCCESS,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one record. Call it inside the service's transaction, so the record and the change
    commit or roll back together."""
    if org is None and obj is not None:
        org = _org_of(obj)
    with transaction.atomic(), scopes_disabled():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.seq + 1,
            created_at=timezone.now(),
            actor=actor if actor is not None and actor.pk else None,
            actor_label=actor_label(actor),
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=_safe_repr(obj),
            org=org,
            address=client_address or "",
            outcome=outcome,
            data=data or {},
            prev_hash=head.hash,
        )
        event.hash = compute_hash(event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


def _org_of(obj: models.Model):
    from smartunion.orgs.models import Org

    if isinstance(obj, Org):
        return obj
    return getattr(obj, "org", None)


def _safe_repr(obj) -> str:
    if obj is None:
        return ""
    if hasattr(obj, "audit_repr"):
        return obj.audit_repr()[:200]
    return str(obj)[:200]


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None = None
    reason: str = ""
    head_at: datetime | None = None


@dataclass(frozen=True)
class ExportedHead:
    """A head written by ``audit_verify --export-head`` and kept where the database's
    administrators cannot write: the chain must still reach it, with the same hash."""

    seq: int
    hash: str


def _rejected(event) -> str:
    if event.action == REKEY_ACTION:
        return f"record #{event.seq}, the re-key record, was altered or written without AUDIT_CHAIN_KEY"
    return (
        f"record #{event.seq} was altered (its content does not match its hash; or AUDIT_CHAIN_KEY "
        "is not the key the chain was written with)"
    )


def audit_verify(
    *, batch_size: int = 5000, head: ExportedHead | None = None, key: str | None = None
) -> VerifyResult:
    """Walk the chain in order; name the first record that was altered, removed or reordered.

    Records are keyed from the first one, or plain SHA-256 up to the one re-key record and keyed from
    it on. With ``head``, the chain must also reach that exported head and agree with it there."""
    with scopes_disabled():
        chain_head = AuditChainHead.objects.filter(pk=1).first()
        head_seq = chain_head.seq if chain_head else 0
        head_hash = chain_head.hash if chain_head else GENESIS_HASH

        def broken(seq: int, reason: str, checked: int) -> VerifyResult:
            return VerifyResult(False, checked, head_seq, head_hash, seq, reason)

        expected_prev = GENESIS_HASH
        expected_seq = 1
        checked = 0
        last_at = None
        keyed: bool | None = None  # unknown before the first record; False in an unkeyed prefix
        hash_at_exported_head = None
        for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
            if event.seq != expected_seq:
                return broken(
                    expected_seq, f"record #{expected_seq} is missing (next present is #{event.seq})", checked
                )
            if event.prev_hash != expected_prev:
                return broken(
                    event.seq,
                    f"record #{event.seq} does not follow #{event.seq - 1} (removed or reordered)",
                    checked,
                )
            mac = keyed_hash(event, key=key)
            if hmac.compare_digest(mac, event.hash) and (keyed is not False or event.action == REKEY_ACTION):
                keyed = True
            elif (
                not keyed
                and event.action != REKEY_ACTION
                and hmac.compare_digest(plain_hash(event), event.hash)
            ):
                keyed = False  # written before the chain was keyed; a re-key record must follow
            else:
                return broken(event.seq, _rejected(event), checked)
            if head is not None and event.seq == head.seq:
                hash_at_exported_head = event.hash
            expected_prev = event.hash
            expected_seq += 1
            last_at = event.created_at
            checked += 1
        last_seq = expected_seq - 1
        if head_seq != last_seq or head_hash != expected_prev:
            return broken(
                last_seq + 1,
                f"the chain ends at #{last_seq} but its head says #{head_seq}: records were removed from the end",
                checked,
            )
        if keyed is False:
            return broken(
                1,
                f"records #1 to #{last_seq} are not keyed and no re-key record follows them: they were "
                "written or rewritten without AUDIT_CHAIN_KEY",
                checked,
            )
        if head is not None:
            if last_seq < head.seq:
                return broken(
                    last_seq + 1,
                    f"the chain ends at #{last_seq}, before the exported head #{head.seq}: "
                    "records were removed from the end",
                    checked,
                )
            if not hmac.compare_digest(hash_at_exported_head or "", head.hash):
                return broken(
                    head.seq,
                    f"record #{head.seq} differs from the exported head (the chain was rewritten)",
                    checked,
                )
        return VerifyResult(True, checked, head_seq, head_hash, head_at=last_at)


def seal_unkeyed_chain(*, event_model=AuditEvent, head_model=AuditChainHead) -> int | None:
    """Move a chain written before AUDIT_CHAIN_KEY existed to the keyed form: append one keyed
    re-key record naming the last unkeyed record. Records before it keep their plain hashes (the
    canonical fields are unchanged) and still verify. Returns the re-key record's number, or None
    when the chain is empty or already keyed. Takes the models so the data migration can pass its
    historical ones."""
    with transaction.atomic(), scopes_disabled():
        head, _ = head_model.objects.select_for_update().get_or_create(pk=1)
        last = event_model.objects.order_by("-seq").first()
        if last is None or hmac.compare_digest(keyed_hash(last), last.hash):
            return None
        event = event_model(
            seq=head.seq + 1,
            created_at=timezone.now(),
            actor_label="system",
            action=REKEY_ACTION,
            object_type="",
            object_id="",
            object_repr="",
            address="",
            outcome=AuditOutcome.SUCCESS,
            data={"sealed_seq": last.seq, "sealed_hash": last.hash, "algorithm": chain_algorithm()},
            prev_hash=head.hash,
        )
        event.hash = keyed_hash(event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
        return event.seq
