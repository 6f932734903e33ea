"""One-time codes sent by SMS to a mobile number, for a purpose (register, sign in, link a record,
reset the password, change the sign-in or the contact number). Sending is limited per number and per
client address; a code is proved under the sign-in lockout of its number and used once."""

from __future__ import annotations

import contextlib
import hmac
import math
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from smartunion.accounts.models import OneTimeCode, User
from smartunion.accounts.services.lockout import account_key, attempt_begin, attempt_failed, attempt_succeeded
from smartunion.core import crypto
from smartunion.core.audit import AuditAction
from smartunion.core.errors import DomainError, Throttled, ValidationFailed
from smartunion.core.locks import advisory_lock
from smartunion.core.personal import mobile_index, validate_mobile
from smartunion.core.scoping import scopes_disabled
from smartunion.notifications.services import sms_send_code


def _code_hash(mobile: str, code: str) -> str:
    return crypto.blind_index(f"{mobile}:{code}", purpose=crypto.IndexPurpose.ONE_TIME_CODE)


def one_time_code_send(*, mobile: str, purpose: str, client_address: str) -> None:
    """Send a code to ``mobile`` for ``purpose``. Each code is an SMS someone pays for, so sending
    is limited: one a minute to a number, at most ``CODE_SEND_PER_NUMBER_HOUR`` an hour and
    ``CODE_SEND_PER_NUMBER_DAY`` a day to a number whoever asks, and from one client address at
    most ``CODE_SEND_PER_ADDRESS_HOUR`` an hour and ``CODE_SEND_PER_ADDRESS_DAY`` a day, whatever
    the numbers (``Throttled``, 429). Nothing here depends on whether the number is registered.

    As ``attempt_begin`` does for guesses, the code's row is written (committed) before the sends
    are counted, so requests sent in parallel see each other and no burst gets past a limit; a
    refused request removes its row again, so only codes sent count. Until the limits have been
    checked the row has already expired: a code that was never sent can never be used."""
    mobile = validate_mobile(mobile)
    index = mobile_index(mobile)
    code = f"{secrets.randbelow(10**6):06d}"
    with _one_number_at_a_time(index):
        now = timezone.now()
        with transaction.atomic():
            pending = OneTimeCode.objects.create(
                mobile_index=index,
                purpose=purpose,
                code_hash=_code_hash(mobile, code),
                client_address=client_address or "",
                created_at=now,
                expires_at=now,
            )
        refusal = _send_refusal(pending=pending)
        if refusal is not None:
            OneTimeCode.objects.filter(pk=pending.pk).delete()
            raise refusal
        OneTimeCode.objects.filter(pk=pending.pk).update(
            expires_at=timezone.now() + timedelta(seconds=settings.ONE_TIME_CODE_TTL_SECONDS)
        )
    sms_send_code(mobile=mobile, code=code)


# The first key of PostgreSQL's two-key advisory locks taken per mobile number ("SMS").
_CODE_SEND_LOCK_SPACE = 0x534D53


def _one_number_at_a_time(index: str) -> contextlib.AbstractContextManager[None]:
    """PostgreSQL: requests for codes to one number take turns (an advisory lock keyed by the
    number's blind index), from writing their row to counting. Two requests at the same instant
    (a double tap, a network retry) would otherwise each count the other's row and both be refused
    with no code sent. Requests for other numbers never wait. On SQLite the rule stays a row count:
    a double tap there may still be refused twice, and the worker asks again after a minute."""
    return advisory_lock(_CODE_SEND_LOCK_SPACE, int(index[:7], 16))  # hex; 28 bits fit an int4


def _send_refusal(*, pending: OneTimeCode) -> DomainError | None:
    """Why the code in ``pending`` (written, not yet sent) must not be sent, if it must not."""
    now = timezone.now()
    if pending.client_address:
        for window, limit in (
            (3600, settings.CODE_SEND_PER_ADDRESS_HOUR),
            (24 * 3600, settings.CODE_SEND_PER_ADDRESS_DAY),
        ):
            sent = OneTimeCode.objects.filter(
                client_address=pending.client_address, created_at__gt=now - timedelta(seconds=window)
            )
            if sent.count() > limit:
                return _sends_throttled(sent=sent.exclude(pk=pending.pk), window=window, limit=limit, now=now)
    if (
        OneTimeCode.objects.filter(
            mobile_index=pending.mobile_index, created_at__gt=now - timedelta(seconds=60)
        ).count()
        > 1
    ):
        return ValidationFailed(
            fields={"mobile": [_("A code was sent less than a minute ago. Please wait.")]}
        )
    # One number is not to be flooded with texts from many addresses (SMS bombing), whoever asks.
    for window, limit in (
        (3600, settings.CODE_SEND_PER_NUMBER_HOUR),
        (24 * 3600, settings.CODE_SEND_PER_NUMBER_DAY),
    ):
        sent = OneTimeCode.objects.filter(
            mobile_index=pending.mobile_index, created_at__gt=now - timedelta(seconds=window)
        )
        if sent.count() > limit:
            return _sends_throttled(
                sent=sent.exclude(pk=pending.pk), window=window, limit=limit, now=now, to_number=True
            )
    return None


