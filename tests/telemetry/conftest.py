"""Stores for the telemetry tests: a fresh SQLite file, and a fresh schema in the real
PostgreSQL server on 127.0.0.1:5432 (database test), skipped with the reason when absent."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from runner.telemetry.sql import SqlStore

PG_BASE = os.environ.get("RUNNER_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_reason() -> str | None:
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        psycopg.connect(PG_BASE, connect_timeout=3).close()
    except Exception as exc:
        return f"PostgreSQL is not reachable at {PG_BASE}: {exc}".strip()
    return None


PG_SKIP = _pg_reason()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL whose search_path is a schema of its own, dropped afterwards."""
    if PG_SKIP:
        pytest.skip(PG_SKIP)
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_BASE, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
    yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    with psycopg.connect(PG_BASE, autocommit=True) as db:
        db.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/telemetry.db"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[SqlStore]:
    from runner.telemetry import open_store

    db = open_store(store_url)
    yield db
    db.close()
