"""Re-encrypting personal data under the current key and a chosen algorithm (manage.py reencrypt).

Key rotation: put the new key first in ``FIELD_ENCRYPTION_KEYS`` ("2:new,1:old"), restart, run
``reencrypt``; once it reports nothing left under another key, the old key can leave the list (but
keep it with the backups made before). Each value carries its algorithm and key version, so:

- the work is resumable: a row whose values are all under the target (algorithm, version) is
  skipped, in SQL, so a second run after an interruption continues where the first stopped;
- rows are taken in primary-key order, one batch per transaction, every encrypted column of a row in
  one UPDATE, written with compare-and-swap (``WHERE id = … AND column = <the value read>``): a row
  the application changed meanwhile is left alone (it was written under the current key anyway);
- a value that fails to decrypt (altered, or under a key no longer configured) stops the run with
  the row named, before anything of its batch is written: garbage is never re-encrypted;
- the values a run skips are decrypted too (``verify_current``), before anything is written, so a
  key that does not match the data stops the run instead of passing as "nothing to do".

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
from django.db.models import Q

from smartunion.core import crypto
from smartunion.core.scoping import scopes_disabled


@dataclass(frozen=True)
class EncryptedModel:
    model: type[models.Model]
    fields: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


def encrypted_models() -> list[EncryptedModel]:
    """Every model with fields named ``*_encrypted``: found rather than listed, so a new one is never
    forgotten by a rotation."""
    found = []
    for model in apps.get_models():
        names = tuple(f.name for f in model._meta.concrete_fields if f.name.endswith("_encrypted"))
        if names:
            found.append(EncryptedModel(model, names))
    return found


def target_prefix(algorithm: str, version: str) -> str:
    return f"{algorithm}${version}$"


class ReencryptionFailed(Exception):
    def __init__(self, label: str, pk, field: str, reason: str):
        self.label, self.pk, self.field, self.reason = label, pk, field, reason
        super().__init__(f"{label} #{pk} {field}: {reason}")


@dataclass
class Progress:
    target: EncryptedModel
    pending_at_start: int
    rewritten: int = 0  # rows
    values: int = 0  # values re-encrypted in those rows
    changed_meanwhile: int = 0
    batches: int = 0
    seconds: float = 0.0


def _pending(target: EncryptedModel, prefix: str) -> models.QuerySet:
    """Rows with at least one non-empty value not yet under ``prefix``."""
    condition = Q()
    for name in target.fields:
        condition |= ~Q(**{f"{name}__startswith": prefix}) & ~Q(**{name: ""})
    return target.model._base_manager.filter(condition).order_by("pk")


def pending_count(target: EncryptedModel, *, algorithm: str, version: str) -> int:
    with scopes_disabled():
        return _pending(target, target_prefix(algorithm, version)).count()


def verify_current(target: EncryptedModel, *, algorithm: str, version: str, batch: int = 5000) -> int:
    """Decrypt every value already under (``algorithm``, ``version``), the values a run skips, and
    return how many there were: a key that does not match the data (a restore with another
    installation's keys) must not pass as "0 values re-encrypted". Raises ``ReencryptionFailed`` at
    the first value that does not decrypt."""
    prefix = target_prefix(algorithm, version)
    condition = Q()
    for name in target.fields:
        condition |= Q(**{f"{name}__startswith": prefix})
    checked = 0
    with scopes_disabled():
        rows = target.model._base_manager.filter(condition).order_by("pk").values_list("pk", *target.fields)
        for pk, *stored in rows.iterator(chunk_size=batch):
            for name, value in zip(target.fields, stored, strict=True):
                if value and value.startswith(prefix):
                    try:
                        crypto.decrypt(value)
                    except crypto.DecryptionError as exc:
                        raise ReencryptionFailed(target.label, pk, name, str(exc)) from exc
                    checked += 1
    return checked


def _column(field: models.Field | models.ForeignObjectRel | None) -> str:
    # The primary key and the concrete ``*_encrypted`` fields of a concrete model: each has a column.
    assert isinstance(field, models.Field) and field.column is not None
    return field.column


def _write_batch(target: EncryptedModel, updates: list[tuple]) -> int:
    """``updates``: (pk, new values…, old values…). Returns how many rows were written."""
    quote = connection.ops.quote_name
    meta = target.model._meta
    table, pk = quote(meta.db_table), quote(_column(meta.pk))
    columns = [quote(_column(meta.get_field(name))) for name in target.fields]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement per batch: 5,000 single-row UPDATEs cost a round trip each.
            width = 1 + 2 * len(columns)
            new = [f"new{i}" for i in range(len(columns))]
            old = [f"old{i}" for i in range(len(columns))]
            values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(updates))
            cursor.execute(
                f"UPDATE {table} AS t SET {', '.join(f'{c} = v.{n}' for c, n in zip(columns, new, strict=True))} "  # noqa: S608
                f"FROM (VALUES {values}) AS v(id, {', '.join(new + old)}) "
                f"WHERE t.{pk} = v.id AND {' AND '.join(f't.{c} IS NOT DISTINCT FROM v.{o}' for c, o in zip(columns, old, strict=True))}",
                [value for row in updates for value in row],
            )
            return cursor.rowcount
        sets = ", ".join(f"{c} = %s" for c in columns)
        checks = " AND ".join(f"{c} IS %s" for c in columns)  # NULL-safe, like IS NOT DISTINCT FROM
        cursor.executemany(
            f"UPDATE {table} SET {sets} WHERE {pk} = %s AND {checks}",  # noqa: S608
            [(*row[1 : 1 + len(columns)], row[0], *row[1 + len(columns) :]) for row in updates],
        )
        return cursor.rowcount if cursor.rowcount >= 0 else len(updates)


def reencrypt_model(
    target: EncryptedModel,
    *,
    algorithm: str,
    batch: int,
    max_batches: int | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> Progress:
    """Re-encrypt the encrypted fields of every row of ``target`` not yet under (``algorithm``, the
    current key version)."""
    version = crypto.keyring().current_version
    prefix = target_prefix(algorithm, version)
    started = time.monotonic()
    with scopes_disabled():
        state = Progress(target, _pending(target, prefix).count())
        last_pk = None
        while max_batches is None or state.batches < max_batches:
            pending = _pending(target, prefix)
            if last_pk is not None:
                pending = pending.filter(pk__gt=last_pk)
            rows = list(pending.values_list("pk", *target.fields)[:batch])
            if not rows:
                break
            # Decrypt the whole batch before writing any of it: a value that fails stops the run here.
            updates = []
            for pk, *stored in rows:
                fresh = []
                for name, value in zip(target.fields, stored, strict=True):
                    if not value or value.startswith(prefix):
                        fresh.append(value)
                        continue
                    try:
                        plain = crypto.decrypt(value)
                    except crypto.DecryptionError as exc:
                        raise ReencryptionFailed(target.label, pk, name, str(exc)) from exc
                    fresh.append(crypto.encrypt(plain, algorithm=algorithm, version=version))
                    state.values += 1
                updates.append((pk, *fresh, *stored))
            written = _write_batch(target, updates)
            state.rewritten += written
            state.changed_meanwhile += len(updates) - written
            state.batches += 1
            state.seconds = time.monotonic() - started
            last_pk = rows[-1][0]
            if progress is not None:
                progress(state)
    state.seconds = time.monotonic() - started
    return state
