"""``runner stats``, ``runner history`` and ``runner telemetry ...``."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from runner.cli import lang_of, lang_option
from runner.cli.output import console, print_json
from runner.errors import UsageError
from runner.i18n import label

STORE_HELP = (
    "Telemetry store: a path, sqlite:///file.db or postgresql://... "
    "(default: $XDG_STATE_HOME/runner/telemetry.db; env RUNNER_STORE)."
)


def _store(url: str | None) -> Any:
    from runner.telemetry import open_store

    return open_store(url)


def _duration_arg(value: str, option: str) -> float:
    from runner.parse.durations import parse_duration

    seconds = parse_duration(value)
    if not seconds:
        raise UsageError("bad-duration-option", value=value)
    return seconds


def _runbook_id(name: str | None) -> str | None:
    """A path becomes the runbook's id; anything else is taken as an id."""
    if name is None:
        return None
    path = Path(name)
    if path.suffix and path.exists():
        from runner.parse import parse_file

        return parse_file(name).id
    return name


def _when(ts: float | None) -> str:
    if ts is None:
        return "-"
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


def _dur(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.0f} %"


@click.command("stats")
@click.argument("runbook", required=False)
@click.option(
    "--since",
    default="30d",
    show_default=True,
    metavar="DURATION",
    help="The window: runs started this long ago or later.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "openmetrics"]),
    default="table",
    show_default=True,
    help="openmetrics: all-time counters and histograms for Prometheus.",
)
@click.option(
    "--textfile",
    metavar="PATH",
    help="Write Prometheus metrics atomically to PATH "
    "(for node_exporter's textfile collector) and print nothing.",
)
@click.option("--include-dry-runs", is_flag=True, help="Count dry runs too.")
@click.option("--include-tests", is_flag=True, help="Count test runs (trigger test) too.")
@click.option("--store", metavar="URL", envvar="RUNNER_STORE", help=STORE_HELP)
@lang_option
@click.pass_context
def stats_cmd(
    ctx: click.Context,
    runbook: str | None,
    since: str,
    *,
    as_json: bool,
    fmt: str,
    textfile: str | None,
    include_dry_runs: bool,
    include_tests: bool,
    store: str | None,
) -> None:
    """Usage frequency, duration, success and escalation rates per runbook.

    Rates count only finished runs (succeeded, failed, aborted, escalated, interrupted);
    abandoned runs (the runner was killed) and running ones are counted apart.
    """
    lang = lang_of(ctx)
    db = _store(store)
    try:
        if textfile:
            from runner.telemetry.metrics import write_textfile

            write_textfile(db, textfile)
            return
        if fmt == "openmetrics":
            from runner.telemetry.metrics import openmetrics

            sys.stdout.buffer.write(openmetrics(db))
            return
        from runner.telemetry.stats import compute, sparkline

        now = time.time()
        window = _duration_arg(since, "--since")
        report = compute(
            db,
            since=now - window,
            now=now,
            runbook=_runbook_id(runbook),
            dry_runs=include_dry_runs,
            tests=include_tests,
        )
    finally:
        db.close()
    if as_json or fmt == "json":
        print_json(report.as_json())
        return
    from rich.table import Table

    out = console()
    table = Table(box=None, header_style="bold", pad_edge=False)
    for key in (
        "runbook",
        "runs",
        "per_week",
        "success",
        "escalation",
        "p50",
        "p95",
        "max",
        "last_run",
        "failing_step",
        "trend",
    ):
        table.add_column(
            label(f"stats_{key}", lang),
            justify="right"
            if key in {"runs", "per_week", "success", "escalation", "p50", "p95", "max"}
            else "left",
        )
    for s in [*report.runbooks, report.total]:
        failing = s.most_failing_step
        table.add_row(
            s.id if s.id != "*" else label("stats_total", lang),
            str(s.runs),
            f"{s.runs_per_week:g}",
            _pct(s.success_rate),
            _pct(s.escalation_rate),
            _dur(s.duration_p50_s),
            _dur(s.duration_p95_s),
            _dur(s.duration_max_s),
            _when(s.last_run),
            f"{failing['id']} ×{failing['failures']}" if failing else "-",
            sparkline(s.trend),
        )
    out.print(table)
    total = report.total
    note = label(
        "stats_footnote",
        lang,
        since=_when(report.since),
        abandoned=total.abandoned,
        running=total.running,
        aborted=total.aborted,
    )
    out.print(f"[dim]{note}[/dim]")


