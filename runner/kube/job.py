"""Run a runbook inside the cluster, as a Kubernetes Job, and follow it from here.

``runner exec --in-cluster-job`` (and ``runner serve --executor kubernetes``) create:

- a **Job** running ``runner exec /runbook/FILE --yes`` in the runner image, as the
  runbook's ServiceAccount (``runner kube rbac`` prints it with a Role holding exactly
  the runbook's ``requires.access``), never retried (``backoffLimit: 0``: a runbook is
  not idempotent), cleaned up a day after it ends;
- a **ConfigMap** with the runbook text (and the alert payload, if any), owned by the
  Job so that it goes when the Job goes.

The runner inside records telemetry to the team's store (``RUNNER_STORE`` from the
``runner-store`` Secret, key ``url``) under the run id given here; this side streams the
pod's log and returns the runner's exit code. The manifests are plain data, so they are
printed (``runner kube job``) and validated against the Kubernetes OpenAPI schema in
tests exactly as they are sent.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import re
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, TextIO
from urllib.parse import quote

from runner import __version__
from runner.kube import KubeError
from runner.kube import spec as kube_spec
from runner.kube.rest import Rest, path
from runner.model import Runbook

LABEL_PREFIX = "runbooks.runner.dev"
MOUNT = "/runbook"
DEFAULT_IMAGE = f"ghcr.io/example/executable-runbooks:{__version__}"
STORE_SECRET = "runner-store"
TTL_S = 86400
# waiting reasons that will not fix themselves: stop following and say why
STUCK = {
    "ErrImagePull",
    "ImagePullBackOff",
    "InvalidImageName",
    "CreateContainerConfigError",
    "CreateContainerError",
}


@dataclass(frozen=True, slots=True)
class JobOptions:
    namespace: str
    image: str = DEFAULT_IMAGE
    service_account: str | None = None  # default: runbook-<id>
    store_secret: str = STORE_SECRET
    deadline_s: int = 3600


@dataclass(frozen=True, slots=True)
class RunRequest:
    """One run to do in a Job: its id, parameter values and what to pass on."""

    run_id: str
    params: Mapping[str, str]
    alert_payload: str | None = None  # Alertmanager's JSON, for alert runs
    json_events: bool = False
    extra_args: tuple[str, ...] = ()  # --dry-run, --step ..., passed to the runner


def dns_label(text: str, limit: int = 63) -> str:
    """``text`` as a Kubernetes name: lower-case, [a-z0-9-], at most ``limit`` long."""
    label = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "runbook"
    if len(label) > limit:
        digest = hashlib.sha256(text.encode()).hexdigest()[:6]
        label = label[: limit - 7].rstrip("-") + "-" + digest
    return label


def service_account_of(runbook: Runbook) -> str:
    return dns_label(f"runbook-{runbook.id}")


def _labels(runbook: Runbook, run_id: str | None = None) -> dict[str, str]:
    labels = {
        "app.kubernetes.io/name": "runner",
        "app.kubernetes.io/component": "runbook",
        "app.kubernetes.io/managed-by": "runner",
        f"{LABEL_PREFIX}/runbook": dns_label(runbook.id),
    }
    if run_id:
        labels[f"{LABEL_PREFIX}/run-id"] = dns_label(run_id)
    return labels


def job_manifests(
    runbook: Runbook, options: JobOptions, request: RunRequest
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(Job, ConfigMap) for one run. The ConfigMap's owner (the Job) is set on create."""
    run_id, params = request.run_id, request.params
    secret = [p.name for p in runbook.params if p.secret and p.name in params]
    if secret:
        raise KubeError(
            f"secret parameter {', '.join(secret)} would be written into the Job in the "
            "clear: run this runbook locally, or give the Job the value from a Secret"
        )
    name = dns_label(f"runbook-{runbook.id}-{run_id[:8]}")
    file_name = PurePosixPath(runbook.path).name
    data = {file_name: runbook.text}
    args = ["exec", f"{MOUNT}/{file_name}", "--yes", "--no-feedback", "--run-id", run_id]
    if request.alert_payload is not None:
        data["alert.json"] = request.alert_payload
        args += ["--alert-payload", f"{MOUNT}/alert.json"]
    for key, value in params.items():
        args += ["--param", f"{key}={value}"]
    if request.json_events:
        args.append("--json")
    args += request.extra_args
    labels = _labels(runbook, run_id)
    config_map = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": options.namespace, "labels": labels},
        "data": data,
    }
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name, "namespace": options.namespace, "labels": labels},
        "spec": {
            "backoffLimit": 0,
            "activeDeadlineSeconds": options.deadline_s,
            "ttlSecondsAfterFinished": TTL_S,
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "serviceAccountName": options.service_account or service_account_of(runbook),
                    "restartPolicy": "Never",
                    "securityContext": {
                        "runAsNonRoot": True,
                        "runAsUser": 10001,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "containers": [
                        {
                            "name": "runner",
                            "image": options.image,
                            "command": ["runner"],
                            "args": args,
                            "env": [
                                {
                                    "name": "RUNNER_STORE",
                                    "valueFrom": {
                                        "secretKeyRef": {
                                            "name": options.store_secret,
                                            "key": "url",
                                        }
                                    },
                                },
                                {"name": "HOME", "value": "/tmp"},
                            ],
                            "volumeMounts": [
                                {"name": "runbook", "mountPath": MOUNT, "readOnly": True},
                                {"name": "tmp", "mountPath": "/tmp"},
                            ],
                            "resources": {
                                "requests": {"cpu": "50m", "memory": "128Mi"},
                                "limits": {"memory": "512Mi"},
                            },
                            "securityContext": {
                                "allowPrivilegeEscalation": False,
                                "readOnlyRootFilesystem": True,
                                "capabilities": {"drop": ["ALL"]},
                            },
                        }
                    ],
                    "volumes": [
                        {"name": "runbook", "configMap": {"name": name}},
                        {"name": "tmp", "emptyDir": {}},
                    ],
                },
            },
        },
    }
    return job, config_map


