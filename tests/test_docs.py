"""Every command is discoverable: it has --help, and docs/cli.md and the README name it."""

from __future__ import annotations

import pytest

from runner.cli import LazyGroup
from tests.conftest import ROOT, run_cli

COMMANDS = sorted(LazyGroup.commands_by_module)


@pytest.mark.parametrize("command", COMMANDS)
def test_command_has_help(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0
    assert f"Usage: runner {command}" in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_command_is_documented(command: str) -> None:
    cli_doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert f"## `runner {command}`" in cli_doc
    assert f"runner {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_top_level_help_lists_every_command() -> None:
    result = run_cli("--help")
    for command in COMMANDS:
        assert command in result.stdout


def test_every_lint_code_is_documented() -> None:
    from runner.i18n import CATALOG

    cli_doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    # messages of the CLI itself, not lint findings
    not_lint = {
        "file-not-found",
        "unreadable",
        "not-a-runbook",
        "unknown-runbook",
        "ambiguous-alert",
        "did-you-mean",
        "summary",
        "no-runbooks",
        "invalid-runbook",
        "unknown-step",
        "no-terminal",
        "missing-interpreter",
        "prerequisites-failed",
        "kube-error",
        "job-needs-confirmation",
        "missing-param",
        "bad-choice",
        "bad-param-syntax",
        "store-postgres-missing",
        "bad-duration-option",
        "bad-payload",
        "serve-needs-token",
        "bad-test-case",
        "fixed",
    }
    missing = [code for code in CATALOG if code not in not_lint and f"`{code}`" not in cli_doc]
    assert missing == []


def test_every_message_has_both_languages() -> None:
    from runner.i18n import CATALOG

    for code, (en, nb, hint_en, hint_nb) in CATALOG.items():
        assert en and nb, code
        assert (hint_en is None) == (hint_nb is None), code
