"""`runner stats` figures against a history whose answers are worked out by hand, in SQLite
and in PostgreSQL; the OpenMetrics output parsed back with prometheus-client."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from runner.telemetry.sql import SqlStore
from runner.telemetry.stats import compute
from tests.conftest import run_cli

DAY = 86400.0
NOW = float(int(time.time()))  # "now" for compute(); metrics read the real clock
SINCE = NOW - 30 * DAY


def add_run(
    store: SqlStore,
    run_id: str,
    runbook: str,
    started: float,
    *,
    duration: float | None = None,
    outcome: str | None = None,
    heartbeat: float | None = None,
    mode: str = "yes",
    trigger: str = "manual",
    steps: tuple[tuple[str, str], ...] = (),
    escalations: tuple[int, ...] = (),
) -> None:
    ended = None if duration is None else started + duration
    store.put_run(
        {
            "id": run_id,
            "runbook_id": runbook,
            "path": f"docs/{runbook}.md",
            "sha256": "0" * 64,
            "title": runbook.upper(),
            "lang": "en",
            "user": "ola",
            "host": "laptop",
            "trigger": trigger,
            "mode": mode,
            "params": {"ENV": "prod"},
            "runner_version": "t",
            "started_at": started,
            "heartbeat_at": heartbeat if heartbeat is not None else (ended or started),
            "ended_at": ended,
            "outcome": outcome,
            "exit_code": None if outcome is None else (0 if outcome == "succeeded" else 1),
        }
    )
    for seq, (step_id, status) in enumerate(steps, start=1):
        store.put_step(
            {
                "run_id": run_id,
                "seq": seq,
                "step_id": step_id,
                "step_index": 1,
                "lang": "bash",
                "started_at": started,
                "ended_at": started + 1,
                "duration_s": 1.0,
                "status": status,
                "exit_code": 0 if status == "succeeded" else 1,
                "output_bytes": 3,
                "output_tail": "ok\n",
            }
        )
    for n, level in enumerate(escalations):
        store.record_event(
            {
                "run_id": run_id,
                "at": started + n + 1,
                "kind": "escalated",
                "level": level,
                "contact": f"@level{level}",
                "detail": {"reason": "timer"},
            }
        )


@pytest.fixture
def history(store: SqlStore) -> SqlStore:
    add_run(
        store,
        "a1",
        "a",
        SINCE + 1 * DAY,
        duration=10,
        outcome="succeeded",
        steps=(("x", "succeeded"),),
    )
    add_run(
        store,
        "a2",
        "a",
        SINCE + 5 * DAY,
        duration=20,
        outcome="succeeded",
        steps=(("x", "failed"), ("x", "succeeded")),
    )
    add_run(
        store, "a3", "a", SINCE + 10 * DAY, duration=30, outcome="failed", steps=(("x", "failed"),)
    )
    add_run(
        store,
        "a4",
        "a",
        SINCE + 20 * DAY,
        duration=40,
        outcome="escalated",
        steps=(("y", "timed_out"),),
        escalations=(1,),
    )
    add_run(
        store, "a5", "a", SINCE + 29 * DAY, duration=50, outcome="succeeded", escalations=(1, 2)
    )
    add_run(store, "a6", "a", SINCE + 2 * DAY, heartbeat=SINCE + 2 * DAY + 60)  # abandoned
    add_run(store, "a7", "a", NOW - 10, heartbeat=time.time())  # still running
    add_run(store, "a8", "a", SINCE + 3 * DAY, duration=1, outcome="succeeded", mode="dry-run")
    add_run(store, "a9", "a", SINCE + 4 * DAY, duration=7, outcome="succeeded", trigger="test")
    add_run(store, "a10", "a", SINCE - DAY, duration=8, outcome="succeeded")  # before window
    add_run(store, "b1", "b", SINCE + 15 * DAY, duration=5, outcome="succeeded")
    return store


def test_figures_per_runbook_and_totals(history: SqlStore) -> None:
    report = compute(history, since=SINCE, now=NOW)
    a, b = report.runbooks
    assert (a.id, b.id) == ("a", "b")
    assert (a.runs, a.finished, a.succeeded, a.failed, a.escalated, a.aborted) == (7, 5, 3, 1, 1, 0)
    assert (a.abandoned, a.running, a.escalated_runs) == (1, 1, 2)
    assert (a.success_rate, a.escalation_rate) == (0.6, 0.4)
    assert (a.duration_p50_s, a.duration_p95_s, a.duration_max_s) == (30.0, 50.0, 50.0)
    assert a.runs_per_week == 1.63
    assert a.last_run == NOW - 10
    assert a.last_success == SINCE + 29 * DAY + 50
    assert a.most_failing_step == {"id": "x", "failures": 2}
    assert a.trend == [2, 1, 1, 0, 0, 1, 0, 2]

    assert (b.runs, b.success_rate, b.escalation_rate) == (1, 1.0, 0.0)
    assert (b.duration_p50_s, b.duration_p95_s, b.most_failing_step) == (5.0, 5.0, None)
    assert b.trend == [0, 0, 0, 0, 1, 0, 0, 0]

    total = report.total
    assert (total.runs, total.finished, total.succeeded) == (8, 6, 4)
    assert (total.success_rate, total.escalation_rate) == (0.6667, 0.3333)
    assert (total.duration_p50_s, total.duration_p95_s) == (20.0, 50.0)
    assert total.runs_per_week == 1.87
    assert total.most_failing_step == {"runbook": "a", "id": "x", "failures": 2}


def test_dry_runs_and_tests_only_when_asked(history: SqlStore) -> None:
    report = compute(history, since=SINCE, now=NOW, runbook="a", dry_runs=True, tests=True)
    (a,) = report.runbooks
    assert (a.runs, a.finished, a.succeeded) == (9, 7, 5)


def test_one_runbook_and_a_shorter_window(history: SqlStore) -> None:
    report = compute(history, since=NOW - 7 * DAY, now=NOW, runbook="a")
    (a,) = report.runbooks
    # only a5 (29 days into the window, 1 day before NOW) and the running a7
    assert (a.runs, a.finished, a.running, a.success_rate) == (2, 1, 1, 1.0)


def test_cli_json_follows_the_design_contract(history: SqlStore, store_url: str) -> None:
    result = run_cli("stats", "--since", "100000d", "--json", "--store", store_url)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    first = data["runbooks"][0]
    for key in (
        "id",
        "runs",
        "success_rate",
        "escalation_rate",
        "duration_p50_s",
        "duration_p95_s",
        "last_run",
    ):
        assert key in first
    assert "finished runs only" in data["rates_count"]
    table = run_cli("stats", "--since", "100000d", "--store", store_url)
    assert "fails most" in table.stdout and "x ×2" in table.stdout


def test_openmetrics_parses_back(history: SqlStore, store_url: str) -> None:
    from prometheus_client.openmetrics.parser import text_string_to_metric_families

    result = run_cli("stats", "--format", "openmetrics", "--store", store_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("# EOF\n")
    samples: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(result.stdout):
        for sample in family.samples:
            key = tuple(sorted(sample.labels.items()))
            samples.setdefault(sample.name, {})[key] = sample.value

    def get(name: str, **labels: str) -> float:
        return samples[name][tuple(sorted(labels.items()))]

    assert get("runbook_runs_total", runbook="a", outcome="succeeded", trigger="manual") == 4
    assert get("runbook_runs_total", runbook="a", outcome="succeeded", trigger="test") == 1
    assert get("runbook_runs_total", runbook="a", outcome="abandoned", trigger="manual") == 1
    assert get("runbook_runs_total", runbook="a", outcome="escalated", trigger="manual") == 1
    assert not any(dict(k).get("outcome") == "running" for k in samples["runbook_runs_total"])
    assert get("runbook_run_duration_seconds_count", runbook="a") == 7
    assert get("runbook_run_duration_seconds_sum", runbook="a") == 165
    assert get("runbook_run_duration_seconds_bucket", runbook="a", le="5.0") == 0
    assert get("runbook_run_duration_seconds_bucket", runbook="a", le="15.0") == 3
    assert get("runbook_run_duration_seconds_bucket", runbook="a", le="30.0") == 5
    assert get("runbook_run_duration_seconds_bucket", runbook="a", le="+Inf") == 7
    assert get("runbook_escalations_total", runbook="a", level="1") == 2
    assert get("runbook_escalations_total", runbook="a", level="2") == 1
    assert get("runbook_last_success_timestamp_seconds", runbook="a") == SINCE + 29 * DAY + 50
    assert not any("run_id" in dict(k) for series in samples.values() for k in series)


def test_textfile_for_node_exporter(history: SqlStore, store_url: str, tmp_path: Any) -> None:
    from prometheus_client.parser import text_string_to_metric_families

    target = tmp_path / "runbooks.prom"
    result = run_cli("stats", "--textfile", str(target), "--store", store_url)
    assert result.returncode == 0 and result.stdout == ""
    names = {f.name for f in text_string_to_metric_families(target.read_text())}
    assert {
        "runbook_runs",
        "runbook_run_duration_seconds",
        "runbook_escalations",
        "runbook_last_success_timestamp_seconds",
    } <= names
    leftovers = [p.name for p in tmp_path.iterdir() if "prom" in p.name]
    assert leftovers == ["runbooks.prom"]  # written atomically: no temp file left


def test_history_lists_and_shows_one_run(history: SqlStore, store_url: str) -> None:
    listed = json.loads(
        run_cli("history", "a", "--json", "--limit", "3", "--store", store_url).stdout
    )
    assert [r["id"] for r in listed["runs"]] == ["a7", "a5", "a4"]  # newest first
    assert [r["outcome"] for r in listed["runs"]] == ["running", "succeeded", "escalated"]
    assert listed["runs"][0]["user"] == "ola" and listed["runs"][0]["params"] == {"ENV": "prod"}
    add_run(
        history,
        "0123456789abcdef",
        "c",
        NOW - 100,
        duration=3,
        outcome="failed",
        steps=(("boom", "failed"),),
        escalations=(1,),
    )
    one = run_cli("history", "01234567", "--json", "--store", store_url)  # an id prefix
    data = json.loads(one.stdout)
    assert data["id"] == "0123456789abcdef" and data["outcome"] == "failed"
    assert [(s["step_id"], s["status"], s["output_tail"]) for s in data["steps"]] == [
        ("boom", "failed", "ok\n")
    ]
    assert [(e["kind"], e["level"]) for e in data["events"]] == [("escalated", 1)]
    human = run_cli("history", "01234567", "--store", store_url)
    assert "boom" in human.stdout and "escalated @level1" in human.stdout


def test_prune(history: SqlStore) -> None:
    removed = history.prune(SINCE)
    assert removed == 1  # a10
    assert "a10" not in {r["id"] for r in history.runs()}
    assert history.steps("a1")


def test_stats_from_real_runs(store_url: str, tmp_path: Any) -> None:
    from tests.execute.conftest import EXEC

    for _ in range(2):
        assert (
            run_cli("exec", str(EXEC / "decisions.md"), "--yes", "--store", store_url).returncode
            == 4
        )
    assert (
        run_cli(
            "exec", str(EXEC / "confirm.md"), "--yes", "--step", "harmless", "--store", store_url
        ).returncode
        == 0
    )
    assert (
        run_cli("exec", str(EXEC / "confirm.md"), "--dry-run", "--store", store_url).returncode == 0
    )
    data = json.loads(run_cli("stats", "--json", "--store", store_url).stdout)
    by_id = {r["id"]: r for r in data["runbooks"]}
    decisions, confirm = by_id["decisions"], by_id["confirm"]
    assert (
        decisions["runs"],
        decisions["escalated"],
        decisions["success_rate"],
        decisions["escalation_rate"],
    ) == (2, 2, 0.0, 1.0)
    # soft, jump and escalate each fail once a run: the tie goes to the first id
    assert decisions["most_failing_step"] == {"id": "escalate", "failures": 2}
    assert (confirm["runs"], confirm["success_rate"]) == (1, 1.0)  # the dry run is left out
    assert data["total"]["runs"] == 3
    assert 0 < decisions["duration_p50_s"] <= decisions["duration_p95_s"] < 10
    pruned = run_cli("telemetry", "prune", "--older-than", "1d", "--store", store_url)
    assert pruned.stdout.strip() == "0 run(s) deleted"
