"""What every benchmark here shares: the output format, percentiles, and a throw-away database."""

from __future__ import annotations

import math
import sys
import tempfile

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def figure(name: str, value, unit: str) -> None:
    """One figure, as ``name value unit`` on standard output."""
    if isinstance(value, float):
        value = f"{value:.3f}" if value < 10 else f"{value:.1f}"
    print(f"{name} {value} {unit}", flush=True)


def note(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def fresh_pg_database(name: str) -> tuple[str, object]:
    """A new, empty PostgreSQL database; returns its URL and the function that drops it."""
    pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    pg_admin(f'CREATE DATABASE "{name}"')

    def cleanup() -> None:
        pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"postgresql://postgres@127.0.0.1:5432/{name}", cleanup


def fresh_database(database: str, *, pg_name: str, sqlite_name: str) -> tuple[str, object]:
    """A fresh database of the kind asked for (PostgreSQL, or a temporary SQLite file)."""
    if database == "postgresql":
        return fresh_pg_database(pg_name)
    tmp = tempfile.TemporaryDirectory(prefix="smartunion-bench-")
    return f"sqlite:///{tmp.name}/{sqlite_name}", tmp.cleanup
