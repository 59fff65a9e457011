"""Escalation timers and notifiers: a real command and a real HTTP server get the event."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli
from tests.execute.conftest import EXEC, open_db


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(
                {"content_type": self.headers["Content-Type"], "body": json.loads(body)}
            )
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()


def test_timer_escalates_notifies_and_ends_escalated(
    tmp_path: Path, store_path: Path, webhook: tuple[str, list[dict[str, Any]]]
) -> None:
    url, received = webhook
    notified = tmp_path / "notified.json"
    result = run_cli(
        "exec",
        str(EXEC / "escalation.md"),
        "--yes",
        "--json",
        "--store",
        str(store_path),
        env={"RUNNER_ESCALATION_COMMAND": f"cat > {notified}", "RUNNER_ESCALATION_WEBHOOK": url},
    )
    assert result.returncode == 4, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    escalated = [e for e in lines if e["event"] == "escalated"]
    # level 1 falls due after 1 s, while the 2.5 s step still runs; then it fails
    assert [(e["level"], e["contact"], e["reason"]) for e in escalated] == [
        (1, "@platform-team", "timer")
    ]
    assert 1.0 <= escalated[0]["elapsed_s"] < 2.5
    assert lines[-1]["outcome"] == "escalated" and lines[-1]["exit_code"] == 4
    assert "ESCALATE to @platform-team (level 1)" in result.stderr
    command_event = json.loads(notified.read_text())
    assert (command_event["runbook"], command_event["level"]) == ("escalation", 1)
    assert [r["body"]["contact"] for r in received] == ["@platform-team"]
    assert received[0]["content_type"] == "application/json"
    db = open_db(store_path)
    (run,) = db.runs()
    assert [(e["kind"], e["level"], e["detail"]["reason"]) for e in db.events(run["id"])] == [
        ("escalated", 1, "timer")
    ]


def test_failing_notifier_is_reported_and_the_run_goes_on(store_path: Path) -> None:
    result = run_cli(
        "exec",
        str(EXEC / "decisions.md"),
        "--yes",
        "--store",
        str(store_path),
        env={
            "RUNNER_ESCALATION_COMMAND": "exit 9",
            "RUNNER_ESCALATION_WEBHOOK": "http://127.0.0.1:9/unreachable",
        },
    )
    assert result.returncode == 4
    assert "escalation notifier failed: command exited 9" in result.stdout
    assert "escalation notifier failed: webhook" in result.stdout


def test_notifiers_from_runner_toml(tmp_path: Path, store_path: Path) -> None:
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    notified = tmp_path / "from-toml.json"
    (project / "runner.toml").write_text(
        f'[escalation]\ncommand = "cat > {notified}"\n', encoding="utf-8"
    )
    page = project / "docs" / "esc.md"
    page.write_text(
        "---\nescalation:\n  - {level: 1, contact: '@x'}\n---\n# E\n\n"
        "```bash {on-failure=escalate}\nfalse\n```\n",
        encoding="utf-8",
    )
    result = run_cli("exec", "docs/esc.md", "--yes", "--store", str(store_path), cwd=project)
    assert result.returncode == 4
    assert json.loads(notified.read_text())["contact"] == "@x"


def test_slack_and_pagerduty_formats(
    store_path: Path, tmp_path: Path, webhook: tuple[str, list[dict[str, Any]]]
) -> None:
    from tests.execute.conftest import path_with, stub

    url, received = webhook
    stub(tmp_path / "bin", "kubectl", "exit 1\n")  # pg_isready fails: on-failure=escalate
    result = run_cli(
        "exec",
        "docs/db-debug.md",
        "--no-check",  # stub tools stand in for the cluster
        "--yes",
        "--step",
        "db-ready",
        "--store",
        str(store_path),
        env={
            "RUNNER_ESCALATION_SLACK_WEBHOOK": url + "/slack",
            "RUNNER_ESCALATION_PAGERDUTY_KEY": "R0UT1NG",
            "RUNNER_ESCALATION_PAGERDUTY_URL": url + "/pagerduty",
            "RUNNER_SITE_URL": "https://runbooks.example.com",
            "PATH": path_with(tmp_path / "bin"),
        },
    )
    assert result.returncode == 4, result.stdout + result.stderr
    slack, pagerduty = (r["body"] for r in received)
    assert "Escalation level 1 to @platform-team" in slack["text"]
    assert "<https://runbooks.example.com/db-debug/|Database connection issues>" in slack["text"]
    assert slack["blocks"][0]["text"]["type"] == "mrkdwn"
    assert pagerduty["routing_key"] == "R0UT1NG" and pagerduty["event_action"] == "trigger"
    assert pagerduty["payload"]["severity"] == "critical"
    assert pagerduty["payload"]["component"] == "db-debug"
    assert pagerduty["links"] == [
        {
            "href": "https://runbooks.example.com/db-debug/",
            "text": "Runbook: Database connection issues",
        }
    ]
    assert pagerduty["dedup_key"].endswith("-1")
