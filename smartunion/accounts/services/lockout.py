"""Lockout (GB/T 22239 level 3: lock after repeated failures): every check of a secret (password,
second factor, one-time code, re-authentication) counts as a failure before the secret is checked,
per account and per client address, within LOCKOUT_WINDOW_SECONDS."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.accounts.models import SignInFailure, User
from smartunion.core import crypto
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import Locked
from smartunion.core.models import AuditOutcome
from smartunion.core.personal import is_mobile, normalise_mobile


def account_key(username: str) -> str:
    username = (username or "").strip()
    if is_mobile(username):
        username = normalise_mobile(username)
    return crypto.blind_index(username.lower(), purpose=crypto.IndexPurpose.SIGNIN)


def _window_start() -> datetime:
    return timezone.now() - timedelta(seconds=settings.LOCKOUT_WINDOW_SECONDS)


def _locked_error() -> Locked:
    minutes = settings.LOCKOUT_WINDOW_SECONDS // 60
    return Locked(
        _("Too many failed sign-ins. This account is locked for %(minutes)d minutes; try again later.")
        % {"minutes": minutes}
    )


def _over_limit(*, key: str, client_address: str, allowance: int = 0) -> bool:
    since = _window_start()
    if SignInFailure.objects.filter(account_key=key, account_cleared=False, created_at__gte=since).count() > (
        settings.LOCKOUT_ACCOUNT_FAILURES - 1 + allowance
    ):
        return True
    return bool(client_address) and SignInFailure.objects.filter(
        client_address=client_address, created_at__gte=since
    ).count() > (settings.LOCKOUT_ADDRESS_FAILURES - 1 + allowance)


def check_lockout(*, key: str, client_address: str) -> None:
    """Refuse at once when the account or the address is locked (a read-only check)."""
    if _over_limit(key=key, client_address=client_address):
        raise _locked_error()


def attempt_begin(*, key: str, client_address: str, locked: Locked | None = None) -> SignInFailure:
    """Count this attempt as a failure *before* the secret is checked, then check the limits: guesses
    sent in parallel see each other, so no burst gets past the limit (the row is committed at once,
    outside the caller's transaction). A right secret hands the row to ``attempt_succeeded``; a
    caller that counts only some outcomes deletes the returned row itself. ``locked``: the error
    to raise instead of the sign-in one."""
    with transaction.atomic():
        row = SignInFailure.objects.create(account_key=key, client_address=client_address or "")
    _forget_old_failures(key=key, client_address=client_address)
    if _over_limit(key=key, client_address=client_address, allowance=1):
        # The refused attempt stays counted: had parallel guesses each removed their own row, the
        # lock would vanish with them. So the lock lasts the window after the last attempt.
        raise locked or _locked_error()
    return row


def _forget_old_failures(*, key: str, client_address: str) -> None:
    """Failures older than the window count for nothing (the audit chain keeps them): the account's
    and the address's are removed as they try again, so the table holds about one window's
    failures rather than every failure ever made (a complete sign-in only marks its rows)."""
    since = _window_start()
    SignInFailure.objects.filter(account_key=key, created_at__lt=since).delete()
    if client_address:
        SignInFailure.objects.filter(client_address=client_address, created_at__lt=since).delete()


def attempt_failed(
    *, key: str, client_address: str, action: AuditAction, user: User | None, reason: str
) -> None:
    """The attempt's failure row stays; the audit chain records it."""
    audit_record(
        action=action,
        actor=user,
        client_address=client_address,
        outcome=AuditOutcome.FAILURE,
        org=user.home_org if user is not None and user.is_staff_member else None,
        data={"reason": reason, "account": key[:16]},
    )


def attempt_succeeded(*, row: SignInFailure, complete: bool) -> None:
    """The secret was right, so this attempt was no failure: its own row goes. Only a ``complete``
    sign-in (both factors for staff) also ends the count of the account's earlier failures: a right
    password before a wrong second factor, a re-authentication or a proved code must not give an
    attacker who knows one secret fresh guesses at the other."""
    row.delete()
    if complete:
        clear_failures(key=row.account_key)


def clear_failures(*, key: str) -> None:
    """The account's failures stop counting for the account. They stay counted for the client
    address until their window ends: nothing, not even a sign-in of one's own account, resets the
    limit on guessing from one address."""
    SignInFailure.objects.filter(account_key=key, account_cleared=False).update(account_cleared=True)
