"""The benefits app's scheduled work (core/tasks.py: JSON arguments, safe to run twice).

- ``benefits.campaign_clock`` (every minute): opens campaigns at their release time, closes them at
  the end of their window, draws the lotteries that closed.
- ``benefits.monthly_statements`` (the 1st, 02:00): the previous month's statements.
"""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from smartunion.benefits.services.campaigns import campaign_clock as run_campaign_clock
from smartunion.benefits.services.settlement import month_start, statements_generate


@shared_task(name="benefits.campaign_clock")
def campaign_clock() -> dict[str, int]:
    return run_campaign_clock()


@shared_task(name="benefits.monthly_statements")
def monthly_statements(month: str = "") -> int:
    """The statements of ``month`` ("2026-11"; default: last month)."""
    if month:
        year, number = (int(part) for part in month.split("-"))
        first = timezone.localdate().replace(year=year, month=number, day=1)
    else:
        first = month_start(month_start(timezone.localdate()) - timedelta(days=1))
    return len(statements_generate(month=first))