@click.command("history")
@click.argument("target", required=False, metavar="[RUNBOOK|RUN_ID]")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--limit", default=20, show_default=True, help="How many recent runs.")
@click.option("--store", metavar="URL", envvar="RUNNER_STORE", help=STORE_HELP)
@lang_option
@click.pass_context
def history_cmd(
    ctx: click.Context, target: str | None, *, as_json: bool, limit: int, store: str | None
) -> None:
    """Who ran what, when, with which parameters (secrets masked), and how it ended.

    With a run id (or its first 8+ characters), one run in full: its steps, their exit
    codes and output tails, and its escalations.
    """
    lang = lang_of(ctx)
    db = _store(store)
    try:
        run_ids = db.find_runs(target) if target and len(target) >= 8 else []
        if len(run_ids) == 1:
            run = db.run(run_ids[0])
            steps, events = db.steps(run_ids[0]), db.events(run_ids[0])
            if as_json:
                print_json({**run, "steps": steps, "events": events})
            else:
                _show_run(run, steps, events, lang)
            return
        runs = db.runs(runbook=_runbook_id(target), limit=limit)
        counts = {r["id"]: db.steps(r["id"]) for r in runs} if as_json else {}
    finally:
        db.close()
    if as_json:
        print_json(
            {
                "runs": [
                    {
                        **r,
                        "steps": [
                            {k: s[k] for k in ("step_id", "status", "exit_code", "duration_s")}
                            for s in counts[r["id"]]
                        ],
                    }
                    for r in reversed(runs)
                ]
            }
        )
        return
    from rich.table import Table

    out = console()
    table = Table(box=None, header_style="bold", pad_edge=False)
    for key in ("run_id", "when", "who", "runbook", "outcome", "duration", "params"):
        table.add_column(label(f"history_{key}", lang))
    for r in reversed(runs):
        ended = r["ended_at"]
        table.add_row(
            r["id"][:8],
            _when(r["started_at"]),
            f"{r['user']}@{r['host']}",
            r["runbook_id"],
            r["outcome"] or "-",
            _dur(ended - r["started_at"]) if ended else "-",
            " ".join(f"{k}={v}" for k, v in r["params"].items()),
        )
    out.print(table)


def _show_run(
    run: dict[str, Any], steps: list[dict[str, Any]], events: list[dict[str, Any]], lang: str
) -> None:
    from rich.markup import escape

    out = console()
    ended = run["ended_at"]
    out.print(f"[bold]{escape(run['title'] or run['runbook_id'])}[/bold]  [dim]{run['id']}[/dim]")
    out.print(
        escape(
            f"{run['runbook_id']} · {run['path']} · {run['user']}@{run['host']} · "
            f"{_when(run['started_at'])} · {run['mode']} · {run['trigger']} · "
            f"{run['outcome']} (exit {run['exit_code']})"
            + (f" · {_dur(ended - run['started_at'])}" if ended else "")
        )
    )
    if run["params"]:
        out.print(escape("  ".join(f"{k}={v}" for k, v in run["params"].items())))
    for event in events:
        out.print(
            f"[red]escalated[/red] {escape(str(event['contact']))} "
            f"(level {event['level']}, {escape(str(event['detail'].get('reason')))})"
        )
    for step in steps:
        style = {"succeeded": "green", "skipped": "dim"}.get(step["status"], "red")
        out.print(
            f"\n[{style}]{step['status']}[/{style}] [bold]{escape(step['step_id'])}"
            f"[/bold] [dim]exit {step['exit_code']} · {_dur(step['duration_s'])} · "
            f"{step['output_bytes']} bytes[/dim]"
        )
        if step["output_tail"]:
            out.print(escape(step["output_tail"].rstrip("\n")), highlight=False)


@click.group("telemetry")
def telemetry_cmd() -> None:
    """Move, flush and prune telemetry records."""


@telemetry_cmd.command("prune")
@click.option(
    "--older-than",
    required=True,
    metavar="DURATION",
    help="Delete runs that started longer ago than this (e.g. 365d).",
)
@click.option("--store", metavar="URL", envvar="RUNNER_STORE", help=STORE_HELP)
def prune_cmd(older_than: str, store: str | None) -> None:
    """Delete old runs with their steps and escalations."""
    db = _store(store)
    try:
        removed = db.prune(time.time() - _duration_arg(older_than, "--older-than"))
    finally:
        db.close()
    click.echo(f"{removed} run(s) deleted")


@telemetry_cmd.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option("--store", metavar="URL", envvar="RUNNER_STORE", help=STORE_HELP)
def export_cmd(fmt: str, store: str | None) -> None:
    """Write every record as JSON Lines ({"type": "run"|"step"|"event", ...}) to stdout."""
    from runner.telemetry.transfer import export_records

    db = _store(store)
    try:
        for record in export_records(db):
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        db.close()


@telemetry_cmd.command("import")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@click.option("--store", metavar="URL", envvar="RUNNER_STORE", help=STORE_HELP)
def import_cmd(source: Any, store: str | None) -> None:
    """Read JSON Lines from `runner telemetry export` (a file or -); no duplicates."""
    from runner.telemetry.transfer import import_records

    db = _store(store)
    try:
        counts = import_records(db, (json.loads(line) for line in source if line.strip()))
    finally:
        db.close()
    click.echo(", ".join(f"{n} {kind}(s)" for kind, n in counts.items()) + " imported")


@telemetry_cmd.command("sync")
@click.option("--store", metavar="URL", envvar="RUNNER_STORE", help=STORE_HELP)
def sync_cmd(store: str | None) -> None:
    """Flush records buffered locally while the shared store was unreachable."""
    from runner.telemetry.transfer import sync

    counts = sync(store)
    click.echo(", ".join(f"{n} {kind}(s)" for kind, n in counts.items()) + " flushed")
