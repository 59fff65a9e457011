"""The SQL both stores share: schema migrations, writes, reads and the stats aggregates.

SQL is written once with ``?`` placeholders; the PostgreSQL store turns them into
``%s``. Aggregates (counts, rates, percentiles, trends) are computed in SQL, so
``runner stats`` over a million step records stays fast.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

HEARTBEAT_S = 5.0
# A run with no outcome whose heartbeat is older than this reads as abandoned.
ABANDONED_AFTER_S = 4 * HEARTBEAT_S
FINISHED = ("succeeded", "failed", "aborted", "escalated", "interrupted")
FAILED_STEP = ("failed", "timed_out")

Exec = Callable[[str], None]


def _m0001(ex: Exec, real: str) -> None:
    ex(f"""CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        runbook_id TEXT NOT NULL,
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        title TEXT,
        lang TEXT,
        "user" TEXT,
        host TEXT,
        "trigger" TEXT NOT NULL DEFAULT 'manual',
        mode TEXT NOT NULL DEFAULT 'interactive',
        params TEXT NOT NULL DEFAULT '{{}}',
        runner_version TEXT,
        started_at {real} NOT NULL,
        heartbeat_at {real} NOT NULL,
        ended_at {real},
        outcome TEXT,
        exit_code INTEGER
    )""")
    ex("CREATE INDEX runs_runbook ON runs (runbook_id, started_at)")
    ex(f"""CREATE TABLE steps (
        run_id TEXT NOT NULL REFERENCES runs (id),
        seq INTEGER NOT NULL,
        step_id TEXT NOT NULL,
        step_index INTEGER NOT NULL,
        lang TEXT NOT NULL,
        started_at {real} NOT NULL,
        ended_at {real} NOT NULL,
        duration_s {real} NOT NULL,
        status TEXT NOT NULL,
        exit_code INTEGER,
        output_bytes BIGINT NOT NULL DEFAULT 0,
        output_tail TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (run_id, seq)
    )""")
    ex(f"""CREATE TABLE events (
        run_id TEXT NOT NULL REFERENCES runs (id),
        at {real} NOT NULL,
        kind TEXT NOT NULL,
        level INTEGER,
        contact TEXT,
        detail TEXT NOT NULL DEFAULT '{{}}'
    )""")


def _m0002(ex: Exec, real: str) -> None:
    """Event ids (so records move between stores exactly once) and the stats indexes."""
    ex("ALTER TABLE events ADD COLUMN id TEXT")
    ex("UPDATE events SET id = run_id || ':' || CAST(at AS TEXT) || ':' || kind")
    ex("CREATE UNIQUE INDEX events_id ON events (id)")
    ex("CREATE INDEX events_run ON events (run_id, kind)")
    ex("CREATE INDEX runs_started ON runs (started_at)")
    ex("CREATE INDEX steps_failed ON steps (status, run_id)")


def _m0003(ex: Exec, real: str) -> None:
    """Run durations as a column, and covering indexes so stats read indexes, not rows."""
    ex(f"ALTER TABLE runs ADD COLUMN duration_s {real}")
    ex("UPDATE runs SET duration_s = ended_at - started_at WHERE ended_at IS NOT NULL")
    ex(
        "CREATE INDEX runs_stats ON runs (runbook_id, started_at, ended_at, outcome, mode,"
        ' "trigger", heartbeat_at)'
    )
    ex(
        "CREATE INDEX runs_by_duration ON runs (runbook_id, duration_s, started_at, outcome,"
        ' mode, "trigger")'
    )
    ex('CREATE INDEX runs_duration_all ON runs (duration_s, started_at, outcome, mode, "trigger")')


def _m0004(ex: Exec, real: str) -> None:
    """The webhook receiver's record of alerts and its queue of automatic runs."""
    ex(f"""CREATE TABLE alert_events (
        key TEXT PRIMARY KEY,
        received_at {real} NOT NULL,
        alertname TEXT NOT NULL,
        status TEXT NOT NULL,
        fingerprint TEXT,
        starts_at TEXT,
        runbook_id TEXT,
        payload TEXT NOT NULL
    )""")
    ex("CREATE INDEX alert_events_runbook ON alert_events (runbook_id, received_at)")
    ex(f"""CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        alert_key TEXT NOT NULL,
        fingerprint TEXT,
        runbook_id TEXT NOT NULL,
        runbook_path TEXT NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL,
        reason TEXT,
        created_at {real} NOT NULL,
        started_at {real},
        ended_at {real},
        exit_code INTEGER
    )""")
    ex("CREATE INDEX jobs_state ON jobs (state, created_at)")
    ex("CREATE INDEX jobs_runbook ON jobs (runbook_id, created_at)")


