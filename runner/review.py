"""``runner review``: the maintenance report — which runbooks need attention, and why.

Reasons, per runbook: its review is overdue (or was never recorded); it has no test cases,
or its last recorded test run failed; it was not exercised (drilled) or not used in the
last ``days``; it fails or escalates often (over the last 90 days, at least 3 finished
runs); its feedback says something was missing — flagged for review when that run
failed or escalated. With rule files, also the alerts that have no runbook.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field
from typing import Any

from runner.model import Runbook
from runner.site.page import freshness

DAY = 86400.0


@dataclass
class Entry:
    runbook: str
    path: str
    owner: str
    reasons: list[dict[str, Any]] = field(default_factory=list)


def review(
    runbooks: list[Runbook],
    store: Any | None,
    *,
    days: int = 180,
    today: dt.date | None = None,
    now: float | None = None,
) -> list[Entry]:
    from runner.testing.run import cases_of

    today = today or dt.date.today()
    now = time.time() if now is None else now
    last: dict[tuple[str, str], float] = {}
    last_test: dict[str, str] = {}
    stats: dict[str, Any] = {}
    feedback: dict[str, list[dict[str, Any]]] = {}
    if store is not None:
        for row in store.aggregate(
            'SELECT runbook_id, "trigger" AS trig, MAX(started_at) AS at FROM runs'
            ' GROUP BY runbook_id, "trigger"',
            [],
        ):
            last[(row["runbook_id"], row["trig"])] = float(row["at"])
        for row in store.aggregate(
            "SELECT runbook_id, outcome FROM runs WHERE \"trigger\" = 'test'"
            " AND outcome IS NOT NULL ORDER BY started_at",
            [],
        ):
            last_test[row["runbook_id"]] = row["outcome"]  # the newest wins
        from runner.telemetry.stats import compute

        stats = {s.id: s for s in compute(store, since=now - 90 * DAY, now=now).runbooks}
        for row in store.aggregate(
            "SELECT r.runbook_id AS runbook_id, r.outcome AS outcome, e.detail AS detail"
            " FROM events e JOIN runs r ON r.id = e.run_id WHERE e.kind = 'feedback'"
            " ORDER BY e.at",
            [],
        ):
            detail = json.loads(row["detail"]) if isinstance(row["detail"], str) else {}
            feedback.setdefault(row["runbook_id"], []).append({**detail, "outcome": row["outcome"]})

    entries = []
    for rb in runbooks:
        entry = Entry(rb.id, rb.path, rb.owner or "(no owner)")
        add = entry.reasons.append
        fresh = freshness(rb, today)
        if fresh.status == "overdue":
            add(
                {
                    "code": "review-overdue",
                    "detail": f"last reviewed {rb.last_reviewed}, "
                    f"{fresh.age_days} days ago (every {fresh.every_days})",
                }
            )
        elif fresh.status == "unknown":
            add({"code": "never-reviewed", "detail": "no last_reviewed"})
        if not cases_of(rb):
            add({"code": "no-tests", "detail": "no test cases: it has never been tested"})
        elif last_test.get(rb.id) not in (None, "succeeded"):
            add({"code": "tests-failing", "detail": f"last test run: {last_test[rb.id]}"})
        drilled = last.get((rb.id, "drill"))
        if drilled is None or now - drilled > days * DAY:
            add({"code": "not-exercised", "detail": f"no drill in {days} days"})
        used = max([last.get((rb.id, t), 0.0) for t in ("manual", "alert")])
        if now - used > days * DAY:
            add({"code": "unused", "detail": f"not run for real in {days} days"})
        s = stats.get(rb.id)
        if s is not None and s.finished >= 3:
            if s.success_rate is not None and s.success_rate < 0.8:
                add(
                    {
                        "code": "frequent-failures",
                        "detail": f"{s.success_rate * 100:.0f} % success in 90 days",
                    }
                )
            if s.escalation_rate is not None and s.escalation_rate > 0.3:
                add(
                    {
                        "code": "frequent-escalations",
                        "detail": f"{s.escalation_rate * 100:.0f} % escalated in 90 days",
                    }
                )
        for item in feedback.get(rb.id, []):
            missing = str(item.get("missing") or "")
            if not missing and item.get("resolved") is not False:
                continue
            flagged = item.get("outcome") in {"failed", "escalated"}
            add(
                {
                    "code": "feedback-flagged" if flagged else "open-feedback",
                    "detail": missing or "did not resolve it",
                }
            )
        if entry.reasons:
            entries.append(entry)
    return entries
