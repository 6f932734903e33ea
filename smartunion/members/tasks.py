"""The members app's background and scheduled work: Celery tasks (core/tasks.py says what a task
promises: JSON arguments, its org's scope, safe to run twice)."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model

from smartunion.core.scoping import scope_for_orgs, scopes_disabled
from smartunion.members.models import RosterImport, RosterImportStatus


@shared_task(name="members.roster_import_commit")
def roster_import_commit_task(pk: int, actor_pk: int | None, client_address: str) -> None:
    """Write a checked roster: queued by ``roster_import_commit`` for rosters over
    ``ROSTER_SYNC_ROWS`` rows, which claimed the import as "committing". A run that finds it no
    longer committing (an earlier run ended it, or it was given up as stalled) does nothing."""
    from smartunion.members import roster  # noqa: PLC0415  (a cycle: roster queues this task)

    with scopes_disabled():  # the org to work for is read from the import itself
        roster_import = RosterImport.objects.select_related("org").filter(pk=pk).first()
        if roster_import is None or roster_import.status != RosterImportStatus.COMMITTING:
            return
        actor = get_user_model().objects.filter(pk=actor_pk).first() if actor_pk else None
    with scope_for_orgs([roster_import.org]):  # a background task works in the scope of its org
        roster.roster_import_heartbeat(pk=pk, timings=roster_import.timings)
        roster.roster_import_write(pk=pk, actor=actor, client_address=client_address)
