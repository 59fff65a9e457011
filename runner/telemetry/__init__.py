"""Telemetry: where runs, steps and escalations are recorded.

``open_store`` turns ``--store`` / ``RUNNER_STORE`` into a Store. The store Protocol
is what the runner writes through; SQLite is the embedded default.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Protocol

from runner.errors import UsageError


class Store(Protocol):
    def start_run(self, run: dict[str, Any]) -> None: ...
    def heartbeat(self, run_id: str, at: float) -> None: ...
    def record_step(self, step: dict[str, Any]) -> None: ...
    def record_event(self, event: dict[str, Any]) -> None: ...
    def finish_run(self, run_id: str, ended_at: float, outcome: str, exit_code: int) -> None: ...
    def runs(self, *, now: float | None = None) -> list[dict[str, Any]]: ...
    def steps(self, run_id: str) -> list[dict[str, Any]]: ...
    def events(self, run_id: str) -> list[dict[str, Any]]: ...
    def close(self) -> None: ...


def default_location() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "runner" / "telemetry.db"


def open_store(url: str | None = None) -> Store:
    """A store from a path, ``sqlite:///path`` (``sqlite:////abs/path``) or ``postgresql://``."""
    url = url or os.environ.get("RUNNER_STORE") or str(default_location())
    if url.startswith(("postgresql://", "postgres://")):
        raise UsageError("store-postgres-unsupported", url=url.split("@")[-1])
    if url.startswith("sqlite:///"):
        # as SQLAlchemy writes it: sqlite:///relative.db, sqlite:////absolute/path.db
        url = url[len("sqlite:///") :]
    elif url.startswith("sqlite://"):
        url = url[len("sqlite://") :]
    from runner.telemetry.sqlite import SqliteStore

    return SqliteStore(Path(url).expanduser())
