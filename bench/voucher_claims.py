"""Voucher flash claims (抢兑): 10,000 vouchers, 50,000 eligible members, through the real server
stack, on each claim backend, against a trivial baseline measured by the same client in the same run.

    .venv/bin/python bench/voucher_claims.py            # SQLite, PostgreSQL and Redis (those available)
    .venv/bin/python bench/voucher_claims.py --quick    # 1,000 vouchers, 5,000 members, 1 round
    .venv/bin/python bench/voucher_claims.py --backends sqlite

Per database (a temporary SQLite file; PostgreSQL: a fresh ``smartunion_bench_claims``, dropped at
the end) it migrates, builds the tiny demo tree through the services (``orgs.demo.seed_demo``),
generates the members by ``seed_demo``'s fast path (``members.demo.seed_members``), and gives
``--members`` of the active ones a worker account and an API token the way the token service stores
them (``ApiToken`` rows holding the SHA-256 of a random token, written in bulk: a sign-in per member
would measure Argon2, not claims). The campaigns are made through the services
(``campaign_create``, ``campaign_transition`` to scheduled, which makes the vouchers, then open):
first come, ``--vouchers`` vouchers, one per member, for every member of 北京市总工会's tree.

The server is what docs/deploy.md recommends: ``gunicorn smartunion.wsgi --workers 3`` on
127.0.0.1 (``member_search.start_server``); the Redis backend is the same server on PostgreSQL
started again with ``BENEFITS_CLAIM_BACKEND=redis`` (Redis database 14 on 127.0.0.1:6379, its
benefits keys deleted first).

The load client is a separate process (this script with ``--client``): stdlib asyncio, HTTP/1.1,
``--connections`` concurrent connections (default 32). Each round:

1. the baseline, ``GET /api/v1/ping`` with members' tokens (the same middleware and token
   authentication), for ``--seconds``, before the claims and again after step 3 (the round's
   baseline is the mean of both; the workers are warmed up once before the first round);
2. the flash claim: a fresh campaign; ``POST /api/v1/campaigns/{id}/claim`` requests, each with its
   own ``Idempotency-Key`` and the token of a member drawn at random (so some are refused as over
   the limit), each sent once, until the campaign is sold out. claims/s = the vouchers claimed over
   the time from the first request to the last success (201);
3. after the sell-out, the same kind of requests for ``--seconds`` (every answer 409 ``sold_out``).

Then the script counts in the database (not from the answers): the campaign's claimed vouchers
(must equal ``--vouchers``), members holding more than the limit (0), and duplicates (an
Idempotency-Key or a voucher code on more than one claimed row: 0).

Output: ``name value unit`` lines per backend (medians of ``--repeat`` rounds), then the verdict
against PERFORMANCE.md: claims/s ÷ baseline req/s ≥ 0.25 on SQLite, ≥ 0.5 on PostgreSQL, ≥ 0.7 with
Redis; requests after sell-out ≥ 0.9 × baseline; exactly the quota claimed, 0 over the limit, 0
duplicates.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from _common import figure, fresh_database, note, percentile
from member_search import free_port, server_environment, setup_django, start_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_BENCH_DB = "smartunion_bench_claims"
REDIS_URL = "redis://127.0.0.1:6379/14"
TARGETS = {"sqlite": 0.25, "postgresql": 0.5, "redis": 0.7}
AFTER_SELL_OUT_TARGET = 0.9
STAFF_USERNAME = "city.union_staff"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="1,000 vouchers, 5,000 members, 1 round")
    parser.add_argument("--vouchers", type=int, help="the campaign's quota (default 10,000; quick 1,000)")
    parser.add_argument("--members", type=int, help="eligible members (default 50,000; quick 5,000)")
    parser.add_argument(
        "--backends", default="sqlite,postgresql,redis", help="comma-separated: sqlite,postgresql,redis"
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (docs/deploy.md: 3)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent client connections")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds of baseline and after sell-out")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds before those")
    parser.add_argument("--repeat", type=int, help="rounds, a fresh campaign each (default 3; quick 1)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=int, default=3600, help="give up after this many seconds")
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)  # the load-client process
    parser.add_argument("--database-run", help=argparse.SUPPRESS)  # one database's process
    parser.add_argument("--results", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.vouchers = args.vouchers or (1_000 if args.quick else 10_000)
    args.members = args.members or (5_000 if args.quick else 50_000)
    args.repeat = args.repeat or (1 if args.quick else 3)
    return args


# --- The load client (a separate process) ----------------------------------------------------------


async def _drive(spec: dict) -> dict:
    """Timed mode (``seconds``): cycle through the requests for that long after ``warmup``. Once
    mode: send each request once. Each answer: (start, end, status) relative to the client's start,
    for the measured requests."""
    host, port = spec["host"], spec["port"]
    requests = [r.encode() for r in spec["raw_requests"]]
    once = spec.get("once", False)
    started = time.perf_counter()
    record_after = started + spec.get("warmup", 0.0)
    deadline = record_after + spec["seconds"] if not once else float("inf")
    answers: list[tuple[float, float, int]] = []
    state = {"next": 0}

    async def send(reader, writer, request):
        writer.write(request)
        return await reader.readline()

    async def connection() -> None:
        reader = writer = None
        while time.perf_counter() < deadline:
            if once and state["next"] >= len(requests):
                break
            request = requests[state["next"] % len(requests)]
            state["next"] += 1
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            start = time.perf_counter()
            status_line = await send(reader, writer, request)
            if not status_line:  # the server closed an idle keep-alive connection: reconnect, resend
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                start = time.perf_counter()
                status_line = await send(reader, writer, request)
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
            if once or start >= record_after:
                answers.append((start - started, end - started, int(status_line.split(b" ", 2)[1])))
            if close:
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(spec["connections"])))
    return {"answers": answers}


def client_main() -> int:
    spec = json.load(sys.stdin)
    json.dump(asyncio.run(_drive(spec)), sys.stdout)
    return 0


def run_client(spec: dict) -> list[tuple[float, float, int]]:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--client"],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        timeout=spec.get("warmup", 0) + spec.get("seconds", 0) + 600,
        check=True,
    )
    return [tuple(a) for a in json.loads(done.stdout)["answers"]]


def raw_request(method: str, path: str, token: str, key: str = "") -> str:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Authorization: Bearer {token}"]
    if key:
        lines.append(f"Idempotency-Key: {key}")
    if method == "POST":
        lines.append("Content-Length: 0")
    return "\r\n".join([*lines, "Connection: keep-alive", "", ""])


# --- Data ------------------------------------------------------------------------------------------


def seed(args) -> tuple[list[str], dict[str, float]]:
    """The tiny demo tree, the members, a worker account and an API token for ``--members`` active
    ones. Returns the raw tokens and the seconds each step took."""
    from django.db import connection, transaction
    from django.utils import timezone

    from smartunion.accounts.models import ApiToken, User, UserKind
    from smartunion.core.scoping import scopes_disabled
    from smartunion.members import demo as members_demo
    from smartunion.members.models import Membership, MembershipStatus
    from smartunion.orgs import demo as orgs_demo

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    orgs_demo.seed_demo(scale="tiny")
    seconds["seed_tree"] = time.perf_counter() - started
    started = time.perf_counter()
    # About 3 % of generated memberships are not active: generate enough.
    members_demo.seed_members(scale="tiny", count=int(args.members * 1.06) + 100)
    seconds["seed_members"] = time.perf_counter() - started
    started = time.perf_counter()
    with scopes_disabled(), transaction.atomic():
        people = list(
            Membership.objects.filter(status=MembershipStatus.ACTIVE, person__user__isnull=True)
            .order_by("person_id")
            .values_list("person_id", flat=True)[: args.members]
        )
        if len(people) < args.members:
            raise RuntimeError(f"only {len(people)} active members were generated")
        now = timezone.now()
        User.objects.bulk_create(
            [
                User(username=f"bench-{pk}", kind=UserKind.WORKER, password="!", date_joined=now)
                for pk in people
            ],
            batch_size=5_000,
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE members_person SET user_id = (SELECT u.id FROM accounts_user u "
                "WHERE u.username = 'bench-' || members_person.id) WHERE id IN "
                "(SELECT CAST(SUBSTR(username, 7) AS INTEGER) FROM accounts_user WHERE SUBSTR(username, 1, 6) = 'bench-')"
            )
        users = dict(User.objects.filter(username__startswith="bench-").values_list("username", "id"))
        tokens = [secrets.token_urlsafe(24) for _ in people]
        expires = now + timedelta(days=1)
        ApiToken.objects.bulk_create(
            [
                ApiToken(
                    user_id=users[f"bench-{pk}"],
                    key_hash=hashlib.sha256(raw.encode()).hexdigest(),
                    expires_at=expires,
                )
                for pk, raw in zip(people, tokens, strict=True)
            ],
            batch_size=5_000,
        )
    seconds["seed_accounts_and_tokens"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in ("members_person", "members_membership", "accounts_user", "accounts_apitoken"):
                cursor.execute(f"VACUUM (ANALYZE) {table}")
        else:
            cursor.execute("ANALYZE")
    return tokens, seconds


def campaign_make(args, number: int) -> int:
    """A first-come campaign for the whole city, open now, through the services."""
    from django.utils import timezone

    from smartunion.accounts.models import User
    from smartunion.benefits.models import CampaignKind, CampaignStatus, Merchant, MerchantKind
    from smartunion.benefits.services.campaigns import CampaignInput, campaign_create, campaign_transition
    from smartunion.benefits.services.merchants import merchant_save
    from smartunion.core.scoping import scopes_disabled
    from smartunion.orgs.models import Org

    with scopes_disabled():
        staff = User.objects.get(username=STAFF_USERNAME)
        city = Org.objects.filter(depth=1).order_by("path").first()
        merchant = Merchant.objects.filter(org=city).first() or merchant_save(
            actor=staff, org=city, name="北京职工剧场", kind=MerchantKind.THEATRE
        )
        now = timezone.now()
        campaign = campaign_create(
            actor=staff,
            data=CampaignInput(
                org=city,
                merchant=merchant,
                title=f"抢兑压测 {number}",
                kind=CampaignKind.FIRST_COME,
                face_value="50",
                quota=args.vouchers,
                per_member_limit=1,
                release_at=now - timedelta(seconds=1),
                claim_until=now + timedelta(hours=2),
                valid_from=timezone.localdate(),
                valid_until=timezone.localdate() + timedelta(days=30),
            ),
        )
        for to in (CampaignStatus.SCHEDULED, CampaignStatus.OPEN):
            campaign = campaign_transition(actor=staff, campaign=campaign, to=to)
    return campaign.pk


def count_in_database(campaign_id: int) -> dict[str, int]:
    """What the database holds: claimed vouchers, members over the limit, duplicate claims."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM benefits_voucher WHERE campaign_id = %s AND holder_id IS NOT NULL",
            [campaign_id],
        )
        claimed = cursor.fetchone()[0]
        cursor.execute(
            "SELECT COUNT(*) FROM (SELECT v.holder_id FROM benefits_voucher v JOIN benefits_campaign c "
            "ON c.id = v.campaign_id WHERE v.campaign_id = %s AND v.holder_id IS NOT NULL "
            "GROUP BY v.holder_id, c.per_member_limit HAVING COUNT(*) > c.per_member_limit) t",
            [campaign_id],
        )
        over = cursor.fetchone()[0]
        cursor.execute(
            "SELECT (SELECT COUNT(*) - COUNT(DISTINCT idempotency_key) FROM benefits_voucher "
            "WHERE campaign_id = %s AND holder_id IS NOT NULL) + (SELECT COUNT(*) - COUNT(DISTINCT code) "
            "FROM benefits_voucher WHERE campaign_id = %s)",
            [campaign_id, campaign_id],
        )
        duplicates = cursor.fetchone()[0]
    connection.close()
    return {"claimed": claimed, "over_limit": over, "duplicates": duplicates}


