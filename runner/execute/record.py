"""Recording a run: never lets the store fail the run.

If the store cannot be opened or written, the runner warns once and carries on without
recording. A heartbeat thread keeps ``heartbeat_at`` fresh, so a runner killed with
SIGKILL leaves a run that later reads as abandoned.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from runner.telemetry import Recording
from runner.telemetry.sqlite import HEARTBEAT_S


class Recorder:
    def __init__(
        self, open_store: Callable[[], Recording] | None, warn: Callable[[str], None]
    ) -> None:
        self._warn = warn
        self._warned = False
        self.store: Recording | None = None
        self._beat_stop = threading.Event()
        if open_store is not None:
            self._safely(lambda: setattr(self, "store", open_store()))

    def _safely(self, action: Callable[[], object]) -> None:
        try:
            action()
        except Exception as exc:  # recording must never fail a run
            self.store = None
            if not self._warned:
                self._warned = True
                self._warn(str(exc))

    def start_run(self, run: dict[str, Any]) -> None:
        if self.store is not None:
            store = self.store
            self._safely(lambda: store.start_run(run))
        if self.store is not None:
            thread = threading.Thread(target=self._beat, args=(run["run_id"],), daemon=True)
            thread.start()

    def _beat(self, run_id: str) -> None:
        while not self._beat_stop.wait(HEARTBEAT_S):
            store = self.store
            if store is None:
                return
            self._safely(lambda: store.heartbeat(run_id, time.time()))  # noqa: B023

    def step(self, step: dict[str, Any]) -> None:
        if self.store is not None:
            store = self.store
            self._safely(lambda: store.record_step(step))

    def event(self, event: dict[str, Any]) -> None:
        if self.store is not None:
            store = self.store
            self._safely(lambda: store.record_event(event))

    def finish(self, run_id: str, outcome: str, exit_code: int) -> None:
        self._beat_stop.set()
        if self.store is not None:
            store = self.store
            self._safely(lambda: store.finish_run(run_id, time.time(), outcome, exit_code))
            self._safely(store.close)
