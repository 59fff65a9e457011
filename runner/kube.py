"""Kubernetes, through the official client (imported only when a runbook needs it).

``runner check`` asks the API server what the runbook needs: the current context, and for
each ``requires.access`` entry a SelfSubjectAccessReview (``can-i``). Errors a responder
can act on come back as one line, never a stack trace.
"""

from __future__ import annotations

from dataclasses import dataclass
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


class KubeError(Exception):
    """A problem with the cluster connection, in words a responder can act on."""


@dataclass(frozen=True, slots=True)
class Access:
    requirement: AccessRequirement
    namespace: str | None
    allowed: bool
    reason: str


def _explain(exc: Exception) -> str:
    from kubernetes.client.exceptions import ApiException

    if isinstance(exc, ApiException):
        if exc.status == 401:
            return "the cluster rejected the credentials (expired or invalid): log in again"
        if exc.status == 403:
            return "forbidden: your account may not do this"
        if exc.status == 404:
            return "not found on the API server"
        return f"the API server answered {exc.status} {exc.reason}"
    text = str(exc)
    if "Connection refused" in text or "Max retries" in text or "timed out" in text:
        return "the API server cannot be reached (VPN? cluster down?)"
    return text.splitlines()[0] if text else type(exc).__name__


def _client(context: str | None = None) -> Any:
    from kubernetes import client, config
    from kubernetes.config.config_exception import ConfigException

    try:
        api = config.new_client_from_config(context=context)
    except (ConfigException, OSError, TypeError) as exc:
        raise KubeError(f"no usable kubeconfig: {exc}") from None
    api.configuration.retries = 0
    return client, api


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
    client, api = _client()
    authz = client.AuthorizationV1Api(api)
    results = []
    for requirement, namespace in requirements:
        resource, _, subresource = requirement.resource.partition("/")
        resource = ALIASES.get(resource, resource)
        attributes = client.V1ResourceAttributes(
            verb=requirement.verb,
            resource=resource,
            subresource=subresource or None,
            group=GROUPS.get(resource, ""),
            namespace=namespace or None,
        )
        body = client.V1SelfSubjectAccessReview(
            api_version="authorization.k8s.io/v1",
            kind="SelfSubjectAccessReview",
            spec=client.V1SelfSubjectAccessReviewSpec(resource_attributes=attributes),
        )
        try:
            review = authz.create_self_subject_access_review(body, _request_timeout=10)
        except Exception as exc:  # every client failure becomes one explained line
            raise KubeError(_explain(exc)) from None
        status = review.status
        results.append(
            Access(
                requirement,
                namespace,
                bool(status.allowed),
                status.reason or ("allowed" if status.allowed else "denied"),
            )
        )
    return results
