"""Sign-in, second factor, tokens, registration and role grants. Only services write.

One module per area; every public name is re-exported here, so ``from smartunion.accounts.services
import X`` keeps working:

- ``lockout``: attempts counted before a secret is checked, per account and client address.
- ``signin``: password sign-in, the second factor, sign-in for a token or by code, the password.
- ``totp``: enrolling an authenticator, recovery codes.
- ``tokens``: API tokens.
- ``codes``: one-time codes by SMS: sending within limits, proving under the lockout.
- ``workers``: worker registration, the password reset by code, the sign-in number.
- ``staff``: staff accounts, role grants and revocations, resetting an authenticator.

Inside the package, modules import each other by their own names (``services.lockout``), never
through this package, so patch a name where it is looked up.
"""

from smartunion.accounts.services.codes import one_time_code_prove, one_time_code_send
from smartunion.accounts.services.lockout import (
    account_key,
    attempt_begin,
    attempt_failed,
    attempt_succeeded,
    check_lockout,
    clear_failures,
)
from smartunion.accounts.services.signin import (
    WrongEnd,
    password_change,
    password_confirm,
    second_factor_verify,
    signin_for_token,
    signin_one_time_code,
    signin_password,
    user_language_set,
    user_needs_enrolment,
)
from smartunion.accounts.services.staff import (
    reauthenticate,
    role_grant,
    role_revoke,
    staff_create,
    staff_get_in_scope,
    totp_reset,
)
from smartunion.accounts.services.tokens import token_issue, token_revoke, token_user
from smartunion.accounts.services.totp import (
    RECOVERY_CODE_COUNT,
    TOTP_INTERVAL,
    recovery_codes_regenerate,
    totp_enrol_begin,
    totp_enrol_confirm,
    totp_provisioning_uri,
    totp_qr_data_uri,
    totp_set_secret,
)
from smartunion.accounts.services.workers import (
    MOBILE_CHANGE_PURPOSE,
    RESET_CODE_PURPOSE,
    password_reset,
    signin_mobile_change,
    worker_account_create,
    worker_register,
    worker_register_check,
)

__all__ = [
    "MOBILE_CHANGE_PURPOSE",
    "RECOVERY_CODE_COUNT",
    "RESET_CODE_PURPOSE",
    "TOTP_INTERVAL",
    "WrongEnd",
    "account_key",
    "attempt_begin",
    "attempt_failed",
    "attempt_succeeded",
    "check_lockout",
    "clear_failures",
    "one_time_code_prove",
    "one_time_code_send",
    "password_change",
    "password_confirm",
    "password_reset",
    "reauthenticate",
    "recovery_codes_regenerate",
    "role_grant",
    "role_revoke",
    "second_factor_verify",
    "signin_for_token",
    "signin_mobile_change",
    "signin_one_time_code",
    "signin_password",
    "staff_create",
    "staff_get_in_scope",
    "token_issue",
    "token_revoke",
    "token_user",
    "totp_enrol_begin",
    "totp_enrol_confirm",
    "totp_provisioning_uri",
    "totp_qr_data_uri",
    "totp_reset",
    "totp_set_secret",
    "user_language_set",
    "user_needs_enrolment",
    "worker_account_create",
    "worker_register",
    "worker_register_check",
]
