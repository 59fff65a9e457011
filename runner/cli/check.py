"""``runner check``."""

from __future__ import annotations

import click

from runner.cli import lang_of, lang_option, params_option
from runner.cli.output import print_json
from runner.errors import ExitStatus


@click.command("check")
@click.argument("runbook")
@click.argument("args", nargs=-1)
@params_option("A parameter value (namespaces in requires.access use them).")
@click.option("--json", "as_json", is_flag=True, help="Print the checklist as JSON.")
@lang_option
@click.pass_context
def check_cmd(
    ctx: click.Context,
    runbook: str,
    args: tuple[str, ...],
    params: tuple[str, ...],
    *,
    as_json: bool,
) -> None:
    """Prerequisites of a runbook: tools on PATH, the Kubernetes context, and access
    (SelfSubjectAccessReview for each requires.access entry). Exit 5 if one fails."""
    from runner.check import run_checks
    from runner.discover import resolve
    from runner.execute.params import parse_assignments
    from runner.execute.params import resolve as resolve_params

    lang_of(ctx)
    rb = resolve(runbook)
    values = resolve_params(rb, parse_assignments(params), list(args), prompt=None)
    results = run_checks(rb, values)
    if as_json:
        print_json(
            {
                "runbook": rb.id,
                "ok": all(r.ok for r in results),
                "checks": [
                    {"what": r.what, "ok": r.ok, "detail": r.detail, "fix": r.fix} for r in results
                ],
            }
        )
    else:
        for r in results:
            mark = "✔" if r.ok else "✘"
            click.echo(f"{mark} {r.what}" + (f"  ({r.detail})" if r.detail else ""))
            if not r.ok and r.fix:
                click.echo(f"    → {r.fix}")
        if not results:
            click.echo("✔ nothing to check: the runbook declares no requires")
    if not all(r.ok for r in results):
        ctx.exit(ExitStatus.PREREQUISITES)
