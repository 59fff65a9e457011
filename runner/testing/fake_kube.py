"""A stand-in for the Kubernetes API server, for the parts runner uses.

``runner test`` cases with a ``cluster:`` run their Kubernetes steps against it, and the
project's own tests run the real ``kubernetes`` client against it (no API server can run
on the build machines). It speaks the API's JSON (shapes from the Kubernetes API
reference) and keeps a small in-memory cluster:

- ``SelfSubjectAccessReview`` (answered from ``allowed``);
- Pods: list (label and ``spec.nodeName`` field selectors, one namespace or all), get,
  ``log`` (tailLines, sinceSeconds, container, previous, follow), ``exec`` over a
  WebSocket with the ``v4.channel.k8s.io`` protocol (stdout, stderr and the exit code on
  the error channel), ``eviction`` (policy/v1, 429 while a disruption budget blocks it);
- Deployments and StatefulSets: list, get, ``status`` (a rollout moves one replica per
  read), the ``scale`` subresource (autoscaling/v1 Scale; merge patch), strategic-merge
  patch of the pod template annotations (``rollout restart``);
- HorizontalPodAutoscalers (autoscaling/v2): list, get. Nodes: list, get, patch
  ``spec.unschedulable``. ServiceAccounts: get. ConfigMaps and Jobs: create (validated
  against the Kubernetes OpenAPI schema with ``kubernetes-validate``, strict), get
  ``status``; with ``run_jobs`` a Job's pod really runs the runner command of its
  container, with the ConfigMap mounted, and its log and exit code are the pod's.

It validates every request: the bearer token, the path, the verb, the query parameters
it knows for that verb (``dryRun`` must be ``All``), the patch content type and the patch
body. Anything else is answered like the API server would (404/400/422 as a ``Status``)
and noted in ``unknown``, which tests assert stays empty. ``forbid`` makes a
(verb, resource, namespace) answer 403 with the API server's message.

Not covered: watch, server-side apply, admission webhooks, resourceVersion conflicts,
field selectors other than ``spec.nodeName``, and what the real scheduler and kubelet do
beyond "the pod runs its command".
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN = "good-token"
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455
MERGE = "application/merge-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"
GROUPS = {
    "pods": "",
    "nodes": "",
    "configmaps": "",
    "serviceaccounts": "",
    "deployments": "apps",
    "statefulsets": "apps",
    "jobs": "batch",
    "horizontalpodautoscalers": "autoscaling",
}
KINDS = {
    "pods": ("v1", "Pod"),
    "nodes": ("v1", "Node"),
    "configmaps": ("v1", "ConfigMap"),
    "serviceaccounts": ("v1", "ServiceAccount"),
    "deployments": ("apps/v1", "Deployment"),
    "statefulsets": ("apps/v1", "StatefulSet"),
    "jobs": ("batch/v1", "Job"),
    "horizontalpodautoscalers": ("autoscaling/v2", "HorizontalPodAutoscaler"),
}
ROUTES = [
    re.compile(
        r"/api/v1/namespaces/(?P<ns>[^/]+)/(?P<res>pods|configmaps|serviceaccounts)"
        r"(?:/(?P<name>[^/]+)(?:/(?P<sub>log|exec|eviction|status))?)?"
    ),
    re.compile(r"/api/v1/(?P<res>pods|nodes)(?:/(?P<name>[^/]+))?"),
    re.compile(
        r"/apis/apps/v1/namespaces/(?P<ns>[^/]+)/(?P<res>deployments|statefulsets)"
        r"(?:/(?P<name>[^/]+)(?:/(?P<sub>scale|status))?)?"
    ),
    re.compile(r"/apis/apps/v1/(?P<res>deployments|statefulsets)"),
    re.compile(
        r"/apis/batch/v1/namespaces/(?P<ns>[^/]+)/(?P<res>jobs)"
        r"(?:/(?P<name>[^/]+)(?:/(?P<sub>status))?)?"
    ),
    re.compile(
        r"/apis/autoscaling/v2/namespaces/(?P<ns>[^/]+)/(?P<res>horizontalpodautoscalers)"
        r"(?:/(?P<name>[^/]+))?"
    ),
]
QUERY = {
    "list": {"labelSelector", "fieldSelector"},
    "get": set(),
    "get/log": {"container", "tailLines", "sinceSeconds", "previous", "follow"},
    "get/exec": {"command", "container", "stdin", "stdout", "stderr", "tty"},
    "patch": {"dryRun"},
    "create": {"dryRun"},
    "delete": {"propagationPolicy", "dryRun"},
}


def status(code: int, reason: str, message: str) -> dict[str, Any]:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }


def _ago(seconds: int) -> str:
    when = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=seconds)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _matches(labels: dict[str, str], selector: str) -> bool:
    """Equality-based label selectors (a=b, a==b, a!=b, a), comma-separated."""
    for term in filter(None, (t.strip() for t in selector.split(","))):
        if "!=" in term:
            key, value = term.split("!=", 1)
            if labels.get(key.strip()) == value.strip():
                return False
        elif "=" in term:
            key, value = term.replace("==", "=").split("=", 1)
            if labels.get(key.strip()) != value.strip():
                return False
        elif term.startswith("!"):
            if term[1:] in labels:
                return False
        elif term not in labels:
            return False
    return True


class ApiError(Exception):
    def __init__(self, code: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.body = status(code, reason, message)
        self.code = code


class FakeApi:
    def __init__(
        self,
        allowed: set[tuple[str, str, str, str, str]] | None = None,
        *,
        run_jobs: bool = False,
        secrets: dict[tuple[str, str], dict[str, str]] | None = None,
    ) -> None:
        """``allowed``: (verb, group, resource, subresource, namespace) that
        SelfSubjectAccessReview says may be done."""
        self.allowed = allowed or set()
        self.reviews: list[dict[str, Any]] = []
        self.unknown: list[str] = []
        self.requests: list[tuple[str, str, dict[str, list[str]], Any]] = []
        self.objects: dict[tuple[str, str, str], dict[str, Any]] = {}  # (res, ns, name)
        self.logs: dict[tuple[str, str, bool], str] = {}  # (ns, pod, previous)
        self.forbid: set[tuple[str, str, str]] = set()  # (verb, resource[/sub], ns)
        self.evictions_blocked: dict[tuple[str, str], int] = {}
        self.exec_handler: Callable[[str, str, list[str]], tuple[str, str, int]] = (
            lambda ns, pod, command: ("", "", 0)
        )
        self.run_jobs = run_jobs
        self.pod_kubeconfig: Path | None = None
        self.finished: dict[tuple[str, str], threading.Event] = {}  # Job pods' containers
        self.secrets = secrets or {}
        self.lock = threading.RLock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                return

            def reply(self, code: int, body: Any, content_type: str = "application/json") -> None:
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def handle_any(self, method: str) -> None:
                length = int(self.headers.get("Content-Length", 0) or 0)
                raw = self.rfile.read(length) if length else b""
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self.reply(401, status(401, "Unauthorized", "Unauthorized"))
                    return
                try:
                    api.dispatch(self, method, raw)
                except ApiError as exc:
                    self.reply(exc.code, exc.body)

            def do_GET(self) -> None:
                self.handle_any("GET")

            def do_POST(self) -> None:
                self.handle_any("POST")

            def do_PATCH(self) -> None:
                self.handle_any("PATCH")

            def do_DELETE(self) -> None:
                self.handle_any("DELETE")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    # -- seeding the cluster

    def _meta(self, name: str, namespace: str | None, **extra: Any) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "name": name,
            "uid": str(uuid.uuid4()),
            "resourceVersion": "1",
            "creationTimestamp": _ago(3 * 3600),
            **extra,
        }
        if namespace is not None:
            meta["namespace"] = namespace
        return meta

    def add(self, resource: str, namespace: str, obj: dict[str, Any]) -> dict[str, Any]:
        version, kind = KINDS[resource]
        obj = {"apiVersion": version, "kind": kind, **obj}
        self.objects[(resource, namespace, obj["metadata"]["name"])] = obj
        return obj

    def add_deployment(
        self, namespace: str, name: str, replicas: int = 3, *, kind: str = "deployments"
    ) -> dict[str, Any]:
        labels = {"app": name}
        return self.add(
            kind,
            namespace,
            {
                "metadata": self._meta(name, namespace, generation=1, labels=labels),
                "spec": {
                    "replicas": replicas,
                    "selector": {"matchLabels": labels},
                    "template": {
                        "metadata": {"labels": labels},
                        "spec": {"containers": [{"name": name, "image": f"{name}:1"}]},
                    },
                },
                "status": {
                    "observedGeneration": 1,
                    "replicas": replicas,
                    "updatedReplicas": replicas,
                    "readyReplicas": replicas,
                    "availableReplicas": replicas,
                },
            },
        )

    def add_pod(
        self,
        namespace: str,
        name: str,
        *,
        labels: dict[str, str] | None = None,
        node: str = "node-1",
        phase: str = "Running",
        owner: str | None = "ReplicaSet",
        restarts: int = 0,
        waiting: str | None = None,
        volumes: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        owners = (
            [{"apiVersion": "apps/v1", "kind": owner, "name": "x", "uid": "u", "controller": True}]
            if owner
            else []
        )
        state = {"waiting": {"reason": waiting}} if waiting else {"running": {}}
        return self.add(
            "pods",
            namespace,
            {
                "metadata": self._meta(
                    name, namespace, labels=labels or {}, ownerReferences=owners
                ),
                "spec": {
                    "nodeName": node,
                    "containers": [{"name": "app", "image": "app:1"}],
                    "volumes": volumes or [],
                },
                "status": {
                    "phase": phase,
                    "containerStatuses": [
                        {
                            "name": "app",
                            "ready": phase == "Running" and not waiting,
                            "restartCount": restarts,
                            "state": state,
                            "image": "app:1",
                            "imageID": "",
                        }
                    ],
                },
            },
        )

    def add_hpa(
        self, namespace: str, name: str, target: str, low: int, high: int, cpu: int, goal: int
    ) -> None:
        self.add(
            "horizontalpodautoscalers",
            namespace,
            {
                "metadata": self._meta(name, namespace),
                "spec": {
                    "scaleTargetRef": {
                        "apiVersion": "apps/v1",
                        "kind": "Deployment",
                        "name": target,
                    },
                    "minReplicas": low,
                    "maxReplicas": high,
                    "metrics": [
                        {
                            "type": "Resource",
                            "resource": {
                                "name": "cpu",
                                "target": {"type": "Utilization", "averageUtilization": goal},
                            },
                        }
                    ],
                },
                "status": {
                    "currentReplicas": low,
                    "desiredReplicas": low,
                    "currentMetrics": [
                        {
                            "type": "Resource",
                            "resource": {"name": "cpu", "current": {"averageUtilization": cpu}},
                        }
                    ],
                },
            },
        )

    def add_node(self, name: str, *, role: str = "worker") -> None:
        self.add(
            "nodes",
            "",
            {
                "metadata": self._meta(name, None, labels={f"node-role.kubernetes.io/{role}": ""}),
                "spec": {},
                "status": {
                    "conditions": [{"type": "Ready", "status": "True"}],
                    "nodeInfo": {"kubeletVersion": "v1.31.2"},
                },
            },
        )

    def add_service_account(self, namespace: str, name: str) -> None:
        self.add("serviceaccounts", namespace, {"metadata": self._meta(name, namespace)})

    def get(self, resource: str, namespace: str, name: str) -> dict[str, Any] | None:
        return self.objects.get((resource, namespace, name))

    # -- a cluster described in a `runner test` case

    SEED_KEYS = frozenset(
        {"namespace", "deployments", "statefulsets", "pods", "hpas", "nodes", "exec", "forbid"}
    )

    def seed(self, spec: dict[str, Any]) -> str:
        """Fill the cluster from a test case's ``cluster:``; returns the namespace of the
        context. Raises ValueError naming what is wrong."""
        unknown = set(spec) - self.SEED_KEYS
        if unknown:
            raise ValueError(
                f"cluster has no {', '.join(sorted(unknown))} "
                f"(known: {', '.join(sorted(self.SEED_KEYS))})"
            )
        try:
            for item in spec.get("deployments") or []:
                self.add_deployment(
                    item.get("namespace", "default"), item["name"], item.get("replicas", 1)
                )
            for item in spec.get("statefulsets") or []:
                self.add_deployment(
                    item.get("namespace", "default"),
                    item["name"],
                    item.get("replicas", 1),
                    kind="statefulsets",
                )
            for item in spec.get("pods") or []:
                ns = item.get("namespace", "default")
                self.add_pod(
                    ns,
                    item["name"],
                    labels=item.get("labels") or {},
                    node=item.get("node", "node-1"),
                    phase=item.get("phase", "Running"),
                    owner=item.get("owner", "ReplicaSet"),
                    restarts=int(item.get("restarts", 0)),
                    waiting=item.get("waiting"),
                )
                if "log" in item:
                    self.logs[(ns, item["name"], False)] = str(item["log"])
                if "previous_log" in item:
                    self.logs[(ns, item["name"], True)] = str(item["previous_log"])
            for item in spec.get("hpas") or []:
                self.add_hpa(
                    item.get("namespace", "default"),
                    item["name"],
                    item.get("target", item["name"]),
                    int(item.get("min", 1)),
                    int(item["max"]),
                    int(item.get("cpu", 0)),
                    int(item.get("goal", 80)),
                )
            for name in spec.get("nodes") or []:
                self.add_node(str(name))
            answers = list(spec.get("exec") or [])
            for item in spec.get("forbid") or []:
                self.forbid.add((item["verb"], item["resource"], item.get("namespace", "")))
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ValueError(f"cluster: {type(exc).__name__} {exc}") from None

        def exec_answer(ns: str, pod: str, command: list[str]) -> tuple[str, str, int]:
            import fnmatch

            text = " ".join(command)
            for answer in answers:
                if answer.get("pod", pod) == pod and fnmatch.fnmatchcase(
                    text, str(answer.get("command", "*"))
                ):
                    out = str(answer.get("output", ""))
                    if out and not out.endswith("\n"):
                        out += "\n"
                    return out, str(answer.get("stderr", "")), int(answer.get("exit", 0))
            return "", f"no exec answer in the test case for {pod}: {text}\n", 127

        self.exec_handler = exec_answer
        return str(spec.get("namespace", "default"))

    def summary(self, ref: str) -> dict[str, Any] | None:
        """What a test case can expect of ``kind/namespace/name`` (nodes: ``nodes/name``)
        after the run; None when it does not exist."""
        parts = ref.split("/")
        kind = {"hpas": "horizontalpodautoscalers"}.get(parts[0], parts[0])
        key = (kind, "", parts[1]) if kind == "nodes" else (kind, *parts[1:3])
        obj = self.objects.get(key) if len(key) == 3 else None
        if obj is None:
            return None
        spec = obj.get("spec", {})
        view: dict[str, Any] = {"exists": True}
        if "replicas" in spec:
            view["replicas"] = spec["replicas"]
        if kind == "nodes":
            view["unschedulable"] = bool(spec.get("unschedulable"))
        annotations = spec.get("template", {}).get("metadata", {}).get("annotations") or {}
        view["restarted"] = "kubectl.kubernetes.io/restartedAt" in annotations
        return view

    def writes(self) -> list[tuple[str, str, dict[str, list[str]], Any]]:
        """Every PATCH/POST/DELETE the client sent (except access reviews)."""
        return [
            r for r in self.requests if r[0] != "GET" and "selfsubjectaccessreviews" not in r[1]
        ]

    # -- serving

    def dispatch(self, handler: Any, method: str, raw: bytes) -> None:
        url = urlsplit(handler.path)
        query = parse_qs(url.query, keep_blank_values=True)
        body = json.loads(raw) if raw else None
        with self.lock:
            self.requests.append((method, url.path, query, body))
        if url.path == "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews":
            if method != "POST":
                self._unknown(f"{method} {handler.path}", 405, "MethodNotAllowed")
            handler.reply(201, self._review(body))
            return
        match = next((m for r in ROUTES if (m := r.fullmatch(url.path))), None)
        if match is None:
            self._unknown(f"{method} {handler.path}", 404, "NotFound")
        assert match is not None
        parts = match.groupdict()
        res, ns, name, sub = parts["res"], parts.get("ns"), parts.get("name"), parts.get("sub")
        verb = {
            "GET": "get" if name else "list",
            "POST": "create",
            "PATCH": "patch",
            "DELETE": "delete",
        }[method]
        if sub == "exec":
            verb = "create" if method == "POST" else "get"
        known = QUERY.get(f"{verb}/{sub}" if sub in {"log", "exec"} else verb, set())
        if sub == "exec":
            known = QUERY["get/exec"]
        extra = set(query) - known
        if extra:
            self._unknown(f"{method} {handler.path}: query {sorted(extra)}", 400, "BadRequest")
        if "dryRun" in query and query["dryRun"] != ["All"]:
            self._unknown(f"dryRun={query['dryRun']}", 400, "BadRequest")
        full = f"{res}/{sub}" if sub and sub != "status" else res
        group = GROUPS[res]
        for_verb = "create" if sub in {"exec", "eviction"} else verb
        if (for_verb, full, ns or "") in self.forbid:
            qualified = f"{res}.{group}" if group else res
            named = f'{qualified} "{name}"' if name else qualified
            raise ApiError(
                403,
                "Forbidden",
                f'{named} is forbidden: User "me" cannot {for_verb} '
                f'resource "{full}" in API group "{group}"'
                + (f' in the namespace "{ns}"' if ns else ""),
            )
        if method == "GET" and sub == "log":  # a follow waits for the container: no lock
            handler.reply(200, self._log(ns or "", name or "", query), "text/plain")
            return
        with self.lock:
            if method == "GET" and sub == "exec":
                self._exec(handler, ns or "", name or "", query)
                return
            if method == "GET":
                handler.reply(200, self._read(res, ns, name, sub, query))
                return
            if method == "PATCH" and name:
                ctype = handler.headers.get("Content-Type", "").split(";")[0].strip()
                handler.reply(200, self._patch(res, ns or "", name, sub, ctype, body, query))
                return
            if method == "POST" and sub == "eviction":
                handler.reply(201, self._evict(ns or "", name or "", body, query))
                return
            if method == "POST" and not name and res in {"jobs", "configmaps"}:
                handler.reply(201, self._create(res, ns or "", body, query))
                return
            if method == "DELETE" and name and res == "jobs" and sub is None:
                handler.reply(200, self._delete_job(ns or "", name, query))
                return
        self._unknown(f"{method} {handler.path}", 405, "MethodNotAllowed")

    def _unknown(self, what: str, code: int, reason: str) -> None:
        self.unknown.append(what)
        raise ApiError(code, reason, f"the fake API server does not know: {what}")

    def _review(self, review: Any) -> dict[str, Any]:
        attrs = (review or {}).get("spec", {}).get("resourceAttributes", {})
        if (
            review.get("kind") != "SelfSubjectAccessReview"
            or review.get("apiVersion") != "authorization.k8s.io/v1"
            or not attrs.get("verb")
            or not attrs.get("resource")
        ):
            self._unknown(f"bad review {review}", 400, "BadRequest")
        self.reviews.append(attrs)
        key = (
            attrs["verb"],
            attrs.get("group", ""),
            attrs["resource"],
            attrs.get("subresource", ""),
            attrs.get("namespace", ""),
        )
        ok = key in self.allowed
        review["status"] = {
            "allowed": ok,
            "reason": "RBAC: allowed by role"
            if ok
            else f"RBAC: cannot {attrs['verb']} {attrs['resource']}",
        }
        return dict(review)

    def _not_found(self, res: str, name: str) -> ApiError:
        group = GROUPS[res]
        qualified = f"{res}.{group}" if group else res
        return ApiError(404, "NotFound", f'{qualified} "{name}" not found')

    def _find(self, res: str, ns: str | None, name: str) -> dict[str, Any]:
        obj = self.objects.get((res, ns or "", name))
        if obj is None:
            raise self._not_found(res, name)
        return obj

    def _read(
        self, res: str, ns: str | None, name: str | None, sub: str | None, query: dict[str, Any]
    ) -> dict[str, Any]:
        if name is None:
            if res == "pods" and self.run_jobs:
                self._kubelet(ns)
            items = [
                copy.deepcopy(obj)
                for (r, n, _), obj in sorted(self.objects.items())
                if r == res and (ns is None or n == ns)
            ]
            selector = query.get("labelSelector", [""])[0]
            items = [i for i in items if _matches(i["metadata"].get("labels") or {}, selector)]
            field = query.get("fieldSelector", [""])[0]
            if field:
                key, _, value = field.partition("=")
                if key != "spec.nodeName":
                    self._unknown(f"fieldSelector {field}", 400, "BadRequest")
                items = [i for i in items if i.get("spec", {}).get("nodeName") == value]
            version, kind = KINDS[res]
            return {
                "apiVersion": version,
                "kind": f"{kind}List",
                "metadata": {"resourceVersion": "1"},
                "items": items,
            }
        obj = self._find(res, ns, name)
        if sub == "scale":
            return self._scale_of(obj)
        if sub == "status" and res in {"deployments", "statefulsets"}:
            self._advance(obj)
        if sub == "status" and res == "jobs":
            self._job_progress(obj)
        if res == "pods" and self.run_jobs:
            self._pod_progress(obj)
        return copy.deepcopy(obj)

    def _scale_of(self, obj: dict[str, Any]) -> dict[str, Any]:
        meta = obj["metadata"]
        labels = obj["spec"]["selector"]["matchLabels"]
        return {
            "kind": "Scale",
            "apiVersion": "autoscaling/v1",
            "metadata": {
                "name": meta["name"],
                "namespace": meta["namespace"],
                "uid": meta["uid"],
                "resourceVersion": meta["resourceVersion"],
                "creationTimestamp": meta["creationTimestamp"],
            },
            "spec": {"replicas": obj["spec"]["replicas"]},
            "status": {
                "replicas": obj["status"]["replicas"],
                "selector": ",".join(f"{k}={v}" for k, v in labels.items()),
            },
        }

    def _advance(self, obj: dict[str, Any]) -> None:
        """A rollout in progress moves one replica further each time status is read."""
        st, want = obj["status"], obj["spec"]["replicas"]
        if st["observedGeneration"] < obj["metadata"]["generation"]:
            st["observedGeneration"] = obj["metadata"]["generation"]
            return
        if st["updatedReplicas"] < want:
            st["updatedReplicas"] += 1
        elif st["availableReplicas"] < want:
            st["availableReplicas"] += 1
            st["readyReplicas"] = st["availableReplicas"]
        st["replicas"] = want

    def _patch(
        self,
        res: str,
        ns: str,
        name: str,
        sub: str | None,
        ctype: str,
        body: Any,
        query: dict[str, Any],
    ) -> dict[str, Any]:
        obj = self._find(res, ns, name)
        target = copy.deepcopy(obj)
        if sub == "scale":
            if ctype not in {MERGE, STRATEGIC}:
                self._unknown(f"scale patch as {ctype}", 415, "UnsupportedMediaType")
            replicas = (body or {}).get("spec", {}).get("replicas")
            if body != {"spec": {"replicas": replicas}} or not isinstance(replicas, int):
                self._unknown(f"scale patch body {body}", 422, "Invalid")
            if replicas < 0:
                raise ApiError(422, "Invalid", "spec.replicas: Invalid value: must be >= 0")
            target["spec"]["replicas"] = replicas
            target["status"].update(
                {k: replicas for k in ("replicas", "updatedReplicas", "readyReplicas")}
            )
            target["status"]["availableReplicas"] = replicas
            result = self._scale_of(target)
        elif res in {"deployments", "statefulsets"} and sub is None:
            annotations = (
                (body or {}).get("spec", {}).get("template", {}).get("metadata", {})
            ).get("annotations")
            expected = {"spec": {"template": {"metadata": {"annotations": annotations}}}}
            if ctype != STRATEGIC or body != expected or not isinstance(annotations, dict):
                self._unknown(f"{res} patch {ctype} {body}", 422, "Invalid")
            meta = target["spec"]["template"].setdefault("metadata", {})
            meta.setdefault("annotations", {}).update(annotations)
            target["metadata"]["generation"] += 1
            target["status"]["updatedReplicas"] = 0
            target["status"]["availableReplicas"] = 0
            result = target
        elif res == "nodes":
            flag = (body or {}).get("spec", {}).get("unschedulable")
            if ctype != STRATEGIC or body != {"spec": {"unschedulable": flag}}:
                self._unknown(f"node patch {ctype} {body}", 422, "Invalid")
            if not isinstance(flag, bool):
                self._unknown(f"node patch {body}", 422, "Invalid")
            target["spec"]["unschedulable"] = flag
            result = target
        else:
            self._unknown(f"PATCH {res}/{sub}", 405, "MethodNotAllowed")
        if query.get("dryRun") != ["All"]:
            target["metadata"]["resourceVersion"] = str(
                int(target["metadata"]["resourceVersion"]) + 1
            )
            self.objects[(res, ns, name)] = target
        return copy.deepcopy(result)

    def _evict(self, ns: str, name: str, body: Any, query: dict[str, Any]) -> dict[str, Any]:
        self._find("pods", ns, name)
        body = body or {}
        meta = body.get("metadata", {})
        if (
            body.get("apiVersion") != "policy/v1"
            or body.get("kind") != "Eviction"
            or meta.get("name") != name
            or meta.get("namespace") != ns
            or set(body) - {"apiVersion", "kind", "metadata", "deleteOptions"}
        ):
            self._unknown(f"eviction body {body}", 400, "BadRequest")
        if self.evictions_blocked.get((ns, name), 0) > 0:
            self.evictions_blocked[(ns, name)] -= 1
            raise ApiError(
                429,
                "TooManyRequests",
                "Cannot evict pod as it would violate the pod's disruption budget.",
            )
        if query.get("dryRun") != ["All"]:
            del self.objects[("pods", ns, name)]
        return {"kind": "Status", "apiVersion": "v1", "status": "Success", "code": 201}

    def _log(self, ns: str, name: str, query: dict[str, Any]) -> str:
        with self.lock:
            self._find("pods", ns, name)
            finished = self.finished.get((ns, name))
        if finished is not None and query.get("follow") == ["true"]:
            finished.wait(120)  # a followed log ends when the container does
        previous = query.get("previous", ["false"])[0] == "true"
        with self.lock:
            text = self.logs.get((ns, name, previous))
        if text is None:
            if previous:
                raise ApiError(
                    400,
                    "BadRequest",
                    f'previous terminated container "app" in pod "{name}" not found',
                )
            text = ""
        if "tailLines" in query:
            lines = text.splitlines(keepends=True)
            text = (
                "".join(lines[-int(query["tailLines"][0]) :]) if int(query["tailLines"][0]) else ""
            )
        return text

    def _exec(self, handler: Any, ns: str, name: str, query: dict[str, Any]) -> None:
        self._find("pods", ns, name)
        headers = handler.headers
        if headers.get("Upgrade", "").lower() != "websocket" or "command" not in query:
            self._unknown(
                f"exec without a websocket upgrade or command: {query}", 400, "BadRequest"
            )
        protocols = [p.strip() for p in headers.get("Sec-WebSocket-Protocol", "").split(",")]
        if "v4.channel.k8s.io" not in protocols:
            self._unknown(f"exec protocols {protocols}", 400, "BadRequest")
        accept = base64.b64encode(
            hashlib.sha1((headers["Sec-WebSocket-Key"] + WS_GUID).encode()).digest()
        ).decode()
        out, err, code = self.exec_handler(ns, name, query["command"])
        handler.send_response(101, "Switching Protocols")
        handler.send_header("Upgrade", "websocket")
        handler.send_header("Connection", "Upgrade")
        handler.send_header("Sec-WebSocket-Accept", accept)
        handler.send_header("Sec-WebSocket-Protocol", "v4.channel.k8s.io")
        handler.end_headers()
        if code == 0:
            result: dict[str, Any] = {"metadata": {}, "status": "Success"}
        else:
            result = {
                "metadata": {},
                "status": "Failure",
                "message": f"command terminated with non-zero exit code: exit status {code}",
                "reason": "NonZeroExitCode",
                "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]},
            }
        frames = [(1, out.encode()), (2, err.encode()), (3, json.dumps(result).encode())]
        for channel, data in frames:
            if data:
                handler.wfile.write(_frame(0x2, bytes([channel]) + data))
        handler.wfile.write(_frame(0x8, struct.pack("!H", 1000)))
        handler.wfile.flush()
        handler.close_connection = True

    def _create(self, res: str, ns: str, body: Any, query: dict[str, Any]) -> dict[str, Any]:
        try:
            import kubernetes_validate
        except ImportError:  # a dev dependency: without it, only the basic shape is checked
            if not isinstance(body, dict) or not body.get("metadata", {}).get("name"):
                self._unknown(f"invalid {res}: {body}", 422, "Invalid")
        else:
            try:
                kubernetes_validate.validate(body, "1.31", strict=True)
            except kubernetes_validate.ValidationError as exc:
                self._unknown(f"invalid {res}: {str(exc).splitlines()[0]}", 422, "Invalid")
        meta = body["metadata"]
        if meta.get("namespace", ns) != ns:
            raise ApiError(400, "BadRequest", "the namespace of the object does not match")
        if (res, ns, meta["name"]) in self.objects:
            raise ApiError(409, "AlreadyExists", f'{res} "{meta["name"]}" already exists')
        obj = copy.deepcopy(body)
        obj["metadata"].update({"namespace": ns, "uid": str(uuid.uuid4()), "resourceVersion": "1"})
        obj["metadata"]["creationTimestamp"] = _ago(0)
        if res == "jobs":
            obj["status"] = {}
        if query.get("dryRun") != ["All"]:
            self.objects[(res, ns, meta["name"])] = obj
        return copy.deepcopy(obj)

    def _delete_job(self, ns: str, name: str, query: dict[str, Any]) -> dict[str, Any]:
        job = self._find("jobs", ns, name)
        policy = query.get("propagationPolicy", ["Background"])[0]
        if policy not in {"Background", "Foreground", "Orphan"}:
            self._unknown(f"propagationPolicy={policy}", 400, "BadRequest")
        if query.get("dryRun") != ["All"]:
            del self.objects[("jobs", ns, name)]
            if policy != "Orphan":  # the garbage collector takes the Job's pods too
                for key, obj in list(self.objects.items()):
                    labels = obj.get("metadata", {}).get("labels") or {}
                    if key[0] == "pods" and key[1] == ns and labels.get("job-name") == name:
                        del self.objects[key]
        return copy.deepcopy(job)

    # -- the kubelet, for Jobs

    def _kubelet(self, ns: str | None) -> None:
        """Create the pod of each new Job (Pending until its ConfigMap exists)."""
        for (res, job_ns, name), job in list(self.objects.items()):
            if res != "jobs" or (ns is not None and job_ns != ns):
                continue
            pod_name = f"{name}-x7k2p"
            if ("pods", job_ns, pod_name) in self.objects:
                continue
            labels = {**job["spec"]["template"]["metadata"]["labels"], "job-name": name}
            pod = self.add_pod(job_ns, pod_name, labels=labels, phase="Pending", owner="Job")
            pod["status"]["containerStatuses"][0].update(
                {"name": "runner", "state": {"waiting": {"reason": "ContainerCreating"}}}
            )
            pod["spec"] = copy.deepcopy(job["spec"]["template"]["spec"])

    def _pod_progress(self, pod: dict[str, Any]) -> None:
        """Pending → Running (the command runs, in a thread) → Succeeded/Failed on the
        first read after it ended."""
        ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
        job_name = (pod["metadata"].get("labels") or {}).get("job-name")
        if job_name is None:
            return
        container = pod["status"]["containerStatuses"][0]
        phase = pod["status"]["phase"]
        if phase == "Pending":
            image = pod["spec"]["containers"][0]["image"]
            if image.startswith("missing/"):
                container["state"] = {
                    "waiting": {
                        "reason": "ErrImagePull",
                        "message": f'failed to pull image "{image}": not found',
                    }
                }
                return
            volumes = pod["spec"].get("volumes") or []
            maps = [v["configMap"]["name"] for v in volumes if "configMap" in v]
            if not all(("configmaps", ns, m) in self.objects for m in maps):
                return
            pod["status"]["phase"] = "Running"
            container["state"] = {"running": {"startedAt": _ago(0)}}
            finished = self.finished[(ns, name)] = threading.Event()

            def run() -> None:  # the container runs while the API keeps answering
                log, code = self._run_container(pod)
                with self.lock:
                    self.logs[(ns, name, False)] = log
                    pod["_exit"] = code
                finished.set()

            threading.Thread(target=run, daemon=True).start()
        elif phase == "Running" and self.finished[(ns, name)].is_set():
            code = pod.pop("_exit", 0)
            pod["status"]["phase"] = "Succeeded" if code == 0 else "Failed"
            container["state"] = {"terminated": {"exitCode": code, "reason": "Completed"}}
            job = self.objects[("jobs", ns, job_name)]
            kind = "Complete" if code == 0 else "Failed"
            job["status"] = {
                "succeeded" if code == 0 else "failed": 1,
                "conditions": [{"type": kind, "status": "True"}],
            }

    def _job_progress(self, job: dict[str, Any]) -> None:
        ns = job["metadata"]["namespace"]
        self._kubelet(ns)
        for (res, pod_ns, _), pod in list(self.objects.items()):
            labels = pod.get("metadata", {}).get("labels") or {}
            if res == "pods" and pod_ns == ns and labels.get("job-name") == job["metadata"]["name"]:
                self._pod_progress(pod)

    def _run_container(self, pod: dict[str, Any]) -> tuple[str, int]:
        """Run the pod's container command here: ``runner`` is this checkout's runner,
        ConfigMap volumes are files in a temporary folder, env comes from literal values
        and ``secrets``."""
        ns = pod["metadata"]["namespace"]
        spec = pod["spec"]
        container = spec["containers"][0]
        with tempfile.TemporaryDirectory() as tmp:
            mounts: dict[str, str] = {}
            for volume in spec.get("volumes") or []:
                if "configMap" in volume:
                    folder = Path(tmp) / volume["name"]
                    folder.mkdir()
                    with self.lock:
                        key = ("configmaps", ns, volume["configMap"]["name"])
                        data = dict(self.objects[key]["data"])
                    for key, value in data.items():
                        (folder / key).write_text(value, encoding="utf-8")
                    mounts[volume["name"]] = str(folder)
                elif "emptyDir" in volume:
                    folder = Path(tmp) / volume["name"]
                    folder.mkdir()
                    mounts[volume["name"]] = str(folder)
            paths = {m["mountPath"]: mounts[m["name"]] for m in container.get("volumeMounts", [])}

            def local(arg: str) -> str:
                for mount, folder in paths.items():
                    if arg.startswith(mount + "/"):
                        return folder + arg[len(mount) :]
                return arg

            env = {
                k: v
                for k, v in os.environ.items()
                if not k.startswith("RUNNER_") and k != "KUBECONFIG"
            }
            if self.pod_kubeconfig is not None:  # stands for the pod's service account
                env["KUBECONFIG"] = str(self.pod_kubeconfig)
            for item in container.get("env", []):
                if "value" in item:
                    env[item["name"]] = local(item["value"])
                else:
                    ref = item["valueFrom"]["secretKeyRef"]
                    env[item["name"]] = self.secrets[(ns, ref["name"])][ref["key"]]
            command = container["command"] + container.get("args", [])
            if command[0] != "runner":
                return f"fake kubelet: cannot run {command[0]}\n", 127
            argv = [sys.executable, "-m", "runner", *(local(a) for a in command[1:])]
            done = subprocess.run(
                argv,
                env=env,
                cwd=tmp,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=120,
                check=False,
            )
            return done.stdout, done.returncode

    # -- set-up for the client

    def kubeconfig(
        self,
        path: Path,
        *,
        token: str = TOKEN,
        context: str = "fake-ctx",
        server: str | None = None,
        namespace: str | None = None,
    ) -> Path:
        ns = f"    namespace: {namespace}\n" if namespace else ""
        path.write_text(
            "apiVersion: v1\nkind: Config\n"
            f"clusters:\n- name: fake\n  cluster:\n    server: {server or self.url}\n"
            f"users:\n- name: me\n  user:\n    token: {token}\n"
            f"contexts:\n- name: {context}\n  context:\n    cluster: fake\n    user: me\n{ns}"
            f"current-context: {context}\n",
            encoding="utf-8",
        )
        return path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _frame(opcode: int, payload: bytes) -> bytes:
    """One unmasked server WebSocket frame (RFC 6455)."""
    head = bytes([0x80 | opcode])
    size = len(payload)
    if size < 126:
        head += bytes([size])
    elif size < 65536:
        head += bytes([126]) + struct.pack("!H", size)
    else:
        head += bytes([127]) + struct.pack("!Q", size)
    return head + payload
