"""The cache is optional: Redis when REDIS_URL is set, else one process's memory. Nothing may fail
because Redis is down (docs/deploy.md, "When Redis is down").

``OptionalRedisCache`` is Django's Redis backend that degrades instead of raising: while Redis is
unreachable a read is a miss, a write is dropped and ``incr`` finds no key. After a failure the
backend does not try Redis again for ``RETRY_AFTER_SECONDS``, so a down Redis costs one refused
connection (or one socket timeout) per process and period, not one per request. The callers that
must know — a rate limit may not silently stop counting — ask ``cache_available()`` and fall back to
the database.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 15.0
_MISSING = object()


class OptionalRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _call(self, fallback: Any, method: str, *args, **kwargs) -> Any:
        if not self.available:
            return fallback
        try:
            return getattr(super(), method)(*args, **kwargs)
        except (RedisError, OSError) as exc:
            self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            logger.warning(
                "Redis cache unavailable (%s: %s); working without it for %d s",
                type(exc).__name__,
                exc,
                RETRY_AFTER_SECONDS,
            )
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, "add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(default, "get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call(None, "set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, "touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call(False, "delete", key, version)

    def get_many(self, keys, version=None):
        return self._call({}, "get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call(False, "has_key", key, version)

    def incr(self, key, delta=1, version=None):
        value = self._call(_MISSING, "incr", key, delta, version)
        if value is _MISSING:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable)")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(list(data), "set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        self._call(None, "delete_many", keys, version)

    def clear(self):
        return self._call(False, "clear")


def cache_available(alias: str = "default") -> bool:
    """False while the configured cache is known to be down (always True for a local cache)."""
    return getattr(caches[alias], "available", True)
