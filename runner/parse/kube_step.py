"""Read a structured Kubernetes step (```` ```yaml {kube} ```` or YAML ``kube:``) into the
canonical YAML text the step runs from, with every problem at its file line."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import yaml

from runner.kube import spec as kube_spec
from runner.model import Problem, Severity, frozen_map
from runner.parse import yamlnodes


def read(
    data: Any, lines: yamlnodes.Lines, prefix: tuple[Hashable, ...], path: str, line: int
) -> tuple[kube_spec.KubeSpec | None, list[Problem]]:
    """``prefix``: the key path of the kube mapping inside the YAML ``lines`` describe."""
    plus = frozenset(str(p[len(prefix)]) for p in lines.plus if p[: len(prefix)] == prefix)
    spec, found = kube_spec.parse(data, lambda key: lines.get(*prefix, key), plus=plus)
    problems = [
        Problem("kube-step", Severity.ERROR, path, at or line, frozen_map({"reason": reason}))
        for reason, at in found
    ]
    return spec, problems


def read_fence(
    content: str, path: str, line: int
) -> tuple[kube_spec.KubeSpec | None, list[Problem]]:
    """A ```` ```yaml {kube} ```` fence whose opening line is ``line``."""
    try:
        data, lines = yamlnodes.load(content, offset=line)
    except yamlnodes.YamlError as exc:
        problem = Problem(
            "yaml-syntax", Severity.ERROR, path, exc.line, frozen_map({"reason": exc.reason})
        )
        return None, [problem]
    return read(data, lines, (), path, line)


def source_of(spec: kube_spec.KubeSpec) -> str:
    """The canonical text of a spec (what ``show`` prints and the step runs from)."""
    return yaml.safe_dump(
        {"action": spec.action, **spec.fields},
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1000,
    ).rstrip("\n")


def spec_of(source: str) -> kube_spec.KubeSpec | None:
    """The spec of a kube step's source (None if it does not read; lint says why)."""
    spec, _ = read_fence(source, "<step>", 0)
    return spec


def kubectl_of(source: str) -> str | None:
    """The nearest kubectl command for a kube step's source (for people reading it)."""
    spec = spec_of(source)
    return None if spec is None else kube_spec.describe(spec)
