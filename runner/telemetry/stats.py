"""``runner stats``: usage frequency, success and escalation rates, durations, trends.

Every figure is aggregated in SQL. Rates count only finished runs (succeeded, failed,
aborted, escalated, interrupted); abandoned and still-running runs are counted apart.
Dry runs and test runs are left out unless asked for. Percentiles use the nearest-rank
method: p95 of 20 runs is the 19th shortest.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from runner.telemetry.sql import ABANDONED_AFTER_S, FAILED_STEP, SqlStore

TREND_BUCKETS = 8


@dataclass
class RunbookStats:
    id: str
    runs: int = 0
    runs_per_week: float = 0.0
    finished: int = 0
    succeeded: int = 0
    failed: int = 0
    aborted: int = 0
    escalated: int = 0  # runs that ended escalated
    interrupted: int = 0
    abandoned: int = 0
    running: int = 0
    escalated_runs: int = 0  # finished runs with any escalation (also those that recovered)
    success_rate: float | None = None
    escalation_rate: float | None = None
    duration_p50_s: float | None = None
    duration_p95_s: float | None = None
    duration_max_s: float | None = None
    last_run: float | None = None
    last_success: float | None = None
    most_failing_step: dict[str, Any] | None = None
    trend: list[int] = field(default_factory=list)
    alerts_received: int = 0  # alerts runner serve received for it (views, not runs)
    feedback: int = 0  # answers to the questions after interactive runs
    latest_feedback: str | None = None  # the newest "what was missing"

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Report:
    since: float
    now: float
    runbooks: list[RunbookStats]
    total: RunbookStats

    def as_json(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "now": self.now,
            "rates_count": "finished runs only (succeeded, failed, aborted, escalated, "
            "interrupted); abandoned and running runs are counted apart",
            "runbooks": [r.as_json() for r in self.runbooks],
            "total": self.total.as_json(),
        }


def _filters(
    since: float, runbook: str | None, *, dry_runs: bool, tests: bool, alias: str = ""
) -> tuple[str, list[Any]]:
    a = f"{alias}." if alias else ""
    where = [f"{a}started_at >= ?"]
    args: list[Any] = [since]
    if not dry_runs:
        where.append(f"{a}mode <> 'dry-run'")
    if not tests:  # test runs and drills are rehearsals, not usage
        where.append(f"{a}\"trigger\" NOT IN ('test', 'drill')")
    if runbook is not None:
        where.append(f"{a}runbook_id = ?")
        args.append(runbook)
    return " AND ".join(where), args


def compute(
    store: SqlStore,
    *,
    since: float,
    now: float | None = None,
    runbook: str | None = None,
    dry_runs: bool = False,
    tests: bool = False,
) -> Report:
    now = time.time() if now is None else now
    stale = now - ABANDONED_AFTER_S
    where, args = _filters(since, runbook, dry_runs=dry_runs, tests=tests)

    counts = store.aggregate(
        "SELECT runbook_id,"
        " COUNT(*) AS runs,"
        " SUM(CASE WHEN outcome IS NOT NULL THEN 1 ELSE 0 END) AS finished,"
        " SUM(CASE WHEN outcome = 'succeeded' THEN 1 ELSE 0 END) AS succeeded,"
        " SUM(CASE WHEN outcome = 'failed' THEN 1 ELSE 0 END) AS failed,"
        " SUM(CASE WHEN outcome = 'aborted' THEN 1 ELSE 0 END) AS aborted,"
        " SUM(CASE WHEN outcome = 'escalated' THEN 1 ELSE 0 END) AS escalated,"
        " SUM(CASE WHEN outcome = 'interrupted' THEN 1 ELSE 0 END) AS interrupted,"
        " SUM(CASE WHEN outcome IS NULL AND heartbeat_at < ? THEN 1 ELSE 0 END) AS abandoned,"
        " SUM(CASE WHEN outcome IS NULL AND heartbeat_at >= ? THEN 1 ELSE 0 END) AS running,"
        " MAX(CASE WHEN outcome IS NOT NULL THEN ended_at - started_at END) AS duration_max_s,"
        " MAX(started_at) AS last_run,"
        " MAX(CASE WHEN outcome = 'succeeded' THEN ended_at END) AS last_success"
        f" FROM runs WHERE {where} GROUP BY runbook_id ORDER BY runbook_id",
        [stale, stale, *args],
    )
    # Escalated runs from the (small) events table, joined to the runs it names.
    r_where, r_args = _filters(since, runbook, dry_runs=dry_runs, tests=tests, alias="r")
    escalated_runs = {
        row["runbook_id"]: int(row["n"])
        for row in store.aggregate(
            "SELECT r.runbook_id AS runbook_id, COUNT(DISTINCT e.run_id) AS n"
            " FROM events e CROSS JOIN runs r"
            f" WHERE r.id = e.run_id AND e.kind = 'escalated' AND r.outcome IS NOT NULL"
            f" AND {r_where} GROUP BY r.runbook_id",
            r_args,
        )
    }
    weeks = max((now - since) / (7 * 86400), 1e-9)
    by_id: dict[str, RunbookStats] = {}
    total = RunbookStats(id="*")
    for row in counts:
        row["escalated_runs"] = escalated_runs.get(row["runbook_id"], 0)
        stats = RunbookStats(id=row["runbook_id"])
        for key in (
            "runs",
            "finished",
            "succeeded",
            "failed",
            "aborted",
            "escalated",
            "interrupted",
            "abandoned",
            "running",
            "escalated_runs",
        ):
            value = int(row[key] or 0)
            setattr(stats, key, value)
            setattr(total, key, getattr(total, key) + value)
        stats.duration_max_s = _float(row["duration_max_s"])
        stats.last_run = _float(row["last_run"])
        stats.last_success = _float(row["last_success"])
        total.duration_max_s = _max(total.duration_max_s, stats.duration_max_s)
        total.last_run = _max(total.last_run, stats.last_run)
        total.last_success = _max(total.last_success, stats.last_success)
        by_id[stats.id] = stats
    for stats in [*by_id.values(), total]:
        stats.runs_per_week = round(stats.runs / weeks, 2)
        if stats.finished:
            stats.success_rate = round(stats.succeeded / stats.finished, 4)
            stats.escalation_rate = round(stats.escalated_runs / stats.finished, 4)

    for row in store.aggregate(
        "SELECT runbook_id, COUNT(*) AS n FROM alert_events WHERE received_at >= ?"
        " AND runbook_id IS NOT NULL"
        + (" AND runbook_id = ?" if runbook else "")
        + " GROUP BY runbook_id",
        [since, runbook] if runbook else [since],
    ):
        stats = by_id.setdefault(row["runbook_id"], RunbookStats(id=row["runbook_id"]))
        stats.alerts_received = int(row["n"])
        total.alerts_received += int(row["n"])
    r_where, r_args = _filters(since, runbook, dry_runs=True, tests=True, alias="r")
    for row in store.aggregate(
        "SELECT r.runbook_id AS runbook_id, e.detail AS detail FROM events e CROSS JOIN runs r"
        f" WHERE r.id = e.run_id AND e.kind = 'feedback' AND {r_where} ORDER BY e.at",
        r_args,
    ):
        one = by_id.setdefault(row["runbook_id"], RunbookStats(id=row["runbook_id"]))
        one.feedback += 1
        total.feedback += 1
        missing = json.loads(row["detail"]).get("missing") if row["detail"] else None
        if missing:
            one.latest_feedback = str(missing)
            total.latest_feedback = str(missing)
    _percentiles(store, where, args, by_id, total)
    _failing_steps(store, since, runbook, dry_runs, tests, by_id, total)
    _trends(store, where, args, since, now, by_id, total)
    return Report(since=since, now=now, runbooks=list(by_id.values()), total=total)


def _percentiles(
    store: SqlStore,
    where: str,
    args: list[Any],
    by_id: dict[str, RunbookStats],
    total: RunbookStats,
) -> None:
    """Nearest rank: the k-th shortest finished run, read straight off a duration index."""
    for stats in [*by_id.values(), total]:
        n = stats.finished
        if not n:
            continue
        scope, scope_args = ("", []) if stats is total else ("runbook_id = ? AND ", [stats.id])
        for attr, p in (("duration_p50_s", 50), ("duration_p95_s", 95)):
            rows = store.aggregate(
                f"SELECT duration_s AS d FROM runs WHERE {scope}outcome IS NOT NULL"
                f" AND duration_s IS NOT NULL AND {where}"
                " ORDER BY duration_s LIMIT 1 OFFSET ?",
                [*scope_args, *args, (n * p + 99) // 100 - 1],
            )
            if rows:
                setattr(stats, attr, round(float(rows[0]["d"]), 3))


def _failing_steps(
    store: SqlStore,
    since: float,
    runbook: str | None,
    dry_runs: bool,
    tests: bool,
    by_id: dict[str, RunbookStats],
    total: RunbookStats,
) -> None:
    where, args = _filters(since, runbook, dry_runs=dry_runs, tests=tests, alias="r")
    marks = ", ".join("?" for _ in FAILED_STEP)
    rows = store.aggregate(
        "SELECT r.runbook_id AS runbook_id, s.step_id AS step_id, COUNT(*) AS failures"
        # CROSS JOIN: SQLite then starts from the few failed steps, not from every run
        " FROM steps s CROSS JOIN runs r"
        f" WHERE r.id = s.run_id AND s.status IN ({marks}) AND {where}"
        " GROUP BY r.runbook_id, s.step_id",
        [*FAILED_STEP, *args],
    )
    for row in sorted(rows, key=lambda r: (-int(r["failures"]), r["step_id"])):
        stats = by_id.get(row["runbook_id"])
        if stats is not None and stats.most_failing_step is None:
            stats.most_failing_step = {"id": row["step_id"], "failures": int(row["failures"])}
        if total.most_failing_step is None:
            total.most_failing_step = {
                "runbook": row["runbook_id"],
                "id": row["step_id"],
                "failures": int(row["failures"]),
            }


def _trends(
    store: SqlStore,
    where: str,
    args: list[Any],
    since: float,
    now: float,
    by_id: dict[str, RunbookStats],
    total: RunbookStats,
) -> None:
    width = max((now - since) / TREND_BUCKETS, 1e-9)
    bucket = store.floor_int("(started_at - ?) / ?")
    rows = store.aggregate(
        f"SELECT runbook_id, {bucket} AS b, COUNT(*) AS n FROM runs WHERE {where}"
        " GROUP BY runbook_id, b",
        [since, width, *args],
    )
    for stats in [*by_id.values(), total]:
        stats.trend = [0] * TREND_BUCKETS
    for row in rows:
        index = min(max(int(row["b"]), 0), TREND_BUCKETS - 1)
        one = by_id.get(row["runbook_id"])
        if one is not None:
            one.trend[index] += int(row["n"])
        total.trend[index] += int(row["n"])


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _max(a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[int]) -> str:
    top = max(values, default=0)
    if top == 0:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[min(len(SPARKS) - 1, v * (len(SPARKS) - 1) // top)] for v in values)
