"""Structured YAML runbooks (the seed's incident-response shape)::

    name: High CPU Usage Response
    triggers: [{alert: CPUUsageHigh}, {threshold: "> 80% for 5min"}]
    steps:
      - name: Identify affected services
        commands: [kubectl top pods --sort-by=cpu, kubectl get hpa]
      - name: Scale out if possible
        condition: HPA configured            # prose: asked of the human
        commands: [...]
      - name: Only when the HPA exists
        condition: {command: kubectl get hpa api}   # evaluated by exit code
    escalation: [{level: 1, contact: "@platform-team", timeout: 15min}]

Standalone in ``runbooks/*.yml``, or embedded in a Markdown ``yaml`` fence whose top
level has ``steps:``. Both read into the same drafts as Markdown steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runner.i18n import did_you_mean
from runner.kube import spec as kube_spec
from runner.model import Condition, Problem, Severity, frozen_map
from runner.parse import kube_step, yamlnodes
from runner.parse.steps import StepDraft

STEP_KEYS = frozenset(
    {
        "name",
        "id",
        "commands",
        "command",
        "condition",
        "when",
        "timeout",
        "on-failure",
        "on_failure",
        "next",
        "confirm",
        "destructive",
        "run",
        "interactive",
        "description",
        "notes",
        "expect",
        "kube",
    }
)


@dataclass(slots=True)
class YamlDoc:
    data: dict[str, Any] = field(default_factory=dict)
    lines: yamlnodes.Lines = field(default_factory=yamlnodes.Lines)
    drafts: list[StepDraft] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ok: bool = True


def read_yaml(text: str, path: str, *, offset: int = 0, embedded: bool = False) -> YamlDoc:
    """Read a YAML runbook; ``offset`` is the count of file lines before ``text``."""
    doc = YamlDoc()
    severity = Severity.WARNING if embedded else Severity.ERROR
    try:
        data, lines = yamlnodes.load(text, offset=offset)
    except yamlnodes.YamlError as exc:
        doc.problems.append(
            Problem(
                "yaml-syntax",
                severity,
                path,
                exc.line,
                frozen_map({"reason": exc.reason}),
                exc.column,
            )
        )
        doc.ok = False
        return doc
    doc.lines = lines
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        doc.problems.append(Problem("yaml-not-runbook", severity, path, offset + 1))
        doc.ok = False
        return doc
    doc.data = data
    for index, entry in enumerate(data["steps"]):
        draft = _step(entry, index, lines, path, doc)
        if draft is not None:
            doc.drafts.append(draft)
    return doc


def _problem(
    doc: YamlDoc, code: str, severity: Severity, path: str, line: int, **args: Any
) -> None:
    doc.problems.append(Problem(code, severity, path, line, frozen_map(args)))


def _step(
    entry: Any, index: int, lines: yamlnodes.Lines, path: str, doc: YamlDoc
) -> StepDraft | None:
    line = lines.get("steps", index)
    if not isinstance(entry, dict):
        _problem(
            doc,
            "bad-value",
            Severity.ERROR,
            path,
            line,
            key=f"steps[{index}]",
            reason="expected a mapping with name and commands",
        )
        return None
    for key in entry:
        if key not in STEP_KEYS:
            _problem(
                doc,
                "unknown-key",
                Severity.WARNING,
                path,
                lines.get("steps", index, key),
                key=str(key),
                suggestion=did_you_mean(str(key), STEP_KEYS),
                known=", ".join(sorted(STEP_KEYS)),
            )
    name = entry.get("name")
    title = str(name).strip() if name is not None else None
    if not title:
        _problem(
            doc,
            "bad-value",
            Severity.ERROR,
            path,
            line,
            key=f"steps[{index}].name",
            reason="every step needs a name",
        )
        title = f"Step {index + 1}"

    attrs: dict[str, str | bool] = {}
    if "kube" in entry:
        return _kube_step(entry, index, lines, path, doc, title, line, attrs)
    raw = entry.get("commands", entry.get("command"))
    key = "commands" if "commands" in entry else "command"
    commands: list[str] = []
    command_lines: list[int] = []
    if isinstance(raw, str):
        raw = [raw]
    if isinstance(raw, list):
        for i, command in enumerate(raw):
            if isinstance(command, (str, int, float)) and str(command).strip():
                text = str(command).rstrip("\n")
                first = lines.get("steps", index, key, i)
                commands.append(text)
                command_lines.extend(range(first, first + text.count("\n") + 1))
            else:
                _problem(
                    doc,
                    "bad-value",
                    Severity.ERROR,
                    path,
                    lines.get("steps", index, key, i),
                    key=f"{title}: {key}[{i}]",
                    reason="expected a command as text",
                )
    elif raw is not None:
        _problem(
            doc,
            "bad-value",
            Severity.ERROR,
            path,
            lines.get("steps", index, key),
            key=f"{title}: {key}",
            reason="expected a list of commands",
        )
    if not commands:
        _problem(doc, "yaml-step-commands", Severity.ERROR, path, line, name=title)
    _step_attrs(entry, attrs)
    condition = _condition(
        entry.get("condition"), lines.get("steps", index, "condition"), path, doc
    )
    return StepDraft(
        lang="yaml",
        source="\n".join(commands),
        line=line,
        end_line=_end_line(lines, index, line),
        source_lines=tuple(command_lines),
        attrs=attrs,
        title=title,
        commands=tuple(commands),
        condition=condition,
    )


def _kube_step(
    entry: dict[str, Any],
    index: int,
    lines: yamlnodes.Lines,
    path: str,
    doc: YamlDoc,
    title: str,
    line: int,
    attrs: dict[str, str | bool],
) -> StepDraft | None:
    """A step with ``kube:`` (a structured Kubernetes action) instead of commands."""
    if "commands" in entry or "command" in entry:
        _problem(
            doc,
            "kube-step",
            Severity.ERROR,
            path,
            lines.get("steps", index, "kube"),
            reason=f"{title}: a step has commands or kube, not both",
        )
    spec, problems = kube_step.read(
        entry["kube"], lines, ("steps", index, "kube"), path, lines.get("steps", index, "kube")
    )
    doc.problems.extend(problems)
    _step_attrs(entry, attrs)
    if spec is not None and spec.action in kube_spec.DESTRUCTIVE:
        attrs["destructive"] = True
    source = kube_step.source_of(spec) if spec is not None else ""
    first = lines.get("steps", index, "kube")
    return StepDraft(
        lang="kube",
        source=source,
        line=line,
        end_line=_end_line(lines, index, line),
        source_lines=tuple(range(first, first + source.count("\n") + 1)),
        attrs=attrs,
        title=title,
        condition=_condition(
            entry.get("condition"), lines.get("steps", index, "condition"), path, doc
        ),
    )


def _step_attrs(entry: dict[str, Any], attrs: dict[str, str | bool]) -> None:
    if "id" in entry and entry["id"] is not None:
        attrs["id"] = str(entry["id"])
    for flag in ("confirm", "destructive", "interactive", "run"):
        if flag in entry:
            attrs[flag] = bool(entry[flag])
    for text_key in ("timeout", "next", "when"):
        if entry.get(text_key) is not None:
            attrs[text_key] = str(entry[text_key])
    failure = entry.get("on-failure", entry.get("on_failure"))
    if failure is not None:
        attrs["on-failure"] = str(failure)


def _condition(value: Any, line: int, path: str, doc: YamlDoc) -> Condition | None:
    if value is None:
        return None
    if isinstance(value, str):
        return Condition("prose", value.strip(), line) if value.strip() else None
    if isinstance(value, dict) and len(value) == 1:
        ((kind, text),) = value.items()
        if kind in {"command", "shell"} and isinstance(text, str):
            return Condition("command", text.strip(), line)
    _problem(
        doc,
        "bad-value",
        Severity.ERROR,
        path,
        line,
        key="condition",
        reason="expected text (asked of the responder) or {command: ...}",
    )
    return None


def _end_line(lines: yamlnodes.Lines, index: int, line: int) -> int:
    nxt = lines.by_path.get(("steps", index + 1))
    if nxt is not None:
        return nxt - 1
    deepest = [v for k, v in lines.by_path.items() if len(k) > 1 and k[:2] == ("steps", index)]
    return max([line, *deepest])
