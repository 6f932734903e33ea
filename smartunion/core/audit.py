"""Writing and verifying the hash-chained audit log.

Each record's hash is an HMAC (HMAC-SHA256, or HMAC-SM3 when ``BLIND_INDEX_ALGORITHM=hmac-sm3``)
keyed with ``AUDIT_CHAIN_KEY``, which is kept outside the database: someone who can write to the
database but does not hold the key cannot edit a record and recompute the hashes after it. Records
written before the key existed carry plain SHA-256 hashes; a keyed re-key record (``audit.rekey``,
written by migration core 0006) vouches for them by sequence number, so that a record given a
recomputed plain hash later is vouched for by nobody.
"""

from __future__ import annotations

import bisect
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from smartunion.core.audit_actions import AuditAction
from smartunion.core.models import AuditChainHead, AuditEvent, AuditOutcome
from smartunion.core.scoping import scopes_disabled
from smartunion.core.types import Actor

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
        # The key stays "address" though the column is ``client_address`` (core 0010): the bytes
        # hashed must not change, or every record written before would read as altered
        # (tests/core/test_audit_canonical.py). Migration 0006's historical model still says address.
        "address": event.address if hasattr(event, "address") else event.client_address,
        "outcome": event.outcome,
        "data": event.data,
        "prev": event.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


REKEY_ACTION = AuditAction.AUDIT_REKEY


def chain_algorithm() -> str:
    # The same hash as the blind indexes: both are chosen once, before the first record is written.
    return "hmac-sm3" if settings.BLIND_INDEX_ALGORITHM == "hmac-sm3" else "hmac-sha256"


def keyed_hash(event: AuditEvent, *, key: str | None = None) -> str:
    """The record's hash: an HMAC of its canonical fields under AUDIT_CHAIN_KEY."""
    secret = (settings.AUDIT_CHAIN_KEY if key is None else key).encode()
    if chain_algorithm() == "hmac-sm3":
        mac = crypto_hmac.HMAC(secret, hashes.SM3())
        mac.update(_canonical(event))
        return mac.finalize().hex()
    return hmac.new(secret, _canonical(event), "sha256").hexdigest()


def plain_hash(event: AuditEvent) -> str:
    """The unkeyed SHA-256 that records written before the chain was keyed carry."""
    return hashlib.sha256(_canonical(event)).hexdigest()


compute_hash = keyed_hash


def actor_label(user: Actor | None) -> str:
    if user is None:
        return "system"
    if getattr(user, "is_staff_member", False):
        return user.username
    return f"worker#{user.pk}"  # never a mobile number or a name