def redis_reset() -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter("smartunion:benefits:*", count=1000))
    if keys:
        client.delete(*keys)


def redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


def pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=2):
            return True
    except Exception:  # noqa: BLE001
        return False


# --- One backend -----------------------------------------------------------------------------------


def measure_backend(args, name: str, port: int, tokens: list[str], rng: random.Random) -> dict[str, float]:
    base = {"host": "127.0.0.1", "port": port, "connections": args.connections}
    ping = [raw_request("GET", "/api/v1/ping", t) for t in rng.sample(tokens, min(len(tokens), 500))]
    rounds: list[dict[str, float]] = []
    # Every worker loads the app at its first request: warm them all before measuring anything.
    run_client({**base, "raw_requests": ping[: args.connections * 4], "once": True})

    def baseline() -> tuple[float, int]:
        answers = run_client({**base, "raw_requests": ping, "seconds": args.seconds, "warmup": args.warmup})
        rps = len(answers) / max(max(a[1] for a in answers) - min(a[0] for a in answers), 1e-9)
        return rps, sum(1 for a in answers if a[2] != 200)

    for number in range(args.repeat):
        before_rps, baseline_errors = baseline()

        campaign_id = campaign_make(args, number)
        path = f"/api/v1/campaigns/{campaign_id}/claim"
        claims: list[tuple[float, float, int]] = []
        offset = 0.0
        wanted = args.vouchers
        for _batch in range(10):  # until sold out
            requests = [
                raw_request("POST", path, rng.choice(tokens), uuid.uuid4().hex)
                for _ in range(int(wanted * 1.5))
            ]
            batch = run_client({**base, "raw_requests": requests, "once": True})
            claims += [(s + offset, e + offset, st) for s, e, st in batch]
            offset = max(e for _s, e, _st in claims) + 1.0
            if (
                any(st == 409 for _s, _e, st in batch)
                and sum(1 for c in claims if c[2] == 201) >= args.vouchers
            ):
                break
            wanted = max(args.vouchers - sum(1 for c in claims if c[2] == 201), 100)
        successes = [c for c in claims if c[2] == 201]
        first = min(c[0] for c in claims)
        claim_seconds = max(c[1] for c in successes) - first if successes else 1e-9
        latencies = [(c[1] - c[0]) * 1000 for c in successes]
        statuses: dict[int, int] = {}
        for c in claims:
            statuses[c[2]] = statuses.get(c[2], 0) + 1

        after = [raw_request("POST", path, rng.choice(tokens), uuid.uuid4().hex) for _ in range(3_000)]
        answers = run_client({**base, "raw_requests": after, "seconds": args.seconds, "warmup": args.warmup})
        after_rps = len(answers) / max(max(a[1] for a in answers) - min(a[0] for a in answers), 1e-9)
        after_not_sold_out = sum(1 for a in answers if a[2] != 409)
        # The baseline again after the claims: the mean of both windows is the round's baseline, so
        # that a neighbour's load that comes or goes during the round weighs on both sides alike.
        after_baseline_rps, errors = baseline()
        baseline_errors += errors
        baseline_rps = (before_rps + after_baseline_rps) / 2
        counted = count_in_database(campaign_id)
        rounds.append(
            {
                "baseline_rps": baseline_rps,
                "claims_per_s": len(successes) / claim_seconds,
                "p50": percentile(latencies, 50) if latencies else 0.0,
                "p99": percentile(latencies, 99) if latencies else 0.0,
                "responses_201": len(successes),
                "requests": len(claims),
                "limit_reached": statuses.get(409, 0),
                "other": sum(n for s, n in statuses.items() if s not in (201, 409)),
                "after_rps": after_rps,
                "after_errors": after_not_sold_out + baseline_errors,
                **counted,
            }
        )
        r = rounds[-1]
        note(
            f"{name} round {number + 1}: baseline {before_rps:.0f} and {after_baseline_rps:.0f} req/s; {r['responses_201']} claims in "
            f"{claim_seconds:.2f} s ({r['claims_per_s']:.0f}/s, p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms) "
            f"of {len(claims)} requests {statuses}; after sell-out {after_rps:.0f} req/s; database {counted}"
        )
    return {key: statistics.median(r[key] for r in rounds) for key in rounds[0]} | {
        "claimed_all": all(r["claimed"] == args.vouchers for r in rounds),
        "over_limit": max(r["over_limit"] for r in rounds),
        "duplicates": max(r["duplicates"] for r in rounds),
        "other": sum(r["other"] for r in rounds),
        "after_errors": sum(r["after_errors"] for r in rounds),
    }


