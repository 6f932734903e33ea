"""Background and scheduled work (core/tasks.py, smartunion/celery.py, manage.py run_scheduled).

Without a broker a task runs in a thread of the process that queues it; with a broker that is down
it does too, after one short try, so nothing fails and no record waits for a worker. A task run
twice writes once. The periodic jobs do their housekeeping, and run_scheduled starts each once per
period.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from celery import shared_task
from django.core.management import CommandError, call_command
from django.utils import timezone

import smartunion
from smartunion.accounts.models import OneTimeCode, SignInFailure
from smartunion.core import tasks as core_tasks
from smartunion.core.models import AuditEvent, ScheduledRun
from smartunion.core.scoping import scopes_disabled
from smartunion.core.tasks import enqueue
from smartunion.members.models import RosterImport, RosterImportStatus
from smartunion.members.roster import roster_import_get
from smartunion.members.tasks import roster_housekeeping, roster_import_commit_task
from smartunion.orgs.models import OrgKind
from tests.conftest import as_staff, restore_migration_data
from tests.factories import EnterpriseFactory, OrgFactory, StaffFactory
from tests.members.test_roster import commit, counts, csv_file, roster_rows, validate

# Nothing listens here: connections are refused at once, as when Redis has stopped.
BROKER_DOWN = "redis://127.0.0.1:1/0"

REMEMBERED: list[tuple[str, str]] = []


@shared_task(name="tests.remember")
def remember(value: str) -> None:
    REMEMBERED.append((value, threading.current_thread().name))


@shared_task(name="tests.fail")
def fail() -> None:
    raise RuntimeError("this job fails")


@pytest.fixture(autouse=True)
def _fresh(monkeypatch, settings, tmp_path):
    monkeypatch.setattr(core_tasks, "_broker_down_until", 0.0)  # no broker known down from another test
    settings.VAR_DIR = tmp_path  # staged rosters go to a directory of this test's own
    REMEMBERED.clear()


def big_union():
    """A union with its staff, for the transactional tests (their data must be committed)."""
    restore_migration_data()
    with scopes_disabled():
        city = OrgFactory(name="市总", kind=OrgKind.CITY_FEDERATION, region_code="110000")
        union = OrgFactory(name="大工会", parent=city, region_code="110105")
        enterprise = EnterpriseFactory(org=union, covering_union=union)
        staff = StaffFactory(home_org=union, roles=[("grassroots_staff", union)])
    return union, enterprise, staff


def wait_for(roster_import: RosterImport, *, seconds: float = 30, log=lambda: "") -> RosterImport:
    deadline = time.monotonic() + seconds
    while roster_import.status == RosterImportStatus.COMMITTING and time.monotonic() < deadline:
        time.sleep(0.05)
        with scopes_disabled():
            roster_import.refresh_from_db()
    assert roster_import.status != RosterImportStatus.COMMITTING, (
        f"still committing after {seconds} s\n{log()}"
    )
    return roster_import


# --- the app --------------------------------------------------------------------------------------------


def test_the_celery_app_loads_with_django_and_knows_every_scheduled_task(settings):
    app = smartunion.celery_app
    app.autodiscover_tasks(force=True)  # every app's tasks.py, as a worker loads them at its start
    assert app.main == "smartunion"
    assert "members.roster_import_commit" in app.tasks
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost


# --- enqueue ------------------------------------------------------------------------------------------------


def test_with_no_broker_a_task_runs_in_a_thread_of_this_process(settings):
    settings.CELERY_BROKER_URL = ""
    thread = enqueue(remember, "a")
    thread.join(timeout=10)
    assert REMEMBERED == [("a", "task-tests.remember")]


def test_a_broker_that_refuses_costs_one_short_try_then_the_task_runs_here(settings, caplog):
    settings.CELERY_BROKER_URL = BROKER_DOWN
    started = time.monotonic()
    first = enqueue(remember, "b")
    first_took = time.monotonic() - started
    started = time.monotonic()
    second = enqueue(remember, "c")  # the broker is not tried again for a while
    second_took = time.monotonic() - started
    for thread in (first, second):
        thread.join(timeout=10)
    assert first_took < 2 and second_took < 0.1, (first_took, second_took)
    assert sorted(REMEMBERED) == [("b", "task-tests.remember"), ("c", "task-tests.remember")]
    warnings = [r.getMessage() for r in caplog.records if "Task broker unavailable" in r.getMessage()]
    assert len(warnings) == 1 and "running tests.remember in this process" in warnings[0]


def test_a_broker_that_never_answers_costs_one_timeout(settings):
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(64)  # connections complete in the backlog; nothing is ever read or answered
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{hung.getsockname()[1]}/0"
        started = time.monotonic()
        thread = enqueue(remember, "d")
        took = time.monotonic() - started
    thread.join(timeout=10)
    assert took < 4, took
    assert REMEMBERED == [("d", "task-tests.remember")]


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_large_roster_is_imported_in_process(settings):
    settings.CELERY_BROKER_URL = BROKER_DOWN
    settings.ROSTER_SYNC_ROWS = 10
    union, enterprise, staff = big_union()
    roster_import = validate(staff, union, csv_file(roster_rows(enterprise, 40)))
    started = time.monotonic()
    roster_import = commit(staff, roster_import)
    assert time.monotonic() - started < 3  # the request does not wait on the broker
    roster_import = wait_for(roster_import)
    assert roster_import.status == RosterImportStatus.DONE, roster_import.failure_reason
    assert roster_import.created_count == 40 and counts() == (40, 40, 40)


# --- safe to run twice ---------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_import_task_delivered_twice_writes_once(settings):
    """A message delivered twice (a worker lost after the write, a redelivery after the visibility
    timeout): two runs at once, and one more after the import is done. One writes, the others see
    the import done and do nothing."""
    settings.CELERY_BROKER_URL = ""
    settings.ROSTER_SYNC_ROWS = 10
    union, enterprise, staff = big_union()
    roster_import = validate(staff, union, csv_file(roster_rows(enterprise, 40)))
    staged = Path(roster_import.stored_path)
    roster_import = commit(staff, roster_import)  # the first run, in a thread
    again = enqueue(roster_import_commit_task, roster_import.pk, staff.pk, "")
    roster_import = wait_for(roster_import)
    again.join(timeout=30)
    roster_import_commit_task(roster_import.pk, staff.pk, "")  # and once more, now it is done

    with scopes_disabled():
        roster_import.refresh_from_db()
        audited = AuditEvent.objects.filter(action="roster.import").count()
    assert roster_import.status == RosterImportStatus.DONE, roster_import.failure_reason
    assert roster_import.created_count == 40 and counts() == (40, 40, 40)
    assert audited == 1 and not staged.exists()


def test_a_late_run_of_an_import_given_up_does_nothing_and_it_can_be_retried(tree, personas, settings):
    staff = personas["union_a_staff"]
    roster_import = validate(staff, tree.union_a, csv_file(roster_rows(tree.enterprise_a, 3)))
    silent_since = timezone.now() - timedelta(seconds=settings.ROSTER_COMMIT_STALE_SECONDS + 1)
    with scopes_disabled():
        RosterImport.objects.filter(pk=roster_import.pk).update(
            status=RosterImportStatus.COMMITTING, timings={"heartbeat": silent_since.isoformat()}
        )
    with as_staff(staff):  # no worker took it: its page shows it failed
        assert roster_import_get(pk=roster_import.pk).status == RosterImportStatus.FAILED

    roster_import_commit_task(roster_import.pk, staff.pk, "")  # its message, delivered at last

    with scopes_disabled():
        roster_import.refresh_from_db()
    assert roster_import.status == RosterImportStatus.FAILED and "服务器" in roster_import.failure_reason
    assert counts() == (0, 0, 0) and Path(roster_import.stored_path).exists()
    assert commit(staff, roster_import).status == RosterImportStatus.DONE  # 重新导入
    assert counts() == (3, 3, 3)


# --- the periodic jobs ------------------------------------------------------------------------------------------


def _aged(path: Path, seconds: float) -> Path:
    path.write_bytes(b"x")
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_roster_housekeeping_drops_what_nobody_will_import_and_files_nothing_refers_to(
    tree, personas, settings
):
    staff = personas["union_a_staff"]
    week_old = validate(staff, tree.union_a, csv_file(roster_rows(tree.enterprise_a, 2)))
    stalled = validate(staff, tree.union_a, csv_file(roster_rows(tree.enterprise_a, 2, start=10)))
    waiting = validate(staff, tree.union_a, csv_file(roster_rows(tree.enterprise_a, 2, start=20)))
    silent_since = timezone.now() - timedelta(seconds=settings.ROSTER_COMMIT_STALE_SECONDS + 1)
    with scopes_disabled():
        RosterImport.objects.filter(pk=week_old.pk).update(created_at=timezone.now() - timedelta(days=8))
        RosterImport.objects.filter(pk=stalled.pk).update(
            status=RosterImportStatus.COMMITTING, timings={"heartbeat": silent_since.isoformat()}
        )
    imports = Path(settings.VAR_DIR) / "imports"
    two_hours = 2 * 3600
    _aged(Path(waiting.stored_path), two_hours)  # old, but its import still waits for the clerk
    crashed_upload = _aged(imports / f"{uuid.uuid4().hex}.upload.xlsx", two_hours)  # plain ID numbers
    unsaved_staged = _aged(imports / f"{uuid.uuid4().hex}.staged", two_hours)
    in_a_check_now = _aged(imports / f"{uuid.uuid4().hex}.upload.csv", 60)
    not_ours = _aged(imports / "README.txt", two_hours)

    assert roster_housekeeping() == {"expired": 1, "stalled": 1, "orphaned_files": 2}

    with scopes_disabled():
        statuses = dict(RosterImport.objects.values_list("pk", "status"))
        stalled.refresh_from_db()
    assert statuses == {
        week_old.pk: RosterImportStatus.FAILED,
        stalled.pk: RosterImportStatus.FAILED,
        waiting.pk: RosterImportStatus.READY,
    }
    assert "服务器" in stalled.failure_reason and Path(stalled.stored_path).exists()  # to retry
    assert not Path(week_old.stored_path).exists()
    assert not crashed_upload.exists() and not unsaved_staged.exists()
    assert Path(waiting.stored_path).exists() and in_a_check_now.exists() and not_ours.exists()
    assert roster_housekeeping() == {"expired": 0, "stalled": 0, "orphaned_files": 0}  # run twice


def _sign_in_records(*, age: timedelta) -> None:
    when = timezone.now() - age
    SignInFailure.objects.create(account_key="k" * 64, created_at=when)
    OneTimeCode.objects.create(
        mobile_index="m" * 64, purpose="signin", code_hash="h" * 64, created_at=when, expires_at=when
    )


def _sign_in_record_counts() -> tuple[int, int]:
    return SignInFailure.objects.count(), OneTimeCode.objects.count()


@pytest.mark.django_db
def test_sign_in_records_that_count_for_nothing_any_more_are_deleted(settings):
    from smartunion.accounts.tasks import sign_in_records_prune

    window = timedelta(seconds=settings.LOCKOUT_WINDOW_SECONDS)
    _sign_in_records(age=timedelta(days=1, minutes=1))  # both out of every window
    _sign_in_records(age=window - timedelta(minutes=1))  # both still counted
    SignInFailure.objects.create(
        account_key="k" * 64, created_at=timezone.now() - window - timedelta(minutes=1)
    )

    assert sign_in_records_prune() == {"sign_in_failures": 2, "one_time_codes": 1}
    assert _sign_in_record_counts() == (1, 1)


@pytest.mark.django_db
def test_run_scheduled_runs_each_job_once_per_period():
    _sign_in_records(age=timedelta(days=2))
    out = _run_scheduled()
    assert "roster-housekeeping: {'expired': 0, 'stalled': 0, 'orphaned_files': 0}" in out
    assert "sign-in-records-prune: {'sign_in_failures': 1, 'one_time_codes': 1}" in out
    assert _sign_in_record_counts() == (0, 0)

    _sign_in_records(age=timedelta(days=2))
    assert _run_scheduled() == ""  # a minute later from cron: nothing is due
    assert _sign_in_record_counts() == (1, 1)

    ScheduledRun.objects.filter(name="sign-in-records-prune").update(
        started_at=timezone.now() - timedelta(days=1, seconds=1)
    )
    out = _run_scheduled()  # a day later: that job is due, the hourly one not yet
    assert out == "sign-in-records-prune: {'sign_in_failures': 1, 'one_time_codes': 1}\n"
    assert _sign_in_record_counts() == (0, 0)
    listed = _run_scheduled("--list")
    assert "sign-in-records-prune: accounts.sign_in_records_prune <freq: 1.00 day>; last " in listed
    assert "succeeded; due: False" in listed


@pytest.mark.django_db
def test_a_failing_job_is_reported_and_the_others_still_run(settings):
    settings.CELERY_BEAT_SCHEDULE = {
        "broken": {"task": "tests.fail", "schedule": timedelta(minutes=5)},
        "sign-in-records-prune": {"task": "accounts.sign_in_records_prune", "schedule": timedelta(days=1)},
    }
    _sign_in_records(age=timedelta(days=2))
    with pytest.raises(CommandError, match="Failed: broken"):
        _run_scheduled()
    assert _sign_in_record_counts() == (0, 0)
    assert dict(ScheduledRun.objects.values_list("name", "succeeded")) == {
        "broken": False,
        "sign-in-records-prune": True,
    }


def _run_scheduled(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("run_scheduled", *args, stdout=out)
    return out.getvalue()
