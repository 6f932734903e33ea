"""Redis is optional: configured but unreachable, every use of the cache degrades. The card check's
rate limit counts in the database instead, a roster import is written and its progress page polled,
and nothing is left "committing". The task broker on the same Redis is down too: the background
import runs in the server process instead (core/tasks.py)."""

from __future__ import annotations

import re
import socket
import time
from html import unescape

import pytest
from django.core.cache import cache
from django.test import Client

from smartunion.core.cache import cache_available
from smartunion.core.models import RateLimitHit
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Person, RosterImport, RosterImportStatus
from tests.api.conftest import ApiClient
from tests.conftest import restore_migration_data, staff_login
from tests.factories import (
    STAFF_PASSWORD,
    WORKER_PASSWORD,
    StaffFactory,
    WorkerFactory,
    make_person,
    totp_now,
)
from tests.members.test_roster import csv_file, roster_rows

# Nothing listens here: connections are refused at once, as when Redis has stopped.
REDIS_DOWN = "redis://127.0.0.1:6390/0"
# This suite's own database of the live Redis (each engineer's tests use their own number).
REDIS_LIVE = "redis://127.0.0.1:6379/7"


def _redis(location: str) -> dict:
    return {
        "BACKEND": "smartunion.core.cache.OptionalRedisCache",
        "LOCATION": location,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }


def _redis_listening() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


CACHE_SETUPS = {
    "local memory": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "redis": _redis(REDIS_LIVE),
    "redis down": _redis(REDIS_DOWN),
}


@pytest.fixture(params=list(CACHE_SETUPS))
def cache_setup(request, settings):
    """The suite's cache paths under each cache an installation may have."""
    if request.param == "redis" and not _redis_listening():
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.CACHES = {"default": CACHE_SETUPS[request.param]}
    cache.clear()
    yield request.param
    cache.clear()


@pytest.mark.django_db
def test_the_card_check_rate_limit_holds_with_any_cache(cache_setup, tree, settings):
    settings.CARD_VERIFY_RATE = "3/m"
    worker = WorkerFactory(mobile="13912345678")
    make_person(org=tree.union_c, user=worker, real_name="张三丰", mobile="13912345678")
    member_app = ApiClient(Client())
    member_app.sign_in_worker(worker)
    card_token = member_app.get("/api/v1/me/card").json()["token"]
    scanner = ApiClient(Client())
    scanner.sign_in_staff(
        StaffFactory(
            username="shop.clerk", home_org=tree.street_fs, roles=[("merchant_clerk", tree.street_fs)]
        )
    )

    answers = [scanner.post("/api/v1/cards/verify", {"token": card_token}) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].json()["result_label"] == "有效会员卡"
    assert answers[3].json()["message"] == "请求过于频繁，请稍后再试。" and int(answers[3]["Retry-After"]) > 0
    # Counted in the cache while there is one; in the database while Redis is down.
    assert RateLimitHit.objects.count() == (3 if cache_setup == "redis down" else 0)
    assert cache_available() is (cache_setup != "redis down")


@pytest.mark.django_db
def test_the_import_progress_page_with_any_cache(cache_setup, client, tree, personas):
    with scopes_disabled():
        roster_import = RosterImport.objects.create(
            org=tree.union_a,
            uploaded_by=personas["union_a_staff"],
            original_filename="大名册.xlsx",
            file_format="xlsx",
            status=RosterImportStatus.COMMITTING,
            total_rows=40_000,
        )
    cache.set(f"roster-import:{roster_import.pk}:progress", 10_000)  # as the writer reports it
    staff_login(client, personas["union_a_staff"])

    response = client.get(f"/console/roster/imports/{roster_import.pk}/", HTTP_HX_REQUEST="true")

    text = unescape(response.content.decode())
    assert response.status_code == 200 and 'hx-trigger="every 1s"' in text  # still following the import
    if cache_setup == "redis down":
        assert "正在写入 40000 行。暂时无法显示进度；导入结束后本页会显示结果。" in text
    else:
        assert "已写入 10000 行，共 40000 行（25%）" in text


def test_a_redis_that_does_not_answer_costs_one_timeout_not_one_per_request(settings):
    """A Redis that accepts connections and never answers (hung, or a half-open network): each
    request would wait for the socket timeout. After the first, the cache is not tried for a while."""
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(64)  # connections complete in the backlog; nothing is ever read or answered
        settings.CACHES = {"default": _redis(f"redis://127.0.0.1:{hung.getsockname()[1]}/0")}
        started = time.monotonic()
        assert cache.get("roster-import:1:progress", "unknown") == "unknown"
        first = time.monotonic() - started
        started = time.monotonic()
        for n in range(50):
            cache.set(f"key{n}", n)
            assert cache.get(f"key{n}") is None
        rest = time.monotonic() - started
    assert first < 3 and rest < 0.1, (first, rest)
    assert cache_available() is False


