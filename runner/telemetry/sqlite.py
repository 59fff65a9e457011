"""The embedded SQLite store (the default).

WAL mode and a busy timeout let several runners write at once; every write is one short
statement, so a runner killed at any moment leaves what it wrote. Migrations are applied
in one ``BEGIN IMMEDIATE`` transaction each, together with their record.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from runner.telemetry.sql import ABANDONED_AFTER_S, HEARTBEAT_S, MIGRATIONS, SqlStore

__all__ = ["ABANDONED_AFTER_S", "HEARTBEAT_S", "MIGRATIONS", "SqliteStore"]


class SqliteStore(SqlStore):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA busy_timeout = 30000")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute("PRAGMA foreign_keys = ON")
        self._tx = threading.local()
        self.migrate()

    def _execute(self, sql: str, args: Sequence[Any] = ()) -> None:
        self._db.execute(sql, tuple(args))

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return [dict(row) for row in self._db.execute(sql, tuple(args)).fetchall()]

    def _transaction(self, body: Callable[[], None]) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            body()
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()
