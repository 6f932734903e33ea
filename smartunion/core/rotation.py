"""Re-encrypting personal data under the current key and a chosen algorithm (manage.py reencrypt).

Key rotation: put the new key first in ``FIELD_ENCRYPTION_KEYS`` ("2:new,1:old"), restart, run
``reencrypt``; once it reports nothing left under another key, the old key can leave the list (but
keep it with the backups made before). Each value carries its algorithm and key version, so:

- the work is resumable: a value already under the target (algorithm, version) is skipped, in SQL,
  so a second run after an interruption continues where the first stopped;
- rows are taken in primary-key order, a batch per transaction, and written with compare-and-swap
  (``WHERE id = … AND column = <the value read>``): a value the application changed meanwhile is
  left alone (it was written under the current key anyway);
- a value that fails to decrypt (altered, or under a key no longer configured) stops the run with
  the row named, before anything of its batch is written: garbage is never re-encrypted.

Blind indexes (``BLIND_INDEX_KEY``, ``BLIND_INDEX_ALGORITHM``) are not touched: they are keyed
hashes, independent of the encryption key and algorithm. Changing them is not supported (one-time
codes and sign-in failures are indexed by values the database does not hold; see decision 0006).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, models, transaction

from smartunion.core import crypto
from smartunion.core.scoping import scopes_disabled


@dataclass(frozen=True)
class EncryptedField:
    model: type[models.Model]
    name: str

    @property
    def label(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"


def encrypted_fields() -> list[EncryptedField]:
    """Every model field named ``*_encrypted``: found rather than listed, so a new one is never
    forgotten by a rotation."""
    return [
        EncryptedField(model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.name.endswith("_encrypted")
    ]


def target_prefix(algorithm: str, version: str) -> str:
    return f"{algorithm}${version}$"


class ReencryptionFailed(Exception):
    def __init__(self, field: EncryptedField, pk, reason: str):
        self.field, self.pk, self.reason = field, pk, reason
        super().__init__(f"{field.model._meta.label_lower} #{pk} {field.name}: {reason}")


@dataclass
class FieldProgress:
    field: EncryptedField
    pending_at_start: int
    rewritten: int = 0
    changed_meanwhile: int = 0
    batches: int = 0
    seconds: float = 0.0


def _pending(field: EncryptedField, prefix: str) -> models.QuerySet:
    return (
        field.model._base_manager.exclude(**{f"{field.name}__startswith": prefix})
        .exclude(**{field.name: ""})
        .order_by("pk")
    )


def pending_count(field: EncryptedField, *, algorithm: str, version: str) -> int:
    with scopes_disabled():
        return _pending(field, target_prefix(algorithm, version)).count()


def reencrypt_field(
    field: EncryptedField,
    *,
    algorithm: str,
    batch: int,
    max_batches: int | None = None,
    progress: Callable[[FieldProgress], None] | None = None,
) -> FieldProgress:
    """Re-encrypt ``field`` of every row not yet under (``algorithm``, current key version)."""
    version = crypto.keyring().current_version
    prefix = target_prefix(algorithm, version)
    model = field.model
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field(field.name).column)
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    update = f"UPDATE {table} SET {column} = %s WHERE {pk_column} = %s AND {column} = %s"  # noqa: S608
    started = time.monotonic()
    with scopes_disabled():
        state = FieldProgress(field, _pending(field, prefix).count())
        last_pk = None
        while max_batches is None or state.batches < max_batches:
            rows = _pending(field, prefix)
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            rows = list(rows.values_list("pk", field.name)[:batch])
            if not rows:
                break
            # Decrypt the whole batch before writing any of it: a value that fails stops the run here.
            updates = []
            for pk, stored in rows:
                try:
                    plain = crypto.decrypt(stored)
                except crypto.DecryptionError as exc:
                    raise ReencryptionFailed(field, pk, str(exc)) from exc
                updates.append((crypto.encrypt(plain, algorithm=algorithm, version=version), pk, stored))
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(update, updates)
                written = cursor.rowcount if cursor.rowcount >= 0 else len(updates)
            state.rewritten += written
            state.changed_meanwhile += len(updates) - written
            state.batches += 1
            state.seconds = time.monotonic() - started
            last_pk = rows[-1][0]
            if progress is not None:
                progress(state)
    state.seconds = time.monotonic() - started
    return state
