"""Run the periodic jobs that are due, once: for installations without ``celery beat``, run from cron
every minute (docs/deploy.md). The jobs and their periods are ``settings.CELERY_BEAT_SCHEDULE``,
the one declaration beat reads too.

A job is due when its period has passed since its last start, kept in the database
(``core.ScheduledRun``), so the command may run as often as you like, on any machine: each job
starts once per period. Two invocations that overlap (a slow job) never start one job twice: the
start is claimed by a compare-and-set on the last start. The jobs run here, in this process, one
after the other; a job that fails is logged and the others still run, and the command then exits
with an error (cron mails it).
"""

from __future__ import annotations

import logging

from celery import current_app as celery_app  # smartunion/celery.py, loaded with Django
from celery.schedules import maybe_schedule
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from smartunion.core.models import ScheduledRun

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run the periodic jobs of CELERY_BEAT_SCHEDULE that are due, each at most once per period "
        "(for installations without celery beat; run it from cron every minute)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--list",
            action="store_true",
            dest="list_only",
            help="List the jobs and their last runs; run none.",
        )

    def handle(self, *args, list_only: bool = False, **options):
        celery_app.autodiscover_tasks(force=True)  # every app's tasks.py, as a worker loads them
        failed = []
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            schedule = maybe_schedule(entry["schedule"], app=celery_app)
            run, _created = ScheduledRun.objects.get_or_create(name=name)
            due = run.started_at is None or schedule.is_due(run.started_at).is_due
            if list_only:
                outcome = {True: "succeeded", False: "FAILED", None: "-"}[run.succeeded]
                last = (
                    timezone.localtime(run.started_at).isoformat(timespec="seconds")
                    if run.started_at
                    else "never"
                )
                self.stdout.write(f"{name}: {entry['task']} {schedule}; last {last} {outcome}; due: {due}")
                continue
            if not due:
                continue
            started = timezone.now()
            claimed = ScheduledRun.objects.filter(name=name, started_at=run.started_at).update(
                started_at=started, finished_at=None, succeeded=None
            )
            if not claimed:
                continue  # another invocation started it just now
            task = celery_app.tasks[entry["task"]]
            try:
                result = task(*entry.get("args", ()), **entry.get("kwargs", {}))
            except Exception:
                logger.exception("Scheduled job %s (%s) failed", name, entry["task"])
                failed.append(name)
                succeeded = False
            else:
                self.stdout.write(f"{name}: {result}")
                succeeded = True
            ScheduledRun.objects.filter(name=name, started_at=started).update(
                finished_at=timezone.now(), succeeded=succeeded
            )
        if failed:
            raise CommandError(f"Failed: {', '.join(failed)} (see the log).")
