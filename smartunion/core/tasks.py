"""Background work: ``enqueue(task, *args)`` runs a Celery task outside the request that asks for it.

- With ``CELERY_BROKER_URL`` set, the task is sent to the broker and a Celery worker runs it
  (smartunion/celery.py; the services in docs/deploy.md).
- With none (``make run``, the tests, a small installation), it runs in a daemon thread of this
  process: the request returns at once and the page polls the task's record, as before Celery.
  (``task_always_eager`` would run it inside the request instead, which a large import must not.)
- With a broker that cannot be reached (connection refused, or no answer within 2 s), the task runs
  in the thread too, and this process does not try the broker again for 15 s, as the cache does
  (core/cache.py): a Redis that is down fails no request and leaves no record waiting for a message
  that was never sent.

The thread gets its own database connection (Django's connections are per thread) and closes it
when the task ends, so no connection leaks from a finished task.

A task is defined once, with ``@shared_task`` in its domain app's ``tasks.py``, and

- takes JSON arguments only: primary keys, never model instances;
- starts with no active scope, in a thread as in a worker, and enters the scope of the org it works
  for (``core.scoping.scope_for_orgs``), or ``scopes_disabled()`` for work across the whole tree,
  with a comment saying why;
- is safe to run twice. A message is acknowledged when its task ends (``CELERY_TASK_ACKS_LATE``), so
  a worker process lost during a task hands the message back and the task runs again, and a
  message may be delivered twice: the task looks at its record first and does nothing when an
  earlier run finished it;
- records its outcome in its own rows (there is no result backend). A record left "running" by a
  process that died says since when it runs, and is found stale after a time limit (the roster
  import: ``ROSTER_COMMIT_STALE_SECONDS``).

Periodic work is declared once, in ``CELERY_BEAT_SCHEDULE`` (settings), and run by ``celery beat``
or, without beat, by ``manage.py run_scheduled`` from cron. docs/decisions/0015 says why.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError as BrokerError

from smartunion.core.cache import RETRY_AFTER_SECONDS

logger = logging.getLogger(__name__)

# Sending from a request: one attempt with short timeouts. The worker's own connection keeps Celery's
# patient retries and CELERY_BROKER_TRANSPORT_OPTIONS.
PUBLISH_TRANSPORT_OPTIONS = {"max_retries": 0, "socket_connect_timeout": 1, "socket_timeout": 2}

_broker_down_until = 0.0


def broker_available() -> bool:
    """A broker is configured and not known to be down in this process."""
    return bool(settings.CELERY_BROKER_URL) and time.monotonic() >= _broker_down_until


def enqueue(task: Any, *args: Any) -> threading.Thread | None:
    """Run the Celery task ``task(*args)`` in the background: sent to the broker when one is
    configured and reachable (returns None), else started in a thread of this process (returns the
    thread; tests may join it).

    ``task`` is the task or its dotted path (``"smartunion.members.tasks.roster_import_commit_task"``):
    a service queues the task of its own app's ``tasks.py`` by path, so that ``tasks.py`` may import
    the service's module without an import cycle (as Celery's ``send_task`` queues by name)."""
    global _broker_down_until
    if isinstance(task, str):
        task = import_string(task)
    if broker_available():
        try:
            with task.app.connection_for_write(
                settings.CELERY_BROKER_URL, transport_options=PUBLISH_TRANSPORT_OPTIONS
            ) as connection:
                task.apply_async(
                    args=args, connection=connection, retry=False, queue=settings.CELERY_TASK_DEFAULT_QUEUE
                )
        except (BrokerError, OSError) as exc:
            _broker_down_until = time.monotonic() + RETRY_AFTER_SECONDS
            logger.warning(
                "Task broker unavailable (%s: %s); running %s in this process, and working without "
                "the broker for %d s",
                type(exc).__name__,
                exc,
                task.name,
                RETRY_AFTER_SECONDS,
            )
        else:
            return None
    return _run_in_thread(task, *args)


def _run_in_thread(task: Any, *args: Any) -> threading.Thread:
    def target() -> None:
        close_old_connections()
        try:
            task(*args)
        except Exception:  # the task records its own failure; this is the last resort
            logger.exception("Background task %s failed", task.name)
        finally:
            connections.close_all()

    thread = threading.Thread(target=target, name=f"task-{task.name}", daemon=True)
    thread.start()
    return thread
