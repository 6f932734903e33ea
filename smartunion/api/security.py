"""Who may call what. The TokenAuthenticationMiddleware has already turned ``Authorization: Bearer``
into ``request.user`` (an expired or revoked token leaves it anonymous); this only says yes or no.
Permission rules themselves live in ``accounts.permissions``."""

from __future__ import annotations

import contextlib

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from smartunion.accounts.permissions import orgs_with_perm_paths, require_perm
from smartunion.core.errors import Forbidden
from smartunion.core.scoping import Scope, activate


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


def scope_with_perm(user, perm: str) -> contextlib.AbstractContextManager[Scope]:
    """Narrow the request's scope to the subtrees where ``user`` holds ``perm``: a listing shows only
    rows the user may open (a cockpit viewer's scope reaches further than their right to browse)."""
    return activate(Scope(prefixes=orgs_with_perm_paths(user, perm)))
