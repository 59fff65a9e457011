"""What a structured Kubernetes step may say, checked before anything runs.

A ``kube`` step is a small mapping: an ``action`` and its fields, written in a
```` ```yaml {kube} ```` fence or under ``kube:`` in a YAML runbook step::

    action: scale
    deployment: api
    namespace: $ENV
    replicas: "+2"

Names, namespaces and selectors may refer to parameters (``$ENV``, ``${APP}``); they are
filled from the step's environment as whole values, never through a shell, and checked
against the Kubernetes name rules after filling. This module is plain data and checks
(no client import), so parse and lint use it without loading ``kubernetes``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from runner.kube import ALIASES
from runner.parse.durations import parse_duration

# field kinds: name (DNS-1123 subdomain), namespace (DNS-1123 label), selector, int,
# replicas (n, +n, -n), duration, regex, bool, argv (list of text), resource
FIELDS: dict[str, dict[str, str]] = {
    "get": {
        "resource": "resource",
        "name": "name",
        "selector": "selector",
        "namespace": "namespace",
        "all-namespaces": "bool",
    },
    "logs": {
        "pod": "name",
        "selector": "selector",
        "container": "name",
        "tail": "int",
        "since": "duration",
        "grep": "regex",
        "previous": "bool",
        "namespace": "namespace",
    },
    "exec": {
        "pod": "name",
        "selector": "selector",
        "container": "name",
        "command": "argv",
        "namespace": "namespace",
    },
    "scale": {
        "deployment": "name",
        "statefulset": "name",
        "replicas": "replicas",
        "min": "int",
        "max": "int",
        "namespace": "namespace",
    },
    "rollout-restart": {
        "deployment": "name",
        "statefulset": "name",
        "daemonset": "name",
        "namespace": "namespace",
    },
    "rollout-status": {
        "deployment": "name",
        "statefulset": "name",
        "daemonset": "name",
        "timeout": "duration",
        "namespace": "namespace",
    },
    "cordon": {"node": "name"},
    "uncordon": {"node": "name"},
    "drain": {
        "node": "name",
        "timeout": "duration",
        "grace-period": "int",
        "ignore-daemonsets": "bool",
        "delete-emptydir-data": "bool",
        "force": "bool",
    },
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "get": ("resource",),
    "exec": ("command",),
    "scale": ("replicas",),
    "cordon": ("node",),
    "uncordon": ("node",),
    "drain": ("node",),
}
# exactly one of these names what the action works on
TARGETS: dict[str, tuple[str, ...]] = {
    "logs": ("pod", "selector"),
    "exec": ("pod", "selector"),
    "scale": ("deployment", "statefulset"),
    "rollout-restart": ("deployment", "statefulset", "daemonset"),
    "rollout-status": ("deployment", "statefulset", "daemonset"),
}
DESTRUCTIVE = frozenset({"cordon", "drain"})
# what --dry-run can do with each action
SIMULATION: dict[str, str] = {
    "get": "read",
    "logs": "read",
    "scale": "server",
    "rollout-restart": "server",
    "cordon": "server",
    "uncordon": "server",
    "drain": "server",
    "exec": "no",
    "rollout-status": "no",
}
# what `get` can show (with a table each); written as kubectl accepts them (hpa, deploy)
GETTABLE = ("pods", "deployments", "statefulsets", "horizontalpodautoscalers", "nodes", "jobs")
RESOURCES = {
    **{name: name for name in GETTABLE},
    **{alias: name for alias, name in ALIASES.items() if name in GETTABLE},
}
CLUSTER_SCOPED = frozenset({"nodes"})

_REF = re.compile(r"(?<!\$)\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
_ARGV_REF = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")
_NAME = re.compile(r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?")
_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
# a label selector: keys, values, = == != , in/notin (...), ! and spaces; nothing a shell
# or a URL would read differently
_SELECTOR = re.compile(r"[A-Za-z0-9_./=!,()\s-]+")
_RELATIVE = re.compile(r"[+-]\d+")


class SpecError(ValueError):
    """A kube step that cannot run as written; the message names the field."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True, slots=True)
