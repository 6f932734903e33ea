"""The members app's background and scheduled work: Celery tasks (core/tasks.py says what a task
promises: JSON arguments, its org's scope, safe to run twice)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model

from smartunion.core.scoping import scope_for_orgs, scopes_disabled
from smartunion.members import roster
from smartunion.members.models import RosterImport, RosterImportStatus

logger = logging.getLogger(__name__)

# A roster file in VAR_DIR/imports that no import refers to is removed after this long: an upload
# whose check was cut short by a crash (plain ID numbers), or a staged file whose record was never
# saved. Far longer than any check of a file takes, so no file still in use is touched.
ORPHAN_FILE_AGE_SECONDS = 3600


@shared_task(name="members.roster_import_commit")
def roster_import_commit_task(pk: int, actor_pk: int | None, client_address: str) -> None:
    """Write a checked roster: queued by ``roster_import_commit`` for rosters over
    ``ROSTER_SYNC_ROWS`` rows, which claimed the import as "committing". A run that finds it no
    longer committing (an earlier run ended it, or it was given up as stalled) does nothing."""
    with scopes_disabled():  # the org to work for is read from the import itself
        roster_import = RosterImport.objects.select_related("org").filter(pk=pk).first()
        if roster_import is None or roster_import.status != RosterImportStatus.COMMITTING:
            return
        actor = get_user_model().objects.filter(pk=actor_pk).first() if actor_pk else None
    with scope_for_orgs([roster_import.org]):  # a background task works in the scope of its org
        roster.roster_import_heartbeat(pk=pk, timings=roster_import.timings)
        roster.roster_import_write(pk=pk, actor=actor, client_address=client_address)


@shared_task(name="members.roster_housekeeping")
def roster_housekeeping() -> dict[str, int]:
    """Hourly (CELERY_BEAT_SCHEDULE): checked rosters nobody imported within a week are dropped
    with their files, stalled imports are marked failed, and orphaned roster files are removed
    (PIPL 第十九条: personal data kept no longer than needed)."""
    return {
        "expired": roster.roster_imports_expire(),
        "stalled": roster.roster_imports_fail_stalled(),
        "orphaned_files": roster_files_orphaned_remove(),
    }


def roster_files_orphaned_remove() -> int:
    """Remove the roster files (``*.upload.*``, ``*.staged``) no import refers to, once older than
    ORPHAN_FILE_AGE_SECONDS. Files are told by name: each is a fresh random hex name."""
    directory = Path(settings.VAR_DIR) / "imports"
    if not directory.is_dir():
        return 0
    with scopes_disabled():  # housekeeping across the whole tree
        in_use = {
            Path(stored).name
            for stored in RosterImport.objects.exclude(stored_path="").values_list("stored_path", flat=True)
        }
    older_than = time.time() - ORPHAN_FILE_AGE_SECONDS
    removed = 0
    for path in directory.iterdir():
        if not (path.name.endswith(".staged") or ".upload." in path.name) or path.name in in_use:
            continue
        try:
            if path.stat().st_mtime < older_than:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # removed meanwhile by its own request
            continue
    if removed:
        logger.info("Removed %d orphaned roster files", removed)
    return removed
