"""The import's services: ``roster_import_validate`` stores, reads and checks an upload and stages
its rows; ``roster_import_commit`` re-checks them against the register and writes them, all or
nothing, in the background when the roster is large; the import's status and progress."""

from __future__ import annotations

import contextlib
import logging
import os
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartunion.accounts.models import User
from smartunion.accounts.permissions import require_perm
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.bulk import bulk_write_session, cyclic_gc_paused
from smartunion.core.errors import Conflict, NotFound, ValidationFailed
from smartunion.core.locks import advisory_lock
from smartunion.core.scoping import scopes_disabled
from smartunion.core.tasks import enqueue
from smartunion.core.workflow import Workflow
from smartunion.members.models import ROSTER_IMPORT_TRANSITIONS, RosterImport, RosterImportStatus
from smartunion.members.roster import files as roster_files
from smartunion.members.roster.checking import check_roster
from smartunion.members.roster.format import COLUMNS, FORMATS, file_error
from smartunion.members.roster.lookups import database_check
from smartunion.members.roster.reading import Table, read_roster
from smartunion.members.roster.report import _error_dicts
from smartunion.members.roster.staging import _imports_dir, _read_staged, _remove, _write_staged, stage_rows
from smartunion.members.roster.writing import write_staged
from smartunion.members.services import allocate_membership_numbers
from smartunion.orgs.models import GRASSROOTS_KINDS, Org

# Queued by path: members/tasks.py imports this module (core.tasks.enqueue).
COMMIT_TASK = "smartunion.members.tasks.roster_import_commit_task"
logger = logging.getLogger(__name__)

ROSTER_IMPORT_WORKFLOW = Workflow(
    RosterImportStatus,
    ROSTER_IMPORT_TRANSITIONS,
    refusal=gettext_lazy("A roster import cannot go from “%(from)s” to “%(to)s”."),
)


def roster_import_transition(
    *, imports: QuerySet[RosterImport], from_: str | tuple[str, ...], to: str, **values: Any
) -> int:
    """The only code that changes a roster import's status (ROSTER_IMPORT_TRANSITIONS), with
    ``values`` for its other fields: one conditional UPDATE of ``imports`` still in ``from_``, so
    that of two runs racing for the same move (a confirmation clicked twice, a task delivered twice,
    a stalled import given up while it ends) only one moves it. Returns how many imports moved."""
    return ROSTER_IMPORT_WORKFLOW.move_where(imports, from_=from_, to=to, **values)


def _require_import_org(actor: User, org: Org) -> None:
    if not Org.objects.filter(pk=org.pk).exists():  # outside the actor's scope: it does not exist
        raise NotFound(_("This organisation does not exist."))
    require_perm(actor, "members.change", org)
    if org.kind not in GRASSROOTS_KINDS and not org.accepts_direct_joining:
        raise ValidationFailed(fields={"org": [_("A roster is imported into a grassroots union.")]})


def _format_of(filename: str) -> str:
    suffix = Path(filename or "").suffix.lower()
    if suffix not in FORMATS:
        raise roster_files.unsupported_suffix_error(suffix) or file_error(
            _("Upload the roster as an .xlsx or .csv file.")
        )
    return FORMATS[suffix]


def _store_upload(upload, file_format: str) -> Path:
    path = _imports_dir() / f"{uuid.uuid4().hex}.upload.{file_format}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        chunks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 20), b"")
        for chunk in chunks:
            out.write(chunk)
    return path


STAGED_MAX_AGE = timedelta(days=7)
HIDDEN_LINES_SHOWN = 20


def _reading_report(table: Table) -> dict[str, Any]:
    """What the preview says of the reading: which sheet was read, and member rows Excel hides."""
    report: dict[str, Any] = {}
    if table.sheet_name:
        report["sheet"] = {"name": table.sheet_name, "of": table.sheet_count}
    if table.hidden_lines:
        report["hidden_rows"] = {
            "count": len(table.hidden_lines),
            "lines": table.hidden_lines[:HIDDEN_LINES_SHOWN],
        }
    return report


def roster_imports_expire() -> int:
    """Checked rosters nobody imported within a week are dropped with their staged file (PIPL
    第十九条: kept no longer than needed); the union uploads the file again if it still wants it."""
    with scopes_disabled():
        stale = list(
            RosterImport.objects.filter(
                status=RosterImportStatus.READY, created_at__lt=timezone.now() - STAGED_MAX_AGE
            ).values_list("pk", "stored_path")
        )
        for pk, path in stale:
            _remove(path)
            roster_import_transition(
                imports=RosterImport.objects.filter(pk=pk),
                from_=RosterImportStatus.READY,
                to=RosterImportStatus.FAILED,
                stored_path="",
                finished_at=timezone.now(),
                failure_reason=_("Not imported within a week; upload the roster again."),
            )
    return len(stale)