class KubeSpec:
    action: str
    fields: Mapping[str, Any]

    def target(self) -> tuple[str, str] | None:
        """(kind, name) of what the action works on, e.g. ("deployment", "api")."""
        for key in TARGETS.get(self.action, ()):
            if key in self.fields:
                return key, str(self.fields[key])
        if "node" in self.fields:
            return "node", str(self.fields["node"])
        return None

    @property
    def namespace(self) -> str | None:
        value = self.fields.get("namespace")
        return None if value is None else str(value)


def refs(value: Any) -> list[str]:
    """Parameter names a value refers to (``$ENV``, ``${ENV}``), in order."""
    if isinstance(value, list):
        return [name for item in value for name in refs(item)]
    if not isinstance(value, str):
        return []
    return [m[1] or m[2] for m in _REF.finditer(value)]


def _norm_key(key: Any) -> str:
    return str(key).strip().replace("_", "-")


def parse(
    data: Any, line_of: Any = None, *, plus: frozenset[str] = frozenset()
) -> tuple[KubeSpec | None, list[tuple[str, int | None]]]:
    """The spec, or None, and (reason, line) for each problem.

    ``line_of(key)`` gives the file line of a key (None: the step's line); ``plus`` holds
    the keys whose value was written with a leading ``+`` (YAML reads ``+2`` as 2).
    """

    def at(key: str | None) -> int | None:
        return line_of(key) if (line_of is not None and key is not None) else None

    problems: list[tuple[str, int | None]] = []
    if not isinstance(data, dict):
        return None, [("expected a mapping with an action and its fields", None)]
    raw = {_norm_key(k): (k, v) for k, v in data.items()}
    action_entry = raw.pop("action", None)
    if action_entry is None:
        known = ", ".join(FIELDS)
        return None, [(f"no action: say what to do ({known})", None)]
    action = str(action_entry[1]).strip().lower().replace("_", "-")
    if action not in FIELDS:
        from runner.i18n import did_you_mean

        guess = did_you_mean(action, FIELDS)
        hint = f" (did you mean {guess}?)" if guess else f" (known: {', '.join(FIELDS)})"
        return None, [(f"unknown action {action!r}{hint}", at(action_entry[0]))]
    allowed = FIELDS[action]
    fields: dict[str, Any] = {}
    for key, (written, value) in raw.items():
        if key not in allowed:
            problems.append(
                (
                    f"{action} has no field {written!r} (fields: {', '.join(allowed)})",
                    at(written),
                )
            )
            continue
        try:
            fields[key] = _check(allowed[key], key, value, written in plus or key in plus)
        except SpecError as exc:
            problems.append((str(exc), at(written)))
    for key in REQUIRED.get(action, ()):
        if key not in raw:
            problems.append((f"{action} needs {key}", None))
    targets = TARGETS.get(action, ())
    named = [k for k in targets if k in raw]
    if targets and len(named) != 1:
        which = " or ".join(targets)
        reason = "only one of" if named else "one of"
        problems.append((f"{action} needs {reason} {which}", None))
    if action == "get" and fields.get("resource") in CLUSTER_SCOPED and "namespace" in fields:
        problems.append(("nodes have no namespace", at(raw["namespace"][0])))
    if action == "get" and "name" in fields and "selector" in fields:
        problems.append(("get takes a name or a selector, not both", None))
    if problems:
        return None, problems
    return KubeSpec(action, fields), []


