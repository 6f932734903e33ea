"""Organisation tree at scale: subtree queries and moving a 100,000-node subtree.

    .venv/bin/python bench/org_tree.py            # 3,000,331 nodes on PostgreSQL (127.0.0.1:5432)
    .venv/bin/python bench/org_tree.py --quick    # 300,034 nodes on SQLite (a temporary file)

It builds its own database (PostgreSQL: a fresh ``smartunion_bench``, dropped at the end; SQLite: a
temporary file), migrates it with the project's migrations, loads the tree through the database's
fastest raw path (COPY on PostgreSQL, executemany on SQLite) with paths exactly as
``core.tree.encode_step`` builds them, then measures the real code: the scope's subtree filter
(``subtree_q``) through the ORM, and ``orgs.services.org_move``.

Shape: a root with B branches of 100,011 nodes; each branch has 10 sections of 10,001 nodes; each
section 100 groups of 100 nodes (the group and its 99 leaves). B = 30 (full) or 3 (quick).

Output: one line per figure, ``name value unit``; the last line is the verdict against
PERFORMANCE.md: subtree query p99 < 50 ms for subtrees up to 100,000 nodes, move <= 5 s.
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
from datetime import UTC, datetime
from pathlib import Path

from _common import figure, fresh_database, note, percentile

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_BENCH_DB = "smartunion_bench"
SECTIONS_PER_BRANCH = 10
GROUPS_PER_SECTION = 100
LEAVES_PER_GROUP = 99
P99_TARGET_MS = 50.0
MOVE_TARGET_S = 5.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="300,034 nodes on SQLite instead of 3M on PostgreSQL"
    )
    parser.add_argument("--database", choices=["postgresql", "sqlite"], help="override the database")
    parser.add_argument("--branches", type=int, help="branches of 100,011 nodes (default 30, quick 3)")
    parser.add_argument("--samples", type=int, default=200, help="timed queries per round (default 200)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per figure; the median is reported")
    parser.add_argument(
        "--warmup", type=int, default=30, help="untimed queries per figure first (default 30)"
    )
    parser.add_argument("--moves", type=int, default=3, help="moves of a 100k subtree (median reported)")
    parser.add_argument("--seed", type=int, default=1, help="seed for picking subtrees")
    parser.add_argument("--timeout", type=int, default=1200, help="give up after this many seconds")
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN (ANALYZE) of each query to stderr"
    )
    parser.add_argument("--autovacuum-wait", type=int, default=150, help="seconds to wait for autovacuum")
    parser.add_argument(
        "--keep", action="store_true", help="keep the database afterwards (for EXPLAIN by hand)"
    )
    args = parser.parse_args()
    args.database = args.database or ("sqlite" if args.quick else "postgresql")
    args.branches = args.branches or (3 if args.quick else 30)
    if args.branches < 3:
        parser.error("--branches must be at least 3 (the moves need three branches)")
    return args


# --- Database lifecycle -----------------------------------------------------------------------------


def setup_django(database_url: str, var_dir: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["SMARTUNION_VAR_DIR"] = var_dir
    os.environ.setdefault("SMARTUNION_ENV", "development")
    os.environ["DJANGO_SETTINGS_MODULE"] = "smartunion.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


# --- The tree ------------------------------------------------------------------------------------


def tree_rows(branches: int):
    """(id, parent_id, path, depth, numchild, kind, name, region_code) in DFS pre-order, ids from 1.

    Each parent's children are numbered 0, 1, 2, ... as org_create numbers them (child_seq)."""
    from smartunion.core.tree import encode_step
    from smartunion.orgs.models import OrgKind

    steps = [
        encode_step(i)
        for i in range(max(branches, SECTIONS_PER_BRANCH, GROUPS_PER_SECTION, LEAVES_PER_GROUP))
    ]
    root_path = encode_step(0)
    BRANCH_KINDS = _branch_kinds()  # noqa: N806
    next_id = 1
    yield (next_id, None, root_path, 1, branches, OrgKind.NATIONAL_FEDERATION, "基准全国总工会", "110000")
    root_id = next_id
    for b in range(branches):
        next_id += 1
        branch_id, branch_path = next_id, root_path + steps[b]
        region = f"1101{b % 100:02d}"
        yield (
            branch_id,
            root_id,
            branch_path,
            2,
            SECTIONS_PER_BRANCH,
            BRANCH_KINDS.get(b, OrgKind.DISTRICT_UNION),
            f"区{b}",
            region,
        )
        for s in range(SECTIONS_PER_BRANCH):
            next_id += 1
            section_id, section_path = next_id, branch_path + steps[s]
            yield (
                section_id,
                branch_id,
                section_path,
                3,
                GROUPS_PER_SECTION,
                OrgKind.STREET_UNION,
                f"街道{b}-{s}",
                region + f"{s + 1:03d}",
            )
            for g in range(GROUPS_PER_SECTION):
                next_id += 1
                group_id, group_path = next_id, section_path + steps[g]
                yield (
                    group_id,
                    section_id,
                    group_path,
                    4,
                    LEAVES_PER_GROUP,
                    OrgKind.JOINT_UNION,
                    f"联合工会{b}-{s}-{g}",
                    region,
                )
                for leaf in range(LEAVES_PER_GROUP):
                    next_id += 1
                    yield (
                        next_id,
                        group_id,
                        group_path + steps[leaf],
                        5,
                        0,
                        OrgKind.ENTERPRISE_UNION,
                        f"企业工会{b}-{s}-{g}-{leaf}",
                        region,
                    )


