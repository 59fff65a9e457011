"""Lint: everything that makes a runbook fail its reader during an incident.

``lint_runbook`` runs every check on a parsed runbook and returns its problems (parse
problems included), sorted by line. Checks are plain functions in small modules; each
takes the runbook and a context and yields Problems.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from runner.model import Problem, Runbook


@dataclass(frozen=True, slots=True)
class Context:
    today: dt.date
    use_shellcheck: bool = True
    # Plain docs pages (no steps, no runbook metadata) found by discovery only get the
    # text checks; a file named explicitly always gets everything.
    full: bool = True


Check = Callable[[Runbook, Context], Iterable[Problem]]


def _checks() -> list[Check]:
    from runner.lint import code, kube, metadata, steps, text, variables

    return [
        text.mojibake,
        text.invisible,
        metadata.required_fields,
        metadata.review,
        steps.no_steps,
        steps.destructive,
        code.bash_syntax,
        code.shellcheck,
        code.python,
        variables.undeclared,
        kube.undeclared_access,
    ]


TEXT_ONLY = frozenset({"mojibake", "invisible"})


def lint_runbook(runbook: Runbook, context: Context) -> list[Problem]:
    problems = list(runbook.problems)
    for check in _checks():
        if not context.full and check.__name__ not in TEXT_ONLY:
            continue
        problems.extend(check(runbook, context))
    return sorted(problems, key=lambda p: (p.path, p.line or 0, p.severity.rank, p.code))
