"""The embedded SQLite store.

WAL mode and a busy timeout let several runners write at once; every write is one short
transaction, so a runner killed at any moment leaves what it wrote. Migrations are
registered functions recorded in ``schema_migrations``, each applied in one transaction
together with its record.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HEARTBEAT_S = 5.0
# A run with no outcome whose heartbeat is older than this reads as abandoned.
ABANDONED_AFTER_S = 4 * HEARTBEAT_S

MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = []


def migration(
    name: str,
) -> Callable[[Callable[[sqlite3.Connection], None]], Callable[[sqlite3.Connection], None]]:
    def register(
        func: Callable[[sqlite3.Connection], None],
    ) -> Callable[[sqlite3.Connection], None]:
        MIGRATIONS.append((name, func))
        return func

    return register


@migration("0001_runs_steps_events")
def _initial(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE runs (
            id TEXT PRIMARY KEY,
            runbook_id TEXT NOT NULL,
            path TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            title TEXT,
            lang TEXT,
            user TEXT,
            host TEXT,
            trigger TEXT NOT NULL DEFAULT 'manual',
            mode TEXT NOT NULL DEFAULT 'interactive',
            params TEXT NOT NULL DEFAULT '{}',
            runner_version TEXT,
            started_at REAL NOT NULL,
            heartbeat_at REAL NOT NULL,
            ended_at REAL,
            outcome TEXT,
            exit_code INTEGER
        )"""
    )
    db.execute("CREATE INDEX runs_runbook ON runs (runbook_id, started_at)")
    db.execute(
        """CREATE TABLE steps (
            run_id TEXT NOT NULL REFERENCES runs (id),
            seq INTEGER NOT NULL,
            step_id TEXT NOT NULL,
            step_index INTEGER NOT NULL,
            lang TEXT NOT NULL,
            started_at REAL NOT NULL,
            ended_at REAL NOT NULL,
            duration_s REAL NOT NULL,
            status TEXT NOT NULL,
            exit_code INTEGER,
            output_bytes INTEGER NOT NULL DEFAULT 0,
            output_tail TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (run_id, seq)
        )"""
    )
    db.execute(
        """CREATE TABLE events (
            run_id TEXT NOT NULL REFERENCES runs (id),
            at REAL NOT NULL,
            kind TEXT NOT NULL,
            level INTEGER,
            contact TEXT,
            detail TEXT NOT NULL DEFAULT '{}'
        )"""
    )


class SqliteStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA busy_timeout = 30000")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute("PRAGMA foreign_keys = ON")
        self._migrate()

    def _migrate(self) -> None:
        db = self._db
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY,"
            " applied_at REAL NOT NULL)"
        )
        done = {row[0] for row in db.execute("SELECT name FROM schema_migrations")}
        for name, apply in MIGRATIONS:
            if name in done:
                continue
            db.execute("BEGIN IMMEDIATE")
            try:
                # another runner may have applied it while we waited for the lock
                if db.execute("SELECT 1 FROM schema_migrations WHERE name = ?", (name,)).fetchone():
                    db.execute("COMMIT")
                    continue
                apply(db)
                db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, time.time()))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _write(self, sql: str, args: tuple[Any, ...]) -> None:
        with self._lock:
            self._db.execute(sql, args)

    def start_run(self, run: dict[str, Any]) -> None:
        self._write(
            "INSERT INTO runs (id, runbook_id, path, sha256, title, lang, user, host, trigger,"
            " mode, params, runner_version, started_at, heartbeat_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run["run_id"],
                run["runbook_id"],
                run["path"],
                run["sha256"],
                run["title"],
                run["lang"],
                run["user"],
                run["host"],
                run["trigger"],
                run["mode"],
                json.dumps(run["params"], ensure_ascii=False),
                run["runner_version"],
                run["started_at"],
                run["started_at"],
            ),
        )

    def heartbeat(self, run_id: str, at: float) -> None:
        self._write("UPDATE runs SET heartbeat_at = ? WHERE id = ?", (at, run_id))

    def record_step(self, step: dict[str, Any]) -> None:
        self._write(
            "INSERT INTO steps (run_id, seq, step_id, step_index, lang, started_at, ended_at,"
            " duration_s, status, exit_code, output_bytes, output_tail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                step["run_id"],
                step["seq"],
                step["step_id"],
                step["index"],
                step["lang"],
                step["started_at"],
                step["ended_at"],
                step["duration_s"],
                step["status"],
                step["exit_code"],
                step["output_bytes"],
                step["output_tail"],
            ),
        )

    def record_event(self, event: dict[str, Any]) -> None:
        self._write(
            "INSERT INTO events (run_id, at, kind, level, contact, detail)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                event["run_id"],
                event["at"],
                event["kind"],
                event.get("level"),
                event.get("contact"),
                json.dumps(event.get("detail", {}), ensure_ascii=False),
            ),
        )

    def finish_run(self, run_id: str, ended_at: float, outcome: str, exit_code: int) -> None:
        self._write(
            "UPDATE runs SET ended_at = ?, heartbeat_at = ?, outcome = ?, exit_code = ?"
            " WHERE id = ?",
            (ended_at, ended_at, outcome, exit_code, run_id),
        )

    def runs(self, *, now: float | None = None) -> list[dict[str, Any]]:
        """Every run; an unfinished run with a stale heartbeat reads as ``abandoned``."""
        now = time.time() if now is None else now
        with self._lock:
            rows = self._db.execute("SELECT * FROM runs ORDER BY started_at").fetchall()
        out = []
        for row in rows:
            run = dict(row)
            run["params"] = json.loads(run["params"])
            if run["outcome"] is None and now - run["heartbeat_at"] > ABANDONED_AFTER_S:
                run["outcome"] = "abandoned"
            out.append(run)
        return out

    def steps(self, run_id: str) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM steps WHERE run_id = ? ORDER BY seq", (run_id,)
            ).fetchall()
        return [dict(r) for r in rows]

    def events(self, run_id: str) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM events WHERE run_id = ? ORDER BY at", (run_id,)
            ).fetchall()
        return [{**dict(r), "detail": json.loads(r["detail"])} for r in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()
