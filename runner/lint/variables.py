"""Variables a shell step reads that nothing provides: not a param, not set earlier."""

from __future__ import annotations

from collections.abc import Iterator

from runner.lint import Context
from runner.lint.code import SHELL_LANGS
from runner.model import Problem, Runbook, Severity, frozen_map
from runner.shell import is_environment, scan


def undeclared(runbook: Runbook, context: Context) -> Iterator[Problem]:
    known = {p.name for p in runbook.params}
    reported: set[str] = set()
    for step in runbook.steps:
        if step.lang not in SHELL_LANGS:
            continue
        sources = [(step.source, step.source_lines)]
        if step.condition is not None and step.condition.kind != "prose":
            sources.append((step.condition.text, (step.condition.line or step.line,)))
        for source, lines in sources:
            facts = scan(source)
            known |= facts.sets
            for name, index in facts.uses:
                if name in known or name in reported or is_environment(name):
                    continue
                reported.add(name)
                line = lines[index] if index < len(lines) else step.line
                yield Problem(
                    "undeclared-variable",
                    Severity.WARNING,
                    runbook.path,
                    line,
                    frozen_map({"name": name}),
                )
