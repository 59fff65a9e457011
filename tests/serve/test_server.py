"""`runner serve` end to end on loopback: a real server process, a real HTTP client."""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from runner.serve.server import signature
from runner.telemetry.sqlite import SqliteStore
from tests.conftest import INJECTION_PIECES

TOKEN = "s3cret-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    (root / "docs" / "auto.md").write_text(
        "---\nalerts: [DiskFull]\nauto: true\nparams:\n  INSTANCE: {description: host}\n---\n"
        '# Auto\n\n```bash\nsleep 0.2\nprintf \'%s\\n\' "$INSTANCE" >> "$MARKS"\n```\n',
        encoding="utf-8",
    )
    (root / "docs" / "storm.md").write_text(
        "---\nalerts: [Storm]\nauto: true\n---\n# Storm\n\n```bash\n"
        'printf \'start %s\\n\' "$(date +%s.%N)" >> "$MARKS.storm"\nsleep 0.3\n'
        'printf \'end %s\\n\' "$(date +%s.%N)" >> "$MARKS.storm"\n```\n',
        encoding="utf-8",
    )
    (root / "docs" / "manual.md").write_text(
        "---\nalerts: [NeedsHuman]\nauto: true\n---\n# Manual\n\n```bash {confirm}\n"
        'touch "$MARKS.manual"\n```\n',
        encoding="utf-8",
    )
    return root


class Server:
    def __init__(self, project: Path, store: Path, *extra: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.marks = project / "marks.txt"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "runner",
                "serve",
                "--port",
                str(self.port),
                "--store",
                str(store),
                *extra,
            ],
            cwd=project,
            env={**os.environ, "MARKS": str(self.marks), "NO_COLOR": "1"},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1).read()
                break
            except OSError:
                assert self.proc.poll() is None, self.proc.stderr.read() if self.proc.stderr else ""
                assert time.monotonic() < deadline
                time.sleep(0.1)

    def post(
        self, body: bytes | dict[str, Any], headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, Any]]:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + "/alertmanager",
            data=data,
            method="POST",
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        self.proc.send_signal(sig)
        self.proc.wait(timeout=30)


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def payload(*alerts: tuple[str, str, dict[str, str]], status: str = "firing") -> dict[str, Any]:
    return {
        "version": "4",
        "status": status,
        "groupKey": "{}:{}",
        "receiver": "runner",
        "alerts": [
            {
                "status": status,
                "labels": {"alertname": name, **labels},
                "annotations": {},
                "startsAt": "2026-12-04T10:00:00Z",
                "fingerprint": fingerprint,
            }
            for name, fingerprint, labels in alerts
        ],
    }


@pytest.fixture
def server(project: Path, tmp_path: Path) -> Iterator[Callable[..., Server]]:
    started: list[Server] = []

    def start(*extra: str) -> Server:
        srv = Server(project, tmp_path / "telemetry.db", "--token", TOKEN, *extra)
        started.append(srv)
        return srv

    yield start
    for srv in started:
        if srv.proc.poll() is None:
            srv.stop()