def _csv_bytes(rows) -> bytes:
    return csv_file(rows).read()


def _sign_in_console(client, staff) -> None:
    client.post_form("/console/login/", {"username": staff.username, "password": STAFF_PASSWORD})
    answer = client.post_form("/console/login/otp/", {"otp": totp_now(staff)})
    assert "/console/login" not in answer.url, answer.text


def _import(client, org, rows) -> tuple[str, str]:
    """Upload and confirm a roster; returns the import page's path and the page after confirming."""
    answer = client.post_multipart(
        "/console/roster/", {"org": org.pk}, {"file": ("名册.csv", _csv_bytes(rows), "text/csv")}
    )
    path = answer.url.removeprefix(client.base)
    assert re.fullmatch(r"/console/roster/imports/\d+/", path), answer.text[-2000:]
    assert f"全部 {len(rows)} 行正确，可以导入" in unescape(answer.text)
    confirmed = client.post_form(path, {})
    assert confirmed.status == 200, confirmed.text[-3000:]
    return path, unescape(confirmed.text)


def test_with_redis_down_cards_are_checked_and_rosters_imported(real_server, tree):
    restore_migration_data()
    staff = StaffFactory(
        username="roster.clerk", home_org=tree.union_a, roles=[("grassroots_staff", tree.union_a)]
    )
    clerk = StaffFactory(
        username="shop.clerk", home_org=tree.street_fs, roles=[("merchant_clerk", tree.street_fs)]
    )
    worker = WorkerFactory(mobile="13912345678")
    make_person(org=tree.union_c, user=worker, real_name="张三丰", mobile="13912345678")

    server = real_server(
        env={
            "REDIS_URL": REDIS_DOWN,
            "CELERY_BROKER_URL": REDIS_DOWN.replace("/0", "/1"),
            "CARD_VERIFY_RATE": "3/m",
            "ROSTER_SYNC_ROWS": "500",
        }
    )

    # The card check: answered, and its rate limit still holds (counted in the database).
    app = server.client()
    signed = app.post_json("/api/v1/auth/token", {"username": worker.mobile, "password": WORKER_PASSWORD})
    card = app.get("/api/v1/me/card", headers={"Authorization": f"Bearer {signed.json()['token']}"})
    assert card.status == 200, card.text
    scanner = server.client()
    token = scanner.post_json(
        "/api/v1/auth/token", {"username": clerk.username, "password": STAFF_PASSWORD, "otp": totp_now(clerk)}
    ).json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    for _ in range(3):
        answer = scanner.post_json("/api/v1/cards/verify", {"token": card.json()["token"]}, headers=bearer)
        assert answer.status == 200, server.log()
        assert answer.json()["result_label"] == "有效会员卡" and answer.json()["card"]["name"] == "张**"
    limited = scanner.post_json("/api/v1/cards/verify", {"token": card.json()["token"]}, headers=bearer)
    assert limited.status == 429, server.log()
    assert limited.json()["message"] == "请求过于频繁，请稍后再试。"
    assert int(limited.headers["Retry-After"]) > 0

    console = server.client()
    _sign_in_console(console, staff)

    # A roster committed in the request (300 rows, under ROSTER_SYNC_ROWS).
    _path, page = _import(console, tree.union_a, roster_rows(tree.enterprise_a, 300))
    assert "名册已导入" in page and re.search(
        r'stat-value">300</span><span class="stat-label">名会员已导入', page
    )

    # A roster committed by the background task (1,000 rows), its progress page polled to the end:
    # the broker does not answer either, so the task runs in the server process.
    path, page = _import(console, tree.union_a, roster_rows(tree.enterprise_a, 1000, start=300))
    deadline = time.monotonic() + 120
    while True:  # the page polls its progress partial until the import is done
        poll = console.get(path, headers={"HX-Request": "true"})
        assert poll.status == 200, server.log()
        page = unescape(poll.text)
        if "名会员已导入" in page or time.monotonic() > deadline:
            break
        assert "正在写入 1000 行。暂时无法显示进度" in page, page[-3000:]  # from the database
        time.sleep(0.3)
    assert re.search(r'stat-value">1000</span><span class="stat-label">名会员已导入', page), page[-3000:]

    with scopes_disabled():
        assert Person.objects.filter(real_name__startswith="测试").count() == 1300
        assert sorted(RosterImport.objects.values_list("status", flat=True)) == [RosterImportStatus.DONE] * 2
    # Confirming again is refused for the right reason, not because an import is stuck.
    again = unescape(console.post_form(path, {}).text)
    assert "这份名册正在导入或已经导入" in again
    assert (
        "Task broker unavailable" in server.log() and "running members.roster_import_commit" in server.log()
    )
    assert server.alive()
