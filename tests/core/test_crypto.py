from __future__ import annotations

import base64

import pytest
from django.db import connection

from smartunion.accounts.services.codes import _code_hash
from smartunion.accounts.services.lockout import account_key
from smartunion.accounts.services.totp import _hash_recovery
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


# Computed with the code before the purposes became crypto.IndexPurpose (issue 8), key "pinned-test-key",
# value "value": a purpose's string is part of every stored index, lockout key, recovery code hash and
# one-time code hash made under it, so none may change.
PINNED_PURPOSES = {
    "hmac-sha256": {
        "id_number": "697b23b293354b876e27d818a8608fe1249d3056536e8f47e8657cf1597918eb",
        "mobile": "5883b4100976679b1861f8eec230dea47266c19dddb0ab500fab10ef1245169a",
        "signin": "970f9ff1b2bc4e8063b5f131b32e0bbe6961ada75ddee8daa2ee0df2922b5369",
        "recovery": "01ddf459a35f30695b4bb4d0f879384f1ad066c47ac52ec8cbef2eb588b476ba",
        "otc": "9682cf6de83560f7d9175bd6adf59560d1ef8a2dbda680aa564ebbacdf7d74c6",
    },
    "hmac-sm3": {
        "id_number": "cffcdd3d8bdbce3fe20987373d4f32a9bb345f32413bf57a9b8b881baba2c415",
        "mobile": "d8548bb2c14d55888ac0caa84b2ebc6b24f075083665a831600ae09cbc2042f8",
        "signin": "9d255bfa3111a6e3cbe6e11c71952a726959c4a0e90a457c58e82fbba1757d71",
        "recovery": "55a09d3b8e4db1d16072ba7181660661d3576e011bbb83ceeb1e8c49d3877d06",
        "otc": "c40b5196cfef65a611f2f401471303adf86029cb573fd5f7e80c15d8ea1d952e",
    },
}
# The same, through the accounts services that key with them: a sign-in lockout key of a mobile, a
# recovery code, a one-time code with its mobile.
PINNED_ACCOUNT_KEYS = {
    "hmac-sha256": (
        "5234514b6909b965c7d1478597234c6ab5bbe87a828731b2bf6b8c5b9c6868a4",
        "bb8df52d39520b33bfdf1cd669fdc08da0bbb4a60e9649e30f8cbd237e89674d",
        "4fc5b3ef999ca07b56776e68f5e858e7c6f5a43d7d4d615845bb843fc182f609",
    ),
    "hmac-sm3": (
        "ce48cffece5aba0e89d35d60ecdf3d18012b97fe99c9da53272ed823e8e88002",
        "8ed077ae42564e13e976118e3fe4c9e80ba3c652704cf74f9f46a2235f28d9af",
        "b888a20ffe8ae2fc21c2863e64ae05fb20621804916d0c72f5610cde07b73d08",
    ),
}


@pytest.mark.parametrize("algorithm", sorted(PINNED_PURPOSES))
def test_the_index_purposes_give_the_indexes_stored_before_they_were_an_enum(settings, algorithm):
    settings.BLIND_INDEX_KEY = "pinned-test-key"
    settings.BLIND_INDEX_ALGORITHM = algorithm
    pinned = PINNED_PURPOSES[algorithm]
    assert {p.value for p in crypto.IndexPurpose} == set(pinned)
    for purpose in crypto.IndexPurpose:
        assert crypto.blind_index("value", purpose=purpose) == pinned[purpose.value], purpose
        assert crypto.blind_index_many(["value"], purpose=purpose) == [pinned[purpose.value]], purpose
    signin, recovery, one_time_code = PINNED_ACCOUNT_KEYS[algorithm]
    assert account_key("+86 139 1234 5678") == signin
    assert _hash_recovery("abcd-efgh") == recovery
    assert _code_hash("13912345678", "123456") == one_time_code


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
