"""Security baseline: hashing, lockout, logs without personal data, production settings."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.hashers import get_hasher
from django.utils import timezone

from smartunion.accounts.models import SignInFailure
from smartunion.accounts.services import signin_password
from smartunion.core.errors import Locked, Unauthorized
from smartunion.core.logging import redact
from tests.factories import WORKER_PASSWORD, WorkerFactory

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, env=None):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=120
    )


def test_production_deploy_check_is_clean(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "DATABASE_URL"}},
        "SMARTUNION_ENV": "production",
        "SECRET_KEY": "x" * 30 + "-a-long-random-production-secret-key-9f8e7d",
        "ALLOWED_HOSTS": "union.example.org",
        "FIELD_ENCRYPTION_KEYS": "1:" + "A" * 43 + "=",
        "BLIND_INDEX_KEY": "b" * 40,
        "AUDIT_CHAIN_KEY": "c" * 40,
        "OTP_SENDER": "smartunion.notifications.senders.LogSender",
        "SMARTUNION_VAR_DIR": str(tmp_path),
    }
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "SECRET_KEY"}}
    env.update(SMARTUNION_ENV="production", SMARTUNION_VAR_DIR=str(tmp_path))
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_hashes_passwords_with_argon2():
    from django.conf import settings

    production = [h for h in settings.PASSWORD_HASHERS if "MD5" not in h]
    assert production[0].endswith("Argon2PasswordHasher")
    assert get_hasher("argon2").algorithm == "argon2"


@pytest.mark.django_db
def test_lockout_after_five_failures_even_with_the_right_password():
    worker = WorkerFactory(mobile="13711112222")
    for _ in range(5):
        with pytest.raises(Unauthorized):
            signin_password(username="13711112222", password="wrong", client_address="10.0.0.1")
    with pytest.raises(Locked, match="账号已锁定"):
        signin_password(username="13711112222", password=WORKER_PASSWORD, client_address="10.0.0.2")
    # The failures are stored without the mobile number.
    assert not SignInFailure.objects.filter(account_key__contains="13711112222").exists()
    # After the window the right password works again.
    SignInFailure.objects.update(created_at=timezone.now() - timedelta(hours=1))
    assert (
        signin_password(username="13711112222", password=WORKER_PASSWORD, client_address="10.0.0.2") == worker
    )


@pytest.mark.django_db
def test_lockout_per_address_across_accounts(settings):
    settings.LOCKOUT_ADDRESS_FAILURES = 3
    for i in range(3):
        with pytest.raises(Unauthorized):
            signin_password(username=f"nobody{i}", password="x", client_address="10.9.9.9")
    with pytest.raises(Locked):
        signin_password(username="someone-else", password="x", client_address="10.9.9.9")


@pytest.mark.django_db
def test_lockout_holds_when_redis_is_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    WorkerFactory(mobile="13722223333")
    for _ in range(5):
        with pytest.raises(Unauthorized):
            signin_password(username="13722223333", password="wrong", client_address="10.0.0.1")
    with pytest.raises(Locked):
        signin_password(username="13722223333", password=WORKER_PASSWORD, client_address="10.0.0.1")


def test_logs_carry_no_mobile_id_number_or_token(caplog):
    assert redact("user 13912345678 id 11010519491231002X") == "user 139****5678 id 110105********002X"
    assert "secret" not in redact("Authorization: Bearer secret.token-value")
    logger = logging.getLogger("smartunion.test")
    from smartunion.core.logging import RedactPersonalData

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "sign-in for %s", ("13912345678",), None)
    RedactPersonalData().filter(record)
    assert record.getMessage() == "sign-in for 139****5678"
    assert logger is not None


def test_security_headers_and_strict_csp(client):
    response = client.get("/console/login/")
    csp = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_nul_bytes_are_refused_with_a_clear_400(client):
    response = client.get("/api/v1/orgs", {"q": "a\x00b"})
    assert response.status_code == 400 and response.json()["code"] == "bad_request"
    response = client.post(
        "/api/v1/auth/token", '{"username": "a\\u0000", "password": "x"}', content_type="application/json"
    )
    assert response.status_code == 400 and "NUL" in response.json()["message"]
    response = client.post("/console/login/", {"username": "a\x00", "password": "x"})
    assert response.status_code == 400


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_cannot_get_past_the_lockout(default_roles):
    """15 wrong passwords in parallel (real separate connections): at most 5 are checked, the rest
    are refused as locked, and the right password is refused afterwards."""
    import threading

    from django.db import connections

    WorkerFactory(mobile="13755556666")
    barrier = threading.Barrier(15)
    outcomes = []

    def guess():
        try:
            barrier.wait(timeout=10)
            signin_password(username="13755556666", password="wrong-guess", client_address="10.1.1.1")
        except Unauthorized:
            outcomes.append("wrong")
        except Locked:
            outcomes.append("locked")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess) for _ in range(15)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(outcomes) == 15
    assert outcomes.count("wrong") <= 5
    with pytest.raises(Locked):
        signin_password(username="13755556666", password=WORKER_PASSWORD, client_address="10.1.1.2")