def run_database(args, database: str, backends: list[str]) -> dict:
    """One database, in this process: seed it, then serve and measure each backend on it."""
    database_url, cleanup = fresh_database(database, pg_name=PG_BENCH_DB, sqlite_name="claims.sqlite3")
    var_dir = tempfile.mkdtemp(prefix="smartunion-bench-var-")
    server = None
    results: dict[str, dict] = {}
    try:
        env = server_environment(database_url, var_dir)
        env.pop("BENEFITS_CLAIM_BACKEND", None)
        setup_django(env)
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        note(f"seeding {args.members:,} members into {database}")
        tokens, seconds = seed(args)
        for key, value in seconds.items():
            figure(f"{database}_{key}", value, "s")
        connections.close_all()
        rng = random.Random(args.seed)
        for backend in backends:
            server_env = dict(env)
            if backend == "redis":
                redis_reset()
                server_env.update(BENEFITS_CLAIM_BACKEND="redis", BENEFITS_REDIS_URL=REDIS_URL)
            port = free_port()
            server = start_server(args, server_env, port, Path(var_dir) / f"gunicorn-{backend}.log")
            results[backend] = measure_backend(args, backend, port, tokens, rng)
            server.terminate()
            server.wait(timeout=20)
            server = None
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 - Django may not be set up yet
            pass
        cleanup()
        shutil.rmtree(var_dir, ignore_errors=True)
    return results


