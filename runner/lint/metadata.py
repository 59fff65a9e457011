"""Metadata checks: who owns it, what language, when it was last checked."""

from __future__ import annotations

from collections.abc import Iterator

from runner.lint import Context
from runner.model import Problem, Runbook, Severity, frozen_map
from runner.parse.header import DEFAULT_REVIEW_DAYS


def _line_of(runbook: Runbook, key: str) -> int:
    for number, line in enumerate(runbook.text.split("\n")[:200], start=1):
        if line.startswith(f"{key}:") or line.startswith(f"{key} ="):
            return number
    return 1


def required_fields(runbook: Runbook, context: Context) -> Iterator[Problem]:
    if not runbook.owner:
        yield Problem("missing-owner", Severity.WARNING, runbook.path, 1)
    if not runbook.lang_declared:
        yield Problem(
            "missing-lang", Severity.WARNING, runbook.path, 1, frozen_map({"guess": runbook.lang})
        )


def review(runbook: Runbook, context: Context) -> Iterator[Problem]:
    every = runbook.review_every_days or DEFAULT_REVIEW_DAYS
    if runbook.last_reviewed is None:
        if runbook.meta:  # a page with front matter that never says when it was checked
            yield Problem("never-reviewed", Severity.INFO, runbook.path, 1)
        return
    age = (context.today - runbook.last_reviewed).days
    if age > every:
        yield Problem(
            "stale-review",
            Severity.WARNING,
            runbook.path,
            _line_of(runbook, "last_reviewed"),
            frozen_map(
                {"last_reviewed": runbook.last_reviewed.isoformat(), "age": age, "every": every}
            ),
        )
