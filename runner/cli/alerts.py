"""``runner alerts check`` and ``runner alerts annotate``."""

from __future__ import annotations

from pathlib import Path

import click

from runner.cli import lang_of, lang_option
from runner.cli.output import console, print_json, print_problems
from runner.model import Severity


def _site_runbooks(paths: tuple[Path, ...]) -> tuple[list, dict[str, str]]:  # type: ignore[type-arg]
    """The runbooks and their page URLs, as the site publishes them."""
    from runner.discover import docs_dir, project_root
    from runner.site.build import collect

    root = project_root()
    docs = docs_dir(root)
    if paths:
        from runner.discover import discover

        found = [f.runbook for f in discover(paths) if f.runbook and f.runbook.is_runbook]
        return found, {rb.id: f"{rb.id}/" for rb in found}
    sources = [p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file()]
    site = collect(root, docs, root / "runbooks", sources)
    return site.runbooks, site.url_of()


runbooks_option = click.option(
    "--runbooks",
    "runbook_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="Runbooks to check and link (default: the project's, as the site publishes them).",
)


@click.group("alerts")
def alerts_cmd() -> None:
    """Prometheus rule files and runbooks: check the links both ways, or add them."""


@alerts_cmd.command("check")
@click.argument("rules", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--base-url",
    metavar="URL",
    help="Where the site is published, e.g. "
    "https://runbooks.example.com/ (runbook_url must be under it).",
)
@runbooks_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--json", "as_json", is_flag=True, help="Print findings as JSON.")
@lang_option
@click.pass_context
def check_cmd(
    ctx: click.Context,
    rules: tuple[Path, ...],
    *,
    base_url: str | None,
    runbook_paths: tuple[Path, ...],
    strict: bool,
    as_json: bool,
) -> None:
    """Every alert has a runbook and a correct runbook_url; every alert a runbook names
    exists in the rules. Exit 1 if any error is found."""
    from runner.alerts.check import check
    from runner.alerts.rules import load_rules

    lang = lang_of(ctx)
    loaded = [rule for path in rules for rule in load_rules(path)]
    runbooks, url_of = _site_runbooks(runbook_paths)
    problems = check(loaded, runbooks, url_of, base_url=base_url, strict=strict)
    errors = sum(p.severity is Severity.ERROR for p in problems)
    if as_json:
        from runner.serialize import problem_json

        print_json(
            {
                "alerts": len(loaded),
                "problems": [problem_json(p, lang) for p in problems],
                "summary": {
                    "errors": errors,
                    "warnings": sum(p.severity is Severity.WARNING for p in problems),
                },
            }
        )
    else:
        print_problems(problems, lang)
        console(stderr=True).print(f"{len(loaded)} alert(s), {errors} error(s)")
    if errors:
        ctx.exit(1)


@alerts_cmd.command("annotate")
@click.argument("rules", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--base-url",
    required=True,
    metavar="URL",
    help="Where the site is published, e.g. https://runbooks.example.com/",
)
@runbooks_option
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
def annotate_cmd(
    rules: tuple[Path, ...], *, base_url: str, runbook_paths: tuple[Path, ...], dry_run: bool
) -> None:
    """Add or correct runbook_url annotations (one template for every rule), keeping
    everything else in the files as it is. Alerts without a runbook are left alone."""
    from runner.alerts.annotate import annotate_file
    from runner.alerts.check import site_paths, url_is_correct

    runbooks, url_of = _site_runbooks(runbook_paths)
    handled = {a for rb in runbooks for a in rb.alerts}
    pages = site_paths(runbooks, url_of)

    def is_correct(alert: str, url: str) -> bool:
        return url_is_correct(url, alert, pages, base_url)

    for path in rules:
        for alert, old, new in annotate_file(
            path, base_url, handled, is_correct, write=not dry_run
        ):
            verb = "would set" if dry_run else "set"
            was = f" (was {old})" if old else ""
            click.echo(f"{path}: {alert}: {verb} runbook_url {new}{was}")
