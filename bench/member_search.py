"""Member search at 1,000,000 members through the real server stack, against a trivial baseline.

    .venv/bin/python bench/member_search.py            # 1,000,000 members on PostgreSQL (127.0.0.1:5432)
    .venv/bin/python bench/member_search.py --quick    # 50,000 members, same stack

It builds its own database (PostgreSQL: a fresh ``smartunion_bench_members``, dropped at the end;
``--database sqlite``: a temporary file), migrates it, and seeds it the way ``seed_demo`` does: the
demo tree (``--tree small`` by default: 806 organisations, 1,018 enterprises, the demo accounts)
built through the services, then the members by the fast path of ``seed_demo --scale large``
(``members.demo.seed_members``: generated valid people, COPY on PostgreSQL). Then VACUUM (ANALYZE).

The server is what docs/deploy.md recommends: ``gunicorn smartunion.wsgi --workers 3`` on
127.0.0.1, with ``DATABASE_URL`` pointing to the bench database and ``SMARTUNION_VAR_DIR`` a
temporary directory (so the keys are the seed's). A staff member who sees the whole city
(``city.union_staff``, ``members.view`` on 北京市总工会) signs in through the real token endpoint
(``POST /api/v1/auth/token`` with password and TOTP code).

The load client is a separate process (this script with ``--client``): stdlib asyncio, HTTP/1.1,
``--connections`` connections (default 3, one per worker: the server is kept busy without
queueing), each request timed from sending to the last byte of the body, bounded by ``--seconds``
and ``--requests`` after ``--warmup`` seconds. gunicorn's sync workers close the connection after
each answer (nginx keeps the clients' connections in production); the client then reconnects before
timing the next request, for the baseline and the searches alike. Each kind sends distinct queries
drawn from the database: a full mobile or a full ID number through ``POST /api/v1/members/search``
(numbers go in the body, never in an address), or a name prefix (the surname, the surname and one
character, or the whole name, a third each) through ``GET /api/v1/members?q=…``: the same search
and page. The baseline is ``GET /api/v1/ping``, behind the same middleware and token
authentication. Every answer must be 200; before measuring, a sample of each kind is checked for the
right person.

Output: one line per figure, ``name value unit``; medians of ``--repeat`` rounds (each round runs
the baseline and the three searches in turn); the last line is the verdict against PERFORMANCE.md:
p99 < 50 ms and req/s / baseline req/s >= 0.6 for each search.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from _common import figure, fresh_database, note, percentile

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_BENCH_DB = "smartunion_bench_members"
P99_TARGET_MS = 50.0
RATIO_TARGET = 0.6
STAFF_USERNAME = "city.union_staff"
KINDS = ("mobile", "id_number", "name")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="50,000 members instead of 1,000,000")
    parser.add_argument("--members", type=int, help="members to generate (default 1,000,000; quick 50,000)")
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument(
        "--tree", choices=["tiny", "small", "medium"], default="small", help="demo tree to spread them over"
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (docs/deploy.md: 3)")
    parser.add_argument("--connections", type=int, default=3, help="client connections (default 3)")
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per kind and round")
    parser.add_argument(
        "--requests", type=int, default=20_000, help="at most this many requests per measurement"
    )
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="unmeasured seconds before each measurement"
    )
    parser.add_argument("--repeat", type=int, default=3, help="rounds; medians are printed")
    parser.add_argument("--samples", type=int, default=3000, help="distinct people queried per kind")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=int, default=3600, help="give up after this many seconds")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE the endpoint's queries (stderr)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)  # the load-client process
    args = parser.parse_args()
    args.members = args.members or (50_000 if args.quick else 1_000_000)
    return args


# --- The load client (a separate process) ----------------------------------------------------------


async def _drive(spec: dict) -> dict:
    host, port = spec["host"], spec["port"]
    requests = [r.encode() for r in spec["raw_requests"]]
    tags = spec.get("tags") or [0] * len(requests)
    tagged: list[int] = []
    started = time.perf_counter()
    record_after = started + spec["warmup"]
    deadline = record_after + spec["seconds"]
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    state = {"next": 0, "last_end": record_after}

    async def connection() -> None:
        reader = writer = None
        while time.perf_counter() < deadline and len(latencies) < spec["requests"]:
            index = state["next"] % len(requests)
            request = requests[index]
            state["next"] += 1
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            start = time.perf_counter()
            writer.write(request)
            status_line = await reader.readline()
            if not status_line:  # the server closed an idle keep-alive connection: reconnect, resend
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                start = time.perf_counter()
                writer.write(request)
                status_line = await reader.readline()
            length, close = 0, False
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "connection" and value.strip().lower() == "close":
                    close = True
            await reader.readexactly(length)
            end = time.perf_counter()
            status = status_line.split(b" ", 2)[1].decode()
            if start >= record_after:
                latencies.append((end - start) * 1000)
                tagged.append(tags[index])
                statuses[status] = statuses.get(status, 0) + 1
                state["last_end"] = max(state["last_end"], end)
            if close:
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(spec["connections"])))
    return {
        "latencies_ms": latencies,
        "tags": tagged,
        "statuses": statuses,
        "seconds": max(state["last_end"] - record_after, 1e-9),
    }


def client_main() -> int:
    spec = json.load(sys.stdin)
    json.dump(asyncio.run(_drive(spec)), sys.stdout)
    return 0


def run_client(spec: dict) -> dict:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--client"],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        timeout=spec["warmup"] + spec["seconds"] + 120,
        check=True,
    )
    return json.loads(done.stdout)


# --- Database and data -----------------------------------------------------------------------------


def server_environment(database_url: str, var_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        SMARTUNION_VAR_DIR=var_dir,
        SMARTUNION_ENV="development",
        DEBUG="0",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="smartunion.settings",
    )
    return env


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def seed(args) -> tuple[dict, float]:
    """The demo tree through the services, then the members by seed_demo's fast path. Returns the
    staff account used for signing in, and the seconds the members took."""
    from smartunion.members import demo as members_demo
    from smartunion.orgs import demo as orgs_demo

    started = time.perf_counter()
    result = orgs_demo.seed_demo(scale=args.tree)
    note(f"demo tree ({args.tree}) built in {time.perf_counter() - started:.1f} s")
    last = [0.0]

    def progress(done: int, total: int, seconds: float) -> None:
        if done == total or seconds - last[0] >= 10:
            last[0] = seconds
            note(f"members {done:,}/{total:,}, {done / seconds:,.0f} rows/s")

    members = members_demo.seed_members(scale=args.tree, count=args.members, progress=progress)
    account = next(s for s in result.staff if s.username == STAFF_USERNAME)
    return {
        "username": account.username,
        "password": account.password,
        "totp": account.totp_secret,
    }, members.seconds


def vacuum_analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in ("members_person", "members_membership", "orgs_org", "orgs_enterprise"):
                cursor.execute(f"VACUUM (ANALYZE) {table}")
        else:
            cursor.execute("ANALYZE")


def sample_queries(args, rng: random.Random) -> dict[str, list[tuple[str, int | str]]]:
    """Per kind: (query, what the first answer must be: a person's id, or a name prefix)."""
    from smartunion.core.scoping import scopes_disabled
    from smartunion.members.models import Person

    with scopes_disabled():
        first = Person.objects.order_by("pk").values_list("pk", flat=True).first()
        last = Person.objects.order_by("-pk").values_list("pk", flat=True).first()
        wanted = rng.sample(range(first, last + 1), min(args.samples, last - first + 1))
        people = list(Person.objects.filter(pk__in=wanted, closed_at__isnull=True))
    rng.shuffle(people)
    queries: dict[str, list] = {"mobile": [], "id_number": [], "name": []}
    for n, person in enumerate(people):
        queries["mobile"].append((person.mobile, person.pk))
        queries["id_number"].append((person.id_number, person.pk))
        name = person.real_name
        prefix = name[:1] if n % 3 == 0 else name[:2] if n % 3 == 1 else name
        queries["name"].append((prefix, prefix))
    return queries


def search_request(kind: str, q: str) -> tuple[str, str, dict | None]:
    """(method, path, body). A name prefix goes in the address (``GET /members?q=``); a full mobile
    or ID number only in a body (``POST /members/search``), so that it stays out of URLs and logs."""
    if kind == "name":
        return "GET", "/api/v1/members?" + urllib.parse.urlencode({"q": q}), None
    return "POST", "/api/v1/members/search", {"q": q}


def raw_request(method: str, path: str, body: dict | None, token: str) -> str:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Authorization: Bearer {token}"]
    data = ""
    if body is not None:
        data = json.dumps(body, ensure_ascii=False)
        lines += ["Content-Type: application/json", f"Content-Length: {len(data.encode())}"]
    return "\r\n".join([*lines, "Connection: keep-alive", "", data])


# --- The server ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http(port: int, method: str, path: str, *, token: str = "", body: dict | None = None) -> tuple[int, dict]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, json.loads(data) if data else {}


def start_server(args, env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    command = [str(gunicorn) if gunicorn.exists() else "gunicorn", "smartunion.wsgi"]
    command += ["--workers", str(args.workers), "--bind", f"127.0.0.1:{port}"]
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


def sign_in(port: int, account: dict) -> str:
    import pyotp

    status, body = http(
        port,
        "POST",
        "/api/v1/auth/token",
        body={
            "username": account["username"],
            "password": account["password"],
            "otp": pyotp.TOTP(account["totp"]).now(),
        },
    )
    if status != 200:
        raise RuntimeError(f"sign-in failed: {status} {body}")
    return body["token"]


def check_answers(port: int, token: str, queries: dict[str, list]) -> None:
    """The searches find the right people (so the figures are for real work)."""
    for kind, items in queries.items():
        for q, expected in items[:20]:
            method, path, payload = search_request(kind, q)
            status, body = http(port, method, path, token=token, body=payload)
            assert status == 200, (kind, status, body)
            found = body["items"]
            if kind == "name":
                assert found and all(item["real_name"].startswith(expected) for item in found), (kind, q)
            else:
                assert [item["id"] for item in found] == [expected], (kind, expected, found)


def explain(token: str, queries: dict[str, list]) -> None:
    """EXPLAIN ANALYZE of every query the endpoint runs for one search of each kind."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for kind, items in queries.items():
        q = items[0][0]
        method, path, payload = search_request(kind, q)
        headers = {"Authorization": f"Bearer {token}"}
        with CaptureQueriesContext(connection) as captured:
            if method == "GET":
                response = client.get(path, headers=headers)
            else:
                response = client.post(
                    path, json.dumps(payload), content_type="application/json", headers=headers
                )
        assert response.status_code == 200
        for query in captured.captured_queries:
            sql = query["sql"]
            if "members_" not in sql or not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                prefix = (
                    "EXPLAIN (ANALYZE, BUFFERS) "
                    if connection.vendor == "postgresql"
                    else "EXPLAIN QUERY PLAN "
                )
                cursor.execute(prefix + sql)
                plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            note(
                f"EXPLAIN {kind} ({'name prefix ' + repr(q) if kind == 'name' else 'exact'}):\n{sql}\n{plan}\n"
            )


# --- Main ------------------------------------------------------------------------------------------


def measure(args, port: int, token: str, queries: dict[str, list]) -> dict[str, list[dict]]:
    spec = {
        "host": "127.0.0.1",
        "port": port,
        "connections": args.connections,
        "seconds": args.seconds,
        "requests": args.requests,
        "warmup": args.warmup,
    }
    plans = {"baseline": [raw_request("GET", "/api/v1/ping", None, token)]}
    for kind, items in queries.items():
        plans[kind] = [raw_request(*search_request(kind, q), token) for q, _expected in items]
    rounds: dict[str, list[dict]] = {kind: [] for kind in plans}
    rounds.update({f"{kind}_interleaved": [] for kind in KINDS})
    for number in range(args.repeat):
        for kind, raw_requests in plans.items():
            result = run_client({**spec, "raw_requests": raw_requests})
            latencies = result["latencies_ms"]
            errors = sum(n for status, n in result["statuses"].items() if status != "200")
            rounds[kind].append(
                {
                    "p50": percentile(latencies, 50),
                    "p99": percentile(latencies, 99),
                    "rps": len(latencies) / result["seconds"],
                    "requests": len(latencies),
                    "errors": errors,
                }
            )
            note(
                f"round {number + 1} {kind}: {len(latencies)} requests, {rounds[kind][-1]['rps']:.0f} req/s, "
                f"p50 {rounds[kind][-1]['p50']:.2f} ms, p99 {rounds[kind][-1]['p99']:.2f} ms, {errors} errors"
            )
        # The same comparison with both kinds in one window: requests alternate between the
        # baseline and the search, so both meet the same machine. Windows run one after another
        # and a shared 2-core machine changes speed between them by a third; within one window it
        # does not. The ratio is the baseline's mean latency over the search's.
        for kind in KINDS:
            mixed = [r for pair in zip(itertools.cycle(plans["baseline"]), plans[kind]) for r in pair]
            result = run_client({**spec, "raw_requests": mixed, "tags": [0, 1] * len(plans[kind])})
            by_tag = {0: [], 1: []}
            for latency, tag in zip(result["latencies_ms"], result["tags"], strict=True):
                by_tag[tag].append(latency)
            errors = sum(n for status, n in result["statuses"].items() if status != "200")
            ratio = statistics.fmean(by_tag[0]) / statistics.fmean(by_tag[1])
            rounds[f"{kind}_interleaved"].append(
                {"ratio": ratio, "errors": errors, "requests": len(by_tag[1])}
            )
            note(
                f"round {number + 1} {kind} interleaved with the baseline: {len(by_tag[1])} + {len(by_tag[0])}"
                f" requests, mean {statistics.fmean(by_tag[1]):.2f} ms against {statistics.fmean(by_tag[0]):.2f} ms,"
                f" ratio {ratio:.3f}, {errors} errors"
            )
    return rounds


def main() -> int:
    args = parse_args()
    if args.client:
        return client_main()
    rng = random.Random(args.seed)

    def give_up(_signum, _frame):
        raise TimeoutError(f"benchmark exceeded --timeout {args.timeout} s")

    signal.signal(signal.SIGALRM, give_up)
    signal.alarm(args.timeout)
    total_started = time.perf_counter()
    database_url, cleanup = fresh_database(args.database, pg_name=PG_BENCH_DB, sqlite_name="members.sqlite3")
    var_dir = tempfile.mkdtemp(prefix="smartunion-bench-var-")
    server = None
    try:
        env = server_environment(database_url, var_dir)
        setup_django(env)
        from django.core.management import call_command
        from django.db import connection, connections

        call_command("migrate", verbosity=0)
        figure("load_average_1m_at_start", os.getloadavg()[0], f"load({os.cpu_count()}_cores)")
        note(f"seeding {args.members:,} members into {connection.vendor}")
        account, members_seconds = seed(args)
        vacuum_analyze()
        queries = sample_queries(args, rng)
        connections.close_all()
        figure("database", connection.vendor, "-")
        figure("members", args.members, "people")
        figure("seed_members", members_seconds, "s")
        figure("seed_members_rows_per_s", float(round(args.members / members_seconds)), "rows/s")

        port = free_port()
        server = start_server(args, env, port, Path(var_dir) / "gunicorn.log")
        token = sign_in(port, account)
        check_answers(port, token, queries)
        if args.explain:
            explain(token, queries)
            connections.close_all()
        rounds = measure(args, port, token, queries)

        def median(kind: str, key: str) -> float:
            return statistics.median(r[key] for r in rounds[kind])

        figure("server", f"gunicorn_{args.workers}_workers", "-")
        figure("client_connections", args.connections, "connections")
        figure("baseline_ping_req_per_s", median("baseline", "rps"), "req/s")
        figure("baseline_ping_p50", median("baseline", "p50"), "ms")
        figure("baseline_ping_p99", median("baseline", "p99"), "ms")
        ok = True
        errors = sum(r["errors"] for kind_rounds in rounds.values() for r in kind_rounds)
        for kind in KINDS:
            ratio = statistics.median(
                r["rps"] / b["rps"] for r, b in zip(rounds[kind], rounds["baseline"], strict=True)
            )
            p99 = median(kind, "p99")
            figure(f"search_{kind}_req_per_s", median(kind, "rps"), "req/s")
            figure(f"search_{kind}_p50", median(kind, "p50"), "ms")
            figure(f"search_{kind}_p99", p99, "ms")
            figure(f"search_{kind}_ratio_to_baseline", ratio, "x")
            figure(
                f"search_{kind}_ratio_interleaved",
                statistics.median(r["ratio"] for r in rounds[f"{kind}_interleaved"]),
                "x",
            )
            ok = ok and p99 < P99_TARGET_MS and ratio >= RATIO_TARGET
        figure("errors", errors, "responses(expected 0)")
        figure("requests_measured", sum(r["requests"] for kr in rounds.values() for r in kr), "requests")
        figure("load_average_1m_at_end", os.getloadavg()[0], f"load({os.cpu_count()}_cores)")
        figure("total_runtime", time.perf_counter() - total_started, "s")
        ok = ok and errors == 0
        print(
            f"verdict {'PASS' if ok else 'FAIL'} (p99 < {P99_TARGET_MS:g} ms and "
            f"req/s / baseline >= {RATIO_TARGET:g} for mobile, ID number and name prefix)"
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
