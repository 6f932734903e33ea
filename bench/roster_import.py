"""Roster import at 100,000 rows: end to end through the real path, against a raw load.

    .venv/bin/python bench/roster_import.py            # 100,000 rows on SQLite (a temporary file)
    .venv/bin/python bench/roster_import.py --pg       # the same on PostgreSQL (127.0.0.1:5432)
    .venv/bin/python bench/roster_import.py --quick    # 10,000 rows

It builds its own database (SQLite: a temporary file; PostgreSQL: a fresh ``smartunion_bench_roster``,
dropped at the end), migrates it, creates a city federation, one enterprise union, 500 enterprises
and a grassroots staff member, and writes a roster of valid fictitious members (GB 11643 check
characters, mainland mobiles, the enterprises' credit codes) as .xlsx and as .csv.

For each format and each repetition:

1. End to end, the real path: ``roster_import_validate`` (store, read with python-calamine or csv,
   check every row, look up the database in bulk, encrypt) then ``roster_import_commit`` (re-check,
   then the database stage: people, memberships, events and tags in one transaction; rosters this
   size run as the background task and the script polls until it is done, as the page does).
2. The database stage alone: ``timings["write_s"]`` of the import (reserving keys and numbers, the
   bulk writes, the audit record and the COMMIT).
3. The raw baseline: the same prepared rows (the encrypted tuples the real path writes) loaded into
   the same four tables by the database's fastest path, executemany on the raw sqlite3 connection or
   COPY on PostgreSQL, in one transaction; then deleted.

Output: one line per figure, ``name value unit``, medians of the repetitions; the last line is the
verdict against PERFORMANCE.md: end to end >= 8,000 rows/s on SQLite and >= 10,000 on PostgreSQL;
the database stage >= 0.4 x the raw load.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from _common import figure, fresh_pg_database, note

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_BENCH_DB = "smartunion_bench_roster"
TARGET_ROWS_PER_S = {"sqlite": 8_000, "postgresql": 10_000}
TARGET_RATIO = 0.4
ENTERPRISES = 500
REGIONS = ["110101", "110102", "110105", "110106", "110108", "110111", "110113", "110114"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="10,000 rows instead of 100,000")
    parser.add_argument("--pg", action="store_true", help="PostgreSQL on 127.0.0.1:5432 instead of SQLite")
    parser.add_argument("--rows", type=int, help="rows in the roster (default 100,000; quick 10,000)")
    parser.add_argument("--formats", default="xlsx,csv", help="comma-separated: xlsx, csv (default both)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions per format; medians are printed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=int, default=1800, help="give up after this many seconds")
    parser.add_argument("--profile", action="store_true", help="pyinstrument profile of one import to stderr")
    args = parser.parse_args()
    args.rows = args.rows or (10_000 if args.quick else 100_000)
    args.formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    return args


# --- Database lifecycle -----------------------------------------------------------------------------


def prepare_database(args, tmp: str):
    if args.pg:
        return fresh_pg_database(PG_BENCH_DB)
    return f"sqlite:///{tmp}/roster.sqlite3", lambda: None


def setup_django(database_url: str, var_dir: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["SMARTUNION_VAR_DIR"] = var_dir
    os.environ.setdefault("SMARTUNION_ENV", "development")
    os.environ["DJANGO_SETTINGS_MODULE"] = "smartunion.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


# --- The data ---------------------------------------------------------------------------------------


def credit_code(region: str, serial: int) -> str:
    from smartunion.core.codes import CREDIT_CODE_CHARS, credit_code_check_char

    tail = ""
    for _ in range(9):
        serial, rem = divmod(serial, 31)
        tail = CREDIT_CODE_CHARS[rem] + tail
    first17 = "91" + region + tail
    return first17 + credit_code_check_char(first17)


def build_world():
    """A city federation, one enterprise union, the enterprises, and its grassroots staff member."""
    from smartunion.accounts.models import Role, RoleGrant, User, UserKind
    from smartunion.core.scoping import scopes_disabled
    from smartunion.orgs.models import Enterprise, OrgKind
    from smartunion.orgs.services import org_create

    with scopes_disabled():
        city = org_create(
            actor=None, parent=None, name="基准市总工会", kind=OrgKind.CITY_FEDERATION, region_code="110000"
        )
        union = org_create(
            actor=None, parent=city, name="基准公司工会", kind=OrgKind.ENTERPRISE_UNION, region_code="110105"
        )
        Enterprise.objects.bulk_create(
            Enterprise(
                name=f"基准企业{i}有限公司",
                credit_code=credit_code(REGIONS[i % len(REGIONS)], 1000 + i),
                region_code=REGIONS[i % len(REGIONS)],
                industry="G",
                org=union,
                covering_union=union,
                is_platform=i % 10 == 0,
            )
            for i in range(ENTERPRISES)
        )
        codes = list(Enterprise.objects.order_by("id").values_list("credit_code", flat=True))
        staff = User(username="bench.staff", kind=UserKind.STAFF)
        staff.set_unusable_password()
        staff.save()
        RoleGrant.objects.create(user=staff, role=Role.objects.get(code="grassroots_staff"), org=union)
    return union, staff, codes


def roster_rows(count: int, codes: list[str], rng: random.Random) -> list[list[str]]:
    from smartunion.core.personal import id_number_check_char
    from smartunion.members.roster import EMPLOYMENT_FORM_NAMES, WAGE_BRACKET_NAMES

    forms = [names[0] for names in EMPLOYMENT_FORM_NAMES.values()]
    wages = [names[0] for names in WAGE_BRACKET_NAMES.values()]
    tags = ["环卫工人", "户外劳动者", "快递员", "外卖送餐员", "工匠人才"]
    first = date(1965, 1, 1)
    rows = []
    for i in range(count):
        # 1,000 sequence numbers per (region, birth date): unique for any count used here.
        region = REGIONS[i % len(REGIONS)]
        birth = (first + timedelta(days=(i // len(REGIONS)) // 1000 * 7 + (i // len(REGIONS)) % 7)).strftime(
            "%Y%m%d"
        )
        first17 = f"{region}{birth}{(i // len(REGIONS)) % 1000:03d}"
        id_number = first17 + id_number_check_char(first17)
        rows.append(
            [
                f"职工{i:06d}",
                id_number,
                f"1{3 + i % 7}{i:09d}"[:11],
                rng.choice(forms),
                rng.choice(codes),
                f"20{10 + i % 14}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                rng.choice(wages),
                rng.choice(tags) if i % 3 == 0 else "",
            ]
        )
    return rows


def write_xlsx(path: Path, rows: list[list[str]]) -> None:
    import xlsxwriter

    from smartunion.members.roster import COLUMNS

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("会员名册")
    for col, column in enumerate(COLUMNS):
        sheet.write_string(0, col, column.header)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value:
                sheet.write_string(r, col, value)
    workbook.close()


def write_csv(path: Path, rows: list[list[str]]) -> None:
    import csv

    from smartunion.members.roster import COLUMNS

    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([c.header for c in COLUMNS])
        writer.writerows(rows)


# --- The measured runs ------------------------------------------------------------------------------


MEMBER_TABLES = (
    "members_person_occupation_tags",
    "members_membershipevent",
    "members_membership",
    "members_person",
    "members_rosterimport",
)


def clear_members() -> None:
    """Remove the imported (or raw-loaded) members, keep the world: every run, real or raw, starts
    from the same empty tables (TRUNCATE on PostgreSQL leaves no dead rows in the indexes)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"TRUNCATE {', '.join(MEMBER_TABLES)} CASCADE"
            )  # the bench has no other member data
        else:
            for table in MEMBER_TABLES:
                cursor.execute(f"DELETE FROM {table}")
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT" if connection.vendor == "postgresql" else "ANALYZE")


