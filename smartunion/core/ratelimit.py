"""Rate limits counted in the database: the fallback of a cache-based limit while Redis is down
(core/cache.py), with the same sliding window (issue 7, item 25). The API's token limit uses it
(api/throttle.py); any limit whose counting must not stop when the cache does can."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from smartunion.core.models import RateLimitHit

# Rows older than this are removed whatever their limit (no limit has a longer window).
DATABASE_KEEP = timedelta(days=1)


@dataclass(frozen=True)
class WindowCount:
    allowed: bool
    now: float  # this request's time, as a timestamp
    history: list[float]  # the earlier requests in the window, newest first, as timestamps


def database_window_hit(*, key: str, limit: int, window_seconds: int) -> WindowCount:
    """Count one request under ``key``: allowed (and recorded) while fewer than ``limit`` requests
    fell in the last ``window_seconds``; refused (not recorded) otherwise. Expired rows of every
    key are removed on the way, so the table holds at most a day."""
    now = timezone.now()
    since = now - timedelta(seconds=window_seconds)
    with transaction.atomic():
        RateLimitHit.objects.filter(
            created_at__lt=now - max(DATABASE_KEEP, timedelta(seconds=window_seconds))
        ).delete()
        hits = list(
            RateLimitHit.objects.filter(key=key, created_at__gt=since)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
        )
        allowed = len(hits) < limit
        if allowed:
            RateLimitHit.objects.create(key=key, created_at=now)
    return WindowCount(allowed=allowed, now=now.timestamp(), history=[hit.timestamp() for hit in hits])


def database_window_full(*, key: str, limit: int, window_seconds: int) -> bool:
    """Whether ``limit`` requests under ``key`` already fell in the last ``window_seconds``, without
    counting one: for limits on failures, checked before the attempt and counted (with
    ``database_window_hit``) only when it fails."""
    since = timezone.now() - timedelta(seconds=window_seconds)
    return RateLimitHit.objects.filter(key=key, created_at__gt=since).count() >= limit
