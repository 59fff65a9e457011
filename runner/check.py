"""``runner check``: can this runbook run here, now? Tools, cluster context and access.

A checklist of ✔/✘ with, for each ✘, what to do about it. ``runner exec`` runs the same
checks first (``--no-check`` skips them); a failed check is exit 5.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from runner.kube.spec import fill_refs
from runner.model import AccessRequirement, Runbook


@dataclass(frozen=True, slots=True)
class Result:
    what: str
    ok: bool
    detail: str = ""
    fix: str = ""


def run_checks(runbook: Runbook, params: dict[str, str]) -> list[Result]:
    results = []
    for tool in runbook.requires.tools:
        found = shutil.which(tool)
        results.append(
            Result(
                f"tool {tool}",
                found is not None,
                found or "not on PATH",
                "" if found else f"install {tool}, or put it on PATH",
            )
        )
    req = runbook.requires
    needed = _kube_step_access(runbook)
    if req.context is None and not req.access and not needed:
        return results
    from runner.kube import KubeError, can_i, current_context, default_namespace

    try:
        active = current_context()
    except KubeError as exc:
        return [
            *results,
            Result(
                "kubernetes context",
                False,
                str(exc),
                "set KUBECONFIG, or run: kubectl config use-context NAME",
            ),
        ]
    if req.context is not None:
        wanted = fill_refs(req.context, params)
        ok = active == wanted
        results.append(
            Result(
                f"context {wanted}",
                ok,
                f"current: {active}",
                "" if ok else f"kubectl config use-context {wanted}",
            )
        )
    pairs = [(a, fill_refs(a.namespace, params) if a.namespace else None) for a in req.access]
    if needed:
        namespace = default_namespace()
        for requirement, cluster_wide in needed:
            where = None
            if not cluster_wide:
                where = (
                    fill_refs(requirement.namespace, params) if requirement.namespace else namespace
                )
            known = {(a.verb, a.resource, n) for a, n in pairs}
            if (requirement.verb, requirement.resource, where) not in known:
                pairs.append((AccessRequirement(requirement.verb, requirement.resource), where))
    if pairs:
        try:
            for access in can_i(pairs):
                where = f" in {access.namespace}" if access.namespace else ""
                what = f"can {access.requirement.verb} {access.requirement.resource}{where}"
                results.append(
                    Result(
                        what,
                        access.allowed,
                        access.reason,
                        ""
                        if access.allowed
                        else f"ask for a role that allows it (kubectl auth can-i "
                        f"{access.requirement.verb} {access.requirement.resource}"
                        f"{' -n ' + access.namespace if access.namespace else ''})",
                    )
                )
        except KubeError as exc:
            results.append(
                Result(
                    "kubernetes access",
                    False,
                    str(exc),
                    "check the cluster and your credentials, then run again",
                )
            )
    return results


def _kube_step_access(runbook: Runbook) -> list[tuple[AccessRequirement, bool]]:
    """What the runbook's structured Kubernetes steps need (checked like declared access),
    each with whether it is cluster-wide (nodes; a drain's pods on every namespace)."""
    from runner.kube.spec import access
    from runner.parse.kube_step import spec_of

    found: list[tuple[AccessRequirement, bool]] = []
    for step in runbook.steps:
        spec = spec_of(step.source) if step.lang == "kube" and step.runs else None
        if spec is None:
            continue
        for verb, resource in access(spec):
            cluster_wide = resource == "nodes" or spec.action == "drain"
            entry = (AccessRequirement(verb, resource, spec.namespace), cluster_wide)
            if entry not in found:
                found.append(entry)
    return found