def wait_for(predicate: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def events(tmp_path: Path) -> list[dict[str, Any]]:
    return SqliteStore(tmp_path / "telemetry.db").aggregate(
        "SELECT * FROM alert_events ORDER BY received_at", []
    )


def test_rejects_what_it_must_and_stores_none_of_it(
    server: Callable[..., Server], tmp_path: Path
) -> None:
    srv = server("--max-body", "2000", "--workers", "0")
    good = payload(("DiskFull", "f1", {"instance": "db1"}))
    assert srv.post(good)[0] == 401
    assert srv.post(good, {"Authorization": "Bearer wrong"})[0] == 401
    assert srv.post(b"{" + b" " * 3000 + b"}", AUTH)[0] == 413
    assert srv.post(b"{not json", AUTH)[0] == 400
    assert srv.post({"no": "alerts"}, AUTH)[0] == 400
    assert events(tmp_path) == []
    assert srv.post(good, AUTH) == (
        200,
        {"alerts": 1, "duplicates": 0, "jobs": 1, "dropped": 0, "cancelled": 0, "unknown": 0},
    )
    assert srv.post(good, AUTH)[1]["duplicates"] == 1  # Alertmanager resends
    assert len(events(tmp_path)) == 1


def test_auto_runbook_runs_once_with_labels(server: Callable[..., Server], tmp_path: Path) -> None:
    srv = server()
    status, body = srv.post(
        payload(
            ("DiskFull", "f1", {"instance": "db1; touch x"}),
            ("NeedsHuman", "f2", {}),
            ("Unknown", "f3", {}),
        ),
        AUTH,
    )
    assert status == 200 and (body["jobs"], body["unknown"]) == (1, 1)
    wait_for(lambda: srv.marks.exists())
    db = SqliteStore(tmp_path / "telemetry.db")
    wait_for(lambda: db.aggregate("SELECT state FROM jobs", []) == [{"state": "done"}])
    assert srv.marks.read_text() == "db1; touch x\n"  # the label, as inert text
    (run,) = db.runs()
    (job,) = db.aggregate("SELECT * FROM jobs", [])
    assert (run["id"], run["trigger"], run["outcome"]) == (job["id"], "alert", "succeeded")
    assert not (srv.marks.parent / "marks.txt.manual").exists()  # confirm steps never auto


def test_storm_is_held_by_the_circuit_breaker(
    server: Callable[..., Server], tmp_path: Path
) -> None:
    srv = server("--max-runs", "3", "--workers", "4")
    status, body = srv.post(payload(*[("Storm", f"s{i}", {}) for i in range(500)]), AUTH)
    assert status == 200
    assert (body["alerts"], body["jobs"], body["dropped"]) == (500, 3, 497)
    db = SqliteStore(tmp_path / "telemetry.db")
    assert len(events(tmp_path)) == 500  # nothing lost from the record
    wait_for(
        lambda: (
            [
                r["n"]
                for r in db.aggregate("SELECT COUNT(*) AS n FROM jobs WHERE state = 'done'", [])
            ]
            == [3]
        )
    )
    lines = (srv.marks.parent / "marks.txt.storm").read_text().split("\n")[:-1]
    starts, ends = lines[0::2], lines[1::2]
    spans = [(float(a.split()[1]), float(b.split()[1])) for a, b in zip(starts, ends, strict=True)]
    assert len(spans) == 3
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert start >= end  # one automatic run of a runbook at a time
    dropped = db.aggregate(
        "SELECT reason, COUNT(*) AS n FROM jobs WHERE state = 'dropped' GROUP BY reason", []
    )
    assert dropped == [{"reason": "circuit-breaker", "n": 497}]


def test_resolved_cancels_queued_work(server: Callable[..., Server], tmp_path: Path) -> None:
    srv = server("--workers", "0")
    srv.post(payload(("DiskFull", "f9", {"instance": "a"})), AUTH)
    status, body = srv.post(payload(("DiskFull", "f9", {"instance": "a"}), status="resolved"), AUTH)
    assert status == 200 and body["cancelled"] == 1
    db = SqliteStore(tmp_path / "telemetry.db")
    assert db.aggregate("SELECT state, reason FROM jobs", []) == [
        {"state": "cancelled", "reason": "resolved"}
    ]


def test_restart_between_accepting_and_running(
    server: Callable[..., Server], tmp_path: Path
) -> None:
    first = server("--workers", "0")
    assert first.post(payload(("DiskFull", "r1", {"instance": "after-restart"})), AUTH)[0] == 200
    first.stop(signal.SIGKILL)  # accepted, persisted, not run
    second = server("--workers", "1")
    wait_for(lambda: second.marks.exists())
    db = SqliteStore(tmp_path / "telemetry.db")
    wait_for(lambda: db.aggregate("SELECT state FROM jobs", []) == [{"state": "done"}])
    time.sleep(0.5)
    assert second.marks.read_text() == "after-restart\n"  # exactly once
    assert len(db.runs()) == 1


def test_hmac_signature_and_replay_window(project: Path, tmp_path: Path) -> None:
    srv = Server(
        project, tmp_path / "telemetry.db", "--token", TOKEN, "--hmac-secret", "k", "--workers", "0"
    )
    try:
        body = json.dumps(payload(("DiskFull", "h1", {}))).encode()
        now = int(time.time())
        assert srv.post(body, AUTH)[0] == 401  # no signature
        stale = {**AUTH, "X-Runner-Signature": signature("k", now - 3600, body)}
        assert srv.post(body, stale)[0] == 401
        forged = {**AUTH, "X-Runner-Signature": signature("other", now, body)}
        assert srv.post(body, forged)[0] == 401
        good = {**AUTH, "X-Runner-Signature": signature("k", now, body)}
        assert srv.post(body, good)[0] == 200
    finally:
        srv.stop()


def test_metrics_and_healthz(server: Callable[..., Server]) -> None:
    from prometheus_client.parser import text_string_to_metric_families

    srv = server("--workers", "0")
    text = urllib.request.urlopen(srv.url + "/metrics", timeout=5).read().decode()
    names = {f.name for f in text_string_to_metric_families(text)}
    assert "runbook_runs" in names
    assert urllib.request.urlopen(srv.url + "/healthz", timeout=5).read() == b"ok\n"


def test_serve_refuses_to_start_without_a_token(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "runner", "serve"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=30,
        env={k: v for k, v in os.environ.items() if k != "RUNNER_WEBHOOK_TOKEN"},
    )
    assert result.returncode == 2
    assert "needs a bearer token" in result.stderr


def test_stats_count_alerts_received(server: Callable[..., Server], tmp_path: Path) -> None:
    srv = server("--workers", "0")
    srv.post(payload(("DiskFull", "v1", {}), ("DiskFull", "v2", {})), AUTH)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "runner",
            "stats",
            "--json",
            "--store",
            str(tmp_path / "telemetry.db"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    by_id = {r["id"]: r for r in json.loads(result.stdout)["runbooks"]}
    assert by_id["auto"]["alerts_received"] == 2 and by_id["auto"]["runs"] == 0


def test_posted_labels_never_become_shell_code(project: Path, tmp_path: Path) -> None:
    """Hypothesis posts labels full of shell syntax to the receiver; the automatic run gets
    each one as an inert string, and the marker that injection would create never appears."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    (project / "docs" / "echo.md").write_text(
        "---\nalerts: [EchoLabel]\nauto: true\nparams:\n  INSTANCE: {}\n  FP: {}\n---\n"
        '# Echo\n\n```bash\nprintf \'%s\' "$INSTANCE" > "$MARKS.$FP"\n```\n',
        encoding="utf-8",
    )
    srv = Server(
        project,
        tmp_path / "telemetry.db",
        "--token",
        TOKEN,
        "--max-runs",
        "10000",
        "--workers",
        "2",
    )
    marker = project / "MARK"
    counter = iter(range(10**6))
    try:

        @settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        )
        @given(st.lists(st.sampled_from(INJECTION_PIECES), min_size=1, max_size=8).map("".join))
        def check(label: str) -> None:
            fp = f"p{next(counter)}"
            value = label.replace("MARK", str(marker))
            status, body = srv.post(payload(("EchoLabel", fp, {"instance": value, "fp": fp})), AUTH)
            assert status == 200 and body["jobs"] == 1
            out = Path(f"{srv.marks}.{fp}")
            wait_for(out.exists)
            wait_for(lambda: out.read_text() == value, timeout=5)
            assert not marker.exists()

        check()
    finally:
        srv.stop()