def real_import(path: Path, union, staff, profile: bool = False) -> dict[str, float]:
    from django.core.files import File

    from smartunion.accounts.permissions import scope_for_user
    from smartunion.core.scoping import activate, scopes_disabled
    from smartunion.members.models import RosterImport, RosterImportStatus
    from smartunion.members.roster import roster_import_commit, roster_import_validate

    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(async_mode="disabled")
        profiler.start()
    started = time.perf_counter()
    with activate(scope_for_user(staff)), open(path, "rb") as handle:
        roster_import = roster_import_validate(actor=staff, org=union, upload=File(handle, name=path.name))
        validated = time.perf_counter()
        if roster_import.status != RosterImportStatus.READY:
            raise RuntimeError(f"roster not ready: {roster_import.status} {roster_import.errors[:3]}")
        roster_import = roster_import_commit(actor=staff, roster_import=roster_import)
    with scopes_disabled():
        while roster_import.status == RosterImportStatus.COMMITTING:
            time.sleep(0.02)
            roster_import = RosterImport.objects.get(pk=roster_import.pk)
        finished = time.perf_counter()
        # The task writes its full timings (COMMIT included) just after the import's own COMMIT.
        while roster_import.status == RosterImportStatus.DONE and "commit_s" not in roster_import.timings:
            time.sleep(0.01)
            roster_import = RosterImport.objects.get(pk=roster_import.pk)
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False), file=sys.stderr)
    if roster_import.status != RosterImportStatus.DONE:
        raise RuntimeError(f"import {roster_import.status}: {roster_import.failure_reason}")
    timings = roster_import.timings
    return {
        "end_to_end_s": finished - started,
        "validate_s": validated - started,
        "commit_s": finished - validated,
        "read_s": timings["read_s"],
        "check_s": timings["check_s"],
        "stage_s": timings["stage_s"],
        "recheck_s": timings["recheck_s"],
        "db_stage_s": timings["write_s"],
        "created": roster_import.created_count,
    }


