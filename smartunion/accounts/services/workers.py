"""Workers' accounts: registration with a mobile number proved by a one-time code, the password reset
by code (忘记密码), and moving the account to a new sign-in number. Staff accounts are made by an
administrator (``services.staff``)."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.accounts.models import ApiToken, User, UserKind
from smartunion.accounts.services.codes import one_time_code_prove
from smartunion.accounts.services.lockout import account_key, clear_failures
from smartunion.accounts.services.signin import WrongEnd, password_confirm
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import Forbidden, ValidationFailed
from smartunion.core.models import AuditOutcome
from smartunion.core.personal import mobile_index, validate_mobile
from smartunion.core.scoping import scopes_disabled
from smartunion.notifications.services import notify

# --- Workers: registration ------------------------------------------------------------------------


def worker_register_check(*, mobile: str, password: str, display_name: str, agree: bool) -> str:
    """The registration form's own rules, every bad field at once; returns the normalised mobile.
    Nothing here reads the database about the mobile: until its code is proved, a registered number
    and a new one are answered alike.

    ``agree``: the worker accepted the privacy notice (PIPL art. 13-14: consent before collecting
    personal information); registration without it is refused."""
    errors: dict[str, list[str]] = {}
    if not agree:
        errors["agree"] = [_("Please read and accept the privacy notice to register.")]
    try:
        mobile = validate_mobile(mobile)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if not (display_name or "").strip():
        errors["display_name"] = [_("Please enter your name.")]
    try:
        validate_password(password, User(username="new-worker", display_name=display_name))
    except DjangoValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationFailed(fields=errors)
    return mobile


def worker_account_create(*, mobile: str, password: str, display_name: str, client_address: str) -> User:
    """A worker account for a mobile whose code was just proved (``one_time_code_prove``), inside
    the caller's transaction. The mobile's blind index is unique: of two registrations of one number
    at once, the second is refused by the database."""
    with scopes_disabled(), transaction.atomic():
        if User.objects.filter(mobile_index=mobile_index(mobile)).exists():
            raise ValidationFailed(
                fields={"mobile": [_("This mobile number is already registered. Sign in instead.")]}
            )
        user = User(
            username=f"w-{secrets.token_hex(8)}", kind=UserKind.WORKER, display_name=display_name.strip()
        )
        user.set_mobile(mobile)
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:  # two registrations of one mobile at once
            raise ValidationFailed(
                fields={"mobile": [_("This mobile number is already registered.")]}
            ) from exc
        audit_record(
            action=AuditAction.WORKER_REGISTER,
            actor=user,
            obj=user,
            client_address=client_address,
            data={"privacy_notice": True},
        )
        return user


def worker_register(
    *, mobile: str, code: str, password: str, display_name: str, client_address: str, agree: bool = False
) -> User:
    """A new worker account, without looking for a member record (the ends register through
    ``members.services.worker_activate``, which also links the record union staff entered)."""
    mobile = worker_register_check(mobile=mobile, password=password, display_name=display_name, agree=agree)
    # The code first: only the owner of the mobile learns whether it is already registered.
    one_time_code_prove(
        mobile=mobile,
        code=code,
        purpose="register",
        client_address=client_address,
        action=AuditAction.WORKER_REGISTER,
        signs_in=True,
    )
    return worker_account_create(
        mobile=mobile, password=password, display_name=display_name, client_address=client_address
    )


# --- Workers: account recovery and the sign-in number ---------------------------------------------
# Both reuse the one-time codes (services.codes): sending is limited per number and per address
# (``one_time_code_send``), and every check of a code counts towards the lockout of its number.

RESET_CODE_PURPOSE = "reset"
MOBILE_CHANGE_PURPOSE = "mobile_change"


def _new_password_errors(password: str, user: User | None) -> list[str]:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        return list(exc.messages)
    return []


def password_reset(*, mobile: str, code: str, new_password: str, client_address: str) -> User:
    """忘记密码: a worker chooses a new password with the code sent to their sign-in number
    (``one_time_code_send(purpose="reset")``, answered alike for registered and new numbers). The
    code is proved first, under the lockout of the number, so only its owner learns whether it has
    an account. Proving the number is as good as a code sign-in: the number's failures stop counting
    for the account. Staff are refused: their password is reset by an administrator, and their
    second factor must not be bypassed by a text message. API tokens issued under the old password
    are revoked, as on a change."""
    errors: dict[str, list[str]] = {}
    try:
        mobile = validate_mobile(mobile)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if not (code or "").strip():
        errors["code"] = [_("Enter the code sent to your mobile.")]
    password_errors = _new_password_errors(new_password, None)
    if password_errors:
        errors["new_password"] = password_errors
    if errors:
        raise ValidationFailed(fields=errors)
    # The number's failures stop counting only once a worker's password is reset: a staff account
    # is refused below, and a text message must not give fresh guesses at its password.
    one_time_code_prove(
        mobile=mobile,
        code=code,
        purpose=RESET_CODE_PURPOSE,
        client_address=client_address,
        action=AuditAction.PASSWORD_RESET,
    )
    with scopes_disabled():
        user = User.objects.filter(mobile_index=mobile_index(mobile), is_active=True).first()
    if user is None:
        raise ValidationFailed(
            fields={"mobile": [_("No account is registered with this mobile number. Register instead.")]}
        )
    if user.is_staff_member:
        audit_record(
            action=AuditAction.PASSWORD_RESET,
            actor=user,
            obj=user,
            client_address=client_address,
            outcome=AuditOutcome.DENIED,
            org=user.home_org,
            data={"reason": "staff"},
        )
        raise WrongEnd(
            _("Staff passwords are reset by an administrator on the console, not by a text message.")
        )
    with scopes_disabled(), transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        password_errors = _new_password_errors(new_password, user)
        if password_errors:
            raise ValidationFailed(fields={"new_password": password_errors})
        user.set_password(new_password)
        user.save(update_fields=["password"])
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit_record(action=AuditAction.PASSWORD_RESET, actor=user, obj=user, client_address=client_address)
        clear_failures(key=account_key(mobile))
    return user


def signin_mobile_change(*, user: User, password: str, mobile: str, code: str, client_address: str) -> User:
    """A worker moves their account to a new sign-in number: their password (a stolen session alone
    must not take the account over) and the code sent to the new number
    (``one_time_code_send(purpose="mobile_change")``); both count towards the lockout. A number that
    is already another account's is told only after its code is proved. The change is audited
    without the numbers, and the account's inbox gets a notice naming the old and the new number
    (masked), so the owner learns of a change they did not make. The number the union contacts them
    on (the member record) is not changed here."""
    if user is None or not user.is_authenticated or user.is_staff_member:
        raise Forbidden(_("Only a worker's own account can change its sign-in number."))
    errors: dict[str, list[str]] = {}
    try:
        mobile = validate_mobile(mobile)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    else:
        if user.mobile_encrypted and mobile == user.mobile:
            errors["mobile"] = [_("This is already your sign-in number.")]
    if not (code or "").strip():
        errors["code"] = [_("Enter the code sent to your mobile.")]
    if not password:
        errors["password"] = [_("Enter your current password.")]
    if errors:
        raise ValidationFailed(fields=errors)
    password_confirm(user=user, password=password, client_address=client_address)
    one_time_code_prove(
        mobile=mobile,
        code=code,
        purpose=MOBILE_CHANGE_PURPOSE,
        client_address=client_address,
        action=AuditAction.ACCOUNT_MOBILE_CHANGE,
        user=user,
    )
    taken = ValidationFailed(
        fields={"mobile": [_("This mobile number is already registered to another account.")]}
    )
    with scopes_disabled(), transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if User.objects.filter(mobile_index=mobile_index(mobile)).exclude(pk=user.pk).exists():
            raise taken
        old_masked = user.mobile_masked
        user.set_mobile(mobile)
        try:
            with transaction.atomic():
                user.save(update_fields=["mobile_index", "mobile_encrypted"])
        except IntegrityError as exc:  # two accounts moving to one number at once
            raise taken from exc
        audit_record(
            action=AuditAction.ACCOUNT_MOBILE_CHANGE, actor=user, obj=user, client_address=client_address
        )
        notify(
            user=user,
            title=_("Your sign-in number was changed"),
            body=_(
                "Your sign-in mobile number was changed from %(old)s to %(new)s. If you did not do this, "
                "reset your password and tell your union at once."
            )
            % {"old": old_masked or "—", "new": user.mobile_masked},
        )
    return user
