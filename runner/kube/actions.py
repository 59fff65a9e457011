"""Structured Kubernetes steps, done through the official client.

Each action prints what a responder needs to see (tables like ``kubectl get``, the log
lines, the before → after of a scale) and returns an exit code. Requests go by path
(``runner.kube.rest``) and answers are read as the API's JSON, so a field the client's
models do not know cannot break a step in the middle of an incident. With ``dry_run``
every write is sent with ``dryRun=All``: the API server validates and authorises it
and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from runner.kube import KubeError
from runner.kube.rest import Rest, path
from runner.kube.spec import KubeSpec
from runner.parse.durations import parse_duration

RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_PATCH = "application/strategic-merge-patch+json"
# how often rollout-status and drain look again (RUNNER_KUBE_POLL, seconds)
POLL_S = float(os.environ.get("RUNNER_KUBE_POLL", "1"))


class Cluster:
    """Where a step works: the API (by path, see ``rest``), and the default namespace."""

    def __init__(self, api: Any, client: Any, namespace: str) -> None:
        self.api = api
        self.client = client
        self.namespace = namespace
        self.rest = Rest(api)

    @functools.cached_property
    def core(self) -> Any:
        """The typed CoreV1Api, only for exec (its WebSocket goes through the client)."""
        return self.client.CoreV1Api(self.api)


def run(spec: KubeSpec, cluster: Cluster, *, dry_run: bool, out: TextIO = sys.stdout) -> int:
    action = ACTIONS[spec.action]
    return action(spec, cluster, dry_run, out)


# -- reading


def _age(stamp: str | None, now: dt.datetime | None = None) -> str:
    if not stamp:
        return "<unknown>"
    when = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    seconds = int(((now or dt.datetime.now(dt.UTC)) - when).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= 2 * size or (unit == "m" and seconds >= 60):
            return f"{seconds // size}{unit}"
    return f"{max(seconds, 0)}s"


def table(rows: list[list[str]], out: TextIO) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        out.write("   ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        out.write("\n")


def _pod_row(pod: dict[str, Any]) -> list[str]:
    meta, status = pod["metadata"], pod.get("status", {})
    containers = status.get("containerStatuses") or []
    ready = sum(1 for c in containers if c.get("ready"))
    total = len(pod.get("spec", {}).get("containers") or containers)
    restarts = sum(int(c.get("restartCount", 0)) for c in containers)
    phase = status.get("phase", "Unknown")
    for c in containers:  # the reason a container waits says more than the phase
        waiting = (c.get("state") or {}).get("waiting")
        if waiting and waiting.get("reason"):
            phase = waiting["reason"]
    if meta.get("deletionTimestamp"):
        phase = "Terminating"
    return [
        meta["name"],
        f"{ready}/{total}",
        phase,
        str(restarts),
        _age(meta.get("creationTimestamp")),
        pod.get("spec", {}).get("nodeName") or "<none>",
    ]


def _workload_row(obj: dict[str, Any]) -> list[str]:
    spec, status = obj.get("spec", {}), obj.get("status", {})
    want = int(spec.get("replicas", 1))
    return [
        obj["metadata"]["name"],
        f"{int(status.get('readyReplicas', 0))}/{want}",
        str(int(status.get("updatedReplicas", 0))),
        str(int(status.get("availableReplicas", 0))),
        _age(obj["metadata"].get("creationTimestamp")),
    ]


def _metric_text(hpa: dict[str, Any]) -> str:
    current = {
        m.get("resource", {}).get("name"): m.get("resource", {}).get("current", {})
        for m in hpa.get("status", {}).get("currentMetrics") or []
        if m.get("type") == "Resource"
    }
    parts = []
    for metric in hpa.get("spec", {}).get("metrics") or []:
        if metric.get("type") != "Resource":
            parts.append(f"{metric.get('type', '?').lower()}: …")
            continue
        name = metric["resource"]["name"]
        target = metric["resource"].get("target", {})
        now = current.get(name, {})
        if "averageUtilization" in target:
            have = now.get("averageUtilization")
            shown = f"{have}%" if have is not None else "<unknown>"
            parts.append(f"{name}: {shown}/{target['averageUtilization']}%")
        else:
            have = now.get("averageValue", "<unknown>")
            parts.append(f"{name}: {have}/{target.get('averageValue', '?')}")
    return ", ".join(parts) or "<none>"


def _hpa_row(hpa: dict[str, Any]) -> list[str]:
    spec, status = hpa.get("spec", {}), hpa.get("status", {})
    ref = spec.get("scaleTargetRef", {})
    return [
        hpa["metadata"]["name"],
        f"{ref.get('kind', '?')}/{ref.get('name', '?')}",
        _metric_text(hpa),
        str(spec.get("minReplicas", 1)),
        str(spec.get("maxReplicas", "?")),
        str(status.get("currentReplicas", 0)),
        _age(hpa["metadata"].get("creationTimestamp")),
    ]


def _node_row(node: dict[str, Any]) -> list[str]:
    conditions = node.get("status", {}).get("conditions") or []
    ready: dict[str, Any] = next((c for c in conditions if c.get("type") == "Ready"), {})
    state = "Ready" if ready.get("status") == "True" else "NotReady"
    if node.get("spec", {}).get("unschedulable"):
        state += ",SchedulingDisabled"
    labels = node["metadata"].get("labels") or {}
    prefix = "node-role.kubernetes.io/"
    roles = ",".join(sorted(k[len(prefix) :] for k in labels if k.startswith(prefix)))
    return [
        node["metadata"]["name"],
        state,
        roles or "<none>",
        _age(node["metadata"].get("creationTimestamp")),
        node.get("status", {}).get("nodeInfo", {}).get("kubeletVersion", ""),
    ]


def _job_row(job: dict[str, Any]) -> list[str]:
    status = job.get("status", {})
    conditions = {c["type"]: c["status"] for c in status.get("conditions") or []}
    state = (
        "Complete"
        if conditions.get("Complete") == "True"
        else "Failed"
        if conditions.get("Failed") == "True"
        else "Running"
    )
    want = job.get("spec", {}).get("completions", 1)
    return [
        job["metadata"]["name"],
        state,
        f"{status.get('succeeded', 0)}/{want}",
        _age(job["metadata"].get("creationTimestamp")),
    ]


# resource -> (header, row, list call, list-all call, read call) names on the cluster
GET: dict[str, tuple[list[str], Callable[[dict[str, Any]], list[str]]]] = {
    "pods": (["NAME", "READY", "STATUS", "RESTARTS", "AGE", "NODE"], _pod_row),
    "deployments": (["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], _workload_row),
    "statefulsets": (["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], _workload_row),
    "horizontalpodautoscalers": (
        ["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"],
        _hpa_row,
    ),
    "nodes": (["NAME", "STATUS", "ROLES", "AGE", "VERSION"], _node_row),
    "jobs": (["NAME", "STATUS", "COMPLETIONS", "AGE"], _job_row),
}


# resource -> (its path in a namespace, everywhere); a name is added to the first
PATHS = {
    "pods": ("/api/v1/namespaces/{ns}/pods", "/api/v1/pods"),
    "deployments": ("/apis/apps/v1/namespaces/{ns}/deployments", "/apis/apps/v1/deployments"),
    "statefulsets": (
        "/apis/apps/v1/namespaces/{ns}/statefulsets",
        "/apis/apps/v1/statefulsets",
    ),
    "daemonsets": ("/apis/apps/v1/namespaces/{ns}/daemonsets", "/apis/apps/v1/daemonsets"),
    "horizontalpodautoscalers": (
        "/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers",
        "/apis/autoscaling/v2/horizontalpodautoscalers",
    ),
    "nodes": ("/api/v1/nodes", "/api/v1/nodes"),
    "jobs": ("/apis/batch/v1/namespaces/{ns}/jobs", "/apis/batch/v1/jobs"),
}


def object_path(resource: str, namespace: str, name: str, sub: str = "") -> str:
    """The path of one object (and of its subresource ``sub``)."""
    template = PATHS[resource][0] + "/{name}" + (f"/{sub}" if sub else "")
    return path(template, ns=namespace, name=name)


def do_get(spec: KubeSpec, cluster: Cluster, dry_run: bool, out: TextIO) -> int:
    f = spec.fields
    resource = f["resource"]
    header, row = GET[resource]
    namespace = spec.namespace or cluster.namespace
    selector = {"labelSelector": f["selector"]} if "selector" in f else {}
    scoped = resource != "nodes"
    rest = cluster.rest
    if "name" in f:
        items = [rest.get(object_path(resource, namespace, f["name"]))]
    elif f.get("all-namespaces") or not scoped:
        items = rest.get(PATHS[resource][1], **selector)["items"]
    else:
        items = rest.get(path(PATHS[resource][0], ns=namespace), **selector)["items"]
    if not items:
        where = f" in namespace {namespace}" if scoped and not f.get("all-namespaces") else ""
        sel = f" matching {f['selector']}" if "selector" in f else ""
        out.write(f"No {resource}{sel}{where}.\n")
        return 0
    rows = [row(item) for item in items]
    if f.get("all-namespaces") and scoped:
        header = ["NAMESPACE", *header]
        rows = [[i["metadata"].get("namespace", ""), *r] for i, r in zip(items, rows, strict=True)]
    table([header, *rows], out)
    return 0


def _pods(spec: KubeSpec, cluster: Cluster, namespace: str) -> list[str]:
    """The pod named, or the pods the selector matches (running ones first)."""
    f = spec.fields
    if "pod" in f:
        return [str(f["pod"])]
    where = path(PATHS["pods"][0], ns=namespace)
    items = cluster.rest.get(where, labelSelector=f["selector"])["items"]
    if not items:
        raise KubeError(f"no pod matches {f['selector']} in namespace {namespace}")
    items.sort(key=lambda p: (p.get("status", {}).get("phase") != "Running", p["metadata"]["name"]))
    return [p["metadata"]["name"] for p in items]


def _lines(response: Any) -> Iterator[str]:
    """Log lines as they stream in; memory stays bounded however long the log is."""
    pending = b""
    for chunk in response.stream(65536):
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for line in complete:
            yield line.decode("utf-8", "replace")
    if pending:
        yield pending.decode("utf-8", "replace")


def do_logs(spec: KubeSpec, cluster: Cluster, dry_run: bool, out: TextIO) -> int:
    f = spec.fields
    namespace = spec.namespace or cluster.namespace
    pods = _pods(spec, cluster, namespace)
    pattern = re.compile(f["grep"]) if "grep" in f else None
    query: dict[str, Any] = {
        "container": f.get("container"),
        "tailLines": f.get("tail"),
        "sinceSeconds": int(parse_duration(f["since"]) or 0) if "since" in f else None,
        "previous": True if f.get("previous") else None,
    }
    matched = 0
    for pod in pods:
        where = object_path("pods", namespace, pod, "log")
        response = cluster.rest.request("GET", where, query=query, timeout=60).response
        prefix = f"[{pod}] " if len(pods) > 1 else ""
        try:
            for line in _lines(response):
                if pattern is None or pattern.search(line):
                    matched += 1
                    out.write(prefix + line + "\n")
        finally:
            response.release_conn()
    if pattern is not None and not matched:
        out.write(f"(no line matches {f['grep']!r})\n")
    return 0


def do_exec(spec: KubeSpec, cluster: Cluster, dry_run: bool, out: TextIO) -> int:
    from kubernetes.stream import stream

    f = spec.fields
    namespace = spec.namespace or cluster.namespace
    pod = _pods(spec, cluster, namespace)[0]
    options = {"container": f["container"]} if "container" in f else {}
    if "selector" in f:
        out.write(f"(in pod {pod})\n")
        out.flush()
    ws = stream(
        cluster.core.connect_get_namespaced_pod_exec,
        pod,
        namespace,
        command=list(f["command"]),
        stderr=True,
        stdin=False,
        stdout=True,
        tty=False,
        _preload_content=False,
        **options,
    )
    try:
        while ws.is_open():
            ws.update(timeout=1)
            if ws.peek_stdout():
                out.write(ws.read_stdout())
                out.flush()
            if ws.peek_stderr():
                sys.stderr.write(ws.read_stderr())
                sys.stderr.flush()
        code = ws.returncode
    finally:
        ws.close()
    return int(code) if code is not None else 1


# -- writing


def _dry(dry_run: bool) -> dict[str, str] | None:
    return {"dryRun": "All"} if dry_run else None


def _done(dry_run: bool) -> str:
    return " (server-side dry run: accepted, nothing changed)" if dry_run else ""


def do_scale(spec: KubeSpec, cluster: Cluster, dry_run: bool, out: TextIO) -> int:
    f = spec.fields
    namespace = spec.namespace or cluster.namespace
    target = spec.target()
    assert target is not None
    kind, name = target
    where = object_path(f"{kind}s", namespace, name, "scale")
    current = int(cluster.rest.get(where).get("spec", {}).get("replicas", 0))
    wanted = f["replicas"]
    if isinstance(wanted, str):  # +N / -N relative to now
        wanted = current + int(wanted)
    if wanted < 0:
        raise KubeError(f"{kind}/{name} has {current} replicas: cannot go to {wanted}")
    if "max" in f and wanted > int(f["max"]):
        raise KubeError(f"{kind}/{name}: {wanted} replicas is above this step's max {f['max']}")
    if "min" in f and wanted < int(f["min"]):
        raise KubeError(f"{kind}/{name}: {wanted} replicas is below this step's min {f['min']}")
    cluster.rest.patch(where, {"spec": {"replicas": wanted}}, MERGE_PATCH, dry_run=dry_run)
    out.write(f"{kind}/{name} in {namespace}: {current} → {wanted} replicas{_done(dry_run)}\n")
    _warn_hpa(cluster, namespace, kind, name, wanted, out)
    return 0


def _warn_hpa(
    cluster: Cluster, namespace: str, kind: str, name: str, wanted: int, out: TextIO
) -> None:
    """An HPA on the workload undoes a manual scale; say so, and what to change instead."""
    from kubernetes.client.exceptions import ApiException

    try:
        hpas = cluster.rest.get(path(PATHS["horizontalpodautoscalers"][0], ns=namespace))
    except ApiException:
        return  # not allowed to list HPAs: nothing to say
    for hpa in hpas.get("items", []):
        ref = hpa.get("spec", {}).get("scaleTargetRef", {})
        if ref.get("kind", "").lower() == kind and ref.get("name") == name:
            spec = hpa["spec"]
            low, high = spec.get("minReplicas", 1), spec.get("maxReplicas")
            if not (low <= wanted <= (high or wanted)):
                out.write(
                    f"warning: HPA {hpa['metadata']['name']} keeps {kind}/{name} between "
                    f"{low} and {high} replicas and will undo this; change its "
                    f"{'maxReplicas' if wanted > (high or 0) else 'minReplicas'} instead\n"
                )
            else:
                out.write(
                    f"note: HPA {hpa['metadata']['name']} manages {kind}/{name} "
                    f"({low}–{high} replicas) and may change this again\n"
                )


def do_rollout_restart(spec: KubeSpec, cluster: Cluster, dry_run: bool, out: TextIO) -> int:
    namespace = spec.namespace or cluster.namespace
    target = spec.target()
    assert target is not None
    kind, name = target
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = {"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: now}}}}}
    cluster.rest.patch(
        object_path(f"{kind}s", namespace, name), body, STRATEGIC_PATCH, dry_run=dry_run
    )
    out.write(f"{kind}/{name} in {namespace}: restarted{_done(dry_run)}\n")
    return 0


def rollout_state(kind: str, obj: dict[str, Any]) -> tuple[bool, str]:
    """(finished, what kubectl rollout status would say)."""
    meta, spec, status = obj["metadata"], obj.get("spec", {}), obj.get("status", {})
    name = meta["name"]
    if int(status.get("observedGeneration", 0)) < int(meta.get("generation", 0)):
        return False, f"Waiting for {kind} {name!r} spec update to be observed..."
    if kind == "daemonset":
        want = int(status.get("desiredNumberScheduled", 0))
        updated = int(status.get("updatedNumberScheduled", 0))
        available = int(status.get("numberAvailable", 0))
    else:
        want = int(spec.get("replicas", 1))
        updated = int(status.get("updatedReplicas", 0))
        available = int(status.get("availableReplicas", status.get("readyReplicas", 0)))
    for condition in status.get("conditions") or []:
        if condition.get("reason") == "ProgressDeadlineExceeded":
            raise KubeError(f"{kind} {name!r} exceeded its progress deadline")
    if updated < want:
        return False, (
            f"Waiting for {kind} {name!r} rollout to finish: "
            f"{updated} out of {want} new replicas have been updated..."
        )
    total = int(status.get("replicas", updated))
    if kind != "daemonset" and total > updated:
        return False, (
            f"Waiting for {kind} {name!r} rollout to finish: "
            f"{total - updated} old replicas are pending termination..."
        )
    if available < want:
        return False, (
            f"Waiting for {kind} {name!r} rollout to finish: "
            f"{available} of {want} updated replicas are available..."
        )
    return True, f"{kind} {name!r} successfully rolled out"


def do_rollout_status(spec: KubeSpec, cluster: Cluster, dry_run: bool, out: TextIO) -> int:
    namespace = spec.namespace or cluster.namespace
    target = spec.target()
    assert target is not None
    kind, name = target
    where = object_path(f"{kind}s", namespace, name, "status")
    limit = parse_duration(spec.fields.get("timeout", "5m")) or 300.0
    deadline = time.monotonic() + limit
    said = ""
    while True:
        done, message = rollout_state(kind, cluster.rest.get(where))
        if message != said:
            out.write(message + "\n")
            out.flush()
            said = message
        if done:
            return 0
        if time.monotonic() >= deadline:
            out.write(
                f"timed out after {spec.fields.get('timeout', '5m')} waiting for {kind}/{name}\n"
            )
            return 1
        time.sleep(POLL_S)


def _cordon(cluster: Cluster, node: str, on: bool, dry_run: bool) -> bool:
    """Set the node's unschedulable flag; True when it changed."""
    where = path("/api/v1/nodes/{name}", name=node)
    current = cluster.rest.get(where)
    if bool(current.get("spec", {}).get("unschedulable")) == on:
        return False
    cluster.rest.patch(where, {"spec": {"unschedulable": on}}, STRATEGIC_PATCH, dry_run=dry_run)
    return True


