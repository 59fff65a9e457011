"""Human output: a rich console that honours NO_COLOR and pipes; JSON on stdout."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from runner.model import Problem


def console(*, stderr: bool = False) -> Console:
    from rich.console import Console

    no_color = bool(os.environ.get("NO_COLOR"))
    stream = sys.stderr if stderr else sys.stdout
    # Piped output is read by people with wide terminals and by grep: do not wrap at 80.
    width = None if stream.isatty() else 200
    return Console(stderr=stderr, no_color=no_color, highlight=False, width=width)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")


def print_problems(problems: Iterable[Problem], lang: str) -> None:
    """``path:line: severity: message [code]``, and the hint indented below it."""
    from rich.markup import escape

    styles = {"error": "red", "warning": "yellow", "info": "blue"}
    out = console()
    for p in problems:
        style = "green" if p.code == "fixed" else styles[p.severity.value]
        out.print(
            f"{escape(p.location())}: [{style}]{p.severity.value}[/{style}]: "
            f"{escape(p.message(lang))} [dim]\\[{p.code}][/dim]"
        )
        tip = p.hint(lang)
        if tip:
            out.print(f"    [dim]{escape(tip)}[/dim]")
