"""Model → JSON-ready dicts, the shapes of DESIGN.md's CLI contract (and a few extra keys)."""

from __future__ import annotations

import shlex
from typing import Any

from runner.model import Param, Problem, Runbook, Step

SECRET_MASK = "********"


def run_command(runbook: Runbook, step: Step | None = None) -> str:
    """The exact command that runs a runbook (or one step of it)."""
    parts = ["runner", "exec", runbook.path]
    if step is not None:
        parts += ["--step", step.id]
    return shlex.join(parts)


def param_json(param: Param) -> dict[str, Any]:
    default = param.default
    if param.secret and default is not None:
        default = SECRET_MASK
    return {
        "name": param.name,
        "default": default,
        "choices": list(param.choices),
        "description": param.description,
        "secret": param.secret,
        "required": param.required,
        "origin": param.origin,
        "placeholders": list(param.placeholders),
        "line": param.line,
    }


def step_json(runbook: Runbook, step: Step) -> dict[str, Any]:
    return {
        "index": step.index,
        "id": step.id,
        "title": step.title,
        "lang": step.lang,
        "line": step.line,
        "source": step.source,
        "attrs": dict(step.attrs),
        "end_line": step.end_line,
        "source_lines": list(step.source_lines),
        "section": step.section.value if step.section else None,
        "commands": list(step.commands),
        "condition": (
            None
            if step.condition is None
            else {"kind": step.condition.kind, "text": step.condition.text}
        ),
        "on_failure": step.on_failure,
        "next": step.next,
        "timeout_s": step.timeout_s,
        "confirm": step.confirm,
        "destructive": step.destructive,
        "run": step.runs,
        "placeholders": list(step.placeholders),
        "command": run_command(runbook, step),
    }


def problem_json(problem: Problem, lang: str) -> dict[str, Any]:
    return {
        "path": problem.path,
        "line": problem.line,
        "column": problem.column,
        "severity": problem.severity.value,
        "code": problem.code,
        "message": problem.message(lang),
        "hint": problem.hint(lang),
    }


def runbook_summary(runbook: Runbook) -> dict[str, Any]:
    return {
        "id": runbook.id,
        "title": runbook.title,
        "lang": runbook.lang,
        "path": runbook.path,
        "format": runbook.format,
        "owner": runbook.owner,
        "service": runbook.service,
        "severity": runbook.severity,
        "alerts": list(runbook.alerts),
        "tags": list(runbook.tags),
        "steps": len(runbook.steps),
        "last_reviewed": runbook.last_reviewed.isoformat() if runbook.last_reviewed else None,
    }


def runbook_json(runbook: Runbook, lang: str = "en") -> dict[str, Any]:
    data = runbook_summary(runbook)
    data.update(
        {
            "params": [param_json(p) for p in runbook.params],
            "steps": [step_json(runbook, s) for s in runbook.steps],
            "description": runbook.description,
            "review_every_days": runbook.review_every_days,
            "requires": {
                "tools": list(runbook.requires.tools),
                "context": runbook.requires.context,
                "access": [
                    {"verb": a.verb, "resource": a.resource, "namespace": a.namespace}
                    for a in runbook.requires.access
                ],
            },
            "escalation": [
                {"level": e.level, "contact": e.contact, "after_s": e.after_s}
                for e in runbook.escalation
            ],
            "triggers": [{"alert": t.alert, "threshold": t.threshold} for t in runbook.triggers],
            "problems": [problem_json(p, lang) for p in runbook.problems],
            "command": run_command(runbook),
        }
    )
    return data
