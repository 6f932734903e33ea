from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.utils import translation

from smartunion.accounts.permissions import scope_for_user
from smartunion.accounts.services import token_user
from smartunion.core.scoping import EMPTY_SCOPE, activate, scopes_disabled

SUPPORTED = {code for code, _name in settings.LANGUAGES}
# Pages a staff member who must first choose a new password may still reach.
_PASSWORD_CHANGE_EXEMPT = {"/console/account/password/", "/console/logout/", "/console/language/"}


def request_address(request) -> str:
    """The client address. Behind nginx, the proxy's X-Real-IP is trusted only when configured."""
    if getattr(settings, "TRUST_X_REAL_IP", False) and request.META.get("HTTP_X_REAL_IP"):
        return request.META["HTTP_X_REAL_IP"][:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


class LanguageMiddleware:
    """zh-Hans unless the user chose otherwise; the choice is kept in a cookie and on the account.
    The browser's Accept-Language is deliberately ignored: the product's default is Chinese."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in SUPPORTED:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class TokenAuthenticationMiddleware:
    """The API is token-only: under /api/ the user comes from ``Authorization: Bearer``, never from a
    session cookie (so no CSRF exposure)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            header = request.META.get("HTTP_AUTHORIZATION", "")
            request.user = AnonymousUser()
            request.api_token = None
            if header.lower().startswith("bearer "):
                raw = header[7:].strip()
                with scopes_disabled():
                    user = token_user(raw)
                if user is not None:
                    request.user = user
                    request.api_token = raw
        return self.get_response(request)


def signed_in_staff(request) -> bool:
    """A staff member signed in with both factors. Staff sign in on the console only; the session it
    gives them (``otp_verified``) is what every staff page, on the console or the mobile web, asks
    for."""
    user = request.user
    return bool(user.is_authenticated and user.is_staff_member and request.session.get("otp_verified"))


SESSION_TOUCHED = "idle_from"
SESSION_TOUCH_SECONDS = 60


class StaffSessionMiddleware:
    """Staff sessions: second factor required, 30 minutes idle time-out (GB/T 22239 level 3)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not request.path.startswith("/api/") and user.is_authenticated:
            if user.is_staff_member:
                if not request.session.get("otp_verified"):
                    logout(request)
                else:
                    # The idle clock restarts with activity. Saving the session on every request is a
                    # database write per page (bench/case_queue.py): restart it at most once a minute,
                    # so the time-out is 29 to 30 minutes of idleness.
                    now = int(time.time())
                    if now - int(request.session.get(SESSION_TOUCHED, 0)) >= SESSION_TOUCH_SECONDS:
                        request.session[SESSION_TOUCHED] = now
                        request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
                    if (
                        user.password_change_required
                        and request.path.startswith("/console/")
                        and (request.path not in _PASSWORD_CHANGE_EXEMPT)
                    ):
                        return redirect("console:password_change")
            if (
                user.is_authenticated
                and user.language in SUPPORTED
                and (settings.LANGUAGE_COOKIE_NAME not in request.COOKIES)
            ):
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class ScopeMiddleware:
    """Activates, for the whole request, the scope of whoever is signed in (``core.scoping``): staff
    see the subtrees where they hold a role; workers and anonymous visitors get the empty scope."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        active = scope_for_user(user) if user is not None and user.is_authenticated else EMPTY_SCOPE
        request.scope = active
        with activate(active):
            return self.get_response(request)
