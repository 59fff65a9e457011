"""Suggest ``requires.access`` entries from the kubectl commands a runbook runs, so
``runner check`` can tell before the incident whether the responder may run them."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from runner.kube import ALIASES
from runner.lint import Context
from runner.lint.code import SHELL_LANGS
from runner.model import Problem, Runbook, Severity, frozen_map
from runner.shell import scan

_KUBECTL = re.compile(r"(?:^|[;&|(`]\s*|\bsudo\s+)kubectl\s+([^;&|\n`)]*)", re.MULTILINE)
_FLAGS_WITH_VALUE = {
    "-n",
    "--namespace",
    "-l",
    "--selector",
    "-o",
    "--output",
    "-c",
    "--container",
    "--context",
    "--tail",
    "--since",
    "--timeout",
    "-f",
    "--replicas",
    "--sort-by",
}


def _words(text: str) -> tuple[list[str], str | None]:
    try:
        parts = shlex.split(text)
    except ValueError:
        parts = text.split()
    words, namespace, i = [], None, 0
    while i < len(parts):
        part = parts[i]
        if part in {"-n", "--namespace"} and i + 1 < len(parts):
            namespace = parts[i + 1]
        if part.startswith("--namespace="):
            namespace = part.split("=", 1)[1]
        if part in _FLAGS_WITH_VALUE:
            i += 2
            continue
        if not part.startswith("-"):
            words.append(part)
        i += 1
    return words, namespace


def _resource(word: str) -> str:
    kind = word.split("/", 1)[0].lower()
    return ALIASES.get(kind, kind if kind.endswith("s") else kind + "s")


def needs(command: str) -> list[tuple[str, str, str | None]]:
    """(verb, resource, namespace) a kubectl command line needs."""
    words, namespace = _words(command)
    if not words:
        return []
    verb, rest = words[0], words[1:]
    if verb in {"get", "describe"} and rest:
        return [("get", _resource(rest[0]), namespace)]
    if verb == "logs":
        return [("get", "pods/log", namespace)]
    if verb == "exec":
        return [("create", "pods/exec", namespace)]
    if verb == "scale" and rest:
        return [("patch", f"{_resource(rest[0])}/scale", namespace)]
    if verb == "rollout" and len(rest) >= 2:
        action = "patch" if rest[0] in {"restart", "undo", "pause", "resume"} else "get"
        return [(action, _resource(rest[1]), namespace)]
    if verb == "delete" and rest:
        return [("delete", _resource(rest[0]), namespace)]
    if verb in {"cordon", "uncordon"}:
        return [("patch", "nodes", None)]
    if verb == "drain":
        return [("patch", "nodes", None), ("create", "pods/eviction", None)]
    if verb == "top" and rest:
        return [("get", _resource(rest[0]), namespace)]
    return []


def undeclared_access(runbook: Runbook, context: Context) -> Iterator[Problem]:
    declared = {(a.verb, a.resource) for a in runbook.requires.access}
    seen: set[tuple[str, str]] = set()
    for step in runbook.steps:
        if step.lang not in SHELL_LANGS or "kubectl" not in step.source:
            continue
        for match in _KUBECTL.finditer(scan(step.source).code):
            for verb, resource, namespace in needs(match.group(1)):
                if (verb, resource) in declared or (verb, resource) in seen:
                    continue
                seen.add((verb, resource))
                ns = f", namespace: {namespace}" if namespace else ""
                yield Problem(
                    "kube-access-undeclared",
                    Severity.INFO,
                    runbook.path,
                    step.line,
                    frozen_map(
                        {
                            "entry": f"{{verb: {verb}, resource: {resource}{ns}}}",
                            "command": f"kubectl {match.group(1).strip()}"[:80],
                        }
                    ),
                )