def rbac_manifests(
    runbook: Runbook, namespace: str, params: Mapping[str, str]
) -> list[dict[str, Any]]:
    """ServiceAccount, and Role + RoleBinding granting what the runbook declares in
    ``requires.access`` and what its kube steps need (one Role per namespace)."""
    from runner.kube import ALIASES, GROUPS
    from runner.parse.kube_step import spec_of

    account = service_account_of(runbook)
    wanted: dict[str, set[tuple[str, str]]] = {}  # namespace -> (verb, resource)
    cluster_wide: set[tuple[str, str]] = set()

    def fill(text: str) -> str:
        filled = kube_spec.fill_refs(text, params)
        if "$" in filled:
            raise KubeError(f"namespace {text} has no value: pass it with --param")
        return filled

    for access in runbook.requires.access:
        ns = fill(access.namespace) if access.namespace else namespace
        wanted.setdefault(ns, set()).add((access.verb, access.resource))
    for step in runbook.steps:
        spec = spec_of(step.source) if step.lang == "kube" else None
        if spec is None:
            continue
        pairs = set(kube_spec.access(spec))
        if spec.action in {"cordon", "uncordon", "drain"}:
            cluster_wide.update(p for p in pairs if p[1] == "nodes")
            pairs = {p for p in pairs if p[1] != "nodes"}
            if spec.action == "drain":  # pods are listed and evicted on every namespace
                cluster_wide.update(pairs)
                continue
        ns = fill(spec.namespace) if spec.namespace else namespace
        wanted.setdefault(ns, set()).update(pairs)
    labels = {"app.kubernetes.io/name": "runner", f"{LABEL_PREFIX}/runbook": dns_label(runbook.id)}

    def rules(pairs: set[tuple[str, str]]) -> list[dict[str, Any]]:
        grouped: dict[tuple[str, str], set[str]] = {}
        for verb, resource in sorted(pairs):
            base, _, sub = resource.partition("/")
            base = ALIASES.get(base, base)
            full = f"{base}/{sub}" if sub else base
            grouped.setdefault((GROUPS.get(base, ""), full), set()).add(verb)
        return [
            {"apiGroups": [group], "resources": [resource], "verbs": sorted(verbs)}
            for (group, resource), verbs in sorted(grouped.items())
        ]

    out: list[dict[str, Any]] = [
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": account, "namespace": namespace, "labels": labels},
        }
    ]
    subject = [{"kind": "ServiceAccount", "name": account, "namespace": namespace}]
    for ns, pairs in sorted(wanted.items()):
        out.append(
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "Role",
                "metadata": {"name": account, "namespace": ns, "labels": labels},
                "rules": rules(pairs),
            }
        )
        out.append(
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "RoleBinding",
                "metadata": {"name": account, "namespace": ns, "labels": labels},
                "roleRef": {
                    "apiGroup": "rbac.authorization.k8s.io",
                    "kind": "Role",
                    "name": account,
                },
                "subjects": subject,
            }
        )
    if cluster_wide:
        name = dns_label(f"{account}-{namespace}")
        out.append(
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRole",
                "metadata": {"name": name, "labels": labels},
                "rules": rules(cluster_wide),
            }
        )
        out.append(
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRoleBinding",
                "metadata": {"name": name, "labels": labels},
                "roleRef": {
                    "apiGroup": "rbac.authorization.k8s.io",
                    "kind": "ClusterRole",
                    "name": name,
                },
                "subjects": subject,
            }
        )
    return out