def _check(kind: str, key: str, value: Any, signed: bool) -> Any:
    if kind == "bool":
        if not isinstance(value, bool):
            raise SpecError(f"{key} must be true or false", key)
        return value
    if kind == "argv":
        if isinstance(value, str):
            raise SpecError(
                f"{key} must be a list of arguments, e.g. [pg_isready, -h, localhost]: "
                "it does not go through a shell",
                key,
            )
        if not isinstance(value, list) or not value:
            raise SpecError(f"{key} must be a non-empty list of arguments", key)
        if not all(isinstance(a, (str, int, float)) and not isinstance(a, bool) for a in value):
            raise SpecError(f"every item of {key} must be text", key)
        return [str(a) for a in value]
    if value is None or isinstance(value, (dict, list)):
        raise SpecError(f"{key} must be a single value", key)
    if kind == "int":
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            if isinstance(value, str) and refs(value):
                return value
            raise SpecError(f"{key} must be a whole number ≥ 0", key)
        return value
    if kind == "replicas":
        if isinstance(value, bool):
            raise SpecError("replicas must be a number, or +N / -N relative to now", key)
        if isinstance(value, int):
            return f"+{value}" if signed else (str(value) if value < 0 else value)
        text = str(value).strip()
        if text.isdigit():
            return int(text)
        if _RELATIVE.fullmatch(text) or refs(text):
            return text
        raise SpecError(f"replicas {text!r}: write a number, or +N / -N relative to now", key)
    text = str(value).strip()
    if kind == "duration":
        if not refs(text) and parse_duration(text) is None:
            raise SpecError(f"{key} {text!r} is not a duration (e.g. 30s, 5m, 1h)", key)
        return text
    if kind == "regex":
        try:
            re.compile(text)
        except re.error as exc:
            raise SpecError(
                f"{key} {text!r} is not a valid regular expression: {exc}", key
            ) from None
        return text
    if kind == "resource":
        resource = RESOURCES.get(text.lower())
        if resource is None:
            known = ", ".join(sorted(set(RESOURCES.values())))
            raise SpecError(f"cannot get {text!r} (known: {known})", key)
        return resource
    if not refs(text):
        check_value(kind, key, text)
    return text


def check_value(kind: str, key: str, text: str) -> None:
    """Kubernetes' own rules for a name, namespace or selector (after params are filled)."""
    if kind == "name" and not (len(text) <= 253 and _NAME.fullmatch(text)):
        raise SpecError(
            f"{key} {text!r} is not a Kubernetes name (lower-case letters, digits, - and .)",
            key,
        )
    if kind == "namespace" and not (len(text) <= 63 and _LABEL.fullmatch(text)):
        raise SpecError(
            f"namespace {text!r} is not a Kubernetes namespace (lower-case letters, digits, -)",
            key,
        )
    if kind == "selector" and not _SELECTOR.fullmatch(text):
        raise SpecError(f"selector {text!r} is not a label selector (e.g. app=api)", key)


def fill(spec: KubeSpec, env: Mapping[str, str]) -> KubeSpec:
    """The spec with parameter references replaced by their values, each value checked.
    Raises SpecError naming the field and the parameter when one is not set."""
    kinds = FIELDS[spec.action]
    out: dict[str, Any] = {}
    for key, value in spec.fields.items():
        if kinds[key] == "regex":  # a pattern's $ is an anchor, not a parameter
            out[key] = value
            continue
        if kinds[key] == "argv":  # like a local shell: set names are replaced, $$ is $
            out[key] = [_ARGV_REF.sub(lambda m: _argv_value(m, env), v) for v in value]
            continue
        names = refs(value)
        for name in names:
            if name not in env:
                raise SpecError(f"{key} refers to ${name}, which is not set", key)
        if not names:
            out[key] = value
        else:
            text = _REF.sub(lambda m: env[m[1] or m[2]], str(value))
            out[key] = _check(kinds[key], key, text, False)
            if kinds[key] in {"name", "namespace", "selector"}:
                check_value(kinds[key], key, out[key])
    return KubeSpec(spec.action, out)


def fill_refs(text: str, values: Mapping[str, str]) -> str:
    """``$NAME``/``${NAME}`` replaced where ``values`` has the name; others stay."""
    return _REF.sub(lambda m: values.get(m[1] or m[2], m[0]), text)


