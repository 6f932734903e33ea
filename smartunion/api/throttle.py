"""Rate limits per API token, kept in the cache (Redis in production; one process's memory in
development). django-ninja's sliding window: a list of request times per key. Over the limit the
answer is 429 ``throttled`` with ``Retry-After``.

Redis is optional, and a limit must not stop counting when it is down: while the cache is
unavailable (core.cache) the requests are counted in the database instead (``RateLimitHit``), with
the same window and the same answer."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle

from smartunion.core.cache import cache_available
from smartunion.core.ratelimit import database_window_hit


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
        if cache_available():
            allowed = super().allow_request(request)
            if cache_available():  # otherwise the cache failed during the check: count again below
                return allowed
        return self._allow_by_database(request)

    def _allow_by_database(self, request: HttpRequest) -> bool:
        self.key = self.get_cache_key(request)
        if self.key is None:
            return True
        count = database_window_hit(key=self.key, limit=self.num_requests, window_seconds=self.duration)
        # The shape ninja's wait() reads for Retry-After: request times, newest first.
        self.now, self.history = count.now, count.history
        return True if count.allowed else self.throttle_failure()

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = getattr(request, "api_token", None)
        if not token:
            return None  # unauthenticated requests never get this far
        ident = hashlib.sha256(token.encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}
