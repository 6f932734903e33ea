"""``audit_verify --rekey`` vouches only for what an upgrade can explain (issue 7, item 4): someone
who can write to the database rewrites the tail of the keyed chain with plain SHA-256 hashes and
waits for the server's next keyed record; the rewrite must stay caught, --rekey or not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from smartunion.core.audit import REKEY_ACTION, audit_verify, seal_unkeyed_chain
from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from smartunion.orgs.services import org_update
from tests.core.test_audit_chain_key import _raw, _rehash_from, _tail_seq

pytestmark = pytest.mark.django_db


def _rekey_records() -> int:
    with scopes_disabled():
        return AuditEvent.objects.filter(action=REKEY_ACTION).count()


def test_rekey_does_not_vouch_for_a_rewritten_tail_of_a_chain_keyed_from_the_start(tree):
    _raw("UPDATE core_auditevent SET object_repr = %s WHERE seq = 2", ["篡改"])
    _rehash_from(2)
    org_update(actor=None, org=tree.union_a, name="甲公司工会委员会")  # the server's next, keyed record

    with pytest.raises(CommandError, match=r"BROKEN at record #2: .*no re-key record vouches for"):
        call_command("audit_verify", rekey=True)
    assert _rekey_records() == 0
    assert audit_verify().first_bad_seq == 2


def test_rekey_does_not_vouch_for_a_run_begun_long_after_the_upgrade(tree, monkeypatch):
    _rehash_from(1)  # a chain from before the key ...
    upgrade = seal_unkeyed_chain()  # ... moved to the keyed form by the migration
    later = timezone.now() + timedelta(days=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    org_update(actor=None, org=tree.union_a, name="甲公司工会委员会")
    org_update(actor=None, org=tree.union_b, name="乙公司工会委员会")
    forged = _tail_seq()
    _raw("UPDATE core_auditevent SET object_repr = %s WHERE seq = %s", ["篡改", forged])
    _rehash_from(forged)
    org_update(actor=None, org=tree.union_c, name="丙公司工会委员会")

    with pytest.raises(CommandError, match=rf"BROKEN at record #{forged}: "):
        call_command("audit_verify", rekey=True)
    assert _rekey_records() == 1
    assert upgrade < forged
