"""Text checks: mojibake and invisible characters in commands."""

from __future__ import annotations

from collections.abc import Iterator

from runner.lint import Context
from runner.model import Problem, Runbook, Severity, frozen_map
from runner.text import (
    MOJIBAKE_ENCODINGS,
    best_repair,
    find_mojibake,
    has_invisible,
    repair_run,
)

_ENCODING_NAMES = {"mac_roman": "Mac Roman", "cp1252": "Windows-1252", "latin_1": "Latin-1"}


def _which_encoding(text: str, repaired: str) -> str:
    import re

    for run in re.findall(r"[^\x00-\x7f]{2,}", text):
        best = best_repair(run)
        for encoding in MOJIBAKE_ENCODINGS:
            if best is not None and repair_run(run, encoding) == best:
                return _ENCODING_NAMES[encoding]
    return "an 8-bit code page"


def changed_words(text: str, repaired: str, limit: int = 3) -> str:
    """The garbled words and their repair: "'N√•r' → 'Når', 'verkt√∏y' → 'verktøy'"."""
    import difflib

    pairs: list[str] = []
    matcher = difflib.SequenceMatcher(a=text, b=repaired, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        while a0 > 0 and not text[a0 - 1].isspace():
            a0 -= 1
            b0 -= 1
        while a1 < len(text) and not text[a1].isspace():
            a1 += 1
            b1 += 1
        pair = f"{text[a0:a1]!r} → {repaired[b0:b1]!r}"
        if pair not in pairs:
            pairs.append(pair)
    shown = ", ".join(pairs[:limit])
    return shown + (", …" if len(pairs) > limit else "")


def mojibake(runbook: Runbook, context: Context) -> Iterator[Problem]:
    for found in find_mojibake(runbook.text):
        yield Problem(
            "mojibake",
            Severity.ERROR,
            runbook.path,
            found.line,
            frozen_map(
                {
                    "changes": changed_words(found.text, found.repaired),
                    "repaired": found.repaired,
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
