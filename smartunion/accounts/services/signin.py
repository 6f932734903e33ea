"""Sign-in, second factor, tokens, registration and role grants. Only services write."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.accounts.backends import find_user
from smartunion.accounts.models import (
    ApiToken,
    RecoveryCode,
    Role,
    RoleGrant,
    TotpDevice,
    User,
    UserKind,
    mobile_blind_index,
)
from smartunion.accounts.permissions import forget_grants, require_perm
from smartunion.accounts.services.codes import _one_time_code_consume
from smartunion.accounts.services.lockout import account_key, attempt_begin, attempt_failed, attempt_succeeded
from smartunion.accounts.services.totp import _consume_totp, _hash_recovery
from smartunion.core.audit import audit_record
from smartunion.core.codes import is_mobile, validate_mobile
from smartunion.core.errors import Forbidden, NotFound, Unauthorized, ValidationFailed
from smartunion.core.models import AuditOutcome
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
                action="signin.password",
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
                action="signin.password",
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
                action="signin.password",
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
                action="signin.second_factor",
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
                action="signin.second_factor",
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
            key=key, client_address=client_address, action="reauth", user=user, reason="bad_password"
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
        user = User.objects.filter(mobile_index=mobile_blind_index(mobile), is_active=True).first()
        with transaction.atomic():
            ok = user is not None and _one_time_code_consume(mobile=mobile, code=code, purpose="signin")
        if not ok:
            attempt_failed(
                key=key, client_address=client_address, action="signin.code", user=user, reason="bad_code"
            )
            raise Unauthorized(
                _("The code is wrong or has expired."),
                fields={"code": [_("The code is wrong or has expired.")]},
            )
        if user.is_staff_member:
            attempt_succeeded(row=attempt, complete=False)
            audit_record(
                action="signin.code",
                actor=user,
                client_address=client_address,
                outcome=AuditOutcome.DENIED,
                org=user.home_org,
                data={"reason": "wrong_end"},
            )
            raise WrongEnd(_("Staff sign in on the console."))
        with transaction.atomic():
            attempt_succeeded(row=attempt, complete=True)
            audit_record(action="signin.code", actor=user, client_address=client_address)
        return user


def password_change(*, user: User, old_password: str, new_password: str, client_address: str) -> None:
    # The current password is a re-authentication: a stolen session gets no unlimited guesses at
    # it, so wrong ones count towards the lockout like failed sign-ins (and a right one is no
    # complete sign-in: the account's earlier failures keep counting).
    key = account_key(user.mobile if user.mobile_encrypted else user.username)
    attempt = attempt_begin(key=key, client_address=client_address)
    if not user.check_password(old_password or ""):
        attempt_failed(
            key=key, client_address=client_address, action="password.change", user=user, reason="bad_password"
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
            action="password.change",
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


# --- Role grants ------------------------------------------------------------------------------------


def reauthenticate(*, actor: User, secret: str, client_address: str) -> None:
    """Granting power asks the granting administrator to prove presence again: password or a fresh
    code. Wrong answers count towards the lockout like failed sign-ins (a stolen session gets no
    unlimited guesses)."""
    key = account_key(actor.username)
    attempt = attempt_begin(key=key, client_address=client_address)
    secret = (secret or "").strip()
    if secret and actor.check_password(secret):
        attempt_succeeded(row=attempt, complete=False)
        return
    if secret.isdigit() and len(secret) == 6:
        device = TotpDevice.objects.filter(user=actor, confirmed_at__isnull=False).first()
        if device is not None and _consume_totp(device, secret) is None:
            attempt_succeeded(row=attempt, complete=False)
            return
    attempt_failed(key=key, client_address=client_address, action="reauth", user=actor, reason="bad_reauth")
    raise ValidationFailed(
        fields={"confirm": [_("Re-enter your password or a current authenticator code to confirm.")]}
    )


def role_grant(*, actor: User, user: User, role: Role, org, confirm: str, client_address: str) -> RoleGrant:
    require_perm(actor, "roles.grant", org)
    if not user.is_staff_member:
        raise ValidationFailed(fields={"user": [_("Roles can only be granted to staff accounts.")]})
    # Nobody hands out a flag they do not hold there themselves.
    from smartunion.accounts.permissions import has_perm

    missing = [p for p in role.permissions if not has_perm(actor, p, org)]
    if missing:
        raise ValidationFailed(
            fields={"role": [_("You cannot grant a role with rights you do not hold here.")]}
        )
    reauthenticate(actor=actor, secret=confirm, client_address=client_address)
    with transaction.atomic():
        grant, created = RoleGrant.objects.get_or_create(
            user=user, role=role, org=org, defaults={"granted_by": actor}
        )
        if not created:
            raise ValidationFailed(fields={"role": [_("This person already holds this role here.")]})
        audit_record(
            action="role.grant",
            actor=actor,
            obj=grant,
            org=org,
            client_address=client_address,
            data={"user": user.pk, "role": role.code},
        )
    forget_grants(user)
    return grant


def _require_power_over(actor: User, user: User) -> None:
    """Nobody acts on an account that holds rights they do not hold themselves, on every node where
    it holds them (an administrator cannot take over a higher administrator homed below them)."""
    from smartunion.accounts.permissions import has_perm

    with scopes_disabled():
        grants = list(RoleGrant.objects.filter(user=user).select_related("role", "org"))
    for grant in grants:
        if not all(has_perm(actor, flag, grant.org) for flag in grant.role.permissions):
            raise Forbidden(_("This account holds rights you do not hold; ask an administrator above you."))


def role_revoke(*, actor: User, grant: RoleGrant, confirm: str, client_address: str) -> None:
    require_perm(actor, "roles.grant", grant.org)
    from smartunion.accounts.permissions import has_perm

    if not all(has_perm(actor, flag, grant.org) for flag in grant.role.permissions):
        raise Forbidden(_("You cannot revoke a role with rights you do not hold here."))
    if grant.user_id == actor.pk:
        raise ValidationFailed(
            fields={"confirm": [_("You cannot revoke your own role; ask another administrator.")]}
        )
    reauthenticate(actor=actor, secret=confirm, client_address=client_address)
    with transaction.atomic():
        audit_record(
            action="role.revoke",
            actor=actor,
            obj=grant,
            org=grant.org,
            client_address=client_address,
            data={"user": grant.user_id, "role": grant.role.code},
        )
        grant.delete()
    forget_grants(grant.user)


def staff_create(
    *, actor: User | None, username: str, display_name: str, password: str, home_org, client_address: str = ""
) -> User:
    if actor is not None:
        require_perm(actor, "roles.grant", home_org)
    errors: dict[str, list[str]] = {}
    if not username or is_mobile(username) or User.objects.filter(username=username).exists():
        errors["username"] = [_("Choose another username (not a mobile number, not already taken).")]
    try:
        validate_password(password, User(username=username, display_name=display_name))
    except DjangoValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        # The creator knows this password: the new staff member must choose their own at first sign-in.
        user = User(
            username=username,
            kind=UserKind.STAFF,
            display_name=display_name,
            home_org=home_org,
            password_change_required=actor is not None,
        )
        user.set_password(password)
        user.save()
        audit_record(
            action="staff.create", actor=actor, obj=user, org=home_org, client_address=client_address
        )
    return user


def staff_get_in_scope(*, pk) -> User:
    """A staff account whose home organisation the viewer can see; otherwise it does not exist."""
    from smartunion.orgs.models import Org

    user = (
        User.objects.select_related("home_org")
        .filter(pk=pk, kind=UserKind.STAFF, home_org__in=Org.objects.all())
        .first()
    )
    if user is None:
        raise NotFound(_("This staff account does not exist."))
    return user


def totp_reset(*, actor: User, user: User, confirm: str, client_address: str) -> None:
    """A staff member lost their authenticator: an administrator over their organisation removes
    it (and the recovery codes and API tokens); at the next sign-in they enrol a new one."""
    require_perm(actor, "roles.grant", user.home_org)
    if user.pk == actor.pk:
        raise ValidationFailed(
            fields={"confirm": [_("You cannot reset your own authenticator; ask another administrator.")]}
        )
    _require_power_over(actor, user)
    reauthenticate(actor=actor, secret=confirm, client_address=client_address)
    with transaction.atomic():
        TotpDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit_record(
            action="2fa.reset", actor=actor, obj=user, org=user.home_org, client_address=client_address
        )
