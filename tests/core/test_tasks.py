"""Background and scheduled work (core/tasks.py, smartunion/celery.py, manage.py run_scheduled).

Without a broker a task runs in a thread of the process that queues it; with a broker that is down
it does too, after one short try, so nothing fails and no record waits for a worker. A task run
twice writes once. The periodic jobs do their housekeeping, and run_scheduled starts each once per
period. The tests marked ``celery_worker`` start a real Celery worker against Redis and run a roster
import through it, also with its worker process killed mid-task; they run when
SMARTUNION_CELERY_WORKER is set (``1`` for redis://127.0.0.1:6379/1, or a redis:// URL), as
``.ci/run`` does on PostgreSQL.
"""

from __future__ import annotations

import base64
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from celery import shared_task
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

import smartunion
from smartunion.accounts.models import OneTimeCode, SignInFailure
from smartunion.core import tasks as core_tasks
from smartunion.core.models import AuditEvent, ScheduledRun
from smartunion.core.scoping import scopes_disabled
from smartunion.core.tasks import enqueue
from smartunion.members.models import RosterImport, RosterImportStatus
from smartunion.members.roster import roster_import_get, roster_write_lock
from smartunion.members.tasks import roster_housekeeping, roster_import_commit_task
from smartunion.orgs.models import OrgKind
from tests.conftest import as_staff, restore_migration_data
from tests.factories import EnterpriseFactory, OrgFactory, StaffFactory, make_person
from tests.members.test_roster import commit, counts, csv_file, roster_rows, validate
from tests.realserver import ROOT, _database_url

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


# --- a real worker -----------------------------------------------------------------------------------------------

WORKER_SETTING = os.environ.get("SMARTUNION_CELERY_WORKER", "")


def with_a_celery_worker(test):
    """Marked ``celery_worker``; run only when SMARTUNION_CELERY_WORKER is set; data committed."""
    test = pytest.mark.django_db(transaction=True)(test)
    test = pytest.mark.skipif(
        not WORKER_SETTING,
        reason="a real Celery worker: set SMARTUNION_CELERY_WORKER=1 (Redis at 127.0.0.1:6379/1) or a redis:// URL",
    )(test)
    return pytest.mark.celery_worker(test)


CELERY = Path(sys.executable).with_name("celery")


