"""Human output: a rich console that honours NO_COLOR and pipes, and a few labels."""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

LABELS: dict[str, tuple[str, str]] = {
    "id": ("id", "id"),
    "title": ("title", "tittel"),
    "lang": ("lang", "språk"),
    "owner": ("owner", "eier"),
    "service": ("service", "tjeneste"),
    "alerts": ("alerts", "alarmer"),
    "steps": ("steps", "steg"),
    "path": ("path", "sti"),
    "params": ("params", "parametere"),
    "escalation": ("escalation", "eskalering"),
    "run": ("run", "kjør"),
    "not_run": ("shown, not run (run=false)", "vises, kjøres ikke (run=false)"),
    "condition": ("only if", "bare hvis"),
    "on_failure": ("on failure", "ved feil"),
    "secret": ("secret", "hemmelig"),
    "required": ("required", "påkrevd"),
    "default": ("default", "standard"),
    "after": ("after", "etter"),
    "runbooks": ("runbooks", "runbooks"),
    "not_runbooks": ("{n} page(s) without steps not listed", "{n} side(r) uten steg vises ikke"),
    "errors_in": ("could not read", "kunne ikke lese"),
}


def label(key: str, lang: str, **args: Any) -> str:
    en, nb = LABELS[key]
    text = nb if lang in {"nb", "nn"} else en
    return text.format(**args) if args else text


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