def prepared_tuples(path: Path, fmt: str, union, staff):
    """The same rows the real path writes: read, checked and encrypted by the product's own code,
    then laid out as the four tables' tuples with keys and numbers assigned."""
    from django.db import connection
    from django.utils import timezone

    from smartunion.accounts.permissions import scope_for_user
    from smartunion.core.crypto import encrypt_many
    from smartunion.core.scoping import activate
    from smartunion.members.roster import check_roster, read_roster, stage_rows

    with activate(scope_for_user(staff)):
        staged = stage_rows(check_roster(read_roster(path, fmt), org=union).rows)
    ids_encrypted = encrypt_many([r[2] for r in staged])
    mobiles_encrypted = encrypt_many([r[4] for r in staged])
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    people, memberships, events, tags = [], [], [], []
    for i, r in enumerate(staged, start=1):
        people.append(
            (
                i,
                r[1],
                ids_encrypted[i - 1],
                r[3],
                mobiles_encrypted[i - 1],
                r[5],
                r[6],
                r[7],
                r[8],
                r[9],
                r[10],
                r[11],
                union.pk,
                None,
                None,
                stamp,
                stamp,
            )
        )
        memberships.append(
            (i, i, union.pk, f"R{i:09d}", "active", r[12], None, None, None, "", 1, stamp, stamp)
        )
        events.append((i, "", "active", staff.pk, "通过名册导入", stamp))
        tags.extend((i, t) for t in r[13])
    return people, memberships, events, tags


RAW_SQL = {
    "members_person": "id, real_name, id_number_encrypted, id_number_index, mobile_encrypted, mobile_index, birth_date, "
    "sex, employment_form, employer_id, platform_id, wage_bracket, org_id, user_id, closed_at, "
    "created_at, updated_at",
    "members_membership": "id, person_id, org_id, number, status, join_date, applied_at, due_date, decided_at, reason, "
    "card_version, created_at, updated_at",
    "members_membershipevent": "membership_id, from_status, to_status, actor_id, reason, created_at",
    "members_person_occupation_tags": "person_id, occupationtag_id",
}


