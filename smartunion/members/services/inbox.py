"""The worker's inbox: the notices the members services send, and marking them read."""

from __future__ import annotations

from django.utils import timezone

from smartunion.core.models import InboxMessage


def inbox_send(*, user=None, user_id=None, title: str, body: str = "", link: str = "") -> InboxMessage:
    return InboxMessage.objects.create(
        user_id=user.pk if user is not None else user_id, title=title[:200], body=body, link=link
    )


def inbox_mark_read(*, user, pk=None) -> int:
    """Mark one of the user's inbox messages read, or all of them when ``pk`` is None; returns how
    many changed. Only the user's own messages: another's id changes nothing."""
    messages = InboxMessage.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        try:
            messages = messages.filter(pk=int(pk))
        except (TypeError, ValueError):
            return 0
    return messages.update(read_at=timezone.now())