def _branch_kinds():
    from smartunion.orgs.models import OrgKind

    # The moves put branch 1 and 2 under branch 0, then branch 1 under branch 2: kinds must stand in
    # order (orgs.services.KIND_RANK), so branch 0 is a provincial and branch 2 a city federation.
    return {0: OrgKind.PROVINCIAL_FEDERATION, 2: OrgKind.CITY_FEDERATION}


def node_count(branches: int) -> int:
    group = 1 + LEAVES_PER_GROUP
    section = 1 + GROUPS_PER_SECTION * group
    branch = 1 + SECTIONS_PER_BRANCH * section
    return 1 + branches * branch


def org_columns():
    """Every concrete column of orgs_org: the ones the tree sets, and the rest at their defaults."""
    from smartunion.orgs.models import Org

    tree_columns = ["id", "parent_id", "path", "depth", "numchild", "kind", "name", "region_code"]
    now = datetime.now(UTC)
    extra: list[tuple[str, object]] = [("child_seq", None)]  # = numchild
    for f in Org._meta.concrete_fields:
        if f.column in tree_columns or f.column == "child_seq":
            continue
        if f.column in {"created_at", "updated_at"}:
            extra.append((f.column, now))
        else:
            extra.append((f.column, f.get_default()))
    return tree_columns, extra


def load_postgresql(branches: int) -> float:
    from django.db import connection, transaction

    tree_columns, extra = org_columns()
    columns = tree_columns + [c for c, _v in extra]

    def text(value) -> str:
        if value is None:
            return "\\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, datetime):
            return value.isoformat()
        return str(value)

    extra_text = [text(v) for _c, v in extra[1:]]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        # Drop the secondary indexes, unique and foreign-key constraints, COPY, then re-create them
        # from their own definitions: the schema afterwards is exactly what the migrations made.
        cursor.execute(
            """SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
               JOIN pg_class c ON c.oid = i.indexrelid
               WHERE i.indrelid = 'orgs_org'::regclass AND NOT i.indisprimary
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"""
        )
        indexes = cursor.fetchall()
        cursor.execute(
            """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
               WHERE conrelid = 'orgs_org'::regclass AND contype IN ('u', 'f')"""
        )
        constraints = sorted(cursor.fetchall(), key=lambda c: c[1].startswith("FOREIGN KEY"))
        for name, _definition in reversed(constraints):
            cursor.execute(f'ALTER TABLE orgs_org DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        started = time.perf_counter()
        with cursor.copy(f"COPY orgs_org ({', '.join(columns)}) FROM STDIN") as copy:
            batch: list[str] = []
            for row in tree_rows(branches):
                node_id, parent_id, path, depth, numchild, kind, name, region = row
                batch.append(
                    "\t".join(
                        [
                            str(node_id),
                            "\\N" if parent_id is None else str(parent_id),
                            path,
                            str(depth),
                            str(numchild),
                            kind,
                            name,
                            region,
                            str(numchild),
                            *extra_text,
                        ]
                    )
                )
                if len(batch) >= 50_000:
                    copy.write("\n".join(batch) + "\n")
                    batch = []
            if batch:
                copy.write("\n".join(batch) + "\n")
        copy_seconds = time.perf_counter() - started
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE orgs_org ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('orgs_org', 'id'), (SELECT max(id) FROM orgs_org))"
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) orgs_org")
    return copy_seconds


