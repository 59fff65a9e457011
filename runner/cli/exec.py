"""``runner exec``."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from runner.cli import lang_of, lang_option, params_option
from runner.errors import UsageError


@click.command("exec", context_settings={"ignore_unknown_options": False})
@click.argument("runbook", required=False)
@click.argument("args", nargs=-1)
@click.option(
    "--alert-payload",
    "payload",
    type=click.File("r", encoding="utf-8"),
    metavar="FILE|-",
    help="An Alertmanager webhook payload: runs the runbook of "
    "its (first firing) alert, its labels filling the declared parameters.",
)
@params_option("A parameter value (repeatable). Steps get it as an environment variable.")
@click.option(
    "--yes",
    "-y",
    is_flag=True,
    help="Run without asking, except steps marked confirm or destructive.",
)
@click.option("--dry-run", is_flag=True, help="Print the plan with parameters; run nothing.")
@click.option(
    "--step", "only", multiple=True, metavar="ID", help="Run only this step (repeatable)."
)
@click.option("--from", "start", metavar="ID", help="Start at this step.")
@click.option(
    "--json", "as_json", is_flag=True, help="JSON Lines events on stdout; human output on stderr."
)
@click.option(
    "--store",
    metavar="URL",
    envvar="RUNNER_STORE",
    help="Telemetry store: a path or sqlite:///path (default: "
    "$XDG_STATE_HOME/runner/telemetry.db; env RUNNER_STORE).",
)
@click.option("--no-record", is_flag=True, help="Record no telemetry (also DO_NOT_TRACK=1).")
@click.option(
    "--timeout",
    "timeout",
    metavar="DURATION",
    default="10m",
    show_default=True,
    help="Timeout for steps without their own timeout=.",
)
@click.option("--no-check", is_flag=True, help="Do not check required tools before running.")
@click.option(
    "--drill",
    is_flag=True,
    help="A rehearsal on a game day: runs for real, recorded as a drill (not as usage).",
)
@click.option("--no-feedback", is_flag=True, help="Do not ask the two questions at the end.")
@click.option(
    "--in-cluster-job",
    is_flag=True,
    help="Run it inside the cluster as a Kubernetes Job and follow its log "
    "(the Job records telemetry to the team's store).",
)
@click.option(
    "--namespace",
    "-n",
    "job_namespace",
    metavar="NS",
    help="With --in-cluster-job: the Job's namespace (default: the context's).",
)
@click.option(
    "--image",
    envvar="RUNNER_JOB_IMAGE",
    metavar="IMAGE",
    help="With --in-cluster-job: the runner image (env RUNNER_JOB_IMAGE).",
)
@click.option(
    "--service-account",
    metavar="NAME",
    help="With --in-cluster-job: the Job's ServiceAccount (default: runbook-<id>, "
    "see `runner kube rbac`).",
)
@click.option("--run-id", hidden=True, help="The run's id (runner serve's jobs).")
@click.option(
    "--trigger",
    hidden=True,
    type=click.Choice(["manual", "test", "drill"]),
    help="What started the run (runner test records its runs as test).",
)
@lang_option
@click.pass_context
def exec_cmd(
    ctx: click.Context,
    runbook: str | None,
    args: tuple[str, ...],
    payload: Any,
    params: tuple[str, ...],
    *,
    yes: bool,
    dry_run: bool,
    only: tuple[str, ...],
    start: str | None,
    as_json: bool,
    store: str | None,
    no_record: bool,
    timeout: str,
    no_check: bool,
    drill: bool,
    no_feedback: bool,
    in_cluster_job: bool,
    job_namespace: str | None,
    image: str | None,
    service_account: str | None,
    run_id: str | None,
    trigger: str | None,
) -> None:
    """Run a runbook step by step; ARGS are $1... in shell steps and fill the declared
    parameters in order.

    Each step is shown, then you choose: run, skip, quit or escalate (and retry or
    continue after a failure). Exit codes: 0 succeeded, 1 a step failed, 2 usage error
    or invalid runbook, 3 aborted, 4 escalated, 5 prerequisites not met, 130 interrupted.
    """
    from runner.discover import project_root, resolve
    from runner.execute.engine import ExecOptions, Run
    from runner.execute.escalation import Notifiers
    from runner.execute.params import parse_assignments
    from runner.execute.ui import UI
    from runner.parse.durations import parse_duration
    from runner.telemetry import Recording, open_recording_store

    lang = lang_of(ctx)
    if not in_cluster_job and (job_namespace or service_account):
        raise click.UsageError("--namespace and --service-account go with --in-cluster-job")
    job_options = (job_namespace, image, service_account)
    default_timeout = parse_duration(timeout)
    if not default_timeout:
        raise UsageError("bad-duration-option", value=timeout)
    given = parse_assignments(params)
    alert = None
    alert_payload = None
    if payload is not None:
        from runner.alerts.payload import label_params, parse_payload, pick

        alert_payload = payload.read()
        alert = pick(parse_payload(alert_payload, payload.name))
        rb = resolve(runbook or alert.name)
        given = {**label_params(rb, alert), **given}  # an explicit --param wins
    elif runbook is None:
        raise click.UsageError("missing RUNBOOK (or --alert-payload)")
    else:
        rb = resolve(runbook)
    if in_cluster_job:
        passed = [*(["--dry-run"] if dry_run else []), *(["--drill"] if drill else [])]
        passed += [f"--step={s}" for s in only] + ([f"--from={start}"] if start else [])
        passed += [f"--timeout={timeout}"]
        if not dry_run:
            _no_confirm_steps(rb, only, start)
        ctx.exit(
            _in_cluster(rb, lang, given, args, alert_payload, as_json, run_id, job_options, passed)
        )
    options = ExecOptions(
        args=args,
        params=given,
        trigger="alert" if alert is not None else ("drill" if drill else trigger or "manual"),
        feedback=not no_feedback,
        alert=None if alert is None else alert.record(),
        yes=yes,
        dry_run=dry_run,
        only=only,
        start=start,
        default_timeout_s=default_timeout,
        check_tools=not no_check,
        run_id=run_id,
    )
    record = not no_record and os.environ.get("DO_NOT_TRACK", "") in {"", "0"}

    ui = UI(lang, json_mode=as_json, interactive=sys.stdin.isatty())

    def open_store() -> Recording:
        return open_recording_store(store, ui.warn)

    run = Run(rb, options, ui, open_store if record else None, Notifiers.load(project_root()))
    ctx.exit(run.execute())


def _in_cluster(
    rb: Any,
    lang: str,
    given: dict[str, str],
    args: tuple[str, ...],
    alert_payload: str | None,
    as_json: bool,
    run_id: str | None,
    job_options: tuple[str | None, str | None, str | None],
    passed: list[str],
) -> int:
    """``--in-cluster-job``: parameters are resolved here (asked for when missing, as in
    a local run), the Job gets them as --param; it records the run, not this side."""
    import uuid

    from runner.execute import params as params_mod
    from runner.execute.engine import validate
    from runner.execute.ui import UI
    from runner.kube import default_namespace
    from runner.kube.job import DEFAULT_IMAGE, JobOptions, RunRequest, run_in_cluster

    validate(rb)
    ui = UI(lang, json_mode=as_json, interactive=sys.stdin.isatty())
    prompt = ui.ask_param if ui.interactive else None
    values = params_mod.resolve(rb, dict(given), list(args), prompt=prompt)
    namespace, image, account = job_options
    options = JobOptions(
        namespace=namespace or default_namespace(),
        image=image or DEFAULT_IMAGE,
        service_account=account,
    )
    request = RunRequest(
        run_id=run_id or str(uuid.uuid4()),
        params=values,
        alert_payload=alert_payload,
        json_events=as_json,
        extra_args=tuple(passed),
    )
    return run_in_cluster(rb, options, request)


def _no_confirm_steps(rb: Any, only: tuple[str, ...], start: str | None) -> None:
    """A Job has no terminal: a step that must be confirmed would stop it (exit 2) after it
    started, so refuse before creating anything."""
    from runner.execute.engine import PrerequisiteError

    ids = [step.id for step in rb.steps]
    first = ids.index(start) if start in ids else 0
    for step in rb.steps[first:]:
        if (not only or step.id in only) and step.runs and step.confirm:
            raise PrerequisiteError(
                "job-needs-confirmation", path=rb.path, line=step.line, id=step.id
            )
