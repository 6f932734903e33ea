"""Signing in: the password (the first factor), the staff second factor, both at once for an API
token, a worker's one-time code; and the signed-in user proving presence again with their password,
changing it, and choosing their interface language."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.accounts.backends import find_user
from smartunion.accounts.models import ApiToken, RecoveryCode, TotpDevice, User
from smartunion.accounts.services.codes import _one_time_code_consume
from smartunion.accounts.services.lockout import account_key, attempt_begin, attempt_failed, attempt_succeeded
from smartunion.accounts.services.totp import _consume_totp, _hash_recovery
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import Unauthorized, ValidationFailed
from smartunion.core.models import AuditOutcome
from smartunion.core.personal import mobile_index, validate_mobile
from smartunion.core.scoping import scopes_disabled


class WrongEnd(Unauthorized):
    """The right password, on the wrong end: staff on the mobile web, workers on the console."""

    code = "wrong_end"
    status = 403


# --- Password sign-in ----------------------------------------------------------------------------


def signin_password(
    *, username: str, password: str, client_address: str, staff_only: bool = False, worker_only: bool = False
) -> User:
    """First factor. Workers are signed in after this; staff go on to the second factor. The
    console passes ``staff_only`` and the mobile web ``worker_only``: an account of the other kind
    is refused there (and recorded as a failed sign-in, not a success)."""
    key = account_key(username)
    with scopes_disabled():
        attempt = attempt_begin(key=key, client_address=client_address)
        user = authenticate(username=username, password=password)
        if user is None:
            attempt_failed(
                key=key,
                client_address=client_address,
                action=AuditAction.SIGNIN_PASSWORD,
                user=find_user(username),
                reason="bad_credentials",
            )
            raise Unauthorized(
                _("The username or password is wrong."),
                fields={"password": [_("The username or password is wrong.")]},
            )
        if (staff_only and not user.is_staff_member) or (worker_only and user.is_staff_member):
            attempt_succeeded(row=attempt, complete=False)
            audit_record(
                action=AuditAction.SIGNIN_PASSWORD,
                actor=user,
                client_address=client_address,
                outcome=AuditOutcome.DENIED,
                data={"reason": "wrong_end"},
            )
            raise WrongEnd(
                _("Staff sign in on the console.")
                if user.is_staff_member
                else _("Workers sign in on the mobile web.")
            )
        with transaction.atomic():
            # A staff member's right password is half a sign-in: the failures (of the second factor
            # too) keep counting until the second factor is right.
            attempt_succeeded(row=attempt, complete=not user.is_staff_member)
            audit_record(
                action=AuditAction.SIGNIN_PASSWORD,
                actor=user,
                client_address=client_address,
                org=user.home_org if user.is_staff_member else None,
                data={"stage": "first_factor"} if user.is_staff_member else {},
            )
        return user


def user_needs_enrolment(user: User) -> bool:
    device = TotpDevice.objects.filter(user=user).first()
    return device is None or device.confirmed_at is None


def second_factor_verify(*, user: User, code: str, client_address: str) -> str:
    """Second factor for staff: a TOTP code or one unused recovery code. Returns which was used."""
    key = account_key(user.username)
    code = (code or "").strip().replace(" ", "")
    with scopes_disabled():
        attempt = attempt_begin(key=key, client_address=client_address)
        device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
        reason = "no_device"
        method = "totp"
        if device is not None and code.isdigit() and len(code) == 6:
            reason = _consume_totp(device, code)
        elif device is not None and code:
            method = "recovery"
            used = RecoveryCode.objects.filter(
                user=user, code_hash=_hash_recovery(code), used_at__isnull=True
            ).update(used_at=timezone.now())
            reason = None if used == 1 else "bad_recovery_code"
        if reason is not None:
            attempt_failed(
                key=key,
                client_address=client_address,
                action=AuditAction.SIGNIN_SECOND_FACTOR,
                user=user,
                reason=reason,
            )
            message = (
                _("This code has already been used. Wait for the next code.")
                if reason == "code_reused"
                else _("The verification code is wrong.")
            )
            raise Unauthorized(message, fields={"otp": [message]})
        with transaction.atomic():
            attempt_succeeded(row=attempt, complete=True)
            audit_record(
                action=AuditAction.SIGNIN_SECOND_FACTOR,
                actor=user,
                client_address=client_address,
                org=user.home_org,
                data={"method": method},
            )
        return method


def signin_for_token(*, username: str, password: str, otp: str | None, client_address: str) -> User:
    """Both factors in one call (the API): staff must send ``otp``."""
    user = signin_password(username=username, password=password, client_address=client_address)
    if user.is_staff_member:
        if not otp:
            raise Unauthorized(
                _("Staff must send the code from their authenticator app."),
                fields={"otp": [_("Enter the 6-digit code from your authenticator app.")]},
            )
        second_factor_verify(user=user, code=otp, client_address=client_address)
        if user.password_change_required:
            # Whoever created the account knows this password: no token until the owner chose theirs.
            raise WrongEnd(_("Choose your own password on the console first, then request a token."))
    return user


def password_confirm(*, user: User, password: str, client_address: str) -> None:
    """A signed-in user proves presence with their password before an irreversible step (closing
    the account). Failures count towards the lockout like failed sign-ins."""
    key = account_key(user.mobile if user.mobile_encrypted else user.username)
    attempt = attempt_begin(key=key, client_address=client_address)
    if not user.check_password(password or ""):
        attempt_failed(
            key=key,
            client_address=client_address,
            action=AuditAction.REAUTH,
            user=user,
            reason="bad_password",
        )
        raise ValidationFailed(fields={"password": [_("The current password is wrong.")]})
    attempt_succeeded(row=attempt, complete=False)


def signin_one_time_code(*, mobile: str, code: str, client_address: str) -> User:
    """A worker signs in with a code sent to their sign-in number. Staff are refused (``WrongEnd``)
    once the code is proved, so only the number's owner learns it belongs to staff, and recorded as
    refused, never as a sign-in: their second factor is on the console."""
    mobile = validate_mobile(mobile)
    key = account_key(mobile)
    with scopes_disabled():
        attempt = attempt_begin(key=key, client_address=client_address)
        user = User.objects.filter(mobile_index=mobile_index(mobile), is_active=True).first()
        with transaction.atomic():
            ok = user is not None and _one_time_code_consume(mobile=mobile, code=code, purpose="signin")
        if not ok:
            attempt_failed(
                key=key,
                client_address=client_address,
                action=AuditAction.SIGNIN_CODE,
                user=user,
                reason="bad_code",
            )
            raise Unauthorized(
                _("The code is wrong or has expired."),
                fields={"code": [_("The code is wrong or has expired.")]},
            )
        if user.is_staff_member:
            attempt_succeeded(row=attempt, complete=False)
            audit_record(
                action=AuditAction.SIGNIN_CODE,
                actor=user,
                client_address=client_address,
                outcome=AuditOutcome.DENIED,
                org=user.home_org,
                data={"reason": "wrong_end"},
            )
            raise WrongEnd(_("Staff sign in on the console."))
        with transaction.atomic():
            attempt_succeeded(row=attempt, complete=True)
            audit_record(action=AuditAction.SIGNIN_CODE, actor=user, client_address=client_address)
        return user


def password_change(*, user: User, old_password: str, new_password: str, client_address: str) -> None:
    # The current password is a re-authentication: a stolen session gets no unlimited guesses at
    # it, so wrong ones count towards the lockout like failed sign-ins (and a right one is no
    # complete sign-in: the account's earlier failures keep counting).
    key = account_key(user.mobile if user.mobile_encrypted else user.username)
    attempt = attempt_begin(key=key, client_address=client_address)
    if not user.check_password(old_password or ""):
        attempt_failed(
            key=key,
            client_address=client_address,
            action=AuditAction.PASSWORD_CHANGE,
            user=user,
            reason="bad_password",
        )
        raise ValidationFailed(fields={"old_password": [_("The current password is wrong.")]})
    attempt_succeeded(row=attempt, complete=False)
    try:
        validate_password(new_password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(fields={"new_password": list(exc.messages)}) from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.password_change_required = False
        user.save(update_fields=["password", "password_change_required"])
        # Tokens issued under the old password stop working (a stolen token must not outlive it).
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit_record(
            action=AuditAction.PASSWORD_CHANGE,
            actor=user,
            obj=user,
            client_address=client_address,
            org=user.home_org if user.is_staff_member else None,
        )


def user_language_set(*, user: User, language: str) -> None:
    """The user's interface language, kept on the account so it follows them to a new device."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed(fields={"language": [_("This language is not available.")]})
    user.language = language
    user.save(update_fields=["language"])
