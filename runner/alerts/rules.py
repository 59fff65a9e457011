"""Prometheus alerting rules, as written in rule files or PrometheusRule resources.

    groups:
      - name: db
        rules:
          - alert: PostgresTooManyConnections
            expr: ...
            annotations:
              runbook_url: https://runbooks.example.com/alerts/{{ $labels.alertname | toLower }}/

A file may hold several YAML documents (Kubernetes manifests), and a PrometheusRule wraps
the groups in ``spec``. Every rule keeps its file and line for messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.errors import ParseError
from runner.parse import yamlnodes
from runner.text import decode


@dataclass(frozen=True, slots=True)
class Rule:
    alert: str
    path: str
    line: int
    runbook_url: str | None
    url_line: int | None
    group: str | None


def load_rules(path: str | Path) -> list[Rule]:
    shown = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ParseError("file-not-found", path=shown) from None
    text = decode(data, shown)
    try:
        docs = yamlnodes.load_all(text)
    except yamlnodes.YamlError as exc:
        raise ParseError("yaml-syntax", path=shown, line=exc.line, reason=exc.reason) from None
    rules: list[Rule] = []
    for doc, lines in docs:
        if not isinstance(doc, dict):
            continue
        prefix: tuple[Any, ...] = ()
        groups = doc.get("groups")
        if groups is None and isinstance(doc.get("spec"), dict):  # a PrometheusRule
            groups, prefix = doc["spec"].get("groups"), ("spec",)
        if not isinstance(groups, list):
            continue
        for g, group in enumerate(groups):
            if not isinstance(group, dict) or not isinstance(group.get("rules"), list):
                continue
            for r, rule in enumerate(group["rules"]):
                if not isinstance(rule, dict) or not rule.get("alert"):
                    continue  # recording rules have no alert
                path_r = (*prefix, "groups", g, "rules", r)
                annotations = rule.get("annotations")
                url = annotations.get("runbook_url") if isinstance(annotations, dict) else None
                rules.append(
                    Rule(
                        alert=str(rule["alert"]),
                        path=shown,
                        line=lines.get(*path_r, "alert"),
                        runbook_url=None if url is None else str(url),
                        url_line=lines.get(*path_r, "annotations", "runbook_url") if url else None,
                        group=None if group.get("name") is None else str(group["name"]),
                    )
                )
    return rules
