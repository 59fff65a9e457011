"""`runner review` on fixture runbooks and a known history; `exec --drill` and feedback."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

from runner.parse import parse_file
from runner.review import review
from runner.telemetry.sqlite import SqliteStore
from tests.conftest import run_cli
from tests.execute.conftest import EXEC
from tests.telemetry.test_stats import add_run

TODAY = dt.date(2026, 12, 4)
NOW = time.time()
DAY = 86400.0


def page(folder: Path, name: str, front: str, *, tests: bool) -> Path:
    path = folder / f"{name}.md"
    path.write_text(
        f"---\nowner: '@{name}-team'\n{front}---\n# {name}\n\n```bash\necho ok\n```\n",
        encoding="utf-8",
    )
    if tests:
        (folder / f"{name}.tests.yml").write_text("- name: runs\n", encoding="utf-8")
    return path


def test_every_reason(tmp_path: Path) -> None:
    stale = parse_file(page(tmp_path, "stale", "last_reviewed: 2025-01-01\n", tests=False))
    good = parse_file(page(tmp_path, "good", "last_reviewed: 2026-11-30\n", tests=True))
    bad = parse_file(page(tmp_path, "bad", "last_reviewed: 2026-11-30\n", tests=True))
    store = SqliteStore(tmp_path / "t.db")
    add_run(store, "g1", good.id, NOW - 5 * DAY, duration=3, outcome="succeeded", trigger="drill")
    add_run(store, "g2", good.id, NOW - 2 * DAY, duration=3, outcome="succeeded")
    for i in range(3):
        add_run(
            store,
            f"b{i}",
            bad.id,
            NOW - (i + 1) * DAY,
            duration=5,
            outcome="failed",
            escalations=(1,) if i else (),
        )
    add_run(store, "bt", bad.id, NOW - DAY / 2, duration=1, outcome="failed", trigger="test")
    store.record_event(
        {
            "run_id": "b0",
            "at": NOW,
            "kind": "feedback",
            "detail": {"resolved": False, "missing": "no step to clear the queue"},
        }
    )
    entries = {e.runbook: e for e in review([stale, good, bad], store, today=TODAY, now=NOW)}
    assert "good" not in entries
    assert [r["code"] for r in entries["stale"].reasons] == [
        "review-overdue",
        "no-tests",
        "not-exercised",
        "unused",
    ]
    assert [r["code"] for r in entries["bad"].reasons] == [
        "tests-failing",
        "not-exercised",
        "frequent-failures",
        "frequent-escalations",
        "feedback-flagged",
    ]
    flagged = entries["bad"].reasons[-1]
    assert flagged["detail"] == "no step to clear the queue"
    assert entries["bad"].owner == "@bad-team"


def test_cli_groups_by_owner_and_lists_orphan_alerts(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "docs").mkdir(parents=True)
    (project / "mkdocs.yml").write_text("site_name: t\n")
    page(project / "docs", "lonely", "alerts: [Known]\n", tests=False)
    rules = project / "rules.yml"
    rules.write_text(
        "groups:\n- name: g\n  rules:\n  - alert: Known\n    expr: up\n"
        "  - alert: Orphan\n    expr: up\n"
    )
    result = run_cli(
        "review",
        "--json",
        "--rules",
        str(rules),
        "--store",
        str(tmp_path / "empty.db"),
        cwd=project,
    )
    data = json.loads(result.stdout)
    assert list(data["owners"]) == ["@lonely-team"]
    assert data["alerts_without_runbook"] == ["Orphan"]
    assert "never-reviewed" in [r["code"] for r in data["owners"]["@lonely-team"][0]["reasons"]]


def test_drill_is_recorded_and_kept_out_of_usage(tmp_path: Path) -> None:
    store = tmp_path / "t.db"
    result = run_cli(
        "exec",
        str(EXEC / "confirm.md"),
        "--yes",
        "--drill",
        "--step",
        "harmless",
        "--store",
        str(store),
    )
    assert result.returncode == 0
    (run,) = SqliteStore(store).runs()
    assert run["trigger"] == "drill"
    usage = json.loads(run_cli("stats", "--json", "--store", str(store)).stdout)
    assert usage["runbooks"] == []


def test_stats_show_feedback_counts_and_latest_comment(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "t.db")
    add_run(store, "f1", "fb", NOW - DAY, duration=2, outcome="failed")
    add_run(store, "f2", "fb", NOW - DAY / 2, duration=2, outcome="succeeded")
    store.record_event(
        {
            "run_id": "f1",
            "at": NOW - DAY,
            "kind": "feedback",
            "detail": {"resolved": False, "missing": "first comment"},
        }
    )
    store.record_event(
        {
            "run_id": "f2",
            "at": NOW - 10,
            "kind": "feedback",
            "detail": {"resolved": True, "missing": "add the dashboard link"},
        }
    )
    data = json.loads(run_cli("stats", "--json", "--store", str(tmp_path / "t.db")).stdout)
    (fb,) = data["runbooks"]
    assert (fb["feedback"], fb["latest_feedback"]) == (2, "add the dashboard link")


def test_open_feedback_on_a_run_that_succeeded(tmp_path: Path) -> None:
    rb = parse_file(page(tmp_path, "ok", "last_reviewed: 2026-11-30\n", tests=True))
    store = SqliteStore(tmp_path / "t.db")
    add_run(store, "o1", rb.id, NOW - DAY, duration=2, outcome="succeeded", trigger="drill")
    add_run(store, "o2", rb.id, NOW - DAY, duration=2, outcome="succeeded")
    store.record_event(
        {
            "run_id": "o2",
            "at": NOW,
            "kind": "feedback",
            "detail": {"resolved": True, "missing": "link the dashboard"},
        }
    )
    (entry,) = review([rb], store, today=TODAY, now=NOW)
    assert entry.reasons == [{"code": "open-feedback", "detail": "link the dashboard"}]


def test_site_stats_page_shows_feedback(tmp_path: Path) -> None:
    from runner.site.generated import render_stats
    from runner.telemetry.stats import compute

    store = SqliteStore(tmp_path / "t.db")
    add_run(store, "s1", "fb", NOW - DAY, duration=2, outcome="succeeded")
    store.record_event(
        {
            "run_id": "s1",
            "at": NOW,
            "kind": "feedback",
            "detail": {"resolved": True, "missing": "say which dashboard"},
        }
    )
    text = render_stats(compute(store, since=NOW - 30 * DAY), {"fb": "fb/"}, "en", 30)
    assert "| 1: «say which dashboard» |" in text
