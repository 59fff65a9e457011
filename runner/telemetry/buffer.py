"""Recording into a shared store that may go away: nothing is lost.

``BufferedStore`` writes to PostgreSQL; when a connection or a write fails, it warns once
and keeps the rest of the run in the local SQLite outbox (the run row included, so the
steps have their parent). The next runner that reaches the shared store flushes the
outbox first; ``runner telemetry sync`` does it by hand.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from runner.telemetry.sql import SqlStore


class BufferedStore:
    def __init__(self, url: str, warn: Callable[[str], None]) -> None:
        from runner.telemetry.transfer import outbox_location

        self.url = url
        self._warn = warn
        self._outbox_path = outbox_location()
        self.primary: SqlStore | None = None
        self.outbox: SqlStore | None = None
        self._run: dict[str, Any] | None = None
        try:
            from runner.telemetry.postgres import PostgresStore

            self.primary = PostgresStore(url)
        except Exception as exc:  # any failure to connect: buffer locally
            self._fall_back(exc)
            return
        self._flush_outbox()

    def _flush_outbox(self) -> None:
        if not self._outbox_path.exists() or self.primary is None:
            return
        from runner.telemetry.sqlite import SqliteStore
        from runner.telemetry.transfer import flush

        outbox = SqliteStore(self._outbox_path)
        try:
            flush(outbox, self.primary)
        except Exception:  # the records stay in the outbox for the next attempt
            pass
        finally:
            outbox.close()

    def _fall_back(self, exc: Exception) -> None:
        from runner.telemetry.sqlite import SqliteStore

        if self.primary is not None:
            with contextlib.suppress(Exception):  # it is already broken
                self.primary.close()
            self.primary = None
        if self.outbox is None:
            where = self.url.rsplit("@", 1)[-1]
            self._warn(
                f"shared store {where} unreachable ({type(exc).__name__}): recording "
                f"in {self._outbox_path}; `runner telemetry sync` sends it later"
            )
            self.outbox = SqliteStore(self._outbox_path)
            if self._run is not None:
                self.outbox.start_run(self._run)

    def _do(self, method: str, *args: Any) -> None:
        if self.primary is not None:
            try:
                getattr(self.primary, method)(*args)
                return
            except Exception as exc:  # the server went away mid-run
                self._fall_back(exc)
        assert self.outbox is not None
        getattr(self.outbox, method)(*args)

    def start_run(self, run: dict[str, Any]) -> None:
        self._run = run
        self._do("start_run", run)

    def heartbeat(self, run_id: str, at: float) -> None:
        self._do("heartbeat", run_id, at)

    def record_step(self, step: dict[str, Any]) -> None:
        self._do("record_step", step)

    def record_event(self, event: dict[str, Any]) -> None:
        self._do("record_event", event)

    def finish_run(self, run_id: str, ended_at: float, outcome: str, exit_code: int) -> None:
        self._do("finish_run", run_id, ended_at, outcome, exit_code)

    def close(self) -> None:
        for store in (self.primary, self.outbox):
            if store is not None:
                with contextlib.suppress(Exception):  # closing a broken connection
                    store.close()