def raw_load(tables) -> float:
    """executemany on the raw sqlite3 connection, or COPY on PostgreSQL, in one transaction."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        with raw.transaction(), raw.cursor() as cursor:
            for (table, columns), rows in zip(RAW_SQL.items(), tables, strict=True):
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
    else:
        raw.execute("PRAGMA cache_size = -65536")  # the same page cache the import uses
        raw.execute("BEGIN IMMEDIATE")
        for (table, columns), rows in zip(RAW_SQL.items(), tables, strict=True):
            marks = ", ".join("?" * len(columns.split(",")))
            raw.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
        raw.execute("COMMIT")
    return time.perf_counter() - started


def main() -> int:
    args = parse_args()
    rng = random.Random(args.seed)

    def give_up(_signum, _frame):
        raise TimeoutError(f"benchmark exceeded --timeout {args.timeout} s")

    signal.signal(signal.SIGALRM, give_up)
    signal.alarm(args.timeout)
    tmp = tempfile.TemporaryDirectory(prefix="smartunion-bench-roster-")
    database_url, cleanup = prepare_database(args, tmp.name)
    try:
        setup_django(database_url, tmp.name)
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        figure("load_average_1m_at_start", os.getloadavg()[0], f"load({os.cpu_count()}_cores)")
        figure("database", connection.vendor, "-")
        figure("rows", args.rows, "rows")
        union, staff, codes = build_world()
        rows = roster_rows(args.rows, codes, rng)
        files = {}
        for fmt in args.formats:
            files[fmt] = Path(tmp.name) / f"roster.{fmt}"
            (write_xlsx if fmt == "xlsx" else write_csv)(files[fmt], rows)
            figure(f"{fmt}_file_size", round(files[fmt].stat().st_size / 1048576, 2), "MB")
        target = TARGET_ROWS_PER_S[connection.vendor]
        verdicts = []
        for fmt in args.formats:
            runs, raws = [], []
            clear_members()
            tables = prepared_tuples(files[fmt], fmt, union, staff)
            assert len(tables[0]) == args.rows
            for repetition in range(args.repeat):
                clear_members()
                note(f"{fmt}: real import {repetition + 1}/{args.repeat}")
                run = real_import(files[fmt], union, staff, profile=args.profile and repetition == 0)
                assert run["created"] == args.rows, run
                runs.append(run)
                clear_members()
                raws.append(raw_load(tables))
            clear_members()
            median = {key: statistics.median(r[key] for r in runs) for key in runs[0] if key != "created"}
            raw = statistics.median(raws)
            end_to_end = args.rows / median["end_to_end_s"]
            db_stage = args.rows / median["db_stage_s"]
            raw_rate = args.rows / raw
            ratio = db_stage / raw_rate
            for key in (
                "end_to_end_s",
                "validate_s",
                "read_s",
                "check_s",
                "stage_s",
                "commit_s",
                "recheck_s",
                "db_stage_s",
            ):
                figure(f"{fmt}_{key}", median[key], "s")
            figure(f"{fmt}_raw_load_s", raw, "s")
            figure(f"{fmt}_end_to_end_rows_per_s", float(round(end_to_end)), "rows/s")
            figure(f"{fmt}_db_stage_rows_per_s", float(round(db_stage)), "rows/s")
            figure(f"{fmt}_raw_rows_per_s", float(round(raw_rate)), "rows/s")
            figure(f"{fmt}_db_stage_over_raw", round(ratio, 3), "ratio")
            figure(f"{fmt}_end_to_end_runs", " ".join(f"{r['end_to_end_s']:.2f}" for r in runs), "s")
            verdicts.append(end_to_end >= target and ratio >= TARGET_RATIO)
        figure("load_average_1m_at_end", os.getloadavg()[0], f"load({os.cpu_count()}_cores)")
        ok = all(verdicts)
        print(
            f"verdict {'PASS' if ok else 'FAIL'} (end to end >= {target:,} rows/s on {connection.vendor}, "
            f"database stage >= {TARGET_RATIO} x raw; {args.rows:,} rows, medians of {args.repeat})",
            flush=True,
        )
        return 0 if ok else 1
    finally:
        from django.db import connections

        connections.close_all()
        cleanup()
        tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