def load_sqlite(branches: int) -> float:
    from django.db import connection, transaction

    tree_columns, extra = org_columns()
    columns = tree_columns + [c for c, _v in extra]
    extra_values = tuple(v for _c, v in extra[1:])
    sql = f"INSERT INTO orgs_org ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.connection
        batch: list[tuple] = []
        for row in tree_rows(branches):
            batch.append((*row, row[4], *extra_values))
            if len(batch) >= 50_000:
                raw.executemany(sql, batch)
                batch = []
        if batch:
            raw.executemany(sql, batch)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return seconds


# --- Measuring ----------------------------------------------------------------------------------


def time_queries(fn, paths: list[str], warmup: int) -> list[float]:
    for path in paths[:warmup]:
        fn(path)
    timings = []
    for path in paths:
        started = time.perf_counter()
        fn(path)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def explain(label: str, queryset) -> None:
    from django.db import connection

    options = {"analyze": True} if connection.vendor == "postgresql" else {}
    note(f"EXPLAIN {label}:\n{queryset.explain(**options)}")


def subtree_figures(label: str, paths: list[str], args) -> dict[str, float]:
    """p50/p99 of the scope's subtree filter through the ORM: the count, and the first page of 50."""
    from smartunion.core.scoping import scopes_disabled, subtree_q
    from smartunion.orgs.models import Org

    def subtree_count(path: str) -> None:
        Org.objects.filter(subtree_q(path)).count()

    def subtree_page(path: str) -> None:
        list(Org.objects.filter(subtree_q(path)).order_by("path")[:50])

    results = {}
    with scopes_disabled():
        if args.explain:
            explain(f"count {label}", Org.objects.filter(subtree_q(paths[0])).values("pk"))
            explain(f"page {label}", Org.objects.filter(subtree_q(paths[0])).order_by("path")[:50])
        for name, fn in (("count", subtree_count), ("page", subtree_page)):
            rounds = [time_queries(fn, paths, args.warmup) for _round in range(args.rounds)]
            results[f"subtree_{name}_{label}_p50"] = statistics.median(percentile(t, 50) for t in rounds)
            results[f"subtree_{name}_{label}_p99"] = statistics.median(percentile(t, 99) for t in rounds)
    return results


def measure(args, rng: random.Random) -> dict[str, float]:
    from smartunion.core.scoping import scopes_disabled, subtree_q
    from smartunion.orgs.models import Org

    results: dict[str, float] = {}
    with scopes_disabled():
        levels = {
            "100": list(Org.objects.filter(depth=4).values_list("path", flat=True)),
            "10k": list(Org.objects.filter(depth=3).values_list("path", flat=True)),
            "100k": list(Org.objects.filter(depth=2).values_list("path", flat=True)),
        }
        last_id = Org.objects.order_by("-pk").values_list("pk", flat=True).first()

        def get_by_pk(pk) -> None:
            Org.objects.get(pk=pk)

        pks = [rng.randint(1, last_id) for _ in range(args.samples)]
        rounds = [time_queries(get_by_pk, pks, args.warmup) for _round in range(args.rounds)]
        results["baseline_pk_get_p50"] = statistics.median(percentile(t, 50) for t in rounds)
        results["baseline_pk_get_p99"] = statistics.median(percentile(t, 99) for t in rounds)
        for size, paths in levels.items():
            expected = {"100": 100, "10k": 10_001, "100k": 100_011}[size]
            got = Org.objects.filter(subtree_q(paths[0])).count()
            assert got == expected, f"subtree of {size}: {got} nodes, expected {expected}"
            results.update(subtree_figures(size, [rng.choice(paths) for _ in range(args.samples)], args))
    return results