class Worker:
    """``celery -A smartunion worker`` (prefork, one process) on the test database, consuming a queue
    of its own, so that no other worker on this Redis takes the test's tasks."""

    def __init__(self, broker: str, queue: str, env: dict[str, str] | None = None) -> None:
        self.queue = queue
        self._log_path = ROOT / "var" / f"celery-worker-{queue}.log"
        self._log = open(self._log_path, "wb")  # noqa: SIM115
        full_env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": broker,
            "CELERY_QUEUE": queue,
            "CONN_MAX_AGE": "0",  # no connection kept to the test database once a task ends
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        if connection.vendor == "sqlite":
            full_env.pop("DATABASE_TEST_NAME", None)
        self.proc = subprocess.Popen(  # noqa: S603
            [str(CELERY), "-A", "smartunion", "worker", "--pool=prefork", "--concurrency=1"]
            + ["--loglevel=INFO", "--without-gossip", "--without-mingle", "-n", f"{queue}@%h"],
            cwd=ROOT,
            env=full_env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while " ready." not in self.log():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                log = self.log()
                self.stop()
                raise RuntimeError(f"the Celery worker did not start within 60 s:\n{log}")
            time.sleep(0.2)

    def log(self) -> str:
        self._log.flush()
        return self._log_path.read_text(errors="replace")[-20_000:]

    def pool_processes(self) -> list[int]:
        """The worker's child processes (the one that runs tasks)."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:
                children.append(int(stat.parent.name))
        return children

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # warm shutdown
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()
        self._log_path.unlink(missing_ok=True)


def _broker() -> str:
    import redis

    broker = "redis://127.0.0.1:6379/1" if WORKER_SETTING in ("1", "true", "yes") else WORKER_SETTING
    try:
        redis.Redis.from_url(broker, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:  # asked for: a missing broker fails the run, it is no skip
        pytest.fail(f"SMARTUNION_CELERY_WORKER is set but Redis at {broker} does not answer: {exc}")
    return broker


def _forget_queue(broker: str, queue: str) -> None:
    import redis

    client = redis.Redis.from_url(broker, socket_connect_timeout=2)
    for key in client.scan_iter(match=f"*{queue}*"):  # the queue, its bindings: nothing left behind
        client.delete(key)


@pytest.fixture
def celery_worker(settings):
    broker = _broker()
    queue = f"smartunion-test-{uuid.uuid4().hex[:12]}"
    settings.CELERY_BROKER_URL = broker
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    worker = Worker(broker, queue)
    try:
        yield worker
    finally:
        worker.stop()
        _forget_queue(broker, queue)


@with_a_celery_worker
def test_a_worker_with_the_wrong_keys_refuses_to_start(tree):
    """As the web server does (wsgi.py): a worker started with FIELD_ENCRYPTION_KEYS that do not
    read the data stops at once with the reason, instead of failing every import."""
    make_person(org=tree.union_a, real_name="张三")
    broker, queue = _broker(), f"smartunion-test-{uuid.uuid4().hex[:12]}"
    other_key = f"1:{base64.b64encode(os.urandom(32)).decode()}"
    try:
        with pytest.raises(RuntimeError, match="did not start") as refused:
            Worker(broker, queue, env={"FIELD_ENCRYPTION_KEYS": other_key})
    finally:
        _forget_queue(broker, queue)
    assert "FIELD_ENCRYPTION_KEYS does not match the data: key version 1 cannot decrypt" in str(refused.value)


def _big_import(settings, rows: int):
    settings.ROSTER_SYNC_ROWS = 10
    union, enterprise, staff = big_union()
    roster_import = validate(staff, union, csv_file(roster_rows(enterprise, rows)))
    return staff, roster_import


@with_a_celery_worker
def test_a_large_roster_is_imported_by_the_celery_worker(celery_worker, settings):
    staff, roster_import = _big_import(settings, 40)
    roster_import = commit(staff, roster_import)
    assert roster_import.status == RosterImportStatus.COMMITTING  # queued, not run in the request
    roster_import = wait_for(roster_import, seconds=60, log=celery_worker.log)
    assert roster_import.status == RosterImportStatus.DONE, roster_import.failure_reason
    assert roster_import.created_count == 40 and counts() == (40, 40, 40)
    deadline = time.monotonic() + 10  # the worker logs the task's end just after its COMMIT
    while not re.search(r"Task members\.roster_import_commit\[[-0-9a-f]+\] succeeded", celery_worker.log()):
        assert time.monotonic() < deadline, celery_worker.log()
        time.sleep(0.1)


def _heartbeat(roster_import: RosterImport) -> str:
    with scopes_disabled():
        return RosterImport.objects.get(pk=roster_import.pk).timings.get("heartbeat", "")


def _wait_for_a_new_heartbeat(roster_import: RosterImport, since: str, worker: Worker) -> str:
    deadline = time.monotonic() + 60
    while (beat := _heartbeat(roster_import)) == since:
        assert time.monotonic() < deadline, f"the worker did not start the task within 60 s:\n{worker.log()}"
        time.sleep(0.1)
    return beat


@with_a_celery_worker
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the test holds PostgreSQL's roster write lock to catch the task",
)
def test_a_task_whose_worker_process_is_killed_runs_again_to_the_end(celery_worker, settings):
    """The worker process running the import is killed (the OOM killer, a kill -9) while the task
    waits for the roster write lock, which the test holds: its message goes back to the queue
    (acks_late, reject_on_worker_lost), a new process runs the task again, and the import ends."""
    staff, roster_import = _big_import(settings, 40)
    with roster_write_lock():
        roster_import = commit(staff, roster_import)
        queued = _heartbeat(roster_import)
        first_run = _wait_for_a_new_heartbeat(roster_import, queued, celery_worker)
        (process,) = celery_worker.pool_processes()
        os.kill(process, signal.SIGKILL)
        _wait_for_a_new_heartbeat(roster_import, first_run, celery_worker)  # the second run
    roster_import = wait_for(roster_import, seconds=60, log=celery_worker.log)
    assert roster_import.status == RosterImportStatus.DONE, roster_import.failure_reason
    assert roster_import.created_count == 40 and counts() == (40, 40, 40)
    assert "WorkerLostError" in celery_worker.log()