MIGRATIONS: list[tuple[str, Callable[[Exec, str], None]]] = [
    ("0001_runs_steps_events", _m0001),
    ("0002_event_ids_and_stats_indexes", _m0002),
    ("0003_run_durations_and_covering_indexes", _m0003),
    ("0004_alert_events_and_jobs", _m0004),
]

RUN_COLUMNS = (
    "id",
    "runbook_id",
    "path",
    "sha256",
    "title",
    "lang",
    "user",
    "host",
    "trigger",
    "mode",
    "params",
    "runner_version",
    "started_at",
    "heartbeat_at",
    "ended_at",
    "outcome",
    "exit_code",
    "duration_s",
)
STEP_COLUMNS = (
    "run_id",
    "seq",
    "step_id",
    "step_index",
    "lang",
    "started_at",
    "ended_at",
    "duration_s",
    "status",
    "exit_code",
    "output_bytes",
    "output_tail",
)
EVENT_COLUMNS = ("id", "run_id", "at", "kind", "level", "contact", "detail")


class SqlStore:
    """Everything but connecting; subclasses set ``real`` and implement the hooks."""

    real = "REAL"
    placeholder = "?"

    def __init__(self) -> None:
        self._lock = threading.Lock()

    # -- hooks
    def _execute(self, sql: str, args: Sequence[Any] = ()) -> None:
        raise NotImplementedError

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        raise NotImplementedError

    def _transaction(self, body: Callable[[], None]) -> None:
        raise NotImplementedError

    def _lock_migrations(self) -> None:
        """Serialise migrations between processes (inside the migration transaction)."""

    def floor_int(self, expr: str) -> str:
        return f"CAST({expr} AS INTEGER)"  # SQLite truncates, and the values are >= 0

    def close(self) -> None:
        raise NotImplementedError

    # -- schema
    def migrate(self) -> None:
        self._execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations"
            f" (name TEXT PRIMARY KEY, applied_at {self.real} NOT NULL)"
        )
        done = {row["name"] for row in self._query("SELECT name FROM schema_migrations")}
        for name, apply in MIGRATIONS:
            if name in done:
                continue

            def body(name: str = name, apply: Callable[[Exec, str], None] = apply) -> None:
                self._lock_migrations()
                # another runner may have applied it while we waited for the lock
                if self._query("SELECT 1 AS x FROM schema_migrations WHERE name = ?", (name,)):
                    return
                apply(lambda sql: self._execute(sql), self.real)
                self._execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, time.time()))

            self._transaction(body)

    def migrations(self) -> list[str]:
        return [r["name"] for r in self._query("SELECT name FROM schema_migrations ORDER BY name")]

    # -- writes (each one short statement: a killed runner keeps what it wrote)
    def _write(self, sql: str, args: Sequence[Any]) -> None:
        with self._lock:
            self._execute(sql, args)

    def start_run(self, run: dict[str, Any]) -> None:
        self.put_run(
            {
                "id": run["run_id"],
                "runbook_id": run["runbook_id"],
                "path": run["path"],
                "sha256": run["sha256"],
                "title": run["title"],
                "lang": run["lang"],
                "user": run["user"],
                "host": run["host"],
                "trigger": run["trigger"],
                "mode": run["mode"],
                "params": run["params"],
                "runner_version": run["runner_version"],
                "started_at": run["started_at"],
                "heartbeat_at": run["started_at"],
                "ended_at": None,
                "outcome": None,
                "exit_code": None,
            }
        )

    def put_run(self, run: dict[str, Any]) -> None:
        """Insert a run, or bring an existing one up to date (import, sync)."""
        ended = run.get("ended_at")
        run = {**run, "duration_s": None if ended is None else ended - run["started_at"]}
        values = [
            json.dumps(run["params"], ensure_ascii=False) if c == "params" else run[c]
            for c in RUN_COLUMNS
        ]
        marks = ", ".join("?" for _ in RUN_COLUMNS)
        self._write(
            f"INSERT INTO runs ({', '.join(_q(c) for c in RUN_COLUMNS)}) VALUES ({marks})"
            " ON CONFLICT (id) DO UPDATE SET"
            " heartbeat_at = CASE WHEN excluded.heartbeat_at > runs.heartbeat_at"
            " THEN excluded.heartbeat_at ELSE runs.heartbeat_at END,"
            " ended_at = COALESCE(excluded.ended_at, runs.ended_at),"
            " outcome = COALESCE(excluded.outcome, runs.outcome),"
            " exit_code = COALESCE(excluded.exit_code, runs.exit_code),"
            " duration_s = COALESCE(excluded.duration_s, runs.duration_s)",
            values,
        )

    def heartbeat(self, run_id: str, at: float) -> None:
        self._write("UPDATE runs SET heartbeat_at = ? WHERE id = ?", (at, run_id))

    def record_step(self, step: dict[str, Any]) -> None:
        self.put_step({**step, "step_index": step.get("step_index", step.get("index"))})

    def put_step(self, step: dict[str, Any]) -> None:
        marks = ", ".join("?" for _ in STEP_COLUMNS)
        self._write(
            f"INSERT INTO steps ({', '.join(STEP_COLUMNS)}) VALUES ({marks})"
            " ON CONFLICT (run_id, seq) DO NOTHING",
            [step[c] for c in STEP_COLUMNS],
        )

    def record_event(self, event: dict[str, Any]) -> None:
        self.put_event(
            {
                **event,
                "id": event.get("id") or str(uuid.uuid4()),
                "level": event.get("level"),
                "contact": event.get("contact"),
                "detail": event.get("detail", {}),
            }
        )

    def put_event(self, event: dict[str, Any]) -> None:
        values = [
            json.dumps(event["detail"], ensure_ascii=False) if c == "detail" else event[c]
            for c in EVENT_COLUMNS
        ]
        self._write(
            f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO NOTHING",
            values,
        )

    def finish_run(self, run_id: str, ended_at: float, outcome: str, exit_code: int) -> None:
        self._write(
            "UPDATE runs SET ended_at = ?, heartbeat_at = ?, outcome = ?, exit_code = ?,"
            " duration_s = ? - started_at WHERE id = ?",
            (ended_at, ended_at, outcome, exit_code, ended_at, run_id),
        )

    def prune(self, before: float) -> int:
        """Delete runs started before ``before`` with their steps and events."""
        count = self._query("SELECT COUNT(*) AS n FROM runs WHERE started_at < ?", (before,))

        def body() -> None:
            old = "SELECT id FROM runs WHERE started_at < ?"
            self._execute(f"DELETE FROM steps WHERE run_id IN ({old})", (before,))
            self._execute(f"DELETE FROM events WHERE run_id IN ({old})", (before,))
            self._execute("DELETE FROM runs WHERE started_at < ?", (before,))

        with self._lock:
            self._transaction(body)
        return int(count[0]["n"])

    def delete_runs(self, run_ids: Sequence[str]) -> None:
        def body() -> None:
            for run_id in run_ids:
                self._execute("DELETE FROM steps WHERE run_id = ?", (run_id,))
                self._execute("DELETE FROM events WHERE run_id = ?", (run_id,))
                self._execute("DELETE FROM runs WHERE id = ?", (run_id,))

        with self._lock:
            self._transaction(body)

    # -- reads
    def _state(self, now: float) -> tuple[str, float]:
        return (
            "COALESCE(outcome, CASE WHEN heartbeat_at < ? THEN 'abandoned' ELSE 'running' END)",
            now - ABANDONED_AFTER_S,
        )

    def runs(
        self, *, now: float | None = None, runbook: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Runs, oldest first; an unfinished run with a stale heartbeat reads as abandoned."""
        state, stale = self._state(time.time() if now is None else now)
        where = ""
        args: list[Any] = [stale]
        if runbook is not None:
            where = " WHERE runbook_id = ?"
            args.append(runbook)
        cols = ", ".join(_q(c) for c in RUN_COLUMNS if c != "outcome")
        sql = f"SELECT {cols}, {state} AS outcome FROM runs{where} ORDER BY started_at"
        if limit is not None:
            sql = f"SELECT * FROM ({sql} DESC LIMIT {int(limit)}) AS recent ORDER BY started_at"
        with self._lock:
            rows = self._query(sql, args)
        for row in rows:
            row["params"] = json.loads(row["params"])
        return rows

    def run(self, run_id: str, *, now: float | None = None) -> dict[str, Any] | None:
        state, stale = self._state(time.time() if now is None else now)
        cols = ", ".join(_q(c) for c in RUN_COLUMNS if c != "outcome")
        with self._lock:
            rows = self._query(
                f"SELECT {cols}, {state} AS outcome FROM runs WHERE id = ?", (stale, run_id)
            )
        if not rows:
            return None
        rows[0]["params"] = json.loads(rows[0]["params"])
        return rows[0]

    def find_runs(self, prefix: str) -> list[str]:
        with self._lock:
            rows = self._query(
                "SELECT id FROM runs WHERE id >= ? AND id < ? ORDER BY id",
                (prefix, prefix + "\uffff"),
            )
        return [r["id"] for r in rows]

    def steps(self, run_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return self._query("SELECT * FROM steps WHERE run_id = ? ORDER BY seq", (run_id,))

    def events(self, run_id: str) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._query("SELECT * FROM events WHERE run_id = ? ORDER BY at", (run_id,))
        for row in rows:
            row["detail"] = json.loads(row["detail"])
        return rows

    def all_rows(self, table: str) -> Iterable[dict[str, Any]]:
        """Every row of runs, steps or events, for export and sync."""
        order = {"runs": "started_at", "steps": "run_id, seq", "events": "at"}[table]
        with self._lock:
            rows = self._query(f"SELECT * FROM {table} ORDER BY {order}")
        for row in rows:
            if table == "runs":
                row["params"] = json.loads(row["params"])
            if table == "events":
                row["detail"] = json.loads(row["detail"])
        return rows

    # -- aggregates for runner stats and the metrics
    def aggregate(self, sql: str, args: Sequence[Any]) -> list[dict[str, Any]]:
        with self._lock:
            return self._query(sql, args)

    def execute(self, sql: str, args: Sequence[Any] = ()) -> None:
        """One write statement (for the webhook receiver's tables)."""
        with self._lock:
            self._execute(sql, args)

    def transaction(self, body: Callable[[], None]) -> None:
        """Several writes as one transaction; ``body`` uses ``execute_unlocked``."""
        with self._lock:
            self._transaction(body)

    def execute_unlocked(self, sql: str, args: Sequence[Any] = ()) -> None:
        self._execute(sql, args)

    def query_unlocked(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return self._query(sql, args)


def _q(column: str) -> str:
    """Quote column names that are keywords in one of the dialects."""
    return f'"{column}"' if column in {"user", "trigger"} else column
