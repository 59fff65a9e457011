"""Step checks: a runbook with nothing to run; destructive commands that do not ask."""

from __future__ import annotations

import re
from collections.abc import Iterator

from runner.lint import Context
from runner.model import Problem, Runbook, Severity, Step, frozen_map
from runner.shell import scan

_CMD = r"(?:^|[;&|(`]\s*|\bsudo\s+|\bthen\s+|\bdo\s+)"
_ARGS = r"[^|;&\n]*"
DESTRUCTIVE: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, flags), label)
    for pattern, flags, label in (
        (
            rf"\bkubectl\b{_ARGS}\s(?:delete|drain|cordon|replace\s{_ARGS}--force)\b",
            0,
            "kubectl delete/drain/cordon",
        ),
        (rf"\bkubectl\b{_ARGS}\sscale\b{_ARGS}--replicas[= ]0\b", 0, "scale to 0 replicas"),
        (r"\boc\s+delete\b", 0, "oc delete"),
        (r"\bhelm\s+(?:uninstall|delete|rollback)\b", 0, "helm uninstall/rollback"),
        (
            r"\b(?:DROP\s+(?:TABLE|DATABASE|SCHEMA|INDEX|USER|ROLE)|TRUNCATE\s+(?:TABLE\s+)?\w)",
            re.IGNORECASE,
            "DROP/TRUNCATE",
        ),
        (r"\bDELETE\s+FROM\s+\w[^;\n]*(?:;|$)(?<!WHERE)", re.IGNORECASE, "DELETE FROM"),
        (rf"{_CMD}rm\s+(?:-\S+\s+)*-[a-zA-Z]*[rR]", re.MULTILINE, "rm -r"),
        (rf"{_CMD}(?:mkfs(?:\.\w+)?|wipefs|fdisk|parted)\b", re.MULTILINE, "disk formatting"),
        (rf"\bdd\b{_ARGS}\bof=/dev/", 0, "dd to a device"),
        (r"\bterraform\s+destroy\b", 0, "terraform destroy"),
        (r"\b(?:FLUSHALL|FLUSHDB)\b", re.IGNORECASE, "redis FLUSHALL/FLUSHDB"),
        (rf"\bgit\s+push\b{_ARGS}(?:--force\b|\s-f\b)", 0, "git push --force"),
        (rf"{_CMD}(?:reboot|shutdown|halt|poweroff)\b", re.MULTILINE, "reboot/shutdown"),
        (r"\bsystemctl\s+(?:stop|disable|mask|kill)\b", 0, "systemctl stop"),
        (r"\bkill(?:all)?\s+(?:-9|-KILL|-s\s+KILL)\b", 0, "kill -9"),
    )
)
# DELETE FROM is destructive when no WHERE follows in the same statement.
_DELETE = re.compile(r"\bDELETE\s+FROM\b([^;]*)", re.IGNORECASE)


def destructive_commands(step: Step) -> list[str]:
    """Labels of the destructive commands in a step (comments ignored)."""
    code = step.source if step.lang == "python" else scan(step.source).code
    found = []
    for pattern, label in DESTRUCTIVE:
        if label == "DELETE FROM":
            if any("where" not in m.group(1).lower() for m in _DELETE.finditer(code)):
                found.append(label)
        elif pattern.search(code):
            found.append(label)
    return found


def no_steps(runbook: Runbook, context: Context) -> Iterator[Problem]:
    if not runbook.steps:
        yield Problem("no-steps", Severity.WARNING, runbook.path, 1)


def destructive(runbook: Runbook, context: Context) -> Iterator[Problem]:
    for step in runbook.steps:
        if step.confirm or not step.runs:
            continue
        found = destructive_commands(step)
        if found:
            yield Problem(
                "destructive-without-confirm",
                Severity.WARNING,
                runbook.path,
                step.line,
                frozen_map({"what": ", ".join(found)}),
            )
