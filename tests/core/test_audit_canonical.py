"""The audit chain's canonical form is frozen: a record's hash computed by today's code equals the
hash the code that wrote the first records computed for it. Renaming a column, or a field becoming
an enum, must never change what is hashed, or every record already written would read as altered.

The values below were computed on the code before the audit columns were renamed (``address``
became ``client_address``) and before actions became ``AuditAction`` members."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from smartunion.core.audit import AuditAction, _canonical, audit_record, audit_verify, keyed_hash, plain_hash
from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled

PINNED_CANONICAL = (
    '{"action":"signin.code","actor":7,"actor_label":"city.admin","address":"10.1.2.3",'
    '"at":"2026-03-01T08:30:15.123456Z","data":{"via":"register","名":"张"},'
    '"object":["accounts.user","7","city.admin"],"org":3,"outcome":"success",'
    '"prev":"abababababababababababababababababababababababababababababababab","seq":42}'
)
PINNED_PLAIN = "4ca892c111ee709b86cf74ed4bb7a573bf67a98f078ae263fdd9766ff4cfbf72"
PINNED_KEYED = {
    "hmac-sha256": "5eca5ee1f622255e56bd72ee8c372adf10fa9e77f349ebe1f30725939ec485de",
    "hmac-sm3": "71bc61234376fea98d6bcc940084f47849703cfff3ac02c05d47fec9663e51b4",
}


def known_record(**fields) -> AuditEvent:
    values = {
        "seq": 42,
        "created_at": datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC),
        "actor_id": 7,
        "actor_label": "city.admin",
        "action": "signin.code",
        "object_type": "accounts.user",
        "object_id": "7",
        "object_repr": "city.admin",
        "org_id": 3,
        "client_address": "10.1.2.3",
        "outcome": "success",
        "data": {"via": "register", "名": "张"},
        "prev_hash": "ab" * 32,
    }
    return AuditEvent(**{**values, **fields})


def test_the_canonical_form_of_a_known_record_is_unchanged():
    assert _canonical(known_record()).decode() == PINNED_CANONICAL
    assert plain_hash(known_record()) == PINNED_PLAIN
    # An action written as the enum member hashes as its stored code.
    assert plain_hash(known_record(action=AuditAction.SIGNIN_CODE)) == PINNED_PLAIN


@pytest.mark.parametrize("algorithm", sorted(PINNED_KEYED))
def test_the_keyed_hash_of_a_known_record_is_unchanged(settings, algorithm):
    settings.BLIND_INDEX_ALGORITHM = algorithm
    assert keyed_hash(known_record(), key="pinned-test-key") == PINNED_KEYED[algorithm]


@pytest.mark.django_db
def test_a_record_read_back_from_the_database_verifies(tree):
    with scopes_disabled():
        written = audit_record(
            action=AuditAction.ORG_CREATE,
            org=tree.city,
            client_address="10.1.2.3",
            data={"via": "register"},
        )
        stored = AuditEvent.objects.get(seq=written.seq)
    assert _canonical(stored) == _canonical(written)
    assert b'"address":"10.1.2.3"' in _canonical(stored)
    assert keyed_hash(stored) == stored.hash == written.hash
    assert audit_verify().ok
