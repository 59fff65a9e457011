"""Parameter values for a run: defaults, ``--param K=V``, positional ARGs, prompts.

Values reach steps only as environment variables. Positional ARGs fill the declared
parameters in order (``runner exec docs/db-debug.md prod`` sets ENV) and are also
``$1...`` in shell steps.
"""

from __future__ import annotations

from collections.abc import Callable

from runner.errors import UsageError
from runner.model import Param, Runbook

Prompt = Callable[[Param], str]


def parse_assignments(items: tuple[str, ...] | list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError("bad-param-syntax", item=item)
        values[key.strip()] = value
    return values


def resolve(
    runbook: Runbook,
    given: dict[str, str],
    args: list[str],
    *,
    prompt: Prompt | None,
) -> dict[str, str]:
    """Every parameter's value; missing required ones are asked for, or an error."""
    by_upper = {p.name.upper(): p for p in runbook.params}
    values: dict[str, str] = {}
    for key, value in given.items():
        param = by_upper.get(key.upper())
        values[param.name if param else key] = value
    free = [p for p in runbook.params if p.origin == "declared" and p.name not in values]
    for param, arg in zip(free, args, strict=False):
        values[param.name] = arg
    for param in runbook.params:
        if param.name in values:
            continue
        default = param.default
        if default is not None:
            values[param.name] = default
        elif param.required:
            if prompt is None:
                raise UsageError(
                    "missing-param", path=runbook.path, line=param.line, name=param.name
                )
            values[param.name] = prompt(param)
    for param in runbook.params:
        chosen = values.get(param.name)
        if chosen is not None and param.choices and chosen not in param.choices:
            raise UsageError(
                "bad-choice",
                path=runbook.path,
                line=param.line,
                name=param.name,
                value=chosen,
                choices=", ".join(param.choices),
            )
    return values
