"""The Celery app: long and scheduled work runs in a worker process, with Redis as the broker.

Configuration comes from Django's settings under the ``CELERY_`` prefix (``CELERY_BROKER_URL``,
``CELERY_BEAT_SCHEDULE``, ...; smartunion/settings.py), and each domain app's ``tasks.py`` is found
by autodiscovery. Creating the app connects to nothing: the web process, ``manage.py`` and the
tests import it without a broker. With no ``CELERY_BROKER_URL`` tasks run in a thread of the process
that queues them (``core.tasks.enqueue``); docs/decisions/0015-celery-task-queue.md says why.

    celery -A smartunion worker --concurrency 2      # the worker (docs/deploy.md)
    celery -A smartunion beat                        # the schedule; or manage.py run_scheduled
"""

from __future__ import annotations

import os
import sys

from celery import Celery, signals
from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartunion.settings")

# Celery's Django fixup puts the working directory first on sys.path, for projects run from their
# root. smartunion is an installed package, and a command run in a directory holding a module named
# like one of the standard library (an app's http.py, for makemessages run inside the app) would
# import that module instead: the path is kept as it was.
_sys_path = list(sys.path)
app = Celery("smartunion")
sys.path[:] = _sys_path
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
def refuse_to_start_with_the_wrong_keys(**kwargs) -> None:
    """As wsgi.py for a server process: a worker whose FIELD_ENCRYPTION_KEYS do not match the data
    stops at its start with the reason, instead of failing every task that reads personal data.
    (SystemExit: Celery logs and ignores an exception a signal handler raises.)"""
    # Imported here, when a worker starts: every process loads this module with the package.
    from smartunion.core.checks import refuse_to_start_with_the_wrong_keys as check  # noqa: PLC0415

    try:
        check()
    except ImproperlyConfigured as exc:
        raise SystemExit(f"smartunion worker: {exc}") from exc
