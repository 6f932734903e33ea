"""The key self-test: a database restored with the wrong FIELD_ENCRYPTION_KEYS is caught by
``manage.py check`` and ``migrate``, the server does not start with them, and ``reencrypt`` refuses
instead of reporting "0 values re-encrypted"."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError

from smartunion.core import crypto
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Person
from tests.factories import STAFF_PASSWORD, StaffFactory, make_id_number, make_mobile, make_person, totp_now
from tests.realserver import ROOT, _database_url

MISMATCH = "FIELD_ENCRYPTION_KEYS does not match the data: key version 1 cannot decrypt"


def _key(version: str) -> str:
    return f"{version}:{base64.b64encode(os.urandom(32)).decode()}"


def _people(tree, count: int = 3) -> list[Person]:
    return [
        make_person(
            org=tree.union_a, real_name=f"测试{n}", id_number=make_id_number(serial=n), mobile=make_mobile(n)
        )[0]
        for n in range(count)
    ]


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """manage.py in its own process on the test database (as tests/realserver.py points gunicorn)."""
    full_env = {**os.environ, "DATABASE_URL": _database_url(), **env}
    if _database_url().startswith("sqlite"):
        full_env.pop("DATABASE_TEST_NAME", None)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def keyring_reset():
    yield
    crypto.keyring.cache_clear()  # the other tests' key comes back with the settings


@pytest.mark.django_db(transaction=True)
def test_check_and_migrate_refuse_a_key_that_does_not_match_the_data(tree):
    _people(tree)
    StaffFactory(username="clerk")  # an authenticator secret, encrypted too

    wrong = _manage("check", env={"FIELD_ENCRYPTION_KEYS": _key("1")})
    assert wrong.returncode == 1
    assert MISMATCH in wrong.stderr
    assert "the key of that version is not the one the data was written with" in wrong.stderr
    failed = re.search(r"(\d+) of (\d+) sampled values under key version 1 failed", wrong.stderr)
    assert failed and failed[1] == failed[2] and int(failed[1]) >= 7  # six of the people, the authenticator
    assert "HINT: Set FIELD_ENCRYPTION_KEYS to the keys this database was written with" in wrong.stderr

    migrate = _manage("migrate", "--no-input", env={"FIELD_ENCRYPTION_KEYS": _key("1")})
    assert migrate.returncode == 1 and MISMATCH in migrate.stderr

    right = _manage("check", env={})
    assert right.returncode == 0, right.stderr
    assert "System check identified no issues" in right.stdout


@pytest.mark.django_db
def test_a_key_version_missing_from_the_list_is_named(tree, settings, keyring_reset):
    _people(tree)
    settings.FIELD_ENCRYPTION_KEYS = _key("2")  # the list lost version 1
    crypto.keyring.cache_clear()
    with pytest.raises(SystemCheckError) as refused:
        call_command("check", stdout=StringIO(), stderr=StringIO())
    assert "key version 1 cannot decrypt members.person #" in str(refused.value)
    assert "FIELD_ENCRYPTION_KEYS has no key of that version" in str(refused.value)


@pytest.mark.django_db
def test_one_altered_value_is_a_warning_not_a_key_mismatch(tree):
    people = _people(tree, 5)
    with scopes_disabled():
        stored = Person.objects.get(pk=people[2].pk).mobile_encrypted
        Person.objects.filter(pk=people[2].pk).update(mobile_encrypted=stored[:-6] + "AAAAA=")
    out = StringIO()
    call_command("check", stdout=out, stderr=out)
    assert (
        f"core.W001) Some stored values do not decrypt: key version 1 cannot decrypt members.person #{people[2].pk}"
        in (out.getvalue())
    )
    assert "does not match the data" not in out.getvalue()


def test_the_server_does_not_start_with_a_key_that_does_not_match_the_data(real_server, tree):
    _people(tree)
    clerk = StaffFactory(username="clerk")
    with pytest.raises(RuntimeError) as refused:
        real_server(env={"FIELD_ENCRYPTION_KEYS": _key("1")})
    assert MISMATCH in str(refused.value)
    # With the right keys it starts, and staff sign in (their authenticator secret decrypts).
    client = real_server().client()
    client.post_form("/console/login/", {"username": clerk.username, "password": STAFF_PASSWORD})
    answer = client.post_form("/console/login/otp/", {"otp": totp_now(clerk)})
    assert answer.status == 200 and "/console/login" not in answer.url


@pytest.mark.django_db
def test_reencrypt_decrypts_what_it_skips_and_refuses_a_key_that_does_not_match(
    tree, settings, keyring_reset
):
    people = _people(tree)
    out = StringIO()
    call_command("reencrypt", stdout=out, stderr=StringIO())
    assert (
        "members.person: 6 values already under aes-256-gcm, key version 1, each decrypted." in out.getvalue()
    )
    assert "0 values re-encrypted" in out.getvalue()

    with scopes_disabled():
        before = list(Person.objects.order_by("pk").values_list("id_number_encrypted", "mobile_encrypted"))
    settings.FIELD_ENCRYPTION_KEYS = _key("1")  # a restore with another installation's keys
    crypto.keyring.cache_clear()
    with pytest.raises(CommandError) as refused:
        call_command("reencrypt", stdout=StringIO(), stderr=StringIO())
    assert str(refused.value).startswith(f"{MISMATCH} members.person #{people[0].pk}")
    assert "Nothing was re-encrypted." in str(refused.value)
    with scopes_disabled():
        assert (
            list(Person.objects.order_by("pk").values_list("id_number_encrypted", "mobile_encrypted"))
            == before
        )
