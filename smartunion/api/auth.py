"""Tokens and the signed-in user."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from smartunion.accounts.middleware import request_address
from smartunion.accounts.services import signin_for_token, token_issue, token_revoke
from smartunion.api.errors import error_responses
from smartunion.api.schemas import MeOut, TokenIn, TokenOut

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


@me_router.get("", response={200: MeOut, **error_responses(401)}, summary="Who am I", operation_id="me")
def me(request: HttpRequest):
    """The signed-in user, with the roles they hold and where. The mobile number is masked."""
    user = request.auth
    grants = list(user.grants.select_related("role", "org").order_by("org__path", "role_id"))
    return {
        "id": user.pk,
        "username": user.username,
        "kind": user.kind,
        "display_name": user.display_name,
        "mobile": user.mobile_masked,
        "home_org": user.home_org,
        "grants": grants,
    }