def measure_moved(args, rng: random.Random, moved_pks: list[int], label: str) -> dict[str, float]:
    """The same queries over the subtrees that were moved."""
    from smartunion.core.scoping import scopes_disabled, subtree_q
    from smartunion.orgs.models import Org

    branch_size = node_count(1) - 1
    with scopes_disabled():
        # Only the moved subtrees that hold 100,011 nodes: a branch that received another one holds more.
        paths = [
            path
            for path in Org.objects.filter(pk__in=moved_pks).values_list("path", flat=True)
            if Org.objects.filter(subtree_q(path)).count() == branch_size
        ]
    return subtree_figures(label, [rng.choice(paths) for _ in range(args.samples)], args)


def vacuum_after_move(args) -> tuple[float, str]:
    """On PostgreSQL the moved rows are fresh row versions: until VACUUM sets the visibility map, an
    index-only count visits the table for each. Migration orgs 0003 makes autovacuum come after a
    big move; wait for it (bounded), or vacuum here when autovacuum is off on this server."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        if cursor.fetchone()[0] == "on":
            cursor.execute("SELECT autovacuum_count FROM pg_stat_user_tables WHERE relname = 'orgs_org'")
            before = cursor.fetchone()[0]
            while time.perf_counter() - started < args.autovacuum_wait:
                time.sleep(2)
                cursor.execute("SELECT autovacuum_count FROM pg_stat_user_tables WHERE relname = 'orgs_org'")
                if cursor.fetchone()[0] > before:
                    return time.perf_counter() - started, "autovacuum"
            note("autovacuum did not come in time: vacuuming by hand")
        cursor.execute("VACUUM (ANALYZE) orgs_org")
    return time.perf_counter() - started, "manual"


def move_and_check(args) -> tuple[list[float], int, dict[str, int], list[int]]:
    """Move three 100k branches with the real service; check counts and every parent/child pair."""
    from django.db import connection

    from smartunion.core.scoping import scopes_disabled, subtree_q
    from smartunion.orgs.models import Org
    from smartunion.orgs.services import org_move

    branch_size = node_count(1) - 1
    with scopes_disabled():
        branches = list(Org.objects.filter(depth=2).order_by("path").values_list("pk", flat=True))
        pattern = [(1, 0), (2, 0), (1, 2)]
        plan = [pattern[i % len(pattern)] for i in range(args.moves)]
        timings = []
        for moved, target in plan:
            org = Org.objects.get(pk=branches[moved])
            new_parent = Org.objects.get(pk=branches[target])
            started = time.perf_counter()
            org_move(actor=None, org=org, new_parent=new_parent)
            timings.append(time.perf_counter() - started)
            under_new = Org.objects.filter(subtree_q(Org.objects.get(pk=new_parent.pk).path)).count()
            assert Org.objects.filter(subtree_q(Org.objects.get(pk=org.pk).path)).count() == branch_size
            assert under_new >= 2 * branch_size, under_new
        b0, b1, b2 = (Org.objects.get(pk=pk) for pk in branches[:3])
        root = Org.objects.get(depth=1)
        counts = {
            "root": Org.objects.filter(subtree_q(root.path)).count(),
            "branch0": Org.objects.filter(subtree_q(b0.path)).count(),
            "branch1": Org.objects.filter(subtree_q(b1.path)).count(),
            "branch2": Org.objects.filter(subtree_q(b2.path)).count(),
        }
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM orgs_org c JOIN orgs_org p ON c.parent_id = p.id
               WHERE substr(c.path, 1, length(p.path)) <> p.path OR length(c.path) <> length(p.path) + 4
                  OR c.depth <> p.depth + 1"""
        )
        bad = cursor.fetchone()[0]
        cursor.execute(
            """SELECT count(*) FROM orgs_org p
               WHERE p.numchild <> (SELECT count(*) FROM orgs_org c WHERE c.parent_id = p.id)
                 AND p.depth <= 3"""
        )
        bad += cursor.fetchone()[0]
    return timings, bad, counts, sorted({branches[moved] for moved, _target in plan})


