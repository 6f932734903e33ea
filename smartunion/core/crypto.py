"""Field encryption and blind indexes for personal data (PIPL Art. 51; GB/T 22239 §8.1.4.8).

A stored value is ``<algorithm>$<key version>$<base64(nonce || ciphertext || tag)>`` so that keys and
algorithms can rotate: decryption reads the tag, encryption always uses the current setting.
Exact lookups go through a keyed hash (blind index) so no plain value is ever stored or queried.
"""

from __future__ import annotations

import base64
import hashlib
import hmac as std_hmac
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

AES_GCM = "aes-256-gcm"
SM4_GCM = "sm4-gcm"
ALGORITHMS = (AES_GCM, SM4_GCM)


class DecryptionError(Exception):
    """The value was altered, or was encrypted under a key this installation does not have."""


@dataclass(frozen=True)
class Keyring:
    current_version: str
    keys: dict[str, bytes]


@cache
def keyring() -> Keyring:
    keys: dict[str, bytes] = {}
    current = ""
    for item in settings.FIELD_ENCRYPTION_KEYS.split(","):
        version, _, b64 = item.strip().partition(":")
        key = base64.b64decode(b64)
        if len(key) != 32:
            raise ValueError(f"Field encryption key {version!r} must be 32 bytes (base64).")
        keys[version] = key
        current = current or version
    return Keyring(current_version=current, keys=keys)


@lru_cache(maxsize=16)
def _aesgcm(key: bytes) -> AESGCM:
    """One cipher object per key: building it (the key schedule) costs more than sealing a short
    value. Keyed by the key itself, so a cleared or rotated keyring can never reuse a stale one."""
    return AESGCM(key)


def _sm4_encrypt(key: bytes, nonce: bytes, data: bytes) -> bytes:
    encryptor = Cipher(algorithms.SM4(key[:16]), modes.GCM(nonce)).encryptor()
    return encryptor.update(data) + encryptor.finalize() + encryptor.tag


def _sm4_decrypt(key: bytes, nonce: bytes, data: bytes) -> bytes:
    ciphertext, tag = data[:-16], data[-16:]
    decryptor = Cipher(algorithms.SM4(key[:16]), modes.GCM(nonce, tag)).decryptor()
    return decryptor.update(ciphertext) + decryptor.finalize()


def encrypt(plain: str, *, algorithm: str | None = None, version: str | None = None) -> str:
    ring = keyring()
    algorithm = algorithm or settings.FIELD_ENCRYPTION_ALGORITHM
    version = version or ring.current_version
    key = ring.keys[version]
    nonce = os.urandom(12)
    data = plain.encode()
    if algorithm == AES_GCM:
        sealed = AESGCM(key).encrypt(nonce, data, algorithm.encode())
    elif algorithm == SM4_GCM:
        sealed = _sm4_encrypt(key, nonce, data)
    else:
        raise ValueError(f"Unknown field encryption algorithm {algorithm!r}")
    return f"{algorithm}${version}${base64.b64encode(nonce + sealed).decode()}"


def decrypt(stored: str) -> str:
    try:
        algorithm, version, b64 = stored.split("$", 2)
        raw = base64.b64decode(b64, validate=True)
        key = keyring().keys[version]
    except (ValueError, KeyError) as exc:
        raise DecryptionError("Malformed value or unknown key version") from exc
    nonce, sealed = raw[:12], raw[12:]
    try:
        if algorithm == AES_GCM:
            return _aesgcm(key).decrypt(nonce, sealed, algorithm.encode()).decode()
        if algorithm == SM4_GCM:
            return _sm4_decrypt(key, nonce, sealed).decode()
    except InvalidTag as exc:
        raise DecryptionError("The value failed its integrity check") from exc
    raise DecryptionError(f"Unknown algorithm {algorithm!r}")


class IndexPurpose(StrEnum):
    """What a blind index is of. The purpose is hashed with the value, so the same value gives
    different indexes for different purposes; the strings are part of every stored index and never
    change (tests/core/test_crypto.py pins them)."""

    ID_NUMBER = "id_number"  # Person.id_number_index (core.personal.id_number_index)
    MOBILE = "mobile"  # Person.mobile_index and User.mobile_index (core.personal.mobile_index)
    SIGNIN = "signin"  # the sign-in lockout's key of a username or mobile (accounts.services.lockout)
    RECOVERY = "recovery"  # a TOTP recovery code (accounts.services.totp)
    ONE_TIME_CODE = "otc"  # a one-time code with its mobile (accounts.services.codes)


