"""Reading a user's inbox."""

from __future__ import annotations

from django.db.models import Count, Q

from smartunion.notifications.models import InboxMessage


def inbox_list(*, user, limit: int | None = 50) -> list[InboxMessage]:
    """The user's inbox messages, newest first (``limit=None``: all of them)."""
    messages = InboxMessage.objects.filter(user=user).order_by("-created_at", "-id")
    return list(messages if limit is None else messages[:limit])


def inbox_counts(*, user) -> tuple[int, int]:
    """(all, unread) messages in the user's inbox."""
    counts = InboxMessage.objects.filter(user=user).aggregate(
        total=Count("id"), unread=Count("id", filter=Q(read_at__isnull=True))
    )
    return counts["total"], counts["unread"]