def do_cordon(spec: KubeSpec, cluster: Cluster, dry_run: bool, out: TextIO) -> int:
    on = spec.action == "cordon"
    node = spec.fields["node"]
    changed = _cordon(cluster, node, on, dry_run)
    word = "cordoned" if on else "uncordoned"
    out.write(f"node/{node} {word if changed else 'already ' + word}{_done(dry_run)}\n")
    return 0


def _evictable(pod: dict[str, Any], spec: KubeSpec) -> str | None:
    """Why a pod is skipped ("daemonset"/"mirror"), or None to evict it; raises when the
    drain must stop (what ``kubectl drain`` refuses without a flag)."""
    f = spec.fields
    meta = pod["metadata"]
    name = f"{meta.get('namespace')}/{meta['name']}"
    if "kubernetes.io/config.mirror" in (meta.get("annotations") or {}):
        return "mirror"
    if pod.get("status", {}).get("phase") in {"Succeeded", "Failed"}:
        return "finished"
    owners = meta.get("ownerReferences") or []
    if any(o.get("kind") == "DaemonSet" for o in owners):
        if not f.get("ignore-daemonsets", True):
            raise KubeError(f"{name} is a DaemonSet pod: set ignore-daemonsets: true")
        return "daemonset"
    if not any(o.get("controller") for o in owners) and not f.get("force"):
        raise KubeError(f"{name} has no controller and would be lost: set force: true to drain")
    volumes = pod.get("spec", {}).get("volumes") or []
    if any("emptyDir" in v for v in volumes) and not f.get("delete-emptydir-data"):
        raise KubeError(
            f"{name} uses emptyDir (its data goes with it): set delete-emptydir-data: true"
        )
    return None


