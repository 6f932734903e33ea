"""Tokens and the signed-in user."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from smartunion.accounts.middleware import request_address
from smartunion.accounts.selectors import role_grants_of_user
from smartunion.accounts.services import (
    MOBILE_CHANGE_PURPOSE,
    RESET_CODE_PURPOSE,
    one_time_code_send,
    password_reset,
    signin_for_token,
    signin_mobile_change,
    token_issue,
    token_revoke,
)
from smartunion.api.errors import error_responses
from smartunion.api.schemas.accounts import (
    MeOut,
    PasswordResetCodeIn,
    PasswordResetIn,
    RegisterCodeIn,
    RegisterIn,
    SigninMobileCodeIn,
    SigninMobileIn,
    SigninMobileOut,
    TokenIn,
    TokenOut,
)
from smartunion.api.schemas.members import RegisterOut
from smartunion.core.errors import Forbidden
from smartunion.members.services import worker_activate

router = Router(tags=["auth"])
me_router = Router(tags=["me"])


@router.post(
    "/token",
    auth=None,
    response={200: TokenOut, **error_responses(401, 422, 429)},
    summary="Get a token",
    operation_id="auth_token_issue",
)
def token_create(request: HttpRequest, payload: TokenIn):
    """Sign in and receive a bearer token. Workers send their mobile as `username`; staff must also
    send `otp`, the code from their authenticator app (or a recovery code). Repeated failures lock
    the account for a while (429)."""
    client_address = request_address(request)
    user = signin_for_token(
        username=payload.username, password=payload.password, otp=payload.otp, client_address=client_address
    )
    token, expires_at = token_issue(user=user, client_address=client_address)
    return {"token": token, "expires_at": expires_at}


@router.delete(
    "/token",
    response={204: None, **error_responses(401)},
    summary="Revoke this token",
    operation_id="auth_token_revoke",
)
def token_delete(request: HttpRequest):
    """Revoke the token sent in `Authorization`: it answers 401 from now on."""
    token_revoke(raw=request.api_token, client_address=request_address(request))
    return Status(204, None)


@router.post(
    "/register/code",
    auth=None,
    response={204: None, **error_responses(422, 429)},
    summary="Send a registration code",
    operation_id="auth_register_code",
)
def register_code(request: HttpRequest, payload: RegisterCodeIn):
    """First step of registering a worker: a one-time code goes to the mobile (at most one a minute
    to a number, 422 on `body.mobile`; and a limited number an hour and a day from one client
    address, 429 `throttled` with `Retry-After`). The answer is the same whether or not the number
    is registered, or on a member record."""
    one_time_code_send(mobile=payload.mobile, purpose="register", client_address=request_address(request))
    return Status(204, None)


@router.post(
    "/register",
    auth=None,
    response={201: RegisterOut, **error_responses(422, 429)},
    summary="Register a worker",
    operation_id="auth_register",
)
def register(request: HttpRequest, payload: RegisterIn):
    """Register a worker account with the code sent to the mobile, a password and the privacy notice
    accepted (`agree`), and receive a token. When union staff entered this worker with this mobile
    (a roster import, an enrolment), that member record is linked to the new account at once
    (`member_record: "linked"`, with its `membership`). A wrong code is 422 on `body.code` and counts
    towards the lockout of the number (429); a registered number is 422 on `body.mobile`, told only
    after the code is right."""
    client_address = request_address(request)
    activation = worker_activate(
        mobile=payload.mobile,
        code=payload.code,
        password=payload.password,
        display_name=payload.display_name,
        agree=payload.agree,
        client_address=client_address,
    )
    token, expires_at = token_issue(user=activation.user, client_address=client_address)
    if activation.person is not None:
        member_record = "linked"
    else:
        member_record = "several" if activation.several else "none"
    return Status(
        201,
        {
            "token": token,
            "expires_at": expires_at,
            "member_record": member_record,
            "membership": activation.membership,
        },
    )


@router.post(
    "/password-reset/code",
    auth=None,
    response={204: None, **error_responses(422, 429)},
    summary="Send a password-reset code",
    operation_id="auth_password_reset_code",
)
def password_reset_code(request: HttpRequest, payload: PasswordResetCodeIn):
    """First step of resetting a forgotten password (忘记密码): a one-time code goes to the worker's
    registered mobile, under the same limits as every code (one a minute to a number, 422 on
    `body.mobile`; a limited number an hour and a day per number and per client address, 429
    `throttled` with `Retry-After`). The answer is the same whether or not the number is
    registered."""
    one_time_code_send(
        mobile=payload.mobile, purpose=RESET_CODE_PURPOSE, client_address=request_address(request)
    )
    return Status(204, None)


@router.post(
    "/password-reset",
    auth=None,
    response={204: None, **error_responses(403, 422, 429)},
    summary="Reset a forgotten password",
    operation_id="auth_password_reset",
)
def password_reset_confirm(request: HttpRequest, payload: PasswordResetIn):
    """Choose a new password with the code sent to the registered mobile, then get a token with it.
    A wrong code is 422 on `body.code` and counts towards the lockout of the number (429 `locked`);
    a weak password is 422 on `body.new_password`; a number with no account is 422 on
    `body.mobile`, told only after the code is right; a staff account is 403 `wrong_end` (an
    administrator resets staff passwords). Every token issued before is revoked."""
    password_reset(
        mobile=payload.mobile,
        code=payload.code,
        new_password=payload.new_password,
        client_address=request_address(request),
    )
    return Status(204, None)


def _require_worker(user) -> None:
    if user.is_staff_member:
        raise Forbidden(_("This part of the API is for workers' own accounts."))


@me_router.post(
    "/mobile/code",
    response={204: None, **error_responses(401, 403, 422, 429)},
    summary="Send a code to a new sign-in mobile",
    operation_id="me_signin_mobile_code",
)
def signin_mobile_code(request: HttpRequest, payload: SigninMobileCodeIn):
    """First step of moving your account to a new sign-in mobile: a one-time code goes to the NEW
    number, under the same limits as every code (422 on `body.mobile` within a minute, 429
    `throttled`). Workers only (403 for staff)."""
    _require_worker(request.auth)
    one_time_code_send(
        mobile=payload.mobile, purpose=MOBILE_CHANGE_PURPOSE, client_address=request_address(request)
    )
    return Status(204, None)


@me_router.post(
    "/mobile",
    response={200: SigninMobileOut, **error_responses(401, 403, 422, 429)},
    summary="Change my sign-in mobile",
    operation_id="me_signin_mobile_change",
)
def signin_mobile_update(request: HttpRequest, payload: SigninMobileIn):
    """Move your account to a new sign-in mobile with your current password and the code sent to
    the new number; sign in with the new number from then on. A wrong password is 422 on
    `body.password`, a wrong code 422 on `body.code`; both count towards the lockout (429
    `locked`). A number registered to another account is 422 on `body.mobile`, told only after its
    code is right. The change is audited and a notice naming both numbers (masked) goes to your
    inbox. Your contact mobile on the member record is not changed (`PATCH /me/contact`)."""
    _require_worker(request.auth)
    user = signin_mobile_change(
        user=request.auth,
        password=payload.password,
        mobile=payload.mobile,
        code=payload.code,
        client_address=request_address(request),
    )
    return {"mobile": user.mobile_masked}


@me_router.get("", response={200: MeOut, **error_responses(401)}, summary="Who am I", operation_id="me")
def me(request: HttpRequest):
    """The signed-in user, with the roles they hold and where. The mobile number is masked."""
    user = request.auth
    grants = role_grants_of_user(user=user)
    return {
        "id": user.pk,
        "username": user.username,
        "kind": user.kind,
        "display_name": user.display_name,
        "mobile": user.mobile_masked,
        "home_org": user.home_org,
        "grants": grants,
    }
