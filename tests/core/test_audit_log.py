"""Reading the audit log (core/audit_log.py): filters that combine, newest first, in keyset pages
that neither skip nor repeat a record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.audit_log import audit_event_list, audit_event_page
from smartunion.core.models import AuditOutcome
from smartunion.core.scoping import scopes_disabled

pytestmark = pytest.mark.django_db


def test_pages_of_the_log_run_newest_first_without_gaps(tree):
    with scopes_disabled():
        for i in range(7):
            audit_record(action=AuditAction.HOLIDAY_CREATE, org=tree.fangshan, data={"i": i})
        events = audit_event_list(action=AuditAction.HOLIDAY_CREATE)
        first, before = audit_event_page(events, before=None, limit=3)
        second, before_2 = audit_event_page(events, before=before, limit=3)
        third, last = audit_event_page(events, before=before_2, limit=3)
    assert [e.data["i"] for e in first + second + third] == [6, 5, 4, 3, 2, 1, 0]
    assert before == first[-1].seq and last is None


def test_the_filters_combine(tree):
    today = timezone.localdate()
    with scopes_disabled():
        audit_record(action=AuditAction.HOLIDAY_UPDATE, org=tree.union_a, outcome=AuditOutcome.FAILURE)
        audit_record(action=AuditAction.HOLIDAY_UPDATE, org=tree.union_c, outcome=AuditOutcome.FAILURE)
        audit_record(action=AuditAction.HOLIDAY_UPDATE, org=tree.union_a)

        def shown(**filters) -> list[str]:
            return [e.org.name for e in audit_event_list(action=AuditAction.HOLIDAY_UPDATE, **filters)]

        assert shown(outcome=AuditOutcome.FAILURE, org=tree.fangshan) == ["甲公司工会"]
        assert shown(org=tree.fangshan, date_from=today, date_to=today) == ["甲公司工会", "甲公司工会"]
        assert shown(date_from=today + timedelta(days=1)) == []
        assert shown(date_to=today - timedelta(days=1)) == []
        assert shown(actor_label=" system ") == ["甲公司工会", "丙公司工会", "甲公司工会"]
        assert shown(actor_label="city.admin") == []