@cyclic_gc_paused()
def roster_import_validate(*, actor: User, org: Org, upload, client_address: str = "") -> RosterImport:
    """Check an uploaded roster; returns the import with its preview: the errors, or the rows
    ready to import. A file that cannot be a roster raises ValidationFailed on ``file``."""
    _require_import_org(actor, org)
    roster_imports_expire()
    file_format = _format_of(getattr(upload, "name", ""))
    size = getattr(upload, "size", None)
    limit = settings.ROSTER_MAX_UPLOAD_BYTES
    if size is not None and size > limit:  # refused before a byte is read
        # In bytes too: a file one byte over the limit is "20.00 MB", which alone reads as within it.
        raise file_error(
            _(
                "The file is %(size_mb)s MB (%(size)s bytes), over the limit of %(limit_mb)s MB "
                "(%(limit)s bytes). Split the roster into smaller files."
            )
            % {
                "size_mb": f"{size / 1048576:.2f}",
                "size": f"{size:,}",
                "limit_mb": f"{limit / 1048576:.2f}".rstrip("0").rstrip("."),
                "limit": f"{limit:,}",
            }
        )
    if size == 0:
        raise file_error(_("The file is empty."))
    stored = _store_upload(upload, file_format)
    try:
        if stored.stat().st_size > limit:
            raise file_error(
                _("The file is over the size limit of %(limit)s MB.") % {"limit": f"{limit / 1048576:.0f}"}
            )
        timings = {}
        started = time.perf_counter()
        table = read_roster(stored, file_format)
        reading = _reading_report(table)
        timings["read_s"] = round(time.perf_counter() - started, 3)
        checked = check_roster(table, org=org)
        del table  # see below
        timings["check_s"] = round(checked.seconds, 3)
        if checked.errors:
            status = RosterImportStatus.INVALID
        elif not checked.rows:
            # Everyone in the file is a member here already: nothing to import, and the preview says
            # so instead of offering to import 0 members.
            status = RosterImportStatus.DONE
        else:
            status = RosterImportStatus.READY
        # Saved in the state its check ends in; ROSTER_IMPORT_TRANSITIONS go on from there.
        roster_import = RosterImport(
            org=org,
            uploaded_by=actor if actor is not None and actor.pk else None,
            original_filename=(getattr(upload, "name", "") or "")[-255:],
            file_format=file_format,
            file_size=stored.stat().st_size,
            status=status,
            total_rows=checked.total,
            skipped_count=checked.skipped,
            errors=_error_dicts(checked.errors),
            error_count=len(checked.errors),
            report=checked.report,
        )
        roster_import.report.update(reading)
        if status != RosterImportStatus.READY:
            roster_import.finished_at = timezone.now()
        else:
            started = time.perf_counter()
            staged = stage_rows(checked.rows)
            # Only the staged rows hold their strings now: marshal tracks every object held twice
            # (to write it once), which tripled its time while the file's cells and the checked
            # rows held them too.
            checked.rows = []
            roster_import.stored_path = _write_staged(staged)
            del staged
            timings["stage_s"] = round(time.perf_counter() - started, 3)
        roster_import.timings = timings
        try:
            with transaction.atomic():
                roster_import.save()
                audit_record(
                    action=AuditAction.ROSTER_VALIDATE,
                    actor=actor,
                    obj=roster_import,
                    org=org,
                    client_address=client_address,
                    data={"rows": checked.total, "errors": len(checked.errors), "skipped": checked.skipped},
                )
        except Exception:
            _remove(roster_import.stored_path)  # no record points at it
            raise
    finally:
        stored.unlink(missing_ok=True)  # the plain file goes; only the encrypted rows stay
    return roster_import


def roster_import_get(*, pk) -> RosterImport:
    try:
        roster_import = RosterImport.objects.select_related("org", "uploaded_by").get(pk=int(pk))
    except (RosterImport.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("This import does not exist.")) from None
    if roster_import.status == RosterImportStatus.COMMITTING and _commit_stalled(roster_import):
        _fail_stalled([roster_import.pk])
        roster_import.refresh_from_db()
    return roster_import


def roster_import_heartbeat(*, pk: int, timings: dict) -> None:
    """Record that the import's commit is alive now: when it was queued, and again when its task
    starts (a worker may take it later, or run it again after losing the first run)."""
    RosterImport.objects.filter(pk=pk, status=RosterImportStatus.COMMITTING).update(
        timings={**timings, "heartbeat": timezone.now().isoformat()}
    )


