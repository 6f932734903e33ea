from __future__ import annotations

import base64

import pytest
from django.db import connection

from smartunion.core import crypto
from smartunion.core.crypto import AES_GCM, SM4_GCM, DecryptionError
from tests.factories import WorkerFactory


@pytest.mark.parametrize("algorithm", [AES_GCM, SM4_GCM])
def test_both_algorithms_round_trip_and_tag_the_value(algorithm):
    stored = crypto.encrypt("13912345678", algorithm=algorithm)
    assert stored.startswith(f"{algorithm}$1$")
    assert "13912345678" not in stored
    assert crypto.decrypt(stored) == "13912345678"


@pytest.mark.parametrize("algorithm", [AES_GCM, SM4_GCM])
def test_flipping_one_byte_of_the_ciphertext_fails_loudly(algorithm):
    stored = crypto.encrypt("110105194912310021", algorithm=algorithm)
    prefix, b64 = stored.rsplit("$", 1)
    raw = bytearray(base64.b64decode(b64))
    raw[15] ^= 0x01
    with pytest.raises(DecryptionError):
        crypto.decrypt(f"{prefix}${base64.b64encode(bytes(raw)).decode()}")


def test_unknown_key_version_is_an_error_not_garbage():
    stored = crypto.encrypt("x").replace("$1$", "$9$", 1)
    with pytest.raises(DecryptionError):
        crypto.decrypt(stored)


def test_blind_index_is_stable_keyed_and_purpose_separated(settings):
    a = crypto.blind_index("13912345678", purpose="mobile")
    assert a == crypto.blind_index("13912345678", purpose="mobile")
    assert a != crypto.blind_index("13912345678", purpose="id_number")
    assert "13912345678" not in a
    settings.BLIND_INDEX_KEY = "another-key"
    assert crypto.blind_index("13912345678", purpose="mobile") != a


@pytest.mark.parametrize("algorithm", ["hmac-sha256", "hmac-sm3"])
@pytest.mark.parametrize(
    "key", ["a-key", "k" * 64, "a key longer than the hash's block of sixty-four bytes, hashed first"]
)
def test_blind_index_many_gives_what_blind_index_gives(settings, algorithm, key):
    settings.BLIND_INDEX_ALGORITHM = algorithm
    settings.BLIND_INDEX_KEY = key
    values = ["13912345678", "110105194912310021", "", "职工"]
    assert crypto.blind_index_many(values, purpose="mobile") == [
        crypto.blind_index(v, purpose="mobile") for v in values
    ]


@pytest.mark.django_db
def test_the_database_holds_no_plain_mobile():
    worker = WorkerFactory(mobile="13987654321")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_user WHERE id = %s", [worker.pk])
        row = cursor.fetchone()
    assert not any("13987654321" in str(value) for value in row)
    assert worker.mobile_masked == "139****4321"
