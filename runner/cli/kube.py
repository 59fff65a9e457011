"""``runner kube``: the manifests a runbook needs to run inside the cluster."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

import click

from runner.cli import params_option

_params_option = params_option(
    "A parameter value (repeatable); namespaces in requires.access use them."
)


@click.group("kube")
def kube_cmd() -> None:
    """Manifests for running runbooks as Kubernetes Jobs (print them; apply with kubectl
    or commit them to your GitOps repository)."""


@kube_cmd.command("rbac")
@click.argument("runbook")
@click.option("--namespace", "-n", default="runbooks", show_default=True, metavar="NS")
@_params_option
def rbac_cmd(runbook: str, namespace: str, params: tuple[str, ...]) -> None:
    """The ServiceAccount a runbook's Jobs run as, with a Role (per namespace) granting
    exactly its requires.access and what its kube steps need.

    runner kube rbac runbooks/high-cpu.yml -p ENV=prod | kubectl apply -f -
    """
    from runner.discover import resolve
    from runner.execute.params import parse_assignments
    from runner.kube.job import rbac_manifests

    rb = resolve(runbook)
    values = {p.name: p.default for p in rb.params if p.default is not None}
    with _one_line():
        _print(rbac_manifests(rb, namespace, {**values, **parse_assignments(params)}))


@kube_cmd.command("job")
@click.argument("runbook")
@click.option("--namespace", "-n", default="runbooks", show_default=True, metavar="NS")
@click.option("--image", envvar="RUNNER_JOB_IMAGE", metavar="IMAGE", help="The runner image.")
@click.option("--service-account", metavar="NAME", help="Default: runbook-<id>.")
@_params_option
def job_cmd(
    runbook: str,
    namespace: str,
    image: str | None,
    service_account: str | None,
    params: tuple[str, ...],
) -> None:
    """The Job and ConfigMap `runner exec --in-cluster-job` would create (with a new run
    id), without creating them."""
    from runner.discover import resolve
    from runner.execute.params import parse_assignments
    from runner.execute.params import resolve as resolve_params
    from runner.kube.job import DEFAULT_IMAGE, JobOptions, RunRequest, job_manifests

    rb = resolve(runbook)
    values = resolve_params(rb, parse_assignments(params), [], prompt=None)
    options = JobOptions(
        namespace=namespace, image=image or DEFAULT_IMAGE, service_account=service_account
    )
    with _one_line():
        job, config_map = job_manifests(rb, options, RunRequest(str(uuid.uuid4()), values))
    _print([job, config_map])


@contextlib.contextmanager
def _one_line() -> Iterator[None]:
    from runner.errors import UsageError
    from runner.kube import KubeError

    try:
        yield
    except KubeError as exc:
        raise UsageError("kube-error", reason=str(exc)) from None


def _print(objects: list[dict]) -> None:  # type: ignore[type-arg]
    import yaml

    click.echo(
        yaml.safe_dump_all(objects, sort_keys=False, allow_unicode=True, width=1000), nl=False
    )
