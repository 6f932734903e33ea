"""Reads of the audit log (core/audit.py writes it): filtered, newest first, in keyset pages on the
record's sequence number. Through ``AuditEvent.objects``, so a reader sees the records of the
subtrees in the active scope (and the records of no organisation only at the root)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from smartunion.core.models import AuditEvent
from smartunion.core.pagination import keyset_rows
from smartunion.core.scoping import subtree_q

AUDIT_PAGE_SIZE = 50


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_event_list(
    *,
    action: str = "",
    outcome: str = "",
    actor_label: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    org=None,
) -> QuerySet[AuditEvent]:
    """The records matching every filter given, newest first: an exact action and outcome code, an
    actor's label (a staff username, ``worker#<id>`` or ``system``), the local days ``date_from``
    to ``date_to`` (both included), and the subtree of ``org``."""
    events = AuditEvent.objects.select_related("org").order_by("-seq")
    if action:
        events = events.filter(action__exact=action)
    if outcome:
        events = events.filter(outcome=outcome)
    if actor_label:
        events = events.filter(actor_label=actor_label.strip())
    if date_from:
        events = events.filter(created_at__gte=_day_start(date_from))
    if date_to:
        events = events.filter(created_at__lt=_day_start(date_to + timedelta(days=1)))
    if org is not None:
        events = events.filter(subtree_q(org.path, field="org"))
    return events


def audit_event_page(
    events: QuerySet[AuditEvent], *, before: int | None, limit: int = AUDIT_PAGE_SIZE
) -> tuple[list[AuditEvent], int | None]:
    """One page of ``events``, the records older than record ``before`` (from the newest when
    None): (records, the ``before`` of the next page, or None on the last). One query whatever the
    page."""
    rows, last = keyset_rows(events, order=("-seq",), after=None if before is None else [before], limit=limit)
    return rows, (last[0] if last is not None else None)
