"""``runner list`` and ``runner show``."""

from __future__ import annotations

from pathlib import Path

import click

from runner.cli import lang_of, lang_option
from runner.cli.output import console, print_json
from runner.discover import discover, resolve
from runner.i18n import label
from runner.model import Runbook, Severity


@click.command("list")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@lang_option
@click.pass_context
def list_cmd(ctx: click.Context, paths: tuple[Path, ...], *, as_json: bool) -> None:
    """Discover runbooks (default: the project's docs/ and runbooks/)."""
    lang = lang_of(ctx)
    found = discover(paths or None)
    runbooks = [f.runbook for f in found if f.runbook and (f.named or f.runbook.is_runbook)]
    skipped = sum(1 for f in found if f.runbook and not f.named and not f.runbook.is_runbook)
    failed = [f for f in found if f.error is not None]
    if as_json:
        from runner.serialize import runbook_summary

        def counts(rb: Runbook) -> dict[str, int]:
            return {
                "errors": sum(p.severity is Severity.ERROR for p in rb.problems),
                "warnings": sum(p.severity is Severity.WARNING for p in rb.problems),
            }

        print_json(
            {
                "runbooks": [{**runbook_summary(rb), "problems": counts(rb)} for rb in runbooks],
                "errors": [
                    {
                        "path": f.error.path,
                        "line": f.error.line,
                        "code": f.error.code,
                        "message": f.error.render(lang),
                    }
                    for f in failed
                    if f.error
                ],
            }
        )
        return
    from rich.table import Table

    out = console()
    table = Table(box=None, header_style="bold", pad_edge=False)
    for key in ("id", "title", "lang", "owner", "alerts", "steps", "path"):
        table.add_column(label(key, lang), overflow="fold")
    for rb in runbooks:
        table.add_row(
            rb.id,
            rb.title,
            rb.lang,
            rb.owner or "-",
            ", ".join(rb.alerts) or "-",
            str(len(rb.steps)),
            rb.path,
        )
    out.print(table)
    if skipped:
        out.print(f"[dim]{label('not_runbooks', lang, n=skipped)}[/dim]")
    err = console(stderr=True)
    for f in failed:
        if f.error:
            err.print(
                f"[red]{label('errors_in', lang)}[/red] {f.error.render(lang)}",
                markup=True,
                highlight=False,
            )
    if failed:
        ctx.exit(1)


@click.command("show")
@click.argument("runbook")
@click.option("--json", "as_json", is_flag=True, help="Print the runbook as JSON.")
@lang_option
@click.pass_context
def show_cmd(ctx: click.Context, runbook: str, *, as_json: bool) -> None:
    """Show the steps exactly as `runner exec` would run them."""
    lang = lang_of(ctx)
    rb = resolve(runbook)
    if as_json:
        from runner.serialize import runbook_json

        print_json(runbook_json(rb, lang))
        return
    _show_human(rb, lang)


def _show_human(rb: Runbook, lang: str) -> None:
    from rich.markup import escape
    from rich.syntax import Syntax

    from runner.execute.ui import rich_badges
    from runner.serialize import SECRET_MASK, run_command

    out = console()
    out.print(
        f"[bold]{escape(rb.title)}[/bold]  [dim]{escape(rb.id)} · {rb.lang} · "
        f"{escape(rb.path)}[/dim]"
    )
    facts = []
    if rb.owner:
        facts.append(f"{label('owner', lang)}: {rb.owner}")
    if rb.service:
        facts.append(f"{label('service', lang)}: {rb.service}")
    if rb.alerts:
        facts.append(f"{label('alerts', lang)}: {', '.join(rb.alerts)}")
    if facts:
        out.print(escape("  ·  ".join(facts)))
    if rb.params:
        out.print(f"\n[bold]{label('params', lang)}[/bold]")
        for p in rb.params:
            bits = []
            if p.default is not None:
                shown = SECRET_MASK if p.secret else p.default
                bits.append(f"{label('default', lang)} {shown}")
            if p.choices:
                bits.append("|".join(p.choices))
            if p.secret:
                bits.append(label("secret", lang))
            if p.required and p.default is None:
                bits.append(label("required", lang))
            if p.placeholders:
                bits.append(", ".join(p.placeholders))
            desc = f" — {p.description}" if p.description else ""
            out.print(escape(f"  {p.name}  ({'; '.join(bits)}){desc}"))
    out.print(f"\n[bold]{label('steps', lang)}[/bold]")
    for step in rb.steps:
        badges = rich_badges(step, lang)
        out.print(
            f"\n[bold cyan]{step.index}.[/bold cyan] [bold]{escape(step.title)}[/bold]  "
            f"[dim]#{escape(step.id)} · {step.lang} · {escape(rb.path)}:{step.line}[/dim] "
            + " ".join(badges)
        )
        if step.condition is not None:
            out.print(escape(f"   {label('condition', lang)}: {step.condition.text}"))
        if step.on_failure != "abort":
            out.print(escape(f"   {label('on_failure', lang)}: {step.on_failure}"))
        lexer = {"python": "python", "kube": "yaml"}.get(step.lang, "bash")
        out.print(
            Syntax(
                step.source,
                lexer,
                theme="ansi_dark",
                background_color="default",
                padding=(0, 3),
                # as wide as the code: no trailing blanks when piped into a file or grep
                code_width=max(len(line) for line in step.source.split("\n")) + 1,
            )
        )
        if step.lang == "kube":
            from runner.parse.kube_step import kubectl_of

            kubectl = kubectl_of(step.source)
            if kubectl:
                out.print(f"   [dim]≈ {escape(kubectl)}[/dim]")
        out.print(f"   [dim]{escape(run_command(rb, step))}[/dim]")
    if rb.escalation:
        out.print(f"\n[bold]{label('escalation', lang)}[/bold]")
        for level in rb.escalation:
            after = f" ({label('after', lang)} {level.after_s / 60:g} min)" if level.after_s else ""
            out.print(escape(f"  {level.level}. {level.contact}{after}"))