def main() -> int:
    args = parse_args()
    rng = random.Random(args.seed)

    def give_up(_signum, _frame):
        raise TimeoutError(f"benchmark exceeded --timeout {args.timeout} s")

    signal.signal(signal.SIGALRM, give_up)
    signal.alarm(args.timeout)
    total_started = time.perf_counter()
    database_url, cleanup = fresh_database(args.database, pg_name=PG_BENCH_DB, sqlite_name="org_tree.sqlite3")
    var_dir = tempfile.TemporaryDirectory(prefix="smartunion-bench-var-")
    try:
        setup_django(database_url, var_dir.name)
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = '600s'")
        nodes = node_count(args.branches)
        figure("load_average_1m_at_start", os.getloadavg()[0], f"load({os.cpu_count()}_cores)")
        note(f"loading {nodes:,} nodes into {connection.vendor}")
        started = time.perf_counter()
        raw_seconds = (
            load_postgresql(args.branches)
            if connection.vendor == "postgresql"
            else load_sqlite(args.branches)
        )
        load_seconds = time.perf_counter() - started
        figure("database", connection.vendor, "-")
        figure("nodes", nodes, "nodes")
        figure("load_raw", raw_seconds, "s")
        figure("load_rows_per_s", float(round(nodes / raw_seconds)), "rows/s")
        figure("load_total_with_indexes_and_analyze", load_seconds, "s")
        results = measure(args, rng)
        for name, value in results.items():
            figure(name, value, "ms")
        moves, bad, counts, moved_pks = move_and_check(args)
        move_median = statistics.median(moves)
        figure("move_100k_median", move_median, "s")
        figure("move_100k_runs", ",".join(f"{m:.2f}" for m in moves), "s")
        branch = node_count(1) - 1
        figure("move_check_root_count", counts["root"], f"nodes(expected {nodes})")
        figure("move_check_branch0_count", counts["branch0"], f"nodes(expected {3 * branch})")
        figure("move_check_branch2_count", counts["branch2"], f"nodes(expected {2 * branch})")
        figure("move_check_inconsistent_rows", bad, "rows(expected 0)")
        expected = {"root": nodes, "branch0": 3 * branch, "branch1": branch, "branch2": 2 * branch}
        consistent = bad == 0 and (counts == expected or args.moves != 3)
        moved = measure_moved(args, rng, moved_pks, "100k_just_moved")
        if connection.vendor == "postgresql":
            vacuum_seconds, how = vacuum_after_move(args)
            figure(f"vacuum_after_move_{how}", vacuum_seconds, "s")
            moved.update(measure_moved(args, rng, moved_pks, "100k_moved_vacuumed"))
        for name, value in moved.items():
            figure(name, value, "ms")
        results.update(moved)
        # The target is the steady state: a just-moved subtree on PostgreSQL is reported, not judged,
        # until (auto)vacuum has passed (see migration orgs 0003).
        judged = {
            k: v
            for k, v in results.items()
            if k.startswith("subtree_")
            and k.endswith("_p99")
            and not ("just_moved" in k and connection.vendor == "postgresql")
        }
        worst_name = max(judged, key=judged.__getitem__)
        worst_p99 = judged[worst_name]
        note(f"worst judged p99: {worst_name}")
        figure("subtree_worst_p99", worst_p99, "ms")
        figure("subtree_worst_p99_over_pk_get_p99", worst_p99 / results["baseline_pk_get_p99"], "x")
        figure("load_average_1m_at_end", os.getloadavg()[0], f"load({os.cpu_count()}_cores)")
        figure("total_runtime", time.perf_counter() - total_started, "s")
        ok = worst_p99 < P99_TARGET_MS and move_median <= MOVE_TARGET_S and consistent
        print(f"verdict {'PASS' if ok else 'FAIL'} (p99 < {P99_TARGET_MS:g} ms, move <= {MOVE_TARGET_S:g} s)")
        return 0 if ok else 1
    finally:
        signal.alarm(0)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - Django may not be set up yet
            pass
        if args.keep:
            note(f"kept the database: {database_url}")
        else:
            cleanup()
        var_dir.cleanup()


if __name__ == "__main__":
    sys.exit(main())
