"""Small request helpers shared by the console and the mobile web."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request that wants a fragment. A boosted link or form (``hx-boost``) wants the
    whole page, so it does not count."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def safe_redirect_target(request: HttpRequest, value: str | None, default: str) -> str:
    """``value`` when it points to this site (a relative path or this host, https when the request
    is), otherwise ``default``: a ``next`` parameter must not send the user to another site."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return default
