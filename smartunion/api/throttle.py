"""Rate limits per API token, kept in the cache (Redis in production; one process's memory in
development). django-ninja's sliding window: a list of request times per key. Over the limit the
answer is 429 ``throttled`` with ``Retry-After``."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    """``setting`` names a rate like ``"60/m"``, read at each request so that it can change without
    a restart (and in tests). The key is a hash of the bearer token: each signed-in device has its
    own budget, and the token itself never reaches the cache."""

    def __init__(self, scope: str, setting: str):
        self.scope = scope
        self.setting = setting
        super().__init__(rate=getattr(settings, setting))

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, self.setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = getattr(request, "api_token", None)
        if not token:
            return None  # unauthenticated requests never get this far
        ident = hashlib.sha256(token.encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}