def _commit_stalled(roster_import: RosterImport) -> bool:
    """No sign of life for ROSTER_COMMIT_STALE_SECONDS: the process running the import stopped (a
    restart, a crash, a worker lost for good, or no worker took the task). A few seconds per
    100,000 rows is the normal run, so the limit leaves room for a queue and a wait for the lock."""
    heartbeat = roster_import.timings.get("heartbeat")
    since = datetime.fromisoformat(heartbeat) if heartbeat else roster_import.created_at
    return timezone.now() - since > timedelta(seconds=settings.ROSTER_COMMIT_STALE_SECONDS)


def _fail_stalled(pks: list[int]) -> int:
    # Its transaction was rolled back with the connection, so nothing was written: say so, and let
    # it be retried (the staged file stays). A late run of its task finds it failed and does nothing.
    return roster_import_transition(
        imports=RosterImport.objects.filter(pk__in=pks),
        from_=RosterImportStatus.COMMITTING,
        to=RosterImportStatus.FAILED,
        finished_at=timezone.now(),
        failure_reason=_(
            "The import stopped before it ended (the server or the task worker stopped) and nothing "
            "was written. Try again."
        ),
    )


def roster_imports_fail_stalled() -> int:
    """Mark failed every stalled import (scheduled: the list of recent imports shows them right
    even when nobody opens their page)."""
    with scopes_disabled():  # housekeeping across the whole tree
        committing = RosterImport.objects.filter(status=RosterImportStatus.COMMITTING).only(
            "pk", "timings", "created_at"
        )
        return _fail_stalled([ri.pk for ri in committing if _commit_stalled(ri)])


def roster_imports_recent(*, org: Org | None = None, limit: int = 10):
    qs = RosterImport.objects.select_related("org")
    if org is not None:
        qs = qs.filter(org=org)
    return list(qs.order_by("-created_at", "-id")[:limit])


def _progress_key(pk: int) -> str:
    return f"roster-import:{pk}:progress"


def roster_import_progress(roster_import: RosterImport) -> int | None:
    """Rows written so far. While the import's one transaction is open its rows are invisible to
    other connections, so the writer reports progress through the cache; None while that is not
    known (the cache is down or not shared between the server's processes): the status, from the
    database, still says when the import ends."""
    if roster_import.status == RosterImportStatus.COMMITTING:
        written = cache.get(_progress_key(roster_import.pk))
        return int(written) if written is not None else None
    return roster_import.processed_rows


def roster_import_commit(
    *, actor: User, roster_import: RosterImport, client_address: str = ""
) -> RosterImport:
    """Import a checked roster, all or nothing. Large rosters go to a background task; the
    returned import is then "committing" and its progress can be polled."""
    require_perm(actor, "members.change", roster_import.org)
    claimed = roster_import_transition(
        imports=RosterImport.objects.filter(pk=roster_import.pk).exclude(stored_path=""),
        from_=(RosterImportStatus.READY, RosterImportStatus.FAILED),
        to=RosterImportStatus.COMMITTING,
        failure_reason="",
        processed_rows=0,
        timings={**roster_import.timings, "heartbeat": timezone.now().isoformat()},
    )
    if not claimed:
        roster_import.refresh_from_db()
        if roster_import.status in (RosterImportStatus.COMMITTING, RosterImportStatus.DONE):
            raise Conflict(_("This roster is already being imported or was imported."))
        if roster_import.status == RosterImportStatus.FAILED:
            raise Conflict(_("Nothing is left to import from this file: upload the roster again."))
        raise Conflict(_("This roster has errors: correct the file and upload it again."))
    cache.set(_progress_key(roster_import.pk), 0, timeout=24 * 3600)
    to_write = roster_import.total_rows - roster_import.skipped_count
    if to_write > settings.ROSTER_SYNC_ROWS:
        actor_pk = actor.pk if actor is not None else None
        enqueue(COMMIT_TASK, roster_import.pk, actor_pk, client_address)
    else:
        roster_import_write(pk=roster_import.pk, actor=actor, client_address=client_address)
    roster_import.refresh_from_db()
    return roster_import


# Any constant: the key of PostgreSQL's advisory lock that roster imports write under.
ROSTER_WRITE_LOCK = 7_305_612_031


@contextlib.contextmanager
def roster_write_lock() -> Iterator[None]:
    """One roster import at a time from its re-check to its COMMIT: two rosters committed at once
    would otherwise each check the register before the other wrote, and could give one mobile
    number to two people (nothing unique in the database stops that) or fail on an ID number with
    a bare database error. PostgreSQL: a session advisory lock, so the membership-number counter is
    still locked only for a moment; SQLite: one write transaction (BEGIN IMMEDIATE holds the
    database's write lock from the start, which serialises every writer anyway)."""
    if connection.vendor != "postgresql":
        with transaction.atomic():
            yield
        return
    with advisory_lock(ROSTER_WRITE_LOCK):
        yield


