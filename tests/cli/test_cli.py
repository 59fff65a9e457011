"""The `runner` command as a user runs it: a real subprocess, real files, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import FIXTURES, ROOT, run_cli


def test_show_json_contract_on_db_debug() -> None:
    result = run_cli("show", "docs/db-debug.md", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"id", "title", "lang", "path", "params", "steps"} <= set(data)
    assert (data["id"], data["lang"], data["path"]) == ("db-debug", "en", "docs/db-debug.md")
    steps = [(s["index"], s["id"], s["line"]) for s in data["steps"]]
    lines = (ROOT / "docs/db-debug.md").read_text(encoding="utf-8").split("\n")
    for _, step_id, line in steps:
        assert lines[line - 1].startswith("```bash {#" + step_id), (step_id, line)
    assert [s[1] for s in steps] == [
        "check-pool",
        "db-ready",
        "connection-count",
        "restart-api",
        "verify",
    ]
    first = data["steps"][0]
    assert {"index", "id", "title", "lang", "line", "source", "attrs"} <= set(first)
    assert first["title"] == "Check the connection pool"
    assert first["source"].startswith('kubectl get pods -l app=api -n "$ENV"')
    assert first["command"] == "runner exec docs/db-debug.md --step check-pool"
    assert data["params"][0]["name"] == "ENV" and data["params"][0]["default"] == "staging"


def test_show_by_id_and_by_alert_name() -> None:
    by_id = json.loads(run_cli("show", "high-cpu", "--json").stdout)
    by_alert = json.loads(run_cli("show", "cpuusagehigh", "--json").stdout)
    assert by_id["path"] == by_alert["path"] == "runbooks/high-cpu.yml"


def test_show_masks_secret_defaults(tmp_path: Path) -> None:
    page = tmp_path / "secret.md"
    page.write_text(
        "---\nparams:\n  TOKEN: {default: hunter2, secret: true}\n---\n# S\n\n"
        '```bash\ncurl -H "X: $TOKEN" x\n```\n',
        encoding="utf-8",
    )
    result = run_cli("show", str(page), "--json")
    assert "hunter2" not in result.stdout
    assert json.loads(result.stdout)["params"][0]["default"] == "********"
    assert "hunter2" not in run_cli("show", str(page)).stdout


def test_unknown_runbook_is_a_usage_error_without_traceback() -> None:
    result = run_cli("show", "no-such-runbook")
    assert result.returncode == 2
    assert "no runbook, runbook id or alert named 'no-such-runbook'" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_utf8_is_a_clear_error(tmp_path: Path) -> None:
    page = tmp_path / "bad.md"
    page.write_bytes(b"# ok\n\xff\xfe broken\n")
    result = run_cli("show", str(page))
    assert result.returncode == 2
    assert f"{page}:2: not valid UTF-8: byte 0xff at offset 5" in result.stderr
    assert "Traceback" not in result.stderr
    lint = run_cli("lint", str(page), "--json")
    assert lint.returncode == 1
    problem = json.loads(lint.stdout)["problems"][0]
    assert (problem["line"], problem["code"]) == (2, "invalid-utf8")


def test_list_finds_the_sample_runbooks_and_not_plain_pages() -> None:
    result = run_cli("list", "--json")
    assert result.returncode == 0, result.stderr
    ids = {rb["id"]: rb for rb in json.loads(result.stdout)["runbooks"]}
    assert {"db-debug", "kø-opphopning", "health-check", "local-health", "high-cpu"} <= set(ids)
    assert "index" not in ids and "writing-runbooks" not in ids
    assert ids["high-cpu"]["format"] == "yaml" and ids["high-cpu"]["alerts"] == ["CPUUsageHigh"]


def test_list_from_a_subfolder_finds_the_project(tmp_path: Path) -> None:
    result = run_cli("list", "--json", cwd=ROOT / "runner")
    assert "db-debug" in {rb["id"] for rb in json.loads(result.stdout)["runbooks"]}


def test_human_output_respects_no_color() -> None:
    result = run_cli("show", "docs/db-debug.md")
    assert result.returncode == 0
    assert "\x1b[" not in result.stdout
    assert "1. Check the connection pool" in result.stdout
    assert "runner exec docs/db-debug.md --step check-pool" in result.stdout


def test_lint_exit_codes_and_json() -> None:
    clean = run_cli("lint", "--no-shellcheck", str(FIXTURES / "lint" / "clean.md"), "--json")
    assert clean.returncode == 0, clean.stdout
    assert json.loads(clean.stdout)["summary"]["errors"] == 0
    broken = run_cli("lint", "--no-shellcheck", str(FIXTURES / "lint" / "code.md"), "--json")
    assert broken.returncode == 1
    problems = json.loads(broken.stdout)["problems"]
    assert {"path", "line", "severity", "code", "message", "hint"} <= set(problems[0])
    assert any(p["code"] == "python-undefined-name" and p["line"] == 30 for p in problems)


def test_lint_human_output_is_path_line_message() -> None:
    result = run_cli("lint", "--no-shellcheck", str(FIXTURES / "parse" / "unclosed.md"))
    assert result.returncode == 1
    assert (
        f"{FIXTURES / 'parse' / 'unclosed.md'}:11: error: code fence '```' is never closed"
        in result.stdout
    )


def test_lint_of_the_project_samples_is_clean() -> None:
    result = run_cli("lint", "--json")
    data = json.loads(result.stdout)
    assert result.returncode == 0, data["problems"]
    assert [p for p in data["problems"] if p["severity"] != "info"] == []


def test_messages_in_norwegian() -> None:
    result = run_cli(
        "--lang", "nb", "lint", "--no-shellcheck", str(FIXTURES / "parse" / "unclosed.md")
    )
    assert "kodeblokken '```' lukkes aldri" in result.stdout
    after = run_cli(
        "lint", "--lang", "nb", "--no-shellcheck", str(FIXTURES / "parse" / "unclosed.md")
    )
    assert "kodeblokken '```' lukkes aldri" in after.stdout
    env_result = run_cli("show", "finnes-ikke", env={"RUNNER_LANG": "", "LANG": "nb_NO.UTF-8"})
    assert "ingen runbook, runbook-id eller alarm heter 'finnes-ikke'" in env_result.stderr


def test_missing_path_is_a_usage_error() -> None:
    result = run_cli("lint", "does/not/exist.md")
    assert result.returncode == 2
    assert "does/not/exist.md: no such file or directory" in result.stderr


def test_python_dash_m_and_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and "runner" in result.stdout
