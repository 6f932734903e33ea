"""The case queue at 1,000,000 cases through the real server stack, against a trivial baseline.

    .venv/bin/python bench/case_queue.py            # 1,000,000 cases on PostgreSQL (127.0.0.1:5432)
    .venv/bin/python bench/case_queue.py --quick    # 100,000 cases, same stack

It builds its own database (PostgreSQL: a fresh ``smartunion_bench_cases``, dropped at the end),
migrates it, and seeds it the way ``seed_demo`` does: the demo tree (``--tree small``: 806
organisations, 1,018 enterprises, the demo accounts) through the services, then the cases by the
bulk path of ``cases.demo`` (the showcase through the services, then ``--cases`` generated cases
over every district's centres, binary COPY through ``core.bulk``). Then VACUUM (ANALYZE).

The server is what docs/deploy.md recommends: ``gunicorn --workers 3`` on 127.0.0.1 with
``DATABASE_URL`` on the bench database. It serves ``bench/_case_queue_app.py``: smartunion itself,
plus the console's baseline (see that module). It measures ``GET /api/v1/cases`` and the console's
``/console/cases/``.

The mediator is ``fangshan.mediator`` (``cases.mediate`` on 房山区劳动争议调解中心): the API with a
token from the real ``POST /api/v1/auth/token`` (password and TOTP), the console with a signed-in
session (made in-process, as the console's sign-in leaves it). Each request is a first page of
the mediator's queue sorted by the nearest clock: the centre's open cases, those past a clock,
those due within 3 days, and the cases assigned to them, in turn. Each is compared with the trivial
view behind its own middleware and authentication (PERFORMANCE.md): the API's with
``GET /api/v1/ping`` and the token, the console's with ``GET /bench/console/ping/`` and the session. ``city.mediator``'s
queue (every mediation case of the city) is measured too, for information.

The load client is ``bench/member_search.py``'s (a separate process: stdlib asyncio, HTTP/1.1, one
connection per worker, bounded by ``--seconds`` and ``--requests`` after ``--warmup``). Each round
runs the baseline and each queue in turn; medians of ``--repeat`` rounds are printed, and the ratio
is the median of each round's queue req/s ÷ that round's baseline req/s. Queries per request are
counted in-process for page sizes 10, 50 and 100 (the same URLs through Django's test client).

Output: one line per figure, ``name value unit``; the last line is the verdict against the issue's
target: p99 < 100 ms, req/s ÷ baseline ≥ 0.4, and a fixed number of queries whatever the page size.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from _common import figure, fresh_database, note, percentile
from member_search import free_port, http, run_client, server_environment, setup_django, sign_in

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_BENCH_DB = "smartunion_bench_cases"
P99_TARGET_MS = 100.0
RATIO_TARGET = 0.4
MEDIATOR = "fangshan.mediator"
CITY_MEDIATOR = "city.mediator"
PAGE_SIZES = (10, 50, 100)
# The first pages a mediator opens: the centre's queue, past a clock, due soon, and their own.
QUEUES = (
    {"view": "centre"},
    {"view": "centre", "clock": "overdue"},
    {"view": "centre", "clock": "due_soon"},
    {"view": "mine"},
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="100,000 cases instead of 1,000,000")
    parser.add_argument("--cases", type=int, help="generated cases (default 1,000,000; quick 100,000)")
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--tree", choices=["tiny", "small", "medium"], default="small")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (docs/deploy.md: 3)")
    parser.add_argument("--connections", type=int, default=3, help="client connections (default 3)")
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per path and round")
    parser.add_argument("--requests", type=int, default=20_000, help="at most this many per measurement")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds before each")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; medians are printed")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--timeout", type=int, default=3600, help="give up after this many seconds")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the queue's queries (stderr)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    args.cases = args.cases if args.cases is not None else (100_000 if args.quick else 1_000_000)
    if args.quick:
        args.seconds, args.repeat = min(args.seconds, 5.0), min(args.repeat, 2)
    return args


# --- Data ------------------------------------------------------------------------------------------


def seed(args) -> dict[str, dict]:
    """The demo tree through the services, then the cases by the demo's bulk path. Returns the
    accounts of the mediators."""
    from smartunion.cases import demo as cases_demo
    from smartunion.orgs import demo as orgs_demo

    started = time.perf_counter()
    result = orgs_demo.seed_demo(scale=args.tree, seed=args.seed)
    note(f"demo tree ({args.tree}) built in {time.perf_counter() - started:.1f} s")
    last = [0.0]

    def progress(done: int, total: int, seconds: float) -> None:
        if done == total or seconds - last[0] >= 15:
            last[0] = seconds
            note(f"cases {done:,}/{total:,}, {done / max(seconds, 1e-9):,.0f} rows/s")

    cases = cases_demo.seed_cases(scale=args.tree, seed=args.seed, count=args.cases, progress=progress)
    figure("cases", cases.counts["cases"], "cases")
    figure("seed_cases", cases.seconds, "s")
    figure("seed_cases_rows_per_s", float(round(cases.counts["cases"] / cases.seconds)), "cases/s")
    return {
        s.username: {"username": s.username, "password": s.password, "totp": s.totp_secret}
        for s in result.staff
        if s.username in (MEDIATOR, CITY_MEDIATOR)
    }


def vacuum_analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in ("cases_case", "cases_claim", "cases_caseevent", "cases_contact", "orgs_org"):
                cursor.execute(f"VACUUM (ANALYZE) {table}")
        else:
            cursor.execute("ANALYZE")


def paths() -> tuple[str, str]:
    """The API queue and the console page measured."""
    from django.urls import reverse

    return "/api/v1/cases", reverse("console:case_queue")


def console_session(username: str) -> str:
    """A console session as the sign-in leaves it (password and second factor done)."""
    from django.conf import settings
    from django.test import Client

    from smartunion.accounts.models import User
    from smartunion.core.scoping import scopes_disabled

    with scopes_disabled():
        user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_verified"] = True
    session.save()
    return session.session_key or client.cookies[settings.SESSION_COOKIE_NAME].value


def url(base: str, query: dict, limit: int | None = None) -> str:
    params = dict(query)
    if limit is not None:  # the console's page takes its size as ``size``, the API as ``limit``
        params["size" if base.startswith("/console/") else "limit"] = str(limit)
    return f"{base}?{urllib.parse.urlencode(params)}"


def raw_get(path: str, *, token: str = "", cookie: str = "") -> str:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    if cookie:
        from django.conf import settings

        lines.append(f"Cookie: {settings.SESSION_COOKIE_NAME}={cookie}")
    return "\r\n".join([*lines, "Connection: keep-alive", "", ""])


def count_queries(api: str, console: str, token: str, cookie: str) -> dict[str, dict[int, int]]:
    """Queries per request for each page size, through Django's test client in this process."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts: dict[str, dict[int, int]] = {"api": {}, "console": {}}
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    # A staff session is saved at most once a minute (the idle time-out): let this first page save
    # it, so that the counts below compare page sizes, not the minute they fell in.
    client.get(console)
    for size in PAGE_SIZES:
        for name, base, headers in (
            ("api", api, {"Authorization": f"Bearer {token}"}),
            ("console", console, {}),
        ):
            seen = set()
            for query in QUEUES:
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(url(base, query, size), headers=headers)
                assert response.status_code == 200, (name, response.status_code, response.content[:300])
                seen.add(len(captured.captured_queries))
            counts[name][size] = max(seen)
    return counts


