"""One base error for everything a user can cause, mapped to an exit code at the CLI edge."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any


class ExitStatus(enum.IntEnum):
    """Exit codes of the CLI contract (DESIGN.md)."""

    OK = 0
    FAILED = 1  # a step failed; for lint: an error was found
    USAGE = 2  # usage error or invalid runbook
    ABORTED = 3
    ESCALATED = 4
    PREREQUISITES = 5
    INTERRUPTED = 130


class RunnerError(Exception):
    """An error the user can act on. ``code`` selects the message in runner.i18n."""

    exit_status = ExitStatus.USAGE

    def __init__(
        self,
        code: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        **args: Any,
    ) -> None:
        self.code = code
        self.path = path
        self.line = line
        self.column = column
        self.args_map: Mapping[str, Any] = args
        super().__init__(self.render("en"))

    def location(self) -> str:
        if self.path is None:
            return ""
        if self.line is None:
            return self.path
        return f"{self.path}:{self.line}"

    def render(self, lang: str) -> str:
        from runner.i18n import message

        text = message(self.code, lang, **self.args_map)
        where = self.location()
        return f"{where}: {text}" if where else text


class ParseError(RunnerError):
    """The file cannot be turned into a runbook at all (undecodable, not a runbook)."""


class UsageError(RunnerError):
    """Bad arguments: an unknown runbook, a path that does not exist."""
