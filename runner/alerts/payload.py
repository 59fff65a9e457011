"""Alertmanager webhook payloads (version 4): which alert, and its labels as parameters.

    {"version": "4", "status": "firing", "groupKey": "...",
     "alerts": [{"status": "firing", "labels": {"alertname": "...", ...},
                 "annotations": {...}, "startsAt": "...", "fingerprint": "..."}]}

Labels become parameter values only for parameters the runbook declares (matched
case-insensitively), and only ever as environment variables.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from runner.errors import UsageError
from runner.model import Runbook


@dataclass(frozen=True, slots=True)
class Alert:
    name: str
    status: str
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    fingerprint: str | None = None
    starts_at: str | None = None
    group_key: str | None = None

    def record(self) -> dict[str, Any]:
        """What the run's ``alert`` event keeps."""
        return {
            "alertname": self.name,
            "status": self.status,
            "labels": self.labels,
            "fingerprint": self.fingerprint,
            "startsAt": self.starts_at,
            "groupKey": self.group_key,
        }


def _strings(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items() if v is not None}


def parse_payload(text: str, source: str) -> list[Alert]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError("bad-payload", path=source, line=exc.lineno, reason=exc.msg) from None
    if not isinstance(data, dict) or not isinstance(data.get("alerts"), list):
        raise UsageError("bad-payload", path=source, reason="no 'alerts' list")
    alerts = []
    for entry in data["alerts"]:
        if not isinstance(entry, dict):
            continue
        labels = _strings(entry.get("labels"))
        name = labels.get("alertname")
        if not name:
            continue
        alerts.append(
            Alert(
                name=name,
                status=str(entry.get("status") or data.get("status") or "firing"),
                labels=labels,
                annotations=_strings(entry.get("annotations")),
                fingerprint=None if entry.get("fingerprint") is None else str(entry["fingerprint"]),
                starts_at=None if entry.get("startsAt") is None else str(entry["startsAt"]),
                group_key=None if data.get("groupKey") is None else str(data["groupKey"]),
            )
        )
    if not alerts:
        raise UsageError("bad-payload", path=source, reason="no alert with an alertname label")
    return alerts


def pick(alerts: list[Alert]) -> Alert:
    """The alert to act on: the first firing one, else the first."""
    return next((a for a in alerts if a.status == "firing"), alerts[0])


def label_params(runbook: Runbook, alert: Alert) -> dict[str, str]:
    """Declared parameters (by name, case-insensitively) that the alert's labels fill."""
    by_name = {p.name.lower(): p.name for p in runbook.params}
    return {by_name[k.lower()]: v for k, v in alert.labels.items() if k.lower() in by_name}
