"""``runner review``."""

from __future__ import annotations

from pathlib import Path

import click

from runner.cli import lang_of, lang_option
from runner.cli.output import print_json


@click.command("review")
@click.option("--owner", help="Only this owner's runbooks.")
@click.option(
    "--days", default=180, show_default=True, help="Not exercised / unused after this many days."
)
@click.option(
    "--rules",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Prometheus rule files: also list the alerts without a runbook.",
)
@click.option("--store", metavar="URL", envvar="RUNNER_STORE", help="Telemetry store.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@lang_option
@click.pass_context
def review_cmd(
    ctx: click.Context,
    *,
    owner: str | None,
    days: int,
    rules: tuple[Path, ...],
    store: str | None,
    as_json: bool,
) -> None:
    """Runbooks that need attention, grouped by owner, each with its reasons: overdue
    review, never tested or tests failing, not exercised or unused, frequent failures or
    escalations, feedback that something was missing; and alerts without runbooks."""
    from runner.discover import discover
    from runner.review import review
    from runner.telemetry import default_location, open_store

    lang_of(ctx)
    runbooks = [f.runbook for f in discover() if f.runbook and f.runbook.is_runbook]
    db = open_store(store) if store or default_location().exists() else None
    try:
        entries = review(runbooks, db, days=days)
    finally:
        if db is not None:
            db.close()
    if owner:
        entries = [e for e in entries if e.owner == owner]
    orphans: list[str] = []
    if rules:
        from runner.alerts.rules import load_rules

        handled = {a.lower() for rb in runbooks for a in rb.alerts}
        orphans = sorted(
            {r.alert for path in rules for r in load_rules(path) if r.alert.lower() not in handled}
        )
    by_owner: dict[str, list[dict[str, object]]] = {}
    for e in entries:
        by_owner.setdefault(e.owner, []).append(
            {"runbook": e.runbook, "path": e.path, "reasons": e.reasons}
        )
    if as_json:
        print_json({"owners": by_owner, "alerts_without_runbook": orphans})
        return
    for name, items in sorted(by_owner.items()):
        click.echo(f"{name}")
        for item in items:
            click.echo(f"  {item['runbook']}  ({item['path']})")
            for reason in item["reasons"]:  # type: ignore[attr-defined]
                click.echo(f"    - {reason['code']}: {reason['detail']}")
    if orphans:
        click.echo("alerts without a runbook: " + ", ".join(orphans))
    if not by_owner and not orphans:
        click.echo("nothing needs attention")