def blind_index(value: str, *, purpose: IndexPurpose) -> str:
    """Keyed hash for exact lookup; the purpose separates e.g. mobiles from ID numbers."""
    key = settings.BLIND_INDEX_KEY.encode()
    message = f"{purpose}:{value}".encode()
    # Its own setting: switching the encryption algorithm must not silently change every index.
    if settings.BLIND_INDEX_ALGORITHM == "hmac-sm3":
        mac = crypto_hmac.HMAC(key, hashes.SM3())
        mac.update(message)
        return mac.finalize().hex()
    return std_hmac.new(key, message, "sha256").hexdigest()


# --- many values at once (bulk imports) -------------------------------------------------------------
# The same values as encrypt() and blind_index() give, with the key, cipher and settings looked up
# once per batch instead of once per value (a 100,000-row roster import encrypts 200,000 values).


def encrypt_many(values: Iterable[str]) -> list[str]:
    return list(encrypt_iter(values))


def encrypt_iter(values: Iterable[str]) -> Iterator[str]:
    """encrypt() of each value as it is consumed: a bulk writer streaming rows to the database
    encrypts the next rows while the database indexes the previous ones."""
    ring = keyring()
    algorithm = settings.FIELD_ENCRYPTION_ALGORITHM
    version = ring.current_version
    key = ring.keys[version]
    prefix = f"{algorithm}${version}$"
    urandom, b64encode = os.urandom, base64.b64encode
    if algorithm != AES_GCM:
        for value in values:
            yield encrypt(value)
        return
    seal = AESGCM(key).encrypt
    associated = algorithm.encode()
    for value in values:
        nonce = urandom(12)
        yield prefix + b64encode(nonce + seal(nonce, value.encode(), associated)).decode()


_HMAC_INNER_PAD = bytes(x ^ 0x36 for x in range(256))
_HMAC_OUTER_PAD = bytes(x ^ 0x5C for x in range(256))


def blind_index_many(values: list[str], *, purpose: IndexPurpose) -> list[str]:
    if settings.BLIND_INDEX_ALGORITHM == "hmac-sm3":
        return [blind_index(value, purpose=purpose) for value in values]
    # HMAC-SHA256 (RFC 2104) spelled out over hashlib: the two padded-key states are hashed once and
    # copied for each value, which costs two thirds of copying an hmac object (tests hold it equal
    # to blind_index()).
    key = settings.BLIND_INDEX_KEY.encode()
    if len(key) > 64:  # SHA-256's block size
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = hashlib.sha256(key.translate(_HMAC_INNER_PAD))
    inner.update(f"{purpose}:".encode())
    outer = hashlib.sha256(key.translate(_HMAC_OUTER_PAD))
    inner_copy, outer_copy = inner.copy, outer.copy
    out: list[str] = []
    append = out.append
    for value in values:
        mac = inner_copy()
        mac.update(value.encode())
        digest = outer_copy()
        digest.update(mac.digest())
        append(digest.hexdigest())
    return out


def encrypt_blob(data: bytes) -> bytes:
    """A whole file's content (a roster staged between its check and its import), as
    ``<algorithm>$<key version>$`` then the raw nonce, ciphertext and tag."""
    ring = keyring()
    algorithm = settings.FIELD_ENCRYPTION_ALGORITHM
    key = ring.keys[ring.current_version]
    nonce = os.urandom(12)
    sealed = (
        AESGCM(key).encrypt(nonce, data, algorithm.encode())
        if algorithm == AES_GCM
        else _sm4_encrypt(key, nonce, data)
    )
    return f"{algorithm}${ring.current_version}$".encode() + nonce + sealed


def decrypt_blob(blob: bytes) -> bytes:
    try:
        algorithm, version, raw = blob.split(b"$", 2)
        key = keyring().keys[version.decode()]
    except (ValueError, KeyError, UnicodeDecodeError) as exc:
        raise DecryptionError("Malformed value or unknown key version") from exc
    nonce, sealed = raw[:12], raw[12:]
    try:
        if algorithm == AES_GCM.encode():
            return AESGCM(key).decrypt(nonce, sealed, algorithm)
        if algorithm == SM4_GCM.encode():
            return _sm4_decrypt(key, nonce, sealed)
    except InvalidTag as exc:
        raise DecryptionError("The value failed its integrity check") from exc
    raise DecryptionError(f"Unknown algorithm {algorithm!r}")