def _sends_throttled(*, sent, window: int, limit: int, now: datetime, to_number: bool = False) -> Throttled:
    """The refusal of a send over an address or number limit, saying when the next one will be
    accepted: once enough of the codes sent in the window have left it."""
    times = list(sent.order_by("created_at").values_list("created_at", flat=True))
    leaving = len(times) - limit + 1  # how many must leave the window before one more fits in it
    retry_after = 60
    if leaving > 0:
        retry_after = max(
            60, math.ceil((times[leaving - 1] + timedelta(seconds=window) - now).total_seconds())
        )
    minutes = math.ceil(retry_after / 60)
    in_hours = minutes > 90
    count = math.ceil(minutes / 60) if in_hours else minutes
    if to_number:
        message = (
            ngettext(
                "Too many verification codes have been sent to this number. Please try again in %(count)d hour.",
                "Too many verification codes have been sent to this number. Please try again in %(count)d hours.",
                count,
            )
            if in_hours
            else ngettext(
                "Too many verification codes have been sent to this number. Please try again in %(count)d minute.",
                "Too many verification codes have been sent to this number. Please try again in %(count)d minutes.",
                count,
            )
        )
    else:
        message = (
            ngettext(
                "Too many verification codes have been requested from your network. Please try again in %(count)d hour.",
                "Too many verification codes have been requested from your network. Please try again in %(count)d hours.",
                count,
            )
            if in_hours
            else ngettext(
                "Too many verification codes have been requested from your network. Please try again in %(count)d minute.",
                "Too many verification codes have been requested from your network. Please try again in %(count)d minutes.",
                count,
            )
        )
    message = message % {"count": count}
    return Throttled(message, fields={"mobile": [message]}, retry_after=retry_after)


def _one_time_code_consume(*, mobile: str, code: str, purpose: str) -> bool:
    """Use up the newest live code for ``mobile`` and ``purpose`` if ``code`` is it. Called only
    behind ``attempt_begin`` (``one_time_code_prove``, ``signin_one_time_code``): the code's own
    count of wrong tries is read before it is raised, so parallel guesses could all pass it; the
    lockout's counted attempt cannot be outrun."""
    index = mobile_index(mobile)
    candidate = (
        OneTimeCode.objects.filter(
            mobile_index=index,
            purpose=purpose,
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            attempts__lt=5,
        )
        .order_by("-created_at")
        .first()
    )
    if candidate is None:
        return False
    if not hmac.compare_digest(candidate.code_hash, _code_hash(mobile, (code or "").strip())):
        OneTimeCode.objects.filter(pk=candidate.pk).update(
            attempts=F("attempts") + 1
        )  # one statement: no lost update
        return False
    return (
        OneTimeCode.objects.filter(pk=candidate.pk, used_at__isnull=True).update(used_at=timezone.now()) == 1
    )


def one_time_code_prove(
    *,
    mobile: str,
    code: str,
    purpose: str,
    client_address: str,
    action: AuditAction,
    user: User | None = None,
    signs_in: bool = False,
) -> None:
    """Possession of ``mobile``, proved by the code sent to it for ``purpose``, under the sign-in
    lockout of that number: the attempt counts before the code is checked, a wrong code stays
    counted and is audited as a failed ``action``; a right one is not counted. The number's earlier
    failures stop counting for it only when the caller ``signs_in`` the owner of the number (a
    registration); a code proved for anything else leaves them counted. Call it outside the caller's
    transaction, so that a failed attempt still counts."""
    key = account_key(mobile)
    with scopes_disabled():
        attempt = attempt_begin(key=key, client_address=client_address)
        if not _one_time_code_consume(mobile=mobile, code=code, purpose=purpose):
            attempt_failed(
                key=key, client_address=client_address, action=action, user=user, reason="bad_code"
            )
            raise ValidationFailed(
                fields={"code": [_("The code is wrong or has expired. Request a new one.")]}
            )
        attempt_succeeded(row=attempt, complete=signs_in)
