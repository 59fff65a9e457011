"""`runner exec --alert-payload`: the alert picks the runbook, labels fill its parameters
(only as environment variables), and the run records the alert as its trigger."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runner.telemetry.sqlite import SqliteStore
from tests.conftest import INJECTION_PIECES, run_cli
from tests.execute.conftest import path_with, stub


def payload(labels: dict[str, str], status: str = "firing") -> str:
    return json.dumps(
        {
            "version": "4",
            "status": status,
            "receiver": "runbooks",
            "groupKey": "{}:{alertname}",
            "alerts": [
                {
                    "status": "resolved",
                    "labels": {"alertname": "SomethingElse"},
                    "startsAt": "2026-12-04T10:00:00Z",
                    "fingerprint": "aaa",
                },
                {
                    "status": status,
                    "labels": labels,
                    "annotations": {"summary": "s"},
                    "startsAt": "2026-12-04T10:05:00Z",
                    "fingerprint": "bbb",
                },
            ],
        }
    )


def test_alert_starts_its_runbook_with_labels_as_params(tmp_path: Path) -> None:
    calls = tmp_path / "calls.log"
    stub(tmp_path / "bin", "kubectl", f'printf "%s\\n" "$*" >> "{calls}"\n')
    store = tmp_path / "t.db"
    file = tmp_path / "payload.json"
    file.write_text(
        payload(
            {
                "alertname": "PostgresTooManyConnections",
                "env": "prod",
                "namespace": "db",
                "token": "ghp_" + "x" * 36,
            }
        )
    )
    result = run_cli(
        "exec",
        "--alert-payload",
        str(file),
        "--yes",
        "--no-check",  # the stub kubectl stands in for the cluster
        "--step",
        "check-pool",
        "--store",
        str(store),
        env={"PATH": path_with(tmp_path / "bin")},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert calls.read_text().splitlines()[0] == "get pods -l app=api -n prod"  # env → ENV
    db = SqliteStore(store)
    (run,) = db.runs()
    assert (run["runbook_id"], run["trigger"], run["params"]["ENV"]) == (
        "db-debug",
        "alert",
        "prod",
    )
    (event,) = db.events(run["id"])
    assert event["kind"] == "alert"
    assert event["detail"]["alertname"] == "PostgresTooManyConnections"
    assert event["detail"]["fingerprint"] == "bbb"
    assert event["detail"]["labels"]["token"] == "********"  # token-like values redacted


def test_explicit_param_wins_and_payload_from_stdin(tmp_path: Path) -> None:
    calls = tmp_path / "calls.log"
    stub(tmp_path / "bin", "kubectl", f'printf "%s\\n" "$*" >> "{calls}"\n')
    result = run_cli(
        "exec",
        "db-debug",
        "--alert-payload",
        "-",
        "--yes",
        "--no-check",
        "--step",
        "check-pool",
        "--param",
        "ENV=staging",
        "--no-record",
        input=payload({"alertname": "PostgresTooManyConnections", "ENV": "prod"}),
        env={"PATH": path_with(tmp_path / "bin")},
    )
    assert result.returncode == 0, result.stderr
    assert "-n staging" in calls.read_text()


def test_bad_payloads_are_usage_errors(tmp_path: Path) -> None:
    for text, reason in (
        ("{not json", "not an Alertmanager webhook payload"),
        ('{"alerts": []}', "no alert with an alertname label"),
        ('{"version": "4"}', "no 'alerts' list"),
    ):
        result = run_cli("exec", "--alert-payload", "-", "--yes", "--no-record", input=text)
        assert result.returncode == 2
        assert reason in result.stderr and "Traceback" not in result.stderr


INJECT = st.lists(st.sampled_from(INJECTION_PIECES), min_size=1, max_size=8).map("".join)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(label=INJECT)
def test_labels_never_become_shell_code(tmp_path: Path, label: str) -> None:
    work = tmp_path / "w"
    work.mkdir(exist_ok=True)
    page = work / "inject.md"
    page.write_text(
        "---\nalerts: [InjectMe]\nparams:\n  LABEL: {}\n---\n# Inject\n\n"
        '```bash\nprintf \'%s\' "$LABEL" > "$OUT"\n```\n\n'
        '```bash\ncat <<EOF > "$OUT.2"\n$LABEL\nEOF\n```\n',
        encoding="utf-8",
    )
    marker = work / "MARK"
    out = work / "out.txt"
    for f in (marker, out):
        f.unlink(missing_ok=True)
    value = label.replace("MARK", str(marker))
    result = run_cli(
        "exec",
        str(page),
        "--alert-payload",
        "-",
        "--yes",
        "--no-record",
        input=payload({"alertname": "InjectMe", "label": value}),
        env={"OUT": str(out)},
        cwd=work,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.read_text() == value  # the label arrived as one inert string
    assert (work / "out.txt.2").read_text() == value + "\n"
    assert not marker.exists()
