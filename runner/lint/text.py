"""Text checks: mojibake and invisible characters in commands."""

from __future__ import annotations

from collections.abc import Iterator

from runner.lint import Context
from runner.model import Problem, Runbook, Severity, frozen_map
from runner.text import (
    MOJIBAKE_ENCODINGS,
    _best_repair,
    _repair_run,
    find_mojibake,
    has_invisible,
)

_ENCODING_NAMES = {"mac_roman": "Mac Roman", "cp1252": "Windows-1252", "latin_1": "Latin-1"}


def _which_encoding(text: str, repaired: str) -> str:
    import re

    for run in re.findall(r"[^\x00-\x7f]{2,}", text):
        best = _best_repair(run)
        for encoding in MOJIBAKE_ENCODINGS:
            if best is not None and _repair_run(run, encoding) == best:
                return _ENCODING_NAMES[encoding]
    return "an 8-bit code page"


def mojibake(runbook: Runbook, context: Context) -> Iterator[Problem]:
    for found in find_mojibake(runbook.text):
        yield Problem(
            "mojibake",
            Severity.ERROR,
            runbook.path,
            found.line,
            frozen_map(
                {
                    "repaired": found.repaired.strip()[:120],
                    "encoding": _which_encoding(found.text, found.repaired),
                }
            ),
            fix=found.repaired,
        )


def invisible(runbook: Runbook, context: Context) -> Iterator[Problem]:
    lines = runbook.text.split("\n")
    for step in runbook.steps:
        for number in step.source_lines:
            if 0 < number <= len(lines) and has_invisible(lines[number - 1]):
                yield Problem("invisible-characters", Severity.WARNING, runbook.path, number)
