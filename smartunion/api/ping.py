"""A trivial authenticated endpoint: a client checks that its token works, and bench/ uses it as the
baseline of request paths (the same middleware and token authentication, no work of its own)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from smartunion.api.errors import error_responses

router = Router(tags=["ping"])


class PingOut(Schema):
    ok: bool


@router.get(
    "", response={200: PingOut, **error_responses(401)}, summary="Check the token", operation_id="ping"
)
def ping(request: HttpRequest):
    """Answers `{"ok": true}` to any signed-in caller (401 without a valid token)."""
    return {"ok": True}