def explain(api: str, token: str, who: str) -> None:
    """EXPLAIN ANALYZE of the queue's own SELECT (the cases query) for each queue kind."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for query in QUEUES:
        with CaptureQueriesContext(connection) as captured:
            client.get(url(api, query, 50), headers={"Authorization": f"Bearer {token}"})
        for item in captured.captured_queries:
            sql = item["sql"]
            if "cases_case" not in sql or not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                prefix = (
                    "EXPLAIN (ANALYZE, BUFFERS) "
                    if connection.vendor == "postgresql"
                    else "EXPLAIN QUERY PLAN "
                )
                cursor.execute(prefix + sql)
                plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            note(f"EXPLAIN {who} {query}:\n{sql}\n{plan}\n")


# --- The server ------------------------------------------------------------------------------------


def start_server(args, env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    command = [str(gunicorn) if gunicorn.exists() else "gunicorn", "--pythonpath", str(ROOT / "bench")]
    command += ["_case_queue_app:application", "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}"]
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log_path.read_text(errors='replace')[-2000:]}")
        try:
            status, _body = http(port, "GET", "/api/v1/ping")
            if status == 401:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 60 s")


def measure(args, port: int, plans: dict[str, list[str]]) -> dict[str, list[dict]]:
    spec = {
        "host": "127.0.0.1",
        "port": port,
        "connections": args.connections,
        "seconds": args.seconds,
        "requests": args.requests,
        "warmup": args.warmup,
    }
    rounds: dict[str, list[dict]] = {name: [] for name in plans}
    for number in range(args.repeat):
        for name, raw_requests in plans.items():
            result = run_client({**spec, "raw_requests": raw_requests})
            latencies = result["latencies_ms"]
            errors = sum(n for status, n in result["statuses"].items() if status != "200")
            rounds[name].append(
                {
                    "p50": percentile(latencies, 50),
                    "p99": percentile(latencies, 99),
                    "rps": len(latencies) / result["seconds"],
                    "requests": len(latencies),
                    "errors": errors,
                }
            )
            r = rounds[name][-1]
            note(
                f"round {number + 1} {name}: {r['requests']} requests, {r['rps']:.0f} req/s, "
                f"p50 {r['p50']:.2f} ms, p99 {r['p99']:.2f} ms, {errors} errors"
            )
    return rounds


# --- Main ------------------------------------------------------------------------------------------


def main() -> int:
    args = parse_args()

    def give_up(_signum, _frame):
        raise TimeoutError(f"benchmark exceeded --timeout {args.timeout} s")

    signal.signal(signal.SIGALRM, give_up)
    signal.alarm(args.timeout)
    total_started = time.perf_counter()
    database_url, cleanup = fresh_database(args.database, pg_name=PG_BENCH_DB, sqlite_name="cases.sqlite3")
    var_dir = tempfile.mkdtemp(prefix="smartunion-bench-var-")
    server = None
    try:
        env = server_environment(database_url, var_dir)
        setup_django(env)
        from django.core.management import call_command
        from django.db import connection, connections

        call_command("migrate", verbosity=0)
        import _case_queue_app  # noqa: F401 - the server's URLs in this process too (query counts)

        figure("load_average_1m_at_start", os.getloadavg()[0], f"load({os.cpu_count()}_cores)")
        figure("database", connection.vendor, "-")
        note(f"seeding {args.cases:,} cases into {connection.vendor}")
        accounts = seed(args)
        vacuum_analyze()
        api, console = paths()
        cookie = console_session(MEDIATOR)
        connections.close_all()
        figure("api_queue_path", api, "-")
        figure("console_queue_path", console, "-")

        port = free_port()
        server = start_server(args, env, port, Path(var_dir) / "gunicorn.log")
        token = sign_in(port, accounts[MEDIATOR])
        city_token = sign_in(port, accounts[CITY_MEDIATOR])
        for query in QUEUES:  # the mediator has work on every queue (the figures are for real pages)
            status, body = http(port, "GET", url(api, query), token=token)
            assert status == 200 and body["items"], (query, status, body)
        queries = count_queries(api, console, token, cookie)
        if args.explain:
            explain(api, token, MEDIATOR)
            explain(api, city_token, CITY_MEDIATOR)
        connections.close_all()

        plans = {
            "baseline": [raw_get("/api/v1/ping", token=token)],
            "baseline_console": [raw_get("/bench/console/ping/", cookie=cookie)],
            "api_queue": [raw_get(url(api, q), token=token) for q in QUEUES],
            "console_queue": [raw_get(url(console, q), cookie=cookie) for q in QUEUES],
            "api_queue_city": [raw_get(url(api, q), token=city_token) for q in QUEUES],
        }
        rounds = measure(args, port, plans)

        def median(name: str, key: str) -> float:
            return statistics.median(r[key] for r in rounds[name])

        figure("server", f"gunicorn_{args.workers}_workers", "-")
        figure("client_connections", args.connections, "connections")
        figure("baseline_ping_req_per_s", median("baseline", "rps"), "req/s")
        figure("baseline_ping_p50", median("baseline", "p50"), "ms")
        figure("baseline_ping_p99", median("baseline", "p99"), "ms")
        figure("baseline_console_req_per_s", median("baseline_console", "rps"), "req/s")
        figure("baseline_console_p50", median("baseline_console", "p50"), "ms")
        figure("baseline_console_p99", median("baseline_console", "p99"), "ms")
        ok = True
        # Each path against the trivial view behind its own middleware and authentication
        # (PERFORMANCE.md): the API's token ping, the console's session page.
        baselines = {
            "api_queue": "baseline",
            "console_queue": "baseline_console",
            "api_queue_city": "baseline",
        }
        for name, baseline in baselines.items():
            ratio = statistics.median(
                r["rps"] / b["rps"] for r, b in zip(rounds[name], rounds[baseline], strict=True)
            )
            p99 = median(name, "p99")
            figure(f"{name}_req_per_s", median(name, "rps"), "req/s")
            figure(f"{name}_p50", median(name, "p50"), "ms")
            figure(f"{name}_p99", p99, "ms")
            figure(f"{name}_ratio_to_baseline", ratio, "x")
            if name != "api_queue_city":  # the city-wide queue is reported, not judged
                ok = ok and p99 < P99_TARGET_MS and ratio >= RATIO_TARGET
        for name, by_size in queries.items():
            for size, n in by_size.items():
                figure(f"{name}_queries_page_{size}", n, "queries")
            ok = ok and len(set(by_size.values())) == 1
        errors = sum(r["errors"] for kind_rounds in rounds.values() for r in kind_rounds)
        figure("errors", errors, "responses(expected 0)")
        figure("requests_measured", sum(r["requests"] for kr in rounds.values() for r in kr), "requests")
        figure("load_average_1m_at_end", os.getloadavg()[0], f"load({os.cpu_count()}_cores)")
        figure("total_runtime", time.perf_counter() - total_started, "s")
        ok = ok and errors == 0
        print(
            f"verdict {'PASS' if ok else 'FAIL'} (the mediator's queue, API and console: p99 < "
            f"{P99_TARGET_MS:g} ms, req/s / baseline >= {RATIO_TARGET:g}, the same queries for pages of "
            f"{', '.join(map(str, PAGE_SIZES))})"
        )
        return 0 if ok else 1
    finally:
        signal.alarm(0)
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - Django may not be set up yet
            pass
        if args.keep:
            note(f"kept the database: {database_url} (keys in {var_dir}, kept too)")
        else:
            cleanup()
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
