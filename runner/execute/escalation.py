"""Escalation: timers from the run's start, by-hand escalation, and notifiers.

Notifiers are configured per project in ``runner.toml`` beside mkdocs.yml::

    [escalation]
    command = "notify-oncall"                 # gets the event as JSON on stdin
    webhook = "https://chat.example.com/hook" # gets the event as a JSON POST

or with ``RUNNER_ESCALATION_COMMAND`` / ``RUNNER_ESCALATION_WEBHOOK``. A notifier that
fails is reported and never fails the run.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.model import EscalationLevel


@dataclass(frozen=True, slots=True)
class Notifiers:
    command: str | None = None
    webhook: str | None = None

    @classmethod
    def load(cls, root: Path) -> Notifiers:
        command = webhook = None
        config = root / "runner.toml"
        if config.is_file():
            try:
                data = tomllib.loads(config.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, OSError):
                data = {}
            section = data.get("escalation", {})
            if isinstance(section, dict):
                command = section.get("command")
                webhook = section.get("webhook")
        return cls(
            command=os.environ.get("RUNNER_ESCALATION_COMMAND") or command,
            webhook=os.environ.get("RUNNER_ESCALATION_WEBHOOK") or webhook,
        )

    def notify(self, event: dict[str, Any]) -> list[str]:
        """Send the event; returns the problems (as text) of notifiers that failed."""
        errors = []
        body = json.dumps(event, ensure_ascii=False).encode("utf-8")
        if self.command:
            try:
                env = {
                    **os.environ,
                    "RUNNER_ESCALATION_LEVEL": str(event.get("level")),
                    "RUNNER_ESCALATION_CONTACT": str(event.get("contact")),
                    "RUNNER_RUNBOOK": str(event.get("runbook")),
                    "RUNNER_RUN_ID": str(event.get("run_id")),
                }
                done = subprocess.run(
                    self.command,
                    shell=True,
                    input=body,
                    env=env,
                    capture_output=True,
                    timeout=30,
                    check=False,
                )
                if done.returncode != 0:
                    errors.append(f"command exited {done.returncode}")
            except (OSError, subprocess.TimeoutExpired) as exc:
                errors.append(f"command: {exc}")
        if self.webhook:
            import urllib.request  # only when a webhook is configured: it imports ssl, http

            request = urllib.request.Request(
                self.webhook,
                data=body,
                method="POST",
                headers={"Content-Type": "application/json", "User-Agent": "runner"},
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    response.read()
            except (OSError, ValueError) as exc:
                errors.append(f"webhook: {exc}")
        return errors


class EscalationTimers:
    """Calls ``fire(level, reason)`` when a level's ``after`` passes while the run goes on."""

    def __init__(
        self,
        levels: tuple[EscalationLevel, ...],
        started: float,
        fire: Callable[[EscalationLevel, str], None],
    ) -> None:
        self._due = sorted(
            (lvl for lvl in levels if lvl.after_s is not None), key=lambda lvl: lvl.after_s or 0.0
        )
        self._started = started
        self._fire = fire
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self.reached = 0  # highest level escalated to, by timer or by hand

    def start(self) -> None:
        if self._due:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        for level in self._due:
            wait = self._started + (level.after_s or 0.0) - time.monotonic()
            if wait > 0 and self._stop.wait(wait):
                return
            if self._stop.is_set():
                return
            if level.level > self.reached:
                self.reached = level.level
                self._fire(level, "timer")
