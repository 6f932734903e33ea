"""The staff second factor: TOTP (RFC 6238, 30-second steps, each step used once) and recovery codes
(keyed hashes, each used once); enrolling an authenticator and confirming it with a first code."""

from __future__ import annotations

import hmac
import secrets
import time

import pyotp
import segno
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.accounts.models import RecoveryCode, TotpDevice, User
from smartunion.accounts.services.lockout import account_key, attempt_begin, attempt_failed, attempt_succeeded
from smartunion.core import crypto
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import Conflict, ValidationFailed
from smartunion.core.scoping import scopes_disabled

TOTP_INTERVAL = 30
RECOVERY_CODE_COUNT = 10


def _current_step() -> int:
    return int(time.time()) // TOTP_INTERVAL


def _consume_totp(device: TotpDevice, code: str) -> str | None:
    """Returns None when accepted, else the reason. A step, once used, is refused again."""
    totp = pyotp.TOTP(device.secret, interval=TOTP_INTERVAL)
    now_step = _current_step()
    for step in (now_step, now_step - 1, now_step + 1):
        if hmac.compare_digest(totp.at(step * TOTP_INTERVAL), code):
            updated = TotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step)
            return None if updated == 1 else "code_reused"
    return "bad_code"


def _hash_recovery(code: str) -> str:
    # Keyed: 48-bit codes under a plain hash could be brute-forced from a database dump alone.
    return crypto.blind_index(code.replace("-", "").upper(), purpose=crypto.IndexPurpose.RECOVERY)


def totp_enrol_begin(*, user: User) -> TotpDevice:
    """An unconfirmed device with a fresh secret; a confirmed one is never replaced here."""
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user).first()
        if device is not None and device.confirmed_at is not None:
            raise Conflict(_("An authenticator is already enrolled."))
        if device is None:
            device = TotpDevice.objects.create(
                user=user, secret_encrypted=crypto.encrypt(pyotp.random_base32())
            )
        return device


def totp_provisioning_uri(*, device: TotpDevice, user: User) -> str:
    return pyotp.TOTP(device.secret, interval=TOTP_INTERVAL).provisioning_uri(
        name=user.username, issuer_name="smartunion"
    )


def totp_qr_data_uri(uri: str) -> str:
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def totp_enrol_confirm(*, user: User, code: str, client_address: str) -> list[str]:
    """Confirm enrolment with a first code; returns the recovery codes, shown once."""
    key = account_key(user.username)
    attempt = attempt_begin(key=key, client_address=client_address)
    with scopes_disabled(), transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=True).first()
        if device is None:
            raise Conflict(_("There is no enrolment waiting to be confirmed."))
        reason = _consume_totp(device, (code or "").strip())
    if reason is not None:
        attempt_failed(
            key=key,
            client_address=client_address,
            action=AuditAction.TWO_FACTOR_ENROL,
            user=user,
            reason=reason,
        )
        raise ValidationFailed(fields={"otp": [_("The verification code is wrong.")]})
    # Password and a first code from the new authenticator: both factors, a complete sign-in.
    attempt_succeeded(row=attempt, complete=True)
    with scopes_disabled(), transaction.atomic():
        device.confirmed_at = timezone.now()
        device.save(update_fields=["confirmed_at"])
        codes = recovery_codes_regenerate(user=user)
        audit_record(action=AuditAction.TWO_FACTOR_ENROL, actor=user, obj=user, client_address=client_address)
        return codes


def recovery_codes_regenerate(*, user: User) -> list[str]:
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}".upper() for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(
            [RecoveryCode(user=user, code_hash=_hash_recovery(c)) for c in codes]
        )
    return codes


def totp_set_secret(*, user: User, secret: str) -> TotpDevice:
    """A confirmed device with a known secret (demo accounts only: the secret is printed)."""
    device, _created = TotpDevice.objects.update_or_create(
        user=user, defaults={"secret_encrypted": crypto.encrypt(secret), "confirmed_at": timezone.now()}
    )
    return device