def _argv_value(match: re.Match[str], env: Mapping[str, str]) -> str:
    """``$$`` is ``$``; a set name is its value; an unset one stays as written."""
    if match[0] == "$$":
        return "$"
    return env.get(match[1] or match[2], match[0])


def describe(spec: KubeSpec) -> str:
    """The nearest kubectl command, so a responder can do it by hand if need be."""
    f = spec.fields
    ns = f" -n {f['namespace']}" if "namespace" in f else ""
    target = spec.target()
    ref = f"{target[0]}/{target[1]}" if target else ""
    if spec.action == "get":
        what = f["resource"] + (f" {f['name']}" if "name" in f else "")
        sel = f" -l {f['selector']}" if "selector" in f else ""
        every = " -A" if f.get("all-namespaces") else ""
        return f"kubectl get {what}{sel}{ns}{every}"
    if spec.action in {"logs", "exec"}:
        who = f["pod"] if "pod" in f else f"-l {f['selector']}"
        container = f" -c {f['container']}" if "container" in f else ""
        if spec.action == "exec":
            return f"kubectl exec {who}{container}{ns} -- " + " ".join(f["command"])
        extra = "".join(
            [
                f" --tail={f['tail']}" if "tail" in f else "",
                f" --since={f['since']}" if "since" in f else "",
                " --previous" if f.get("previous") else "",
            ]
        )
        grep = f" | grep -E '{f['grep']}'" if "grep" in f else ""
        return f"kubectl logs {who}{container}{ns}{extra}{grep}"
    if spec.action == "scale":
        replicas = f["replicas"]
        if isinstance(replicas, str) and _RELATIVE.fullmatch(replicas):
            replicas = f"<current {replicas[0]} {replicas[1:]}>"
        return f"kubectl scale {ref} --replicas={replicas}{ns}"
    if spec.action == "rollout-restart":
        return f"kubectl rollout restart {ref}{ns}"
    if spec.action == "rollout-status":
        timeout = f" --timeout={f['timeout']}" if "timeout" in f else ""
        return f"kubectl rollout status {ref}{ns}{timeout}"
    if spec.action == "drain":
        flags = "".join(
            [
                " --ignore-daemonsets" if f.get("ignore-daemonsets", True) else "",
                " --delete-emptydir-data" if f.get("delete-emptydir-data") else "",
                " --force" if f.get("force") else "",
                f" --grace-period={f['grace-period']}" if "grace-period" in f else "",
                f" --timeout={f['timeout']}" if "timeout" in f else "",
            ]
        )
        return f"kubectl drain {f['node']}{flags}"
    return f"kubectl {spec.action} {f['node']}"


def access(spec: KubeSpec) -> list[tuple[str, str]]:
    """(verb, resource[/subresource]) the step needs: the RBAC a Job's ServiceAccount
    gets, and what lint suggests for ``requires.access``."""
    f = spec.fields
    kind = {"deployment": "deployments", "statefulset": "statefulsets", "daemonset": "daemonsets"}
    target = spec.target()
    plural = kind.get(target[0], "") if target else ""
    if spec.action == "get":
        return [("list" if "name" not in f else "get", f["resource"])]
    if spec.action == "logs":
        out = [("get", "pods/log")]
        return [("list", "pods"), *out] if "selector" in f else out
    if spec.action == "exec":
        out = [("create", "pods/exec")]
        return [("list", "pods"), *out] if "selector" in f else out
    if spec.action == "scale":
        return [("get", f"{plural}/scale"), ("patch", f"{plural}/scale")]
    if spec.action == "rollout-restart":
        return [("patch", plural)]
    if spec.action == "rollout-status":
        return [("get", plural)]
    if spec.action in {"cordon", "uncordon"}:
        return [("patch", "nodes")]
    return [("patch", "nodes"), ("list", "pods"), ("create", "pods/eviction")]
