"""From step drafts (what the readers found) to final Steps: ids, edges and checks.

Both readers (Markdown and YAML) produce drafts; this module gives them their index,
their id (explicit ``#id``, else the heading's slug made unique), their decision edges
(``on-failure``, ``next``, ``when``), and refuses step graphs that loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runner.model import AttrValue, Condition, Problem, SectionKind, Severity, Step, frozen_map
from runner.parse import placeholders
from runner.parse.durations import parse_duration
from runner.parse.slug import slugify
from runner.shell import scan
from runner.text import clean_code

ON_FAILURE_ACTIONS = frozenset({"abort", "continue", "escalate"})


@dataclass(slots=True)
class StepDraft:
    lang: str
    source: str
    line: int
    end_line: int
    source_lines: tuple[int, ...]
    attrs: dict[str, AttrValue]
    info: str = ""
    heading: str | None = None
    heading_line: int | None = None
    section: SectionKind | None = None
    commands: tuple[str, ...] = ()
    condition: Condition | None = None
    title: str | None = None  # YAML steps have their own name
    extra: dict[str, Any] = field(default_factory=dict)


def finish_steps(
    drafts: list[StepDraft], path: str, fallback_title: str
) -> tuple[tuple[Step, ...], list[Problem], list[tuple[str, str, int]]]:
    """Steps, problems, and (placeholder text, param name, line) found in the sources."""
    problems: list[Problem] = []
    explicit: dict[str, int] = {}
    for draft in drafts:
        value = draft.attrs.get("id")
        if isinstance(value, str) and value:
            if value in explicit:
                problems.append(
                    Problem(
                        "duplicate-step-id",
                        Severity.ERROR,
                        path,
                        draft.line,
                        frozen_map({"id": value, "first_line": explicit[value]}),
                    )
                )
            else:
                explicit[value] = draft.line

    taken = set(explicit)
    ids: list[str] = []
    for draft in drafts:
        value = draft.attrs.get("id")
        if isinstance(value, str) and value:
            ids.append(value)
            continue
        base = slugify(draft.title or draft.heading or fallback_title) or "step"
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate)
        ids.append(candidate)

    found_placeholders: list[tuple[str, str, int]] = []
    steps: list[Step] = []
    for index, (draft, step_id) in enumerate(zip(drafts, ids, strict=True), start=1):
        attrs = dict(draft.attrs)
        attrs.pop("id", None)
        timeout_s = None
        if "timeout" in attrs:
            timeout_s = parse_duration(attrs["timeout"])
            if timeout_s is None or timeout_s <= 0:
                problems.append(
                    Problem(
                        "bad-duration",
                        Severity.ERROR,
                        path,
                        draft.line,
                        frozen_map({"key": "timeout", "value": attrs["timeout"]}),
                    )
                )
                timeout_s = None
        on_failure = str(attrs.get("on-failure", "abort"))
        next_id = attrs.get("next")
        condition = draft.condition
        when = attrs.get("when")
        if condition is None and isinstance(when, str) and when.strip():
            condition = Condition("shell", when, draft.line)
        source = clean_code(draft.source)
        commands = tuple(clean_code(c) for c in draft.commands)
        found: tuple[str, ...] = ()
        if draft.lang in {"bash", "console", "yaml"}:
            hits = placeholders.find(source)
            if hits:  # confirm outside comments (rarely needed, so only then lex the source)
                hits = placeholders.find(scan(source).code)
            found = tuple(text for text, _ in hits)
            found_placeholders.extend((text, name, draft.line) for text, name in hits)
        steps.append(
            Step(
                index=index,
                id=step_id,
                title=draft.title or draft.heading or fallback_title,
                lang=draft.lang,
                source=source,
                line=draft.line,
                end_line=draft.end_line,
                source_lines=draft.source_lines,
                attrs=frozen_map(attrs),
                info=draft.info,
                section=draft.section,
                heading_line=draft.heading_line,
                explicit_id=isinstance(draft.attrs.get("id"), str),
                commands=commands,
                condition=condition,
                on_failure=on_failure,
                next=next_id if isinstance(next_id, str) else None,
                timeout_s=timeout_s,
                placeholders=found,
            )
        )
    problems.extend(_check_edges(steps, path))
    return tuple(steps), problems, found_placeholders


def _check_edges(steps: list[Step], path: str) -> list[Problem]:
    problems: list[Problem] = []
    position = {step.id: i for i, step in enumerate(steps)}
    known = ", ".join(position) or "-"
    edges: dict[int, set[int]] = {i: set() for i in range(len(steps))}
    for i, step in enumerate(steps):
        if step.next is not None:
            if step.next in position:
                edges[i].add(position[step.next])
            else:
                problems.append(_unknown_ref(path, step, "next", step.next, known))
        elif i + 1 < len(steps):
            edges[i].add(i + 1)
        target = step.on_failure
        if target not in ON_FAILURE_ACTIONS:
            if target in position:
                edges[i].add(position[target])
            else:
                problems.append(_unknown_ref(path, step, "on-failure", target, known))
    cycle = _find_cycle(edges)
    if cycle:
        names = " → ".join(steps[i].id for i in cycle)
        problems.append(
            Problem(
                "step-loop",
                Severity.ERROR,
                path,
                steps[cycle[-2]].line,
                frozen_map({"cycle": names}),
            )
        )
    return problems


def _unknown_ref(path: str, step: Step, key: str, target: str, known: str) -> Problem:
    return Problem(
        "unknown-step-ref",
        Severity.ERROR,
        path,
        step.line,
        frozen_map({"key": key, "target": target, "known": known}),
    )


def _find_cycle(edges: dict[int, set[int]]) -> list[int] | None:
    """A cycle as a list of nodes (first repeated at the end), or None. Iterative DFS."""
    white, grey, black = 0, 1, 2
    color = dict.fromkeys(edges, white)
    for root in edges:
        if color[root] != white:
            continue
        stack: list[tuple[int, list[int]]] = [(root, sorted(edges[root]))]
        trail = [root]
        color[root] = grey
        while stack:
            node, todo = stack[-1]
            if not todo:
                color[node] = black
                stack.pop()
                trail.pop()
                continue
            nxt = todo.pop(0)
            if color[nxt] == grey:
                return [*trail[trail.index(nxt) :], nxt]
            if color[nxt] == white:
                color[nxt] = grey
                trail.append(nxt)
                stack.append((nxt, sorted(edges[nxt])))
    return None
