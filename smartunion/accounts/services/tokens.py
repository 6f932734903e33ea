"""API tokens: random, kept only as their hash, expiring after API_TOKEN_TTL_SECONDS; issued after a
complete sign-in (``signin_for_token``), revoked on demand or when the password changes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.accounts.models import ApiToken, User
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import NotFound


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_issue(*, user: User, client_address: str) -> tuple[str, datetime]:
    raw = secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(seconds=settings.API_TOKEN_TTL_SECONDS)
    with transaction.atomic():
        ApiToken.objects.create(user=user, key_hash=_token_hash(raw), expires_at=expires_at)
        audit_record(action=AuditAction.TOKEN_ISSUE, actor=user, client_address=client_address)
    return raw, expires_at


def token_user(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_token_hash(raw), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token.user


def token_revoke(*, raw: str, client_address: str) -> None:
    with transaction.atomic():
        token = (
            ApiToken.objects.select_related("user").filter(key_hash=_token_hash(raw), revoked_at=None).first()
        )
        if token is None:
            raise NotFound(_("This token does not exist or was already revoked."))
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(action=AuditAction.TOKEN_REVOKE, actor=token.user, client_address=client_address)
