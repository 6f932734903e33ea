"""The in-process task runner: long work (a big roster import) runs in a thread of the web process
while the page polls its progress. Celery can replace ``run_in_background`` later without the
callers changing.

The thread gets its own database connection (Django's connections are per thread) and closes it
when the work ends, so no connection leaks from a finished task. It starts with no active scope:
the task enters the scope of the org it works for (core.scoping.scope_for_orgs), as every
background task must.

Redis is optional (core/cache.py), and the same rule holds for a task broker when Celery comes: a
broker that is down must not fail the request that queues the work nor leave its record stuck in a
running state; run the work in-process, or refuse with a clear message and put the record back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections, connections

logger = logging.getLogger(__name__)


def run_in_background(fn: Callable, *args, **kwargs) -> threading.Thread:
    """Start ``fn(*args, **kwargs)`` in a daemon thread; returns the thread (tests join it)."""

    def target() -> None:
        close_old_connections()
        try:
            fn(*args, **kwargs)
        except Exception:  # the task records its own failure; this is the last resort
            logger.exception("Background task %s failed", getattr(fn, "__name__", fn))
        finally:
            connections.close_all()

    thread = threading.Thread(target=target, name=f"task-{getattr(fn, '__name__', 'fn')}", daemon=True)
    thread.start()
    return thread