def do_drain(spec: KubeSpec, cluster: Cluster, dry_run: bool, out: TextIO) -> int:
    from kubernetes.client.exceptions import ApiException

    f = spec.fields
    node = f["node"]
    limit = parse_duration(f.get("timeout", "5m")) or 300.0
    deadline = time.monotonic() + limit
    _cordon(cluster, node, True, dry_run)
    out.write(f"node/{node} cordoned{_done(dry_run)}\n")
    pods = cluster.rest.get(PATHS["pods"][1], fieldSelector=f"spec.nodeName={node}")
    evict = []
    for pod in pods["items"]:
        skipped = _evictable(pod, spec)
        if skipped is None:
            evict.append(pod)
        elif skipped == "daemonset":
            out.write(f"skipping DaemonSet pod {pod['metadata']['name']}\n")
    options: dict[str, Any] = {}
    if "grace-period" in f:
        options["grace_period_seconds"] = int(f["grace-period"])
    waiting = []
    for pod in evict:
        meta = pod["metadata"]
        body = {
            "apiVersion": "policy/v1",
            "kind": "Eviction",
            "metadata": {"name": meta["name"], "namespace": meta["namespace"]},
            **(
                {"deleteOptions": {"gracePeriodSeconds": options["grace_period_seconds"]}}
                if options
                else {}
            ),
        }
        while True:
            try:
                cluster.rest.json(
                    "POST",
                    object_path("pods", meta["namespace"], meta["name"], "eviction"),
                    body=body,
                    query=_dry(dry_run),
                )
                break
            except ApiException as exc:
                if exc.status == 404:  # gone already
                    break
                if exc.status != 429 or time.monotonic() >= deadline:
                    raise
                out.write(
                    f"{meta['namespace']}/{meta['name']}: a disruption budget forbids it now; "
                    "retrying\n"
                )
                time.sleep(5 * POLL_S)
        out.write(f"evicting pod {meta['namespace']}/{meta['name']}{_done(dry_run)}\n")
        waiting.append((meta["namespace"], meta["name"], meta.get("uid")))
    if dry_run:
        out.write(f"node/{node} would be drained ({len(waiting)} pods evicted)\n")
        return 0
    while waiting:
        still = []
        for namespace, name, uid in waiting:
            try:
                pod = cluster.rest.get(object_path("pods", namespace, name))
            except ApiException as exc:
                if exc.status == 404:
                    continue
                raise
            if uid and pod["metadata"].get("uid") != uid:
                continue  # a new pod by the same name (StatefulSet): the old one is gone
            still.append((namespace, name, uid))
        waiting = still
        if waiting and time.monotonic() >= deadline:
            names = ", ".join(f"{n}/{p}" for n, p, _ in waiting)
            out.write(f"timed out waiting for {names} to go\n")
            return 1
        if waiting:
            time.sleep(POLL_S)
    out.write(f"node/{node} drained\n")
    return 0


ACTIONS: dict[str, Callable[[KubeSpec, Cluster, bool, TextIO], int]] = {
    "get": do_get,
    "logs": do_logs,
    "exec": do_exec,
    "scale": do_scale,
    "rollout-restart": do_rollout_restart,
    "rollout-status": do_rollout_status,
    "cordon": do_cordon,
    "uncordon": do_cordon,
    "drain": do_drain,
}
