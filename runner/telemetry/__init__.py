"""Telemetry: where runs, steps and escalations are recorded, and read back.

``open_store`` turns ``--store`` / ``RUNNER_STORE`` into a store: a path or
``sqlite:///file.db`` (SQLite, the embedded default) or ``postgresql://...`` (shared).
``open_recording_store`` is what ``runner exec`` writes through: for PostgreSQL it
buffers in a local outbox while the server cannot be reached.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from runner.telemetry.sql import SqlStore


class Recording(Protocol):
    """What ``runner exec`` writes through."""

    def start_run(self, run: dict[str, Any]) -> None: ...
    def heartbeat(self, run_id: str, at: float) -> None: ...
    def record_step(self, step: dict[str, Any]) -> None: ...
    def record_event(self, event: dict[str, Any]) -> None: ...
    def finish_run(self, run_id: str, ended_at: float, outcome: str, exit_code: int) -> None: ...
    def close(self) -> None: ...


def default_location() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "runner" / "telemetry.db"


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def open_store(url: str | None = None) -> SqlStore:
    """A store from a path, ``sqlite:///rel.db`` / ``sqlite:////abs.db``, or ``postgresql://``."""
    url = url or os.environ.get("RUNNER_STORE") or str(default_location())
    if _is_postgres(url):
        try:
            from runner.telemetry.postgres import PostgresStore
        except ImportError:
            from runner.errors import UsageError

            raise UsageError("store-postgres-missing") from None
        return PostgresStore(url)
    if url.startswith("sqlite:///"):
        # as SQLAlchemy writes it: sqlite:///relative.db, sqlite:////absolute/path.db
        url = url[len("sqlite:///") :]
    elif url.startswith("sqlite://"):
        url = url[len("sqlite://") :]
    from runner.telemetry.sqlite import SqliteStore

    return SqliteStore(Path(url).expanduser())


def open_recording_store(url: str | None, warn: Callable[[str], None]) -> Recording:
    url = url or os.environ.get("RUNNER_STORE") or str(default_location())
    if _is_postgres(url):
        from runner.telemetry.buffer import BufferedStore

        return BufferedStore(url, warn)
    return open_store(url)
