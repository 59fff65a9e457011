"""Kubernetes, through the official client (imported only when a runbook needs it).

This module: the connection (kubeconfig, or the pod's service account in a cluster),
``runner check``'s questions (the current context; a SelfSubjectAccessReview, ``can-i``,
for each access the runbook needs) and ``explain``, which turns any client failure into
one line a responder can act on. ``spec`` checks what a Kubernetes step says (no client
import), ``step`` runs one in its own process with ``actions``, and ``job`` runs a whole
runbook as a Kubernetes Job.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.model import AccessRequirement

# resource → API group, for the SelfSubjectAccessReview
GROUPS = {
    "pods": "",
    "services": "",
    "configmaps": "",
    "secrets": "",
    "nodes": "",
    "events": "",
    "namespaces": "",
    "persistentvolumeclaims": "",
    "endpoints": "",
    "deployments": "apps",
    "statefulsets": "apps",
    "daemonsets": "apps",
    "replicasets": "apps",
    "jobs": "batch",
    "cronjobs": "batch",
    "horizontalpodautoscalers": "autoscaling",
    "ingresses": "networking.k8s.io",
    "poddisruptionbudgets": "policy",
}
ALIASES = {
    "deploy": "deployments",
    "deployment": "deployments",
    "pod": "pods",
    "po": "pods",
    "hpa": "horizontalpodautoscalers",
    "sts": "statefulsets",
    "statefulset": "statefulsets",
    "daemonset": "daemonsets",
    "ds": "daemonsets",
    "svc": "services",
    "cm": "configmaps",
    "no": "nodes",
    "node": "nodes",
    "ns": "namespaces",
    "job": "jobs",
    "cj": "cronjobs",
    "ing": "ingresses",
    "rs": "replicasets",
}


SERVICE_ACCOUNT_NAMESPACE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"


class KubeError(Exception):
    """A problem with the cluster connection, in words a responder can act on."""


@dataclass(frozen=True, slots=True)
class Access:
    requirement: AccessRequirement
    namespace: str | None
    allowed: bool
    reason: str


def _status_message(exc: Any) -> str:
    """The message of the ``Status`` object the API server answered with, if any."""
    try:
        body = json.loads(exc.body or "")
    except (TypeError, ValueError):
        return ""
    return str(body.get("message", "")) if isinstance(body, dict) else ""


def explain(exc: Exception) -> str:
    """One line a responder can act on, for any failure of the client."""
    from kubernetes.client.exceptions import ApiException

    if isinstance(exc, KubeError):
        return str(exc)
    if isinstance(exc, ApiException):
        message = _status_message(exc)
        if exc.status == 401:
            return "the cluster rejected the credentials (expired or invalid): log in again"
        if exc.status == 403:
            return f"forbidden: {message or 'your account may not do this'}"
        if exc.status == 404:
            return f"not found: {message or 'no such object on the API server'}"
        if exc.status == 0:  # the client's own failures (e.g. the exec websocket)
            return _unreachable(str(exc.reason)) or f"the request failed: {exc.reason}"
        detail = message or exc.reason
        return f"the API server answered {exc.status}: {detail}"
    return _unreachable(str(exc)) or (str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


def _unreachable(text: str) -> str | None:
    markers = ("Connection refused", "Max retries", "timed out", "Name or service not known")
    if any(m in text for m in markers):
        return "the API server cannot be reached (VPN? cluster down? wrong context?)"
    return None


def _client(context: str | None = None) -> Any:
    """(client module, ApiClient): the kubeconfig's context, or the in-cluster service
    account when running inside a pod without a kubeconfig."""
    from kubernetes import client, config
    from kubernetes.config.config_exception import ConfigException

    try:
        api = config.new_client_from_config(context=context)
    except (ConfigException, OSError, TypeError) as exc:
        if not os.environ.get("KUBERNETES_SERVICE_HOST"):
            raise KubeError(f"no usable kubeconfig: {exc}") from None
        try:
            config.load_incluster_config()
        except ConfigException as inner:
            raise KubeError(f"no usable kubeconfig or service account: {inner}") from None
        api = client.ApiClient()
    api.configuration.retries = 0
    return client, api


def default_namespace() -> str:
    """The namespace of the current context, the pod's own namespace in a cluster, else
    ``default`` (as kubectl chooses)."""
    from kubernetes import config
    from kubernetes.config.config_exception import ConfigException

    try:
        _, active = config.list_kube_config_contexts()
        return str(active.get("context", {}).get("namespace") or "default")
    except (ConfigException, OSError, TypeError):
        try:
            return Path(SERVICE_ACCOUNT_NAMESPACE).read_text(encoding="utf-8").strip()
        except OSError:
            return "default"


def current_context() -> str:
    from kubernetes import config
    from kubernetes.config.config_exception import ConfigException

    try:
        _, active = config.list_kube_config_contexts()
    except (ConfigException, OSError, TypeError) as exc:
        raise KubeError(f"no usable kubeconfig: {exc}") from None
    return str(active["name"])


def can_i(requirements: list[tuple[AccessRequirement, str | None]]) -> list[Access]:
    """SelfSubjectAccessReview for each (requirement, namespace with params filled in)."""
    from runner.kube.rest import Rest

    _, api = _client()
    rest = Rest(api)
    results = []
    for requirement, namespace in requirements:
        resource, _, subresource = requirement.resource.partition("/")
        resource = ALIASES.get(resource, resource)
        attributes = {"verb": requirement.verb, "resource": resource}
        attributes["group"] = GROUPS.get(resource, "")
        if subresource:
            attributes["subresource"] = subresource
        if namespace:
            attributes["namespace"] = namespace
        body = {
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SelfSubjectAccessReview",
            "spec": {"resourceAttributes": attributes},
        }
        try:
            review = rest.json(
                "POST",
                "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                body=body,
                timeout=10,
            )
        except Exception as exc:  # every client failure becomes one explained line
            raise KubeError(explain(exc)) from None
        status = review.get("status") or {}
        allowed = bool(status.get("allowed"))
        results.append(
            Access(
                requirement,
                namespace,
                allowed,
                status.get("reason") or ("allowed" if allowed else "denied"),
            )
        )
    return results
