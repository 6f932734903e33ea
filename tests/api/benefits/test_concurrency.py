"""Claims, redemptions and meals under real parallel requests through a real server (gunicorn with
several workers), on the test database (SQLite here, PostgreSQL in .ci/run) and with the Redis
backend. What is counted is the database, not the answers."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis

from smartunion.benefits.models import Meal, Voucher
from smartunion.benefits.services import claims
from smartunion.core.scoping import scopes_disabled
from smartunion.members.services.cards import card_token
from tests.factories import STAFF_PASSWORD, WORKER_PASSWORD, totp_now
from tests.factories.benefits import make_benefits_world, make_campaign, make_worker

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]
THREADS = 12


def _redis_url() -> str:
    """A Redis database of these tests' own (7), on the server REDIS_URL names (CI) or localhost."""
    base = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    return base.rsplit("/", 1)[0] + "/7"


def _redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url(_redis_url(), socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("Redis is not reachable")
    client.flushdb()
    return client


BACKENDS = {
    "database": lambda: {},
    "redis": lambda: {"BENEFITS_CLAIM_BACKEND": "redis", "REDIS_URL": _redis_url()},
}


def _token(server, user, *, staff=False) -> str:
    body = (
        {"username": user.username, "password": STAFF_PASSWORD, "otp": totp_now(user)}
        if staff
        else {"username": user.mobile, "password": WORKER_PASSWORD}
    )
    answer = server.client().post_json("/api/v1/auth/token", body)
    assert answer.status == 200, answer.text
    return answer.json()["token"]


def _claim(server, token, campaign_id, key=None):
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    return server.client().post_json(f"/api/v1/campaigns/{campaign_id}/claim", {}, headers=headers)


def _parallel(calls):
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(lambda call: call(), calls))


@pytest.fixture
def world(default_roles, tree):
    claims.use_backend("auto")
    return make_benefits_world(tree)


def _start(real_server, backend):
    if backend == "redis":
        _redis_or_skip()
    return real_server(env=BACKENDS[backend](), workers=3)


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_parallel_claims_never_oversell_nor_pass_the_limit(world, tree, real_server, backend):
    server = _start(real_server, backend)
    members = [make_worker(tree.union_a, name="赵")[0] for _ in range(9)] + world.workers
    tokens = [_token(server, m) for m in members]
    # 12 members, each firing two claims at once, at a campaign of 5 with a limit of 1.
    answers = _parallel([lambda t=t: _claim(server, t, world.campaign.pk) for t in tokens * 2])
    won = [a for a in answers if a.status == 201]
    assert {a.json()["code"] for a in answers if a.status != 201} <= {"sold_out", "limit_reached"}
    with scopes_disabled():
        held = list(Voucher.objects.filter(campaign=world.campaign, holder__isnull=False))
    assert len(held) == 5 == len(won)
    assert len({v.holder_id for v in held}) == 5  # nobody over the limit of one
    assert {a.json()["id"] for a in won} == {v.pk for v in held}  # every success has its row


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_one_member_in_parallel_gets_no_more_than_the_limit(world, tree, real_server, backend):
    with scopes_disabled():
        campaign = make_campaign(world.staff, tree.fangshan, world.theatre, quota=20, per_member_limit=2)
    server = _start(real_server, backend)
    token = _token(server, world.workers[0])
    answers = _parallel([lambda: _claim(server, token, campaign.pk) for _ in range(THREADS)])
    assert sum(a.status == 201 for a in answers) == 2
    with scopes_disabled():
        assert Voucher.objects.filter(campaign=campaign, holder=world.workers[0]).count() == 2


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_the_same_key_in_parallel_claims_once(world, real_server, backend):
    server = _start(real_server, backend)
    token = _token(server, world.workers[0])
    answers = _parallel([lambda: _claim(server, token, world.campaign.pk, key="one-tap") for _ in range(8)])
    assert {a.status for a in answers} == {201}, [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == 7
    with scopes_disabled():
        assert Voucher.objects.filter(holder=world.workers[0]).count() == 1


def test_two_clerks_scanning_one_voucher_use_it_once(world, tree, real_server):
    with scopes_disabled():
        voucher = claims.voucher_claim(campaign_id=world.campaign.pk, user=world.workers[0]).voucher
    from tests.factories.benefits import make_clerk

    second = make_clerk(world.theatre, tree.fangshan, "theatre.clerk2")
    server = _start(real_server, "database")
    tokens = [_token(server, world.theatre_clerk, staff=True), _token(server, second, staff=True)]
    answers = _parallel(
        [
            lambda t=t: server.client().post_json(
                "/api/v1/vouchers/redeem", {"code": voucher.code}, headers={"Authorization": f"Bearer {t}"}
            )
            for t in tokens * 3
        ]
    )
    assert sorted(a.status for a in answers) == [200] + [409] * 5
    assert {a.json()["code"] for a in answers if a.status == 409} == {"used"}
    with scopes_disabled():
        assert Voucher.objects.get(pk=voucher.pk).used_at is not None


def test_two_parallel_meal_scans_record_one_meal(world, real_server):
    with scopes_disabled():
        card = card_token(membership=world.people[0].memberships.get())
    server = _start(real_server, "database")
    token = _token(server, world.noodle_clerk, staff=True)
    answers = _parallel(
        [
            lambda: server.client().post_json(
                "/api/v1/breakfast/meals", {"card_token": card}, headers={"Authorization": f"Bearer {token}"}
            )
            for _ in range(6)
        ]
    )
    assert sorted(a.status for a in answers) == [201] + [409] * 5
    with scopes_disabled():
        assert Meal.objects.count() == 1


@pytest.mark.parametrize("reload", ["command", "auto"])
def test_redis_flushed_mid_campaign_loses_and_oversells_nothing(world, tree, real_server, reload):
    client = _redis_or_skip()
    with scopes_disabled():
        campaign = make_campaign(world.staff, tree.fangshan, world.theatre, quota=10)
    server = real_server(env=BACKENDS["redis"](), workers=3)
    members = [make_worker(tree.union_a, name="钱")[0] for _ in range(11)] + world.workers
    tokens = [_token(server, m) for m in members]
    first = _parallel([lambda t=t: _claim(server, t, campaign.pk) for t in tokens[:6]])
    client.flushdb()  # Redis loses every counter in the middle of the campaign
    if reload == "command":
        env = {**os.environ, **BACKENDS["redis"](), "DATABASE_URL": server_database_url()}
        done = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "benefits_reconcile"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert f"campaign {campaign.pk}" in done.stdout
    rest = _parallel([lambda t=t: _claim(server, t, campaign.pk) for t in tokens[6:] + tokens[:6]])
    won = [a for a in first + rest if a.status == 201]
    with scopes_disabled():
        held = list(Voucher.objects.filter(campaign=campaign, holder__isnull=False))
    assert len(held) == 10 == len(won)
    assert {a.json()["id"] for a in won} == {v.pk for v in held}
    assert len({v.holder_id for v in held}) == 10


def server_database_url() -> str:
    from tests.realserver import _database_url

    return _database_url()


def test_reconcile_says_there_is_nothing_to_rebuild_without_redis(db):
    from io import StringIO

    from django.core.management import call_command

    claims.use_backend("auto")
    out = StringIO()
    call_command("benefits_reconcile", stdout=out)
    assert "nothing to rebuild" in out.getvalue()
