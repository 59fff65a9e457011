"""Escalation: timers from the run's start, by-hand escalation, and notifiers.

Notifiers are configured per project in ``runner.toml`` beside mkdocs.yml::

    [escalation]
    command = "notify-oncall"                      # the event as JSON on stdin
    webhook = "https://chat.example.com/hook"      # the event as a JSON POST
    slack_webhook = "https://hooks.slack.com/services/..."   # a Slack message
    pagerduty_routing_key = "R0UT1NGK3Y"           # a PagerDuty Events API v2 trigger

    [site]
    url = "https://runbooks.example.com/"          # for the runbook link in messages

or with ``RUNNER_ESCALATION_COMMAND``, ``RUNNER_ESCALATION_WEBHOOK``,
``RUNNER_ESCALATION_SLACK_WEBHOOK``, ``RUNNER_ESCALATION_PAGERDUTY_KEY`` (and
``RUNNER_ESCALATION_PAGERDUTY_URL`` for another Events API endpoint), ``RUNNER_SITE_URL``.
A notifier that fails is reported and never fails the run.
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

PAGERDUTY_URL = "https://events.pagerduty.com/v2/enqueue"


def _post(url: str, payload: dict[str, Any]) -> None:
    import urllib.request  # only when a webhook is configured: it imports ssl, http

    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "runner"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def slack_message(event: dict[str, Any]) -> dict[str, Any]:
    """A Slack incoming-webhook message (also read by Mattermost and Rocket.Chat)."""
    link = event.get("link")
    title = event.get("title") or event.get("runbook")
    named = f"<{link}|{title}>" if link else f"*{title}*"
    text = (
        f":rotating_light: Escalation level {event.get('level')} to {event.get('contact')}"
        f" — runbook {named} ({event.get('reason')}, step {event.get('step') or '-'},"
        f" run {event.get('run_id')})"
    )
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}


def pagerduty_event(event: dict[str, Any], routing_key: str) -> dict[str, Any]:
    """A PagerDuty Events API v2 ``trigger``; one incident per run and level."""
    body: dict[str, Any] = {
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": f"runner-{event.get('run_id')}-{event.get('level')}",
        "payload": {
            "summary": (
                f"Escalation level {event.get('level')} to {event.get('contact')}: "
                f"{event.get('title') or event.get('runbook')}"
            )[:1024],
            "source": event.get("host") or "runner",
            "severity": "critical" if event.get("severity") == "critical" else "error",
            "component": event.get("runbook"),
            "custom_details": event,
        },
    }
    if event.get("link"):
        body["links"] = [
            {
                "href": event["link"],
                "text": f"Runbook: {event.get('title') or event.get('runbook')}",
            }
        ]
    return body


@dataclass(frozen=True, slots=True)
class Notifiers:
    command: str | None = None
    webhook: str | None = None
    slack_webhook: str | None = None
    pagerduty_key: str | None = None
    pagerduty_url: str = PAGERDUTY_URL
    site_url: str | None = None

    @classmethod
    def load(cls, root: Path) -> Notifiers:
        section: dict[str, Any] = {}
        site: dict[str, Any] = {}
        config = root / "runner.toml"
        if config.is_file():
            try:
                data = tomllib.loads(config.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, OSError):
                data = {}
            if isinstance(data.get("escalation"), dict):
                section = data["escalation"]
            if isinstance(data.get("site"), dict):
                site = data["site"]
        env = os.environ.get
        return cls(
            command=env("RUNNER_ESCALATION_COMMAND") or section.get("command"),
            webhook=env("RUNNER_ESCALATION_WEBHOOK") or section.get("webhook"),
            slack_webhook=env("RUNNER_ESCALATION_SLACK_WEBHOOK") or section.get("slack_webhook"),
            pagerduty_key=env("RUNNER_ESCALATION_PAGERDUTY_KEY")
            or section.get("pagerduty_routing_key"),
            pagerduty_url=env("RUNNER_ESCALATION_PAGERDUTY_URL")
            or section.get("pagerduty_url")
            or PAGERDUTY_URL,
            site_url=env("RUNNER_SITE_URL") or site.get("url") or _mkdocs_site_url(root),
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
        for name, url, payload in (
            ("webhook", self.webhook, event),
            ("slack", self.slack_webhook, slack_message(event)),
            (
                "pagerduty",
                self.pagerduty_url if self.pagerduty_key else None,
                pagerduty_event(event, self.pagerduty_key or ""),
            ),
        ):
            if not url:
                continue
            try:
                _post(url, payload)
            except (OSError, ValueError) as exc:
                errors.append(f"{name}: {exc}")
        return errors


def _mkdocs_site_url(root: Path) -> str | None:
    config = root / "mkdocs.yml"
    if not config.is_file():
        return None
    for line in config.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("site_url:"):
            return line.split(":", 1)[1].strip().strip("'\"") or None
    return None


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