def run_database_process(args, database: str, backends: list[str]) -> dict:
    """Each database in its own process (Django reads DATABASE_URL once per process)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [sys.executable, str(Path(__file__).resolve()), "--database-run", database]
        command += ["--backends", ",".join(backends), "--results", out.name]
        for option in (
            "vouchers",
            "members",
            "workers",
            "connections",
            "seconds",
            "warmup",
            "repeat",
            "seed",
        ):
            command += [f"--{option}", str(getattr(args, option))]
        subprocess.run(command, check=True, timeout=args.timeout)
        return json.loads(Path(out.name).read_text() or "{}")


def main() -> int:
    args = parse_args()
    if args.client:
        return client_main()
    if args.database_run:
        results = run_database(args, args.database_run, args.backends.split(","))
        Path(args.results).write_text(json.dumps(results))
        return 0

    def give_up(_signum, _frame):
        raise TimeoutError(f"benchmark exceeded --timeout {args.timeout} s")

    signal.signal(signal.SIGALRM, give_up)
    signal.alarm(args.timeout)
    total_started = time.perf_counter()
    wanted = [b.strip() for b in args.backends.split(",") if b.strip()]
    skipped = []
    if ("postgresql" in wanted or "redis" in wanted) and not pg_available():
        skipped += [b for b in wanted if b in ("postgresql", "redis")]
    if "redis" in wanted and "redis" not in skipped and not redis_available():
        skipped.append("redis")
    backends = [b for b in wanted if b not in skipped]
    for backend in skipped:
        note(f"{backend}: not available here, skipped")
    figure("load_average_1m_at_start", os.getloadavg()[0], f"load({os.cpu_count()}_cores)")
    figure("vouchers", args.vouchers, "vouchers")
    figure("members", args.members, "members")
    figure("server", f"gunicorn_{args.workers}_workers", "-")
    figure("client_connections", args.connections, "connections")
    results: dict[str, dict] = {}
    try:
        if "sqlite" in backends:
            results.update(run_database_process(args, "sqlite", ["sqlite"]))
        pg_backends = [b for b in ("postgresql", "redis") if b in backends]
        if pg_backends:
            results.update(run_database_process(args, "postgresql", pg_backends))
    finally:
        signal.alarm(0)
    ok = bool(results)
    failed: list[str] = []
    for backend, r in results.items():
        ratio = r["claims_per_s"] / r["baseline_rps"]
        after = r["after_rps"] / r["baseline_rps"]
        figure(f"{backend}_baseline_ping_req_per_s", r["baseline_rps"], "req/s")
        figure(f"{backend}_claims_per_s", r["claims_per_s"], "claims/s")
        figure(f"{backend}_claim_p50", r["p50"], "ms")
        figure(f"{backend}_claim_p99", r["p99"], "ms")
        figure(f"{backend}_claimed_in_database", int(r["claimed"]), f"vouchers(expected {args.vouchers})")
        figure(f"{backend}_members_over_limit", int(r["over_limit"]), "members(expected 0)")
        figure(f"{backend}_duplicates", int(r["duplicates"]), "claims(expected 0)")
        figure(f"{backend}_claims_ratio_to_baseline", ratio, f"x(target {TARGETS[backend]})")
        figure(f"{backend}_after_sell_out_req_per_s", r["after_rps"], "req/s")
        figure(f"{backend}_after_sell_out_ratio_to_baseline", after, f"x(target {AFTER_SELL_OUT_TARGET})")
        figure(f"{backend}_unexpected_answers", int(r["other"] + r["after_errors"]), "responses(expected 0)")
        good = (
            r["claimed_all"]
            and r["over_limit"] == 0
            and r["duplicates"] == 0
            and r["other"] == 0
            and r["after_errors"] == 0
            and ratio >= TARGETS[backend]
            and after >= AFTER_SELL_OUT_TARGET
        )
        if not good:
            failed.append(backend)
        ok = ok and good
    figure("load_average_1m_at_end", os.getloadavg()[0], f"load({os.cpu_count()}_cores)")
    figure("total_runtime", time.perf_counter() - total_started, "s")
    ran = ", ".join(results) or "none"
    print(
        f"verdict {'PASS' if ok else 'FAIL'} (backends {ran}"
        f"{'; failed ' + ', '.join(failed) if failed else ''}: exactly the quota claimed, 0 over the "
        f"limit, 0 duplicates; claims/s / baseline >= {TARGETS['sqlite']} SQLite, "
        f"{TARGETS['postgresql']} PostgreSQL, {TARGETS['redis']} Redis; after sell-out >= "
        f"{AFTER_SELL_OUT_TARGET} x baseline)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
