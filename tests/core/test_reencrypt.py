"""Key rotation (manage.py reencrypt): every row readable before and after, every value under the new
key version, the switch to SM4, an interrupted run that resumes, and a tampered value that stops the
run with its row named instead of being re-encrypted as garbage."""

from __future__ import annotations

import base64
import os
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from smartunion.accounts.models import TotpDevice, User
from smartunion.core import crypto
from smartunion.core.crypto import DecryptionError
from smartunion.core.rotation import encrypted_models
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Person
from smartunion.members.selectors import person_search
from tests.factories import StaffFactory, WorkerFactory, make_id_number, make_mobile, make_person

pytestmark = pytest.mark.django_db

OLD_KEY = "1:" + base64.b64encode(os.urandom(32)).decode()
NEW_KEY = "2:" + base64.b64encode(os.urandom(32)).decode()
ENCRYPTED = [
    (Person, "id_number_encrypted"),
    (Person, "mobile_encrypted"),
    (User, "mobile_encrypted"),
    (TotpDevice, "secret_encrypted"),
]


@pytest.fixture
def keys(settings):
    """Start under key 1 only; ``rotate()`` puts key 2 first, as an administrator would."""
    settings.FIELD_ENCRYPTION_KEYS = OLD_KEY
    crypto.keyring.cache_clear()

    def rotate() -> None:
        settings.FIELD_ENCRYPTION_KEYS = f"{NEW_KEY},{OLD_KEY}"
        crypto.keyring.cache_clear()

    yield rotate
    crypto.keyring.cache_clear()  # the other tests' key comes back with the settings


@pytest.fixture
def data(keys, tree):
    """Seven people, two workers and a staff member with an authenticator, all under key 1."""
    people = [
        make_person(
            org=tree.union_a, real_name=f"测试{n}", id_number=make_id_number(serial=n), mobile=make_mobile(n)
        )[0]
        for n in range(7)
    ]
    workers = [WorkerFactory(mobile=make_mobile(100 + n)) for n in range(2)]
    staff = StaffFactory()
    expected = {
        "people": {p.pk: (p.id_number, p.mobile) for p in people},
        "workers": {w.pk: w.mobile for w in workers},
        "secret": (staff.pk, staff.totp_secret),
    }
    return expected


def raw_values() -> list[str]:
    values = []
    with scopes_disabled():
        for model, field in ENCRYPTED:
            values += [v for v in model._base_manager.values_list(field, flat=True) if v]
    return values


def readable(expected) -> bool:
    with scopes_disabled():
        people = {p.pk: (p.id_number, p.mobile) for p in Person.objects.all()}
        workers = {u.pk: u.mobile for u in User.objects.filter(pk__in=expected["workers"])}
        staff_pk, secret = expected["secret"]
        return (
            people == expected["people"]
            and workers == expected["workers"]
            and TotpDevice.objects.get(user_id=staff_pk).secret == secret
        )


def reencrypt(*args: str) -> str:
    out = StringIO()
    call_command("reencrypt", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_every_encrypted_field_is_found():
    found = {(t.label, name) for t in encrypted_models() for name in t.fields}
    assert found >= {
        ("members.person", "id_number_encrypted"),
        ("members.person", "mobile_encrypted"),
        ("accounts.user", "mobile_encrypted"),
        ("accounts.totpdevice", "secret_encrypted"),
    }


def test_rotation_rewrites_every_value_under_the_new_key_and_all_stay_readable(data, keys):
    values_before = raw_values()
    assert all(v.startswith("aes-256-gcm$1$") for v in values_before)
    keys()
    assert readable(data)  # old values still read with key 1 in the list
    output = reencrypt("--batch", "3")
    assert "every value is now under aes-256-gcm, key version 2" in output
    assert (
        "members.person (id_number_encrypted, mobile_encrypted): 14 values in 7 rows re-encrypted" in output
    )
    values_after = raw_values()
    assert (
        len(values_after) == len(values_before) == 7 * 2 + 2 + 1
    )  # people, workers, the authenticator (staff have no mobile)
    assert all(v.startswith("aes-256-gcm$2$") for v in values_after)
    assert readable(data)
    # Key 1 can go: everything still reads with key 2 alone.
    from django.conf import settings

    settings.FIELD_ENCRYPTION_KEYS = NEW_KEY
    crypto.keyring.cache_clear()
    assert readable(data)
    # The blind indexes did not change: staff still find a person by mobile or ID number.
    pk, (id_number, mobile) = next(iter(data["people"].items()))
    with scopes_disabled():
        assert [p.pk for p in person_search(q=mobile)] == [pk]
        assert [p.pk for p in person_search(q=id_number)] == [pk]
    # A second run finds nothing to do.
    assert "0 values re-encrypted; every value is now under" in reencrypt()


def test_switching_to_sm4_round_trips(data, keys, settings):
    keys()
    reencrypt("--algorithm", "sm4-gcm")
    assert all(v.startswith("sm4-gcm$2$") for v in raw_values())
    assert readable(data)
    # And back to AES, as FIELD_ENCRYPTION_ALGORITHM says.
    settings.FIELD_ENCRYPTION_ALGORITHM = "aes-256-gcm"
    reencrypt()
    assert all(v.startswith("aes-256-gcm$2$") for v in raw_values())
    assert readable(data)


def test_an_interrupted_run_resumes_where_it_stopped(data, keys):
    keys()
    output = reencrypt("--batch", "2", "--max-batches", "2")
    assert "Run reencrypt again to continue" in output
    values = raw_values()
    done = [v for v in values if v.startswith("aes-256-gcm$2$")]
    assert 0 < len(done) <= 8 < len(values)  # two batches of at most two rows
    assert readable(data)
    reencrypt("--batch", "2")
    after = raw_values()
    assert all(v.startswith("aes-256-gcm$2$") for v in after)
    assert set(done) <= set(after)  # what the first run did was not done again
    assert readable(data)


def test_a_tampered_value_fails_loudly_and_stops_the_run_without_writing_garbage(data, keys):
    keys()
    victim_pk = sorted(data["people"])[3]
    with scopes_disabled():
        stored = Person.objects.get(pk=victim_pk).id_number_encrypted
    prefix, b64 = stored.rsplit("$", 1)
    raw = bytearray(base64.b64decode(b64))
    raw[20] ^= 0x01
    tampered = f"{prefix}${base64.b64encode(bytes(raw)).decode()}"
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE members_person SET id_number_encrypted = %s WHERE id = %s", [tampered, victim_pk]
        )
    with scopes_disabled():
        with pytest.raises(DecryptionError):
            Person.objects.get(pk=victim_pk).id_number  # noqa: B018 - reading is what fails
    with pytest.raises(CommandError, match=rf"members.person #{victim_pk} id_number_encrypted"):
        reencrypt("--batch", "2")
    with scopes_disabled():
        rows = dict(Person.objects.order_by("pk").values_list("pk", "id_number_encrypted"))
    # The tampered value is untouched, its batch (with the row after it) was not written, the
    # batches before it were.
    assert rows[victim_pk] == tampered
    ordered = sorted(rows)
    position = ordered.index(victim_pk)
    assert all(rows[pk].startswith("aes-256-gcm$2$") for pk in ordered[: position - position % 2])
    assert all(
        rows[pk].startswith("aes-256-gcm$1$") for pk in ordered[position - position % 2 :] if pk != victim_pk
    )