def submit(job: dict[str, Any], config_map: dict[str, Any], rest: Rest) -> str:
    """Create the Job, then its ConfigMap owned by it; the Job's pod waits for the
    ConfigMap volume, so nothing runs before both exist. Returns the Job's uid."""
    from kubernetes.client.exceptions import ApiException

    namespace = job["metadata"]["namespace"]
    account = job["spec"]["template"]["spec"]["serviceAccountName"]
    try:
        rest.get(path("/api/v1/namespaces/{ns}/serviceaccounts/{name}", ns=namespace, name=account))
    except ApiException as exc:
        if exc.status == 404:
            raise KubeError(
                f"no ServiceAccount {account} in namespace {namespace}: create it with "
                f"`runner kube rbac RUNBOOK -n {namespace} | kubectl apply -f -`"
            ) from None
        raise
    created = rest.json("POST", path("/apis/batch/v1/namespaces/{ns}/jobs", ns=namespace), body=job)
    uid = str(created["metadata"]["uid"])
    owned = {
        **config_map,
        "metadata": {
            **config_map["metadata"],
            "ownerReferences": [
                {
                    "apiVersion": "batch/v1",
                    "kind": "Job",
                    "name": job["metadata"]["name"],
                    "uid": uid,
                    "controller": False,
                    "blockOwnerDeletion": False,
                }
            ],
        },
    }
    try:
        rest.json("POST", path("/api/v1/namespaces/{ns}/configmaps", ns=namespace), body=owned)
    except Exception:
        # without its ConfigMap the pod would wait for the volume until the deadline
        job_path = path(
            "/apis/batch/v1/namespaces/{ns}/jobs/{name}", ns=namespace, name=job["metadata"]["name"]
        )
        with contextlib.suppress(Exception):
            rest.json("DELETE", job_path, query={"propagationPolicy": "Background"})
        raise
    return uid


