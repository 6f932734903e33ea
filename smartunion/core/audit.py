"""Writing and verifying the hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

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


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


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


def audit_verify(*, batch_size: int = 5000) -> VerifyResult:
    """Walk the chain in order; name the first record that was altered, removed or reordered."""
    with scopes_disabled():
        head = AuditChainHead.objects.filter(pk=1).first()
        expected_prev = GENESIS_HASH
        expected_seq = 1
        checked = 0
        last_seq = 0
        qs = AuditEvent.objects.order_by("seq")
        for event in qs.iterator(chunk_size=batch_size):
            if event.seq != expected_seq:
                return VerifyResult(
                    False, checked, head.seq if head else 0, head.hash if head else GENESIS_HASH,
                    expected_seq, f"record #{expected_seq} is missing (next present is #{event.seq})",
                )
            if event.prev_hash != expected_prev:
                return VerifyResult(
                    False, checked, head.seq if head else 0, head.hash if head else GENESIS_HASH,
                    event.seq, f"record #{event.seq} does not follow #{event.seq - 1} (removed or reordered)",
                )
            if compute_hash(event) != event.hash:
                return VerifyResult(
                    False, checked, head.seq if head else 0, head.hash if head else GENESIS_HASH,
                    event.seq, f"record #{event.seq} was altered (its content does not match its hash)",
                )
            expected_prev = event.hash
            expected_seq += 1
            last_seq = event.seq
            checked += 1
        head_seq = head.seq if head else 0
        head_hash = head.hash if head else GENESIS_HASH
        if head_seq != last_seq or head_hash != expected_prev:
            return VerifyResult(
                False, checked, head_seq, head_hash, last_seq + 1,
                f"the chain ends at #{last_seq} but its head says #{head_seq}: records were removed from the end",
            )
        return VerifyResult(True, checked, head_seq, head_hash)
