"""`runner exec` through real subprocesses: state, params, flow, exit codes, telemetry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, run_cli
from tests.execute.conftest import EXEC, open_db, path_with, stub


def events(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def run_exec(*args: str, store: Path, env: dict[str, str] | None = None, cwd: Path | None = None):  # type: ignore[no-untyped-def]
    return run_cli("exec", *args, "--store", str(store), env=env, cwd=cwd)


def test_state_carries_over_like_one_terminal(store_path: Path, tmp_path: Path) -> None:
    result = run_exec(str(EXEC / "state.md"), "a1", "a2", "--yes", store=store_path, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "py: exported value None sub" in out  # exported vars and cwd reach Python
    assert "sh: exported value|plain value|two words|sub" in out
    assert "hello world" in out  # functions carry over
    assert "args: a1 a2" in out
    assert "console: plain value" in out
    assert (tmp_path / "work" / "sub").is_dir()


def test_json_events_and_telemetry_rows(store_path: Path) -> None:
    result = run_exec(str(EXEC / "decisions.md"), "--yes", "--json", store=store_path)
    assert result.returncode == 4
    evs = events(result.stdout)
    assert evs[0]["event"] == "run_started"
    assert evs[-1]["event"] == "run_finished"
    assert (evs[-1]["outcome"], evs[-1]["exit_code"]) == ("escalated", 4)
    finished = [
        (e["id"], e["status"], e["exit_code"]) for e in evs if e["event"] == "step_finished"
    ]
    assert finished == [
        ("soft", "failed", 3),  # on-failure=continue
        ("skip-me", "skipped", None),  # when= false
        ("jump", "failed", 1),  # on-failure=recover jumps over "never"
        ("recover", "succeeded", 0),
        ("escalate", "failed", 1),  # on-failure=escalate ends the run
    ]
    escalated = [e for e in evs if e["event"] == "escalated"]
    assert [(e["level"], e["contact"], e["reason"]) for e in escalated] == [
        (1, "@first", "on-failure")
    ]
    db = open_db(store_path)
    (run,) = db.runs()
    assert (run["runbook_id"], run["outcome"], run["exit_code"], run["mode"]) == (
        "decisions",
        "escalated",
        4,
        "yes",
    )
    assert run["id"] == evs[0]["run_id"]
    steps = db.steps(run["id"])
    assert [(s["step_id"], s["status"], s["exit_code"]) for s in steps] == finished
    assert steps[0]["output_tail"] == "soft\n" and steps[0]["output_bytes"] == 5
    (event,) = db.events(run["id"])
    assert (event["kind"], event["level"], event["contact"]) == ("escalated", 1, "@first")


def test_params_defaults_choices_and_positional(store_path: Path) -> None:
    ok = run_exec(
        str(EXEC / "params.md"),
        "prod",
        "a note",
        "--yes",
        "--param",
        "namespace=kube-system",
        store=store_path,
    )
    assert ok.returncode == 0, ok.stderr
    assert "target=prod" in ok.stdout and "note=a note" in ok.stdout
    assert "ns=kube-system" in ok.stdout
    bad = run_exec(
        str(EXEC / "params.md"),
        "--yes",
        "-p",
        "TARGET=moon",
        "-p",
        "NOTE=x",
        "-p",
        "NAMESPACE=y",
        store=store_path,
    )
    assert bad.returncode == 2
    assert "parameter TARGET: 'moon' is not one of staging, prod" in bad.stderr


def test_missing_required_param_without_terminal(store_path: Path) -> None:
    result = run_exec(str(EXEC / "params.md"), "--yes", store=store_path)
    assert result.returncode == 2
    assert "parameter NOTE has no value and there is no terminal to ask on" in result.stderr
    assert "--param NOTE=VALUE" in result.stderr


def test_injection_attempts_are_inert_text(store_path: Path, tmp_path: Path) -> None:
    canary = tmp_path / "pwned"
    values = ['"; touch ' + str(canary) + " #", f"$(touch {canary})", f"`touch {canary}`"]
    for value in values:
        result = run_exec(
            str(EXEC / "params.md"),
            "--yes",
            "-p",
            f"NOTE={value}",
            "-p",
            f"NAMESPACE={value}",
            store=store_path,
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stderr
        assert f"note={value}" in result.stdout
        assert f"ns={value}" in result.stdout  # the placeholder too: one inert word
        assert not canary.exists()


def test_secrets_are_masked_in_telemetry_and_events(store_path: Path) -> None:
    result = run_exec(
        str(EXEC / "params.md"),
        "--yes",
        "--json",
        "-p",
        "NOTE=x",
        "-p",
        "NAMESPACE=y",
        store=store_path,
    )
    assert result.returncode == 0
    assert "token=s3cr3t-value" in result.stderr  # the step itself gets the value
    assert "s3cr3t-value" not in result.stdout  # events never carry it
    db = open_db(store_path)
    (run,) = db.runs()
    assert run["params"]["TOKEN"] == "********"
    tails = " ".join(s["output_tail"] for s in db.steps(run["id"]))
    assert "s3cr3t-value" not in tails and "token=********" in tails


def test_no_terminal_without_yes_is_refused(store_path: Path) -> None:
    result = run_exec(str(EXEC / "confirm.md"), store=store_path)
    assert result.returncode == 2
    assert "no terminal to ask on" in result.stderr
    assert "harmless" not in result.stdout


def test_destructive_step_stops_a_yes_run_without_terminal(store_path: Path) -> None:
    result = run_exec(str(EXEC / "confirm.md"), "--yes", "--json", store=store_path)
    assert result.returncode == 2
    started = [e["id"] for e in events(result.stdout) if e["event"] == "step_started"]
    assert started == ["harmless"]
    assert "\nwould delete things\n" not in result.stderr  # the step's own output
    assert "step dangerous needs confirmation (destructive)" in result.stderr
    (run,) = open_db(store_path).runs()
    assert (run["outcome"], run["exit_code"]) == ("aborted", 2)


def test_dry_run_runs_nothing_and_masks_secrets(store_path: Path) -> None:
    result = run_exec(
        str(EXEC / "params.md"),
        "--dry-run",
        "-p",
        "NOTE=hello",
        "-p",
        "NAMESPACE=ns1",
        store=store_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Plan (dry run" in result.stdout
    assert "TOKEN=********" in result.stdout and "s3cr3t" not in result.stdout
    assert "note=hello" not in result.stdout  # printed by the step only when it runs
    (run,) = open_db(store_path).runs()
    assert run["mode"] == "dry-run" and open_db(store_path).steps(run["id"]) == []


def test_step_and_from_select_steps(store_path: Path) -> None:
    only = run_exec(
        str(EXEC / "decisions.md"),
        "--yes",
        "--json",
        "--step",
        "recover",
        "--step",
        "after",
        store=store_path,
    )
    assert [e["id"] for e in events(only.stdout) if e["event"] == "step_finished"] == [
        "recover",
        "after",
    ]
    assert only.returncode == 0
    start = run_exec(
        str(EXEC / "decisions.md"), "--yes", "--json", "--from", "recover", store=store_path
    )
    assert [e["id"] for e in events(start.stdout) if e["event"] == "step_finished"] == [
        "recover",
        "escalate",
    ]
    unknown = run_exec(str(EXEC / "decisions.md"), "--yes", "--step", "nope", store=store_path)
    assert unknown.returncode == 2 and "no step has the id 'nope'" in unknown.stderr


def test_failed_step_exits_1(store_path: Path, tmp_path: Path) -> None:
    page = tmp_path / "fail.md"
    page.write_text(
        "# F\n\n```bash\necho before\nfalse | true\nexit 7\n```\n\n```bash\n"
        "echo not reached\n```\n",
        encoding="utf-8",
    )
    result = run_exec(str(page), "--yes", "--json", store=store_path)
    assert result.returncode == 1
    finished = [e for e in events(result.stdout) if e["event"] == "step_finished"]
    assert [(e["status"], e["exit_code"]) for e in finished] == [("failed", 7)]
    assert events(result.stdout)[-1]["outcome"] == "failed"


def test_pipefail(store_path: Path, tmp_path: Path) -> None:
    page = tmp_path / "pipe.md"
    page.write_text("# P\n\n```bash\nfalse | cat\n```\n", encoding="utf-8")
    assert run_exec(str(page), "--yes", store=store_path).returncode == 1


def test_invalid_runbook_does_not_run(store_path: Path) -> None:
    result = run_exec(str(ROOT / "tests/fixtures/parse/unclosed.md"), "--yes", store=store_path)
    assert result.returncode == 2
    assert "unclosed.md:11: the runbook cannot run: code fence '```' is never closed" in (
        result.stderr
    )
    assert not store_path.exists() or open_db(store_path).runs() == []


def test_missing_tools_are_prerequisites(store_path: Path, tmp_path: Path) -> None:
    page = tmp_path / "tools.md"
    page.write_text(
        "---\nrequires:\n  tools: [no-such-tool-xyz]\n---\n# T\n\n```bash\necho ran\n```\n",
        encoding="utf-8",
    )
    result = run_exec(str(page), "--yes", store=store_path)
    assert result.returncode == 5
    assert "prerequisites not met: tool no-such-tool-xyz (not on PATH)" in result.stderr
    assert run_exec(str(page), "--yes", "--no-check", store=store_path).returncode == 0


def test_db_debug_with_stub_kubectl(store_path: Path, tmp_path: Path) -> None:
    calls = tmp_path / "calls.log"
    stub(
        tmp_path / "bin",
        "kubectl",
        f'printf "%s\\n" "$*" >> "{calls}"\n'
        'case "$*" in *pg_isready*) echo "accepting connections";; '
        '*"psql"*) echo "42|100";; *get\\ pods*) echo "api-1 Running";; esac\n',
    )
    result = run_exec(
        "docs/db-debug.md",
        "--no-check",  # stub tools stand in for the cluster
        "prod",
        "--yes",
        "--step",
        "check-pool",
        "--step",
        "db-ready",
        "--step",
        "connection-count",
        store=store_path,
        env={"PATH": path_with(tmp_path / "bin")},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    logged = calls.read_text().splitlines()
    assert logged[0] == "get pods -l app=api -n prod"
    assert "exec -n prod deployment/postgres -- pg_isready" in logged
    assert "42|100" in result.stdout


def test_do_not_track_records_nothing(store_path: Path) -> None:
    result = run_exec(
        str(EXEC / "confirm.md"),
        "--yes",
        "--step",
        "harmless",
        store=store_path,
        env={"DO_NOT_TRACK": "1"},
    )
    assert result.returncode == 0
    assert not store_path.exists()


def test_unwritable_store_warns_and_the_run_goes_on(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run_cli(
        "exec",
        str(EXEC / "confirm.md"),
        "--yes",
        "--step",
        "harmless",
        "--store",
        str(blocker / "telemetry.db"),
    )
    assert result.returncode == 0
    assert "harmless" in result.stdout
    assert result.stdout.count("telemetry not recorded") == 1


def test_yaml_runbook_conditions(store_path: Path, tmp_path: Path) -> None:
    page = tmp_path / "cond.yml"
    page.write_text(
        "name: Conditions\nsteps:\n"
        "  - name: Prose needs a human\n    condition: HPA configured\n"
        "    commands: [echo prose-ran]\n"
        '  - name: Command true\n    condition: {command: test -n "$HOME"}\n'
        "    commands: [echo yes-ran, 'X=from-yaml']\n"
        '  - name: Command false\n    condition: {command: test "$X" = other}\n'
        "    commands: [echo no-ran]\n"
        "  - name: Stops at the first failing command\n"
        "    commands: [echo \"x=$X\", 'false', echo never]\n",
        encoding="utf-8",
    )
    result = run_exec(str(page), "--yes", "--json", store=store_path)
    assert result.returncode == 1
    finished = [
        (e["id"], e["status"]) for e in events(result.stdout) if e["event"] == "step_finished"
    ]
    assert finished == [
        ("prose-needs-a-human", "skipped"),
        ("command-true", "succeeded"),
        ("command-false", "skipped"),
        ("stops-at-the-first-failing-command", "failed"),
    ]
    assert "cannot ask 'HPA configured' without a terminal" in result.stderr
    assert "yes-ran" in result.stderr and "x=from-yaml" in result.stderr
    assert "prose-ran" not in result.stderr.replace("echo prose-ran", "")
    assert "\nnever\n" not in result.stderr


def test_missing_interpreter_is_reported_before_the_run(store_path: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    result = run_exec(str(EXEC / "confirm.md"), "--yes", store=store_path, env={"PATH": str(empty)})
    assert result.returncode == 5
    assert "step harmless needs bash, which is not installed" in result.stderr
    assert not store_path.exists() or open_db(store_path).runs() == []
