"""Telling people things: a message in a user's in-app inbox, a text message (SMS) through the
pluggable sender (``notifications.senders``, chosen by the ``OTP_SENDER`` setting). Every domain
that tells a worker something (membership now; cases and benefits next) calls these, so the
channels stay in one place.

WeChat template messages will go here too: a ``wechat_send(*, user, template, data)`` beside
``notify``, with its sender configured like the SMS one, and ``notify`` may then fan out to the
channels a user has (inbox always; WeChat when the user is bound to the official account). The
callers keep calling ``notify``.
"""

from __future__ import annotations

from django.utils import timezone

from smartunion.notifications.models import InboxMessage
from smartunion.notifications.senders import get_sender


def notify(*, user=None, user_id=None, title: str, body: str = "", link: str = "") -> InboxMessage:
    """Put a message in the user's inbox (give the user or only its id)."""
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


def sms_send_text(*, mobile: str, text: str) -> None:
    """Text a short notice to ``mobile`` (a case's next step), through the configured sender."""
    sender = get_sender()
    # A gateway that only carries codes has no send_text: the inbox message is the notice then.
    if mobile and hasattr(sender, "send_text"):
        sender.send_text(mobile, text[:300])


def sms_send_code(*, mobile: str, code: str) -> None:
    """Text a one-time code to ``mobile`` through the configured sender. The limits on how often a
    code may be sent are the caller's (``accounts``): this only delivers."""
    get_sender().send(mobile, code)
