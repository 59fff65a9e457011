"""``runner test``."""

from __future__ import annotations

from pathlib import Path

import click

from runner.cli import lang_of, lang_option
from runner.cli.output import print_json


@click.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON.")
@click.option(
    "--junit",
    metavar="FILE",
    type=click.Path(path_type=Path),
    help="Also write JUnit XML for CI systems.",
)
@click.option(
    "--store",
    metavar="URL",
    envvar="RUNNER_STORE",
    help="Record the test runs (trigger test) in this store.",
)
@lang_option
@click.pass_context
def test_cmd(
    ctx: click.Context,
    paths: tuple[Path, ...],
    *,
    as_json: bool,
    junit: Path | None,
    store: str | None,
) -> None:
    """Run runbooks' test cases: stubbed tools, a sandbox, expected outcome, steps, output
    and calls. Exit 1 if a case fails."""
    from runner.discover import discover
    from runner.testing.run import cases_of, run_case
    from runner.testing.run import junit as to_junit

    lang_of(ctx)
    results = []
    for found in discover(paths or None):
        if found.runbook is None or not found.runbook.is_runbook:
            continue
        for case in cases_of(found.runbook):
            result = run_case(found.runbook, case, store)
            results.append(result)
            if not as_json:
                mark = "✔" if result.passed else "✘"
                click.echo(f"{mark} {result.runbook}: {result.name} ({result.duration_s:.1f}s)")
                for failure in result.failures:
                    click.echo(f"    {failure}")
    if junit is not None:
        junit.write_text(to_junit(results), encoding="utf-8")
    failed = sum(not r.passed for r in results)
    if as_json:
        print_json(
            {
                "cases": [r.__dict__ for r in results],
                "summary": {"cases": len(results), "failed": failed},
            }
        )
    else:
        click.echo(f"{len(results)} case(s), {failed} failed", err=True)
    if failed:
        ctx.exit(1)