def follow(
    job: dict[str, Any],
    rest: Rest,
    *,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    poll_s: float = 1.0,
) -> int:
    """Stream the Job's pod log to ``out``; return the runner's exit code in the pod."""
    namespace, name = job["metadata"]["namespace"], job["metadata"]["name"]
    selector = f"job-name={name}"
    pods_path = path("/api/v1/namespaces/{ns}/pods", ns=namespace)
    status_path = path("/apis/batch/v1/namespaces/{ns}/jobs/{name}/status", ns=namespace, name=name)
    said = ""
    while True:  # wait for the pod to start (or to fail to)
        pods = rest.get(pods_path, labelSelector=selector)["items"]
        pod = pods[0] if pods else None
        phase = pod.get("status", {}).get("phase") if pod else None
        if pod is not None:
            for status in pod.get("status", {}).get("containerStatuses") or []:
                waiting = (status.get("state") or {}).get("waiting") or {}
                if waiting.get("reason") in STUCK:
                    raise KubeError(
                        f"pod {pod['metadata']['name']} cannot start: {waiting['reason']}: "
                        f"{waiting.get('message', '')}".rstrip(": ")
                        + f" (the Job {name} is left for inspection)"
                    )
        if phase in {"Running", "Succeeded", "Failed"}:
            break
        state = _job_state(rest.get(status_path))
        if state is not None:
            raise KubeError(f"Job {name} ended before its pod ran: {state}")
        message = f"waiting for the pod of Job {name} ({phase or 'not created yet'})"
        if message != said:
            err.write(message + "\n")
            err.flush()
            said = message
        time.sleep(poll_s)
    assert pod is not None
    pod_name = pod["metadata"]["name"]
    pod_path = f"{pods_path}/{quote(pod_name, safe='')}"
    query = {"container": "runner", "follow": True}
    response = rest.request("GET", f"{pod_path}/log", query=query, timeout=None).response
    decoder = codecs.getincrementaldecoder("utf-8")("replace")  # chunks split characters
    try:
        for chunk in response.stream(65536):
            out.write(decoder.decode(chunk))
            out.flush()
        out.write(decoder.decode(b"", final=True))
    finally:
        response.release_conn()
    deadline = time.monotonic() + 60
    while True:  # the log ends when the container does; its exit code is the answer
        pod = rest.get(pod_path)
        for status in pod.get("status", {}).get("containerStatuses") or []:
            terminated = (status.get("state") or {}).get("terminated")
            if status.get("name") == "runner" and terminated is not None:
                return int(terminated.get("exitCode", 1))
        if time.monotonic() > deadline:
            raise KubeError(f"pod {pod_name} did not report how the runner ended")
        time.sleep(poll_s)


def _job_state(job: dict[str, Any]) -> str | None:
    for condition in job.get("status", {}).get("conditions") or []:
        if condition.get("type") == "Failed" and condition.get("status") == "True":
            return f"{condition.get('reason', 'Failed')}: {condition.get('message', '')}"
    return None


def run_in_cluster(
    runbook: Runbook, options: JobOptions, request: RunRequest, *, err: TextIO = sys.stderr
) -> int:
    """Submit the run as a Job and follow it; the exit code is the runner's in the pod.
    Failures to submit are PrerequisiteError (exit 5); failures while following, 1."""
    from runner.execute.engine import PrerequisiteError
    from runner.kube import _client, explain

    try:
        _, api = _client()
        rest = Rest(api)
        job, config_map = job_manifests(runbook, options, request)
        submit(job, config_map, rest)
    except Exception as exc:  # every client failure becomes one explained line
        raise PrerequisiteError("kube-error", reason=explain(exc)) from None
    name = job["metadata"]["name"]
    err.write(f"Job {name} created in namespace {options.namespace} (run id {request.run_id})\n")
    err.flush()
    try:
        return follow(job, rest, err=err)
    except KeyboardInterrupt:
        err.write(
            f"\nstopped following; the Job keeps running. Stop it with: "
            f"kubectl delete job {name} -n {options.namespace}\n"
        )
        return 130
    except Exception as exc:
        err.write(f"✘ {explain(exc)}\n")
        return 1
