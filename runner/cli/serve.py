"""``runner serve``."""

from __future__ import annotations

import os

import click

from runner.errors import UsageError


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=9095, show_default=True, type=int)
@click.option(
    "--token",
    envvar="RUNNER_WEBHOOK_TOKEN",
    metavar="TOKEN",
    help="Bearer token Alertmanager must send (or RUNNER_WEBHOOK_TOKEN).",
)
@click.option("--no-auth", is_flag=True, help="Accept webhooks without a token (tests only).")
@click.option(
    "--hmac-secret",
    envvar="RUNNER_WEBHOOK_HMAC",
    metavar="SECRET",
    help="Also require an X-Runner-Signature HMAC-SHA256 of the body.",
)
@click.option("--store", metavar="URL", envvar="RUNNER_STORE", help="Telemetry store.")
@click.option("--workers", default=2, show_default=True, help="Automatic runs at once.")
@click.option(
    "--max-runs",
    default=5,
    show_default=True,
    help="Circuit breaker: automatic runs of one runbook per --window.",
)
@click.option("--window", default="10m", show_default=True, metavar="DURATION")
@click.option("--max-body", default=1024 * 1024, show_default=True, help="Bytes.")
@click.option(
    "--executor",
    type=click.Choice(["local", "kubernetes"]),
    default="local",
    show_default=True,
    help="Where automatic runs run: here, or as Kubernetes Jobs (see `runner exec "
    "--in-cluster-job`).",
)
@click.option(
    "--job-namespace",
    metavar="NS",
    help="With --executor kubernetes: the Jobs' namespace (default: the context's, or "
    "the receiver pod's own).",
)
@click.option(
    "--job-image",
    envvar="RUNNER_JOB_IMAGE",
    metavar="IMAGE",
    help="With --executor kubernetes: the runner image (env RUNNER_JOB_IMAGE).",
)
def serve_cmd(
    *,
    host: str,
    port: int,
    token: str | None,
    no_auth: bool,
    hmac_secret: str | None,
    store: str | None,
    workers: int,
    max_runs: int,
    window: str,
    max_body: int,
    executor: str,
    job_namespace: str | None,
    job_image: str | None,
) -> None:
    """Alertmanager webhook receiver: POST /alertmanager, GET /metrics, GET /healthz.

    Alerts are matched to their runbooks and recorded; runbooks with `auto: true` (and no
    step that needs confirmation) run automatically, one at a time per runbook, at most
    --max-runs per --window.
    """
    from runner.discover import discover, project_root
    from runner.parse.durations import parse_duration
    from runner.serve.queue import Policy
    from runner.serve.server import Config, Receiver, Workers
    from runner.telemetry import default_location, open_store

    if token is None and not no_auth:
        raise UsageError("serve-needs-token")
    window_s = parse_duration(window)
    if not window_s:
        raise UsageError("bad-duration-option", value=window)
    root = project_root()
    runbooks: dict[str, list] = {}  # type: ignore[type-arg]
    for found in discover():
        if found.runbook is not None and found.runbook.is_runbook:
            for alert in found.runbook.alerts:
                runbooks.setdefault(alert.lower(), []).append(found.runbook)
    store_url = store or os.environ.get("RUNNER_STORE") or str(default_location())
    db = open_store(store_url)
    config = Config(
        token=None if no_auth else token,
        hmac_secret=hmac_secret,
        max_body=max_body,
        policy=Policy(max_runs=max_runs, window_s=window_s),
    )
    server = Receiver((host, port), db, config, runbooks)
    job_args: list[str] = []
    if executor == "kubernetes":
        job_args = ["--in-cluster-job"]
        job_args += ["--namespace", job_namespace] if job_namespace else []
        job_args += ["--image", job_image] if job_image else []
    elif job_namespace or job_image:
        raise click.UsageError("--job-namespace and --job-image go with --executor kubernetes")
    pool = Workers(db, store_url, root, workers, job_args)
    pool.start()
    click.echo(
        f"runner serve: http://{host}:{server.server_address[1]}/alertmanager "
        f"({sum(len(v) for v in runbooks.values())} alert route(s), {workers} worker(s), "
        f"executor {executor})",
        err=True,
    )
    try:
        server.serve_forever()
    finally:
        pool.stop()
        server.server_close()
