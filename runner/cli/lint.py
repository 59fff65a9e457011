"""``runner lint``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from runner.cli import lang_of, lang_option
from runner.cli.output import console, print_json, print_problems
from runner.discover import discover
from runner.lint import Context, lint_runbook
from runner.model import Problem, Severity, frozen_map


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print findings as JSON.")
@click.option("--fix", is_flag=True, help="Repair what is safe to repair (garbled text) in place.")
@click.option("--no-shellcheck", is_flag=True, help="Skip shellcheck even when it is installed.")
@lang_option
@click.pass_context
def lint_cmd(
    ctx: click.Context, paths: tuple[Path, ...], *, as_json: bool, fix: bool, no_shellcheck: bool
) -> None:
    """Problems with file:line; exit 1 if any error is found.

    Checks front matter, ids, attributes, review dates, bash and Python code,
    undeclared variables, destructive commands without confirm, and garbled text.
    """
    lang = lang_of(ctx)
    today = dt.date.today()
    problems, files = _run(paths, today, use_shellcheck=not no_shellcheck)
    fixed: list[Problem] = []
    if fix:
        from runner.lint.fix import fix_file

        for path in sorted({p.path for p in problems if p.fix is not None}):
            for line in fix_file(path):
                fixed.append(
                    Problem(
                        "fixed", Severity.INFO, path, line, frozen_map({"what": "garbled text"})
                    )
                )
        if fixed:
            problems, files = _run(paths, today, use_shellcheck=not no_shellcheck)
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = sum(p.severity is Severity.WARNING for p in problems)
    if as_json:
        from runner.serialize import problem_json

        print_json(
            {
                "problems": [problem_json(p, lang) for p in problems],
                "fixed": [problem_json(p, lang) for p in fixed],
                "summary": {"errors": errors, "warnings": warnings, "files": files},
            }
        )
    else:
        from runner.i18n import message

        print_problems([*fixed, *problems], lang)
        console(stderr=True).print(
            message("summary", lang, errors=errors, warnings=warnings, files=files)
        )
    if errors:
        ctx.exit(1)


def _run(
    paths: tuple[Path, ...], today: dt.date, *, use_shellcheck: bool
) -> tuple[list[Problem], int]:
    problems: list[Problem] = []
    found = discover(paths or None)
    for f in found:
        if f.error is not None:
            problems.append(
                Problem(
                    f.error.code,
                    Severity.ERROR,
                    f.error.path or f.path,
                    f.error.line,
                    f.error.args_map,
                )
            )
            continue
        assert f.runbook is not None
        full = f.named or f.runbook.is_runbook
        problems.extend(lint_runbook(f.runbook, Context(today, use_shellcheck, full)))
    return problems, len(found)
