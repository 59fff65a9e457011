"""What the receiver keeps: every alert it accepted (de-duplicated) and the queue of
automatic runs, both in the telemetry store, written before the HTTP 200.

An alert is the same alert when Alertmanager resends it: same groupKey, fingerprint,
startsAt and status. A firing alert for a runbook that opted in (``auto: true`` and no
step that needs confirmation) queues a job, unless the circuit breaker is open: at most
``max_runs`` jobs of a runbook per ``window``; beyond that the job is kept as ``dropped``
with its reason. A resolved alert cancels its queued jobs.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from runner.alerts.payload import Alert
from runner.model import Runbook, Severity
from runner.telemetry.sql import SqlStore


@dataclass(frozen=True, slots=True)
class Policy:
    max_runs: int = 5
    window_s: float = 600.0


@dataclass
class Accepted:
    alerts: int = 0
    duplicates: int = 0
    jobs: int = 0
    dropped: int = 0
    cancelled: int = 0
    unknown: int = 0  # alerts no runbook names

    def as_json(self) -> dict[str, int]:
        return dict(self.__dict__)


def can_run_automatically(runbook: Runbook) -> bool:
    return (
        runbook.auto
        and bool(runbook.steps)
        and not any(step.confirm for step in runbook.steps)
        and not any(p.severity is Severity.ERROR for p in runbook.problems)
    )


def alert_key(alert: Alert) -> str:
    raw = "\x1f".join(
        [
            alert.group_key or "",
            alert.fingerprint or "",
            alert.starts_at or "",
            alert.status,
            alert.name,
        ]
    )
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def single_payload(alert: Alert) -> str:
    """The webhook payload for one alert, as ``runner exec --alert-payload`` reads it."""
    return json.dumps(
        {
            "version": "4",
            "status": alert.status,
            "groupKey": alert.group_key,
            "alerts": [
                {
                    "status": alert.status,
                    "labels": alert.labels,
                    "annotations": alert.annotations,
                    "fingerprint": alert.fingerprint,
                    "startsAt": alert.starts_at,
                }
            ],
        },
        ensure_ascii=False,
    )


def accept(
    store: SqlStore,
    alerts: list[Alert],
    runbooks: Mapping[str, list[Runbook]],
    policy: Policy,
    now: float | None = None,
) -> Accepted:
    """Record the alerts and queue their automatic runs, in one transaction."""
    now = time.time() if now is None else now
    result = Accepted()

    def body() -> None:
        for alert in alerts:
            key = alert_key(alert)
            if store.query_unlocked("SELECT 1 AS x FROM alert_events WHERE key = ?", (key,)):
                result.duplicates += 1
                continue
            result.alerts += 1
            handlers = runbooks.get(alert.name.lower(), [])
            if not handlers:
                result.unknown += 1
            store.execute_unlocked(
                "INSERT INTO alert_events (key, received_at, alertname, status, fingerprint,"
                " starts_at, runbook_id, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    now,
                    alert.name,
                    alert.status,
                    alert.fingerprint,
                    alert.starts_at,
                    handlers[0].id if handlers else None,
                    single_payload(alert),
                ),
            )
            if alert.status == "resolved":
                before = store.query_unlocked(
                    "SELECT COUNT(*) AS n FROM jobs WHERE fingerprint = ? AND state = 'queued'",
                    (alert.fingerprint,),
                )
                store.execute_unlocked(
                    "UPDATE jobs SET state = 'cancelled', reason = 'resolved', ended_at = ?"
                    " WHERE fingerprint = ? AND state = 'queued'",
                    (now, alert.fingerprint),
                )
                result.cancelled += int(before[0]["n"])
                continue
            for runbook in handlers:
                if not can_run_automatically(runbook):
                    continue
                recent = store.query_unlocked(
                    "SELECT COUNT(*) AS n FROM jobs WHERE runbook_id = ? AND created_at >= ?"
                    " AND state <> 'dropped'",
                    (runbook.id, now - policy.window_s),
                )
                dropped = int(recent[0]["n"]) >= policy.max_runs
                store.execute_unlocked(
                    "INSERT INTO jobs (id, alert_key, fingerprint, runbook_id, runbook_path,"
                    " payload, state, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        str(uuid.uuid4()),
                        key,
                        alert.fingerprint,
                        runbook.id,
                        runbook.path,
                        single_payload(alert),
                        "dropped" if dropped else "queued",
                        "circuit-breaker" if dropped else None,
                        now,
                    ),
                )
                if dropped:
                    result.dropped += 1
                else:
                    result.jobs += 1

    store.transaction(body)
    return result


def claim(store: SqlStore, now: float | None = None) -> dict[str, Any] | None:
    """The oldest queued job whose runbook is not running now (one run per runbook)."""
    now = time.time() if now is None else now
    claimed: list[dict[str, Any]] = []

    def body() -> None:
        rows = store.query_unlocked(
            "SELECT * FROM jobs j WHERE state = 'queued' AND NOT EXISTS (SELECT 1 FROM jobs k"
            " WHERE k.runbook_id = j.runbook_id AND k.state = 'running')"
            " ORDER BY created_at LIMIT 1"
        )
        if rows:
            store.execute_unlocked(
                "UPDATE jobs SET state = 'running', started_at = ? WHERE id = ?",
                (now, rows[0]["id"]),
            )
            claimed.append(rows[0])

    store.transaction(body)
    return claimed[0] if claimed else None


def finish(store: SqlStore, job_id: str, exit_code: int | None, state: str = "done") -> None:
    store.execute(
        "UPDATE jobs SET state = ?, ended_at = ?, exit_code = ? WHERE id = ?",
        (state, time.time(), exit_code, job_id),
    )


def recover(store: SqlStore) -> int:
    """After a restart: jobs left running either have a run (it happened: done) or not
    (it never started: queued again). Returns how many were queued again."""
    requeued = 0
    for job in store.aggregate("SELECT id FROM jobs WHERE state = 'running'", []):
        ran = store.aggregate("SELECT 1 AS x FROM runs WHERE id = ?", [job["id"]])
        if ran:
            finish(store, job["id"], None, "done")
        else:
            store.execute(
                "UPDATE jobs SET state = 'queued', started_at = NULL WHERE id = ?", (job["id"],)
            )
            requeued += 1
    return requeued
