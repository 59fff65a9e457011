"""Each lint check on a fixture runbook: what is found, and on which line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from runner.lint import Context, lint_runbook
from runner.lint import code as code_checks
from runner.model import Problem, Severity
from runner.parse import parse_file
from tests.conftest import FIXTURES

LINT = FIXTURES / "lint"
TODAY = dt.date(2026, 12, 4)


def lint(name: str, *, shellcheck: bool = False, today: dt.date = TODAY) -> list[Problem]:
    return lint_runbook(parse_file(LINT / name), Context(today, use_shellcheck=shellcheck))


def found(problems: list[Problem], code: str) -> list[tuple[int | None, dict[str, object]]]:
    return [(p.line, dict(p.args)) for p in problems if p.code == code]


def test_clean_runbook_has_no_findings() -> None:
    assert lint("clean.md") == []


def test_review_goes_stale_after_review_every() -> None:
    assert found(lint("clean.md", today=dt.date(2027, 2, 28)), "stale-review") == []
    stale = found(lint("clean.md", today=dt.date(2027, 3, 1)), "stale-review")
    assert stale == [(5, {"last_reviewed": "2026-11-30", "age": 91, "every": 90})]


def test_review_defaults_to_180_days() -> None:
    ((line, args),) = found(lint("code.md"), "stale-review")
    assert line == 5 and args["every"] == 180


def test_bash_syntax_error_points_into_the_step() -> None:
    ((line, args),) = found(lint("code.md"), "bash-syntax")
    assert line == 14  # the last line of the if-block that never closes
    assert "unexpected end of file" in str(args["reason"])


def test_python_syntax_error_line() -> None:
    assert [line for line, _ in found(lint("code.md"), "python-syntax")] == [21]


def test_python_undefined_name() -> None:
    assert found(lint("code.md"), "python-undefined-name") == [(30, {"name": "time"})]


def test_python_step_that_only_defines_functions() -> None:
    assert [line for line, _ in found(lint("code.md"), "python-does-nothing")] == [36]


def test_code_errors_are_errors() -> None:
    severities = {p.code: p.severity for p in lint("code.md")}
    assert severities["bash-syntax"] is Severity.ERROR
    assert severities["python-undefined-name"] is Severity.ERROR


def test_undeclared_variables() -> None:
    problems = found(lint("variables.md"), "undeclared-variable")
    # TARGET, count, ANSWER, pod come from the first step; ENV is a param; HOME is the
    # environment; OPTIONAL has a default; single quotes and comments do not expand.
    assert problems == [(21, {"name": "MISSING"}), (21, {"name": "offset"})]


def test_destructive_commands_need_confirm() -> None:
    problems = found(lint("destructive.md"), "destructive-without-confirm")
    assert [line for line, _ in problems] == [8, 26, 32, 46]
    assert "scale to 0 replicas" in str(problems[1][1]["what"])


def test_invisible_characters_in_commands() -> None:
    assert [line for line, _ in found(lint("invisible.md"), "invisible-characters")] == [9, 10]
    step = parse_file(LINT / "invisible.md").steps[0]
    assert step.source == 'kubectl get pods\necho "zero width"'


def test_runbook_without_steps() -> None:
    assert [line for line, _ in found(lint("nothing.md"), "no-steps")] == [1]


@pytest.mark.skipif(code_checks.find_shellcheck() is None, reason="shellcheck not installed")
def test_shellcheck_findings_when_installed() -> None:
    problems = found(lint("shellcheck.md", shellcheck=True), "shellcheck")
    assert [(line, args["sc"]) for line, args in problems] == [(10, "SC2066")]


def test_shellcheck_is_skipped_silently_when_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(code_checks.sys, "executable", str(tmp_path / "python"))
    assert code_checks.find_shellcheck() is None
    assert found(lint("shellcheck.md", shellcheck=True), "shellcheck") == []


def test_missing_owner_and_lang(tmp_path: Path) -> None:
    page = tmp_path / "bare.md"
    page.write_text(
        "# Restart\n\nSjekk at tjenesten er oppe og at det ikke er feil.\n\n"
        "```bash\nsystemctl restart app\n```\n",
        encoding="utf-8",
    )
    problems = lint_runbook(parse_file(page), Context(TODAY, use_shellcheck=False))
    codes = {p.code: p for p in problems}
    assert "missing-owner" in codes
    assert codes["missing-lang"].args["guess"] == "nb"


def test_kubectl_commands_suggest_requires_access() -> None:
    suggestions = [
        (line, args["entry"])
        for line, args in found(lint("destructive.md"), "kube-access-undeclared")
    ]
    assert suggestions == [
        (8, "{verb: delete, resource: pods, namespace: prod}"),
        (20, "{verb: patch, resource: deployments/scale}"),
    ]


def test_declared_access_is_not_suggested(tmp_path: Path) -> None:
    page = tmp_path / "declared.md"
    page.write_text(
        "---\nrequires:\n  access:\n    - {verb: get, resource: pods/log}\n---\n"
        "# D\n\n```bash\nkubectl logs -n x deploy/api\nkubectl exec -it p -- sh\n```\n",
        encoding="utf-8",
    )
    problems = lint_runbook(parse_file(page), Context(TODAY, use_shellcheck=False))
    assert [p.args["entry"] for p in problems if p.code == "kube-access-undeclared"] == [
        "{verb: create, resource: pods/exec}"
    ]