@cyclic_gc_paused()
def roster_import_write(*, pk: int, actor: User | None, client_address: str) -> None:
    """The commit of an import claimed as "committing": in the request, or in its background task.
    Records its outcome on the import (done, invalid or failed). Safe to run twice: a run that
    finds the import no longer committing once it holds the write lock does nothing."""
    roster_import = RosterImport.objects.select_related("org").get(pk=pk)
    timings = dict(roster_import.timings)
    written = False
    try:
        with roster_write_lock():
            if not RosterImport.objects.filter(pk=pk, status=RosterImportStatus.COMMITTING).exists():
                return  # another run of its task ended it (a message delivered twice): nothing to do
            written = _check_and_write(
                roster_import, actor=actor, client_address=client_address, timings=timings
            )
    except Exception as exc:
        logger.exception("Roster import %s failed", pk)
        reason = (
            _(
                "The import failed and nothing was written: someone saved a person or a membership in it at "
                "the same moment. Check the roster again."
            )
            if isinstance(exc, IntegrityError)
            else _("The import failed and nothing was written (%(error)s).") % {"error": type(exc).__name__}
        )
        roster_import_transition(
            imports=RosterImport.objects.filter(pk=pk),
            from_=RosterImportStatus.COMMITTING,
            to=RosterImportStatus.FAILED,
            finished_at=timezone.now(),
            failure_reason=reason[:500],
        )
        return
    finally:
        cache.delete(_progress_key(pk))
    # After the COMMIT: nothing here may turn a written import into a failed one.
    _remove(roster_import.stored_path)
    if written:
        try:
            RosterImport.objects.filter(pk=pk).update(timings=timings)
        except DatabaseError:
            logger.warning("Roster import %s: timings not saved", pk, exc_info=True)


# Where the writer's outcome lands from: it checked "committing" once it held the write lock, and
# nothing but a stalled import's giving up ("failed") moves an import from there meanwhile; its
# outcome stands either way.
WRITER_FROM = (RosterImportStatus.COMMITTING, RosterImportStatus.FAILED)


def _check_and_write(
    roster_import: RosterImport, *, actor: User | None, client_address: str, timings: dict
) -> bool:
    """The re-check against the register, then the write; under ``roster_write_lock``. Returns
    whether the rows were written (otherwise the import now has errors)."""
    pk, org = roster_import.pk, roster_import.org
    started = time.perf_counter()
    staged = _read_staged(roster_import.stored_path)
    # The database may have changed since the check: look again, in bulk.
    verdicts = database_check([(r[0], r[3], r[5], r[1]) for r in staged], org=org)
    errors, rows, skipped = [], [], 0
    headers = {c.key: c.header for c in COLUMNS}
    for r in staged:
        verdict = verdicts.get(r[0])
        if verdict is None:
            rows.append(r)
        elif verdict[0] == "skip":
            skipped += 1
        elif verdict[0] == "existing":
            r[14] = verdict[1]
            rows.append(r)
        else:
            errors.append((r[0], headers[verdict[1]], verdict[2]))
    timings["recheck_s"] = round(time.perf_counter() - started, 3)
    if errors:
        roster_import_transition(
            imports=RosterImport.objects.filter(pk=pk),
            from_=WRITER_FROM,
            to=RosterImportStatus.INVALID,
            errors=_error_dicts(errors),
            error_count=len(errors),
            finished_at=timezone.now(),
            stored_path="",
            timings=timings,
        )
        return False
    write_started = time.perf_counter()
    numbers = allocate_membership_numbers(len(rows)) if rows else []

    def progress(done: int) -> None:
        cache.set(_progress_key(pk), done, timeout=24 * 3600)

    with bulk_write_session(), transaction.atomic():
        result = write_staged(
            rows, org=org, actor=actor, numbers=numbers, progress=progress, reason=_("Imported from a roster")
        )
        skipped_total = roster_import.skipped_count + skipped
        audit_record(
            action=AuditAction.ROSTER_IMPORT,
            actor=actor,
            obj=roster_import,
            org=org,
            client_address=client_address,
            data={
                "created": result.created,
                "rejoined": result.rejoined,
                "skipped": skipped_total,
                "rows": roster_import.total_rows,
            },
        )
        timings["write_s"] = round(time.perf_counter() - write_started, 3)
        roster_import_transition(
            imports=RosterImport.objects.filter(pk=pk),
            from_=WRITER_FROM,
            to=RosterImportStatus.DONE,
            created_count=result.created + result.rejoined,
            skipped_count=skipped_total,
            processed_rows=roster_import.total_rows,
            finished_at=timezone.now(),
            stored_path="",
            timings=timings,
        )
    # The database stage in full: numbers, the bulk writes, the audit record and the COMMIT.
    timings["write_s"] = round(time.perf_counter() - write_started, 3)
    timings["commit_s"] = round(time.perf_counter() - started, 3)
    return True
