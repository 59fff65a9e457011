"""The shared PostgreSQL store (``RUNNER_STORE=postgresql://...``; the ``postgres`` extra).

The same schema and migrations as SQLite, so a team's runners write to one database and
``runner stats`` answers for everyone. Migrations take an advisory lock, so runners that
start at once apply each migration exactly once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from runner.telemetry.sql import SqlStore

MIGRATION_LOCK = 7_244_311  # pg_advisory_xact_lock key: "runner telemetry migrations"


class PostgresStore(SqlStore):
    real = "DOUBLE PRECISION"

    def __init__(self, url: str, *, connect_timeout: float = 5.0) -> None:
        super().__init__()
        import psycopg
        from psycopg.rows import dict_row

        self.url = url
        self._db = psycopg.connect(
            url, autocommit=True, row_factory=dict_row, connect_timeout=max(1, int(connect_timeout))
        )
        self._in_tx = threading.local()
        self.migrate()

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("?", "%s")

    def _execute(self, sql: str, args: Sequence[Any] = ()) -> None:
        self._db.execute(self._sql(sql), tuple(args))

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self._db.execute(self._sql(sql), tuple(args))
        return list(cursor.fetchall())

    def _transaction(self, body: Callable[[], None]) -> None:
        with self._db.transaction():
            body()

    def _lock_migrations(self) -> None:
        self._execute(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")

    def floor_int(self, expr: str) -> str:
        return f"CAST(FLOOR({expr}) AS INTEGER)"

    def close(self) -> None:
        with self._lock:
            self._db.close()
