"""System checks of the installation against its data.

The key self-test: a database restored with another installation's ``FIELD_ENCRYPTION_KEYS`` (or
with the right list missing a version) passes ``migrate`` and ``check --deploy``, and the first sign
used to be a 500 at sign-in. This check decrypts a sample of the stored values — the oldest and the
newest rows of every encrypted column — and fails with the key version that cannot decrypt them.
It runs with ``manage.py check`` (``--deploy`` too), ``migrate`` and ``runserver``, and ``wsgi.py``
runs it when a server process starts, so a server with the wrong keys does not start.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from smartunion.core import crypto
from smartunion.core.rotation import encrypted_models
from smartunion.core.scoping import scopes_disabled

# Rows read at each end of a table, and values decrypted from them per column.
SAMPLE_ROWS = 200
SAMPLE_VALUES = 20

HINT = (
    "Set FIELD_ENCRYPTION_KEYS to the keys this database was written with (after a restore: the keys "
    "kept with the backup, every version still in use) and start again. Until then no ID number, "
    "mobile or authenticator secret can be read, and staff cannot sign in."
)


@dataclass
class _Version:
    tried: int = 0
    failed: int = 0
    first_failure: str = ""
    reasons: set[str] = field(default_factory=set)


def _sampled_values(target, alias: str):
    """(row label, stored value) of the first and last SAMPLE_ROWS rows with values."""
    manager = target.model._base_manager.using(alias)
    seen: set = set()
    for order in ("pk", "-pk"):
        rows = manager.order_by(order).values_list("pk", *target.fields)[:SAMPLE_ROWS]
        with transaction.atomic(
            using=alias
        ):  # a missing table or column must not end the caller's transaction
            rows = list(rows)
        for name_index, name in enumerate(target.fields):
            taken = 0
            for pk, *values in rows:
                value = values[name_index]
                if not value or (pk, name) in seen or taken >= SAMPLE_VALUES:
                    continue
                seen.add((pk, name))
                taken += 1
                yield f"{target.label} #{pk} {name}", value


def sample_field_keys(alias: str = DEFAULT_DB_ALIAS) -> dict[str, _Version]:
    """Decrypt the sampled values; per key version, how many were tried and how many failed."""
    configured = crypto.keyring().keys
    versions: dict[str, _Version] = defaultdict(_Version)
    tables = set(connections[alias].introspection.table_names())
    with scopes_disabled():
        for target in encrypted_models():
            if target.model._meta.db_table not in tables:
                continue  # not migrated yet
            try:
                sampled = list(_sampled_values(target, alias))
            except DatabaseError:
                continue  # a column the migrations have not added yet
            for where, value in sampled:
                version = value.split("$", 2)[1] if value.count("$") >= 2 else "?"
                state = versions[version]
                state.tried += 1
                try:
                    crypto.decrypt(value)
                except crypto.DecryptionError:
                    state.failed += 1
                    state.first_failure = state.first_failure or where
                    state.reasons.add(
                        "the key of that version is not the one the data was written with"
                        if version in configured
                        else "FIELD_ENCRYPTION_KEYS has no key of that version"
                    )
    return dict(versions)


def _sentence(version: str, state: _Version) -> str:
    return (
        f"key version {version} cannot decrypt {state.first_failure} ({'; '.join(sorted(state.reasons))}; "
        f"{state.failed} of {state.tried} sampled values under key version {version} failed)"
    )


def field_key_mismatches(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """One sentence per key version under which no sampled value decrypts: the keys do not match
    the data. [] when they do (or there is nothing to sample yet)."""
    return [
        f"FIELD_ENCRYPTION_KEYS does not match the data: {_sentence(version, state)}."
        for version, state in sorted(sample_field_keys(alias).items())
        if state.failed and state.failed == state.tried
    ]


@checks.register(checks.Tags.database, checks.Tags.security)
def check_field_encryption_keys(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    if databases is not None and DEFAULT_DB_ALIAS not in databases:
        return []
    try:
        versions = sample_field_keys()
    except (ValueError, TypeError) as exc:
        return [checks.Error(f"FIELD_ENCRYPTION_KEYS cannot be read: {exc}", id="core.E002")]
    except DatabaseError:
        return []  # no database to compare with: other checks and the first request will say so
    messages: list[checks.CheckMessage] = []
    for version, state in sorted(versions.items()):
        if state.failed and state.failed == state.tried:
            messages.append(
                checks.Error(
                    f"FIELD_ENCRYPTION_KEYS does not match the data: {_sentence(version, state)}.",
                    hint=HINT,
                    id="core.E001",
                )
            )
        elif state.failed:  # the key reads the others: these values were altered
            messages.append(
                checks.Warning(
                    f"Some stored values do not decrypt: {_sentence(version, state)}.",
                    hint="Those values were altered: restore them from a backup or re-enter them.",
                    id="core.W001",
                )
            )
    return messages


def refuse_to_start_with_the_wrong_keys() -> None:
    """Called by wsgi.py when a server process starts (gunicorn runs no system checks)."""
    try:
        problems = field_key_mismatches()
    except DatabaseError:
        return  # the database may come back; requests will fail and say so until it does
    finally:
        connections.close_all()  # the server's own connections start fresh, in the server's threads
    if problems:
        raise ImproperlyConfigured(" ".join([*problems, HINT]))