def audit_record(
    *,
    action: AuditAction,
    actor: Actor | None = None,
    obj: models.Model | None = None,
    org=None,
    client_address: str | None = "",
    outcome: str = AuditOutcome.SUCCESS,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one record. Call it inside the service's transaction, so the record and the change
    commit or roll back together. ``action`` is an ``AuditAction`` member, never a string: every
    action the log holds has a label (core/audit_actions.py)."""
    if not isinstance(action, AuditAction):
        raise TypeError(
            f"audit_record takes an AuditAction, not {action!r}: add the action, with its label, "
            "to smartunion/core/audit_actions.py"
        )
    if org is None and obj is not None:
        org = _org_of(obj)
    with transaction.atomic(), scopes_disabled():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.seq + 1,
            created_at=timezone.now(),
            # By key: the column holds the user model, which core names only as an Actor.
            actor_id=actor.pk if actor is not None and actor.pk else None,
            actor_label=actor_label(actor),
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=_safe_repr(obj),
            org=org,
            client_address=client_address or "",
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
    """The tree node a record about ``obj`` is filed under: what its ``audit_org()`` names (an org is
    filed under itself), otherwise its ``org``. A protocol like ``audit_repr``, so that core needs
    no domain model."""
    if hasattr(obj, "audit_org"):
        return obj.audit_org()
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


@dataclass(frozen=True)
class _Vouched:
    """The unkeyed records authentic re-key records vouch for: sorted ranges of sequence numbers,
    each with the hash of its last record (ranges, not a set: a legacy chain may hold millions)."""

    firsts: list[int]
    ranges: list[tuple[int, int, str]]

    @classmethod
    def load(cls, key: str | None) -> _Vouched:
        # Only re-key records whose own HMAC verifies count: without the key nobody can vouch for a
        # record, so a record altered and given a recomputed plain hash is vouched for by nobody.
        ranges = []
        for rekey in AuditEvent.objects.filter(action=REKEY_ACTION).order_by("seq"):
            if hmac.compare_digest(keyed_hash(rekey, key=key), rekey.hash):
                ranges += [
                    (int(first), int(last), str(h)) for first, last, h in rekey.data.get("unkeyed", [])
                ]
        ranges.sort()
        return cls([r[0] for r in ranges], ranges)

    def range_of(self, seq: int) -> tuple[int, int, str] | None:
        i = bisect.bisect_right(self.firsts, seq) - 1
        return self.ranges[i] if i >= 0 and self.ranges[i][1] >= seq else None


def audit_verify(
    *, batch_size: int = 5000, head: ExportedHead | None = None, key: str | None = None
) -> VerifyResult:
    """Walk the chain in order; name the first record that was altered, removed or reordered.

    Every record is keyed, except records written before the chain was keyed (or by a server still
    running older code during the upgrade), which carry plain SHA-256 and must be vouched for by a
    later, keyed re-key record. With ``head``, the chain must also reach that exported head and
    agree with it there."""
    with scopes_disabled():
        chain_head = AuditChainHead.objects.filter(pk=1).first()
        head_seq = chain_head.seq if chain_head else 0
        head_hash = chain_head.hash if chain_head else GENESIS_HASH

        def broken(seq: int, reason: str, checked: int) -> VerifyResult:
            return VerifyResult(False, checked, head_seq, head_hash, seq, reason)

        vouched = _Vouched.load(key)
        expected_prev = GENESIS_HASH
        expected_seq = 1
        checked = 0
        last_at = None
        hash_at_exported_head = None
        for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
            seq = event.seq
            if seq != expected_seq:
                return broken(
                    expected_seq, f"record #{expected_seq} is missing (next present is #{seq})", checked
                )
            if event.prev_hash != expected_prev:
                return broken(
                    seq, f"record #{seq} does not follow #{seq - 1} (removed or reordered)", checked
                )
            if not hmac.compare_digest(keyed_hash(event, key=key), event.hash):
                if event.action == REKEY_ACTION:
                    reason = f"record #{seq}, a re-key record, was altered or written without AUDIT_CHAIN_KEY"
                    return broken(seq, reason, checked)
                if not hmac.compare_digest(plain_hash(event), event.hash):
                    reason = (
                        f"record #{seq} was altered (its content does not match its hash; or "
                        "AUDIT_CHAIN_KEY is not the key the chain was written with)"
                    )
                    return broken(seq, reason, checked)
                claim = vouched.range_of(seq)
                if claim is None:
                    reason = (
                        f"record #{seq} was altered or written without AUDIT_CHAIN_KEY (it carries a plain "
                        "SHA-256 hash that no re-key record vouches for)"
                    )
                    return broken(seq, reason, checked)
                if seq == claim[1] and not hmac.compare_digest(claim[2], event.hash):
                    reason = f"record #{seq} was rewritten after a re-key record sealed it"
                    return broken(seq, reason, checked)
            if head is not None and seq == head.seq:
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


# How long after the upgrade's re-key record a server still running older code may have written
# unkeyed records (``audit_verify --rekey``): a rolling restart takes minutes, not days.
STRAGGLER_WINDOW = timedelta(days=1)


def seal_unkeyed_chain(
    *, event_model=AuditEvent, head_model=AuditChainHead, stragglers_only: bool = False
) -> int | None:
    """Move records written without AUDIT_CHAIN_KEY to the keyed chain: append one keyed re-key
    record (``audit.rekey``) that vouches for them, by ranges of sequence numbers with the hash of
    each range's last record. Their plain hashes stay (the canonical fields are unchanged) and
    verify up to it. Returns the re-key record's number, or None when there is nothing to seal.
    Takes the models so the data migration can pass its historical ones.

    What it vouches for: a chain written entirely before the key existed (migration core 0006), and
    runs of unkeyed records that a keyed record follows (written by a server still running older
    code during an upgrade, ``audit_verify --rekey``): a keyed record seals everything before it
    through ``prev_hash``, so those cannot have been forged since. Never unkeyed records at the end
    of a chain that has keyed ones: they may be a forgery (records altered and rehashed without the
    key); once the server writes its next, keyed record, they can be sealed.

    ``stragglers_only`` (``audit_verify --rekey``): only runs that an upgrade can explain, that is
    after the upgrade's own (first authentic) re-key record and begun within ``STRAGGLER_WINDOW`` of
    it, as the keyed record before each run proves. Anyone who can write to the database can rewrite
    the tail of a keyed chain with plain hashes and wait for the server's next keyed record; such a
    run, on a chain that was keyed from its first record or long after the upgrade, is never
    vouched for."""
    with transaction.atomic(), scopes_disabled():
        head, _ = head_model.objects.select_for_update().get_or_create(pk=1)
        rekeys = [
            rekey
            for rekey in event_model.objects.filter(action=REKEY_ACTION).order_by("seq")
            if hmac.compare_digest(keyed_hash(rekey), rekey.hash)
        ]
        earlier = [
            (int(first), int(last))
            for rekey in rekeys
            for first, last, _hash in rekey.data.get("unkeyed", [])
        ]
        upgrade = rekeys[0] if rekeys else None
        if stragglers_only and upgrade is None:
            return None  # keyed from its first record: no older code ever wrote to this chain

        def may_begin(seq: int, keyed_at: datetime | None) -> bool:
            if not stragglers_only:
                return True
            assert upgrade is not None  # stragglers_only without an upgrade returned above
            return (
                seq > upgrade.seq
                and keyed_at is not None
                and keyed_at <= upgrade.created_at + STRAGGLER_WINDOW
            )

        ranges: list[list] = []
        run: list | None = None  # the current run of unkeyed records not vouched for yet
        seen_keyed = False
        keyed_at = None  # the time of the last keyed record, which its key vouches for
        for event in event_model.objects.order_by("seq").iterator(chunk_size=5000):
            if hmac.compare_digest(keyed_hash(event), event.hash):
                if run:
                    ranges.append(run)
                run, seen_keyed, keyed_at = None, True, event.created_at
            elif any(first <= event.seq <= last for first, last in earlier):
                run = None
            elif hmac.compare_digest(plain_hash(event), event.hash) and (
                run or may_begin(event.seq, keyed_at)
            ):
                run = [run[0], event.seq, event.hash] if run else [event.seq, event.seq, event.hash]
            else:
                run = None  # altered: audit_verify names it; nothing before it is vouched for here
        if run and not seen_keyed:
            ranges.append(run)
        if not ranges:
            return None
        event = event_model(
            seq=head.seq + 1,
            created_at=timezone.now(),
            actor_label="system",
            action=REKEY_ACTION,
            object_type="",
            object_id="",
            object_repr="",
            outcome=AuditOutcome.SUCCESS,
            data={"unkeyed": ranges, "algorithm": chain_algorithm()},
            prev_hash=head.hash,
        )
        event.hash = keyed_hash(event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
        return event.seq
