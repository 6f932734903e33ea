"""Who may call what. The TokenAuthenticationMiddleware has already turned ``Authorization: Bearer``
into ``request.user`` (an expired or revoked token leaves it anonymous); this only says yes or no.
Permission rules themselves live in ``accounts.permissions``."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from smartunion.accounts.permissions import require_perm, scope_with_perm  # noqa: F401 (re-exported)
from smartunion.core.errors import Forbidden


class BearerToken(HttpBearer):
    """Accepts the request when the middleware found a live token; the user is ``request.auth``."""

    def authenticate(self, request: HttpRequest, token: str):
        # The middleware read the same header; a user set any other way (a session) never counts.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(request, "api_token", None):
            return user
        return None


def require_staff(user) -> None:
    """Workers have no scope; staff endpoints say so instead of answering with empty lists."""
    if not user.is_staff_member:
        raise Forbidden(_("This part of the API is for union staff."))


def staff_with_perm(user, perm: str, org=None) -> None:
    require_staff(user)
    require_perm(user, perm, org)
