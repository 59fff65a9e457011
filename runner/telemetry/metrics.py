"""Prometheus / OpenMetrics exposition of the store, with prometheus-client.

Low-cardinality, all-time series (counters must only grow): labels are the runbook id,
outcome, trigger and escalation level, never a run id.

    runbook_runs_total{runbook,outcome,trigger}       finished and abandoned runs
    runbook_run_duration_seconds{runbook}             histogram of finished runs
    runbook_escalations_total{runbook,level}
    runbook_last_success_timestamp_seconds{runbook}

The same registry is what ``runner serve`` will expose at /metrics.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from runner.telemetry.sql import ABANDONED_AFTER_S, SqlStore

BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0)


class StoreCollector:
    """A prometheus-client collector that reads the store at every scrape."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def describe(self) -> list[Any]:
        return []  # unchecked collector: families come from the data

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import (
            CounterMetricFamily,
            GaugeMetricFamily,
            HistogramMetricFamily,
        )

        store = self.store
        stale = time.time() - ABANDONED_AFTER_S
        runs = CounterMetricFamily(
            "runbook_runs",
            "Runbook runs by outcome and trigger.",
            labels=["runbook", "outcome", "trigger"],
        )
        for row in store.aggregate(
            "SELECT runbook_id, COALESCE(outcome, 'abandoned') AS outcome,"
            ' "trigger" AS trig, COUNT(*) AS n FROM runs'
            " WHERE mode <> 'dry-run' AND (outcome IS NOT NULL OR heartbeat_at < ?)"
            " GROUP BY runbook_id, COALESCE(outcome, 'abandoned'), \"trigger\""
            " ORDER BY runbook_id",
            [stale],
        ):
            runs.add_metric([row["runbook_id"], row["outcome"], row["trig"]], int(row["n"]))
        yield runs

        hist = HistogramMetricFamily(
            "runbook_run_duration_seconds", "Duration of finished runbook runs.", labels=["runbook"]
        )
        sums = ", ".join(
            f"SUM(CASE WHEN ended_at - started_at <= {b!r} THEN 1 ELSE 0 END) AS le_{i}"
            for i, b in enumerate(BUCKETS)
        )
        for row in store.aggregate(
            f"SELECT runbook_id, COUNT(*) AS n, SUM(ended_at - started_at) AS total, {sums}"
            " FROM runs WHERE outcome IS NOT NULL AND mode <> 'dry-run'"
            " GROUP BY runbook_id ORDER BY runbook_id",
            [],
        ):
            buckets = [(_le(b), int(row[f"le_{i}"] or 0)) for i, b in enumerate(BUCKETS)]
            buckets.append(("+Inf", int(row["n"])))
            hist.add_metric([row["runbook_id"]], buckets, float(row["total"] or 0.0))
        yield hist

        escalations = CounterMetricFamily(
            "runbook_escalations", "Escalations by level.", labels=["runbook", "level"]
        )
        for row in store.aggregate(
            "SELECT r.runbook_id AS runbook_id, e.level AS level, COUNT(*) AS n"
            " FROM events e JOIN runs r ON r.id = e.run_id WHERE e.kind = 'escalated'"
            " GROUP BY r.runbook_id, e.level ORDER BY r.runbook_id, e.level",
            [],
        ):
            level = "" if row["level"] is None else str(row["level"])
            escalations.add_metric([row["runbook_id"], level], int(row["n"]))
        yield escalations

        last = GaugeMetricFamily(
            "runbook_last_success_timestamp_seconds",
            "When a run of the runbook last succeeded.",
            labels=["runbook"],
        )
        for row in store.aggregate(
            "SELECT runbook_id, MAX(ended_at) AS at FROM runs WHERE outcome = 'succeeded'"
            " AND mode <> 'dry-run' GROUP BY runbook_id ORDER BY runbook_id",
            [],
        ):
            last.add_metric([row["runbook_id"]], float(row["at"]))
        yield last


def _le(bound: float) -> str:
    return f"{bound:g}" if bound != int(bound) else f"{bound:.1f}"


def registry(store: SqlStore) -> Any:
    from prometheus_client import CollectorRegistry

    reg = CollectorRegistry(auto_describe=False)
    reg.register(StoreCollector(store))
    return reg


def openmetrics(store: SqlStore) -> bytes:
    from prometheus_client.openmetrics.exposition import generate_latest

    data: bytes = generate_latest(registry(store))  # type: ignore[no-untyped-call]
    return data


def write_textfile(store: SqlStore, path: str) -> None:
    """Prometheus text format, written atomically (node_exporter's textfile collector)."""
    from prometheus_client import write_to_textfile

    write_to_textfile(path, registry(store))
