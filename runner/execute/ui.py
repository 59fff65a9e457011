"""What the responder sees and answers: step headers, prompts, results, escalations.

Human output goes to stdout, or to stderr with ``--json`` (stdout then carries only the
JSON Lines events). Prompts read from the terminal; the engine never prompts without one.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from typing import IO, Any

import click

from runner.i18n import label as t
from runner.model import Param, Runbook, Step

BADGE_STYLES = {"destructive": "red", "confirm": "yellow"}


def rich_badges(step: Step, lang: str) -> list[str]:
    """The step's badges as rich markup, for the terminal views (show and exec)."""
    out = []
    for kind, text in step.badges():
        shown = t("not_run", lang) if kind == "not_run" else text
        style = BADGE_STYLES.get(kind)
        out.append(f"[{style}]{shown}[/{style}]" if style else shown)
    return out


class UI:
    def __init__(self, lang: str, *, json_mode: bool, interactive: bool) -> None:
        from rich.console import Console

        self.lang = lang
        self.json_mode = json_mode
        self.interactive = interactive
        human = sys.stderr if json_mode else sys.stdout
        self.console = Console(
            file=human, no_color=bool(os.environ.get("NO_COLOR")), highlight=False
        )
        self.sink: IO[bytes] = (sys.stderr if json_mode else sys.stdout).buffer
        self._lock = threading.Lock()

    # -- events
    def emit(self, event: dict[str, Any]) -> None:
        if self.json_mode:
            with self._lock:
                sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
                sys.stdout.flush()

    def print(self, text: str) -> None:
        with self._lock:
            self.console.print(text)

    # -- headers
    def run_header(self, runbook: Runbook, shown_params: dict[str, str]) -> None:
        from rich.markup import escape

        self.print(f"[bold]{escape(runbook.title)}[/bold]  [dim]{escape(runbook.path)}[/dim]")
        if shown_params:
            pairs = "  ".join(f"{k}={v}" for k, v in shown_params.items())
            self.print(f"[dim]{t('parameters', self.lang)}: {escape(pairs)}[/dim]")

    def step_header(self, step: Step, total: int, source: str) -> None:
        from rich.markup import escape
        from rich.syntax import Syntax

        badges = " ".join(["", *rich_badges(step, self.lang)]) if step.badges() else ""
        with self._lock:
            self.console.print(
                f"\n[bold cyan]{step.index}/{total}[/bold cyan] [bold]{escape(step.title)}[/bold]"
                f"  [dim]#{escape(step.id)} · {step.lang}[/dim]{badges}"
            )
            lexer = {"python": "python", "kube": "yaml"}.get(step.lang, "bash")
            width = max((len(line) for line in source.split("\n")), default=0) + 1
            self.console.print(
                Syntax(
                    source,
                    lexer,
                    theme="ansi_dark",
                    background_color="default",
                    padding=(0, 2),
                    code_width=width,
                )
            )
            self.sink.flush()

    # -- prompts (only called with a terminal)
    def _choose(self, prompt: str, choices: dict[str, str], default: str | None) -> str:
        while True:
            answer = (
                click.prompt(
                    prompt, default=default, show_default=default is not None, err=self.json_mode
                )
                .strip()
                .lower()
            )
            if answer in choices:
                return choices[answer]

    def ask_step(self, step: Step) -> str:
        if step.confirm:
            return self._choose(
                t("ask_confirm", self.lang),
                {"run": "run", "s": "skip", "q": "quit", "e": "escalate"},
                None,
            )
        return self._choose(
            t("ask_step", self.lang),
            {"r": "run", "": "run", "s": "skip", "q": "quit", "e": "escalate"},
            "r",
        )

    def ask_failure(self, default: str) -> str:
        keys = {"retry": "r", "continue": "c", "abort": "q", "quit": "q", "escalate": "e"}
        return self._choose(
            t("ask_failure", self.lang),
            {"r": "retry", "c": "continue", "q": "quit", "e": "escalate"},
            keys.get(default, "q"),
        )

    def ask_condition(self, text: str) -> bool:
        return click.confirm(
            t("ask_condition", self.lang, text=text), default=True, err=self.json_mode
        )

    def ask_resolved(self) -> bool | None:
        answer = (
            click.prompt(
                t("ask_resolved", self.lang), default="", show_default=False, err=self.json_mode
            )
            .strip()
            .lower()
        )
        if answer in {"y", "yes", "j", "ja"}:
            return True
        if answer in {"n", "no", "nei"}:
            return False
        return None

    def ask_missing(self) -> str:
        answer: str = click.prompt(
            t("ask_missing", self.lang), default="", show_default=False, err=self.json_mode
        )
        return answer.strip()

    def ask_param(self, param: Param) -> str:
        label = t("ask_param", self.lang, name=param.name)
        if param.description:
            label += f" ({param.description})"
        value: str = click.prompt(label, hide_input=param.secret, err=self.json_mode)
        return value

    # -- results
    def step_done(self, status: str, exit_code: int | None, duration_s: float) -> None:
        style = {"succeeded": "green", "skipped": "dim"}.get(status, "red")
        mark = {"succeeded": "✔", "skipped": "↷"}.get(status, "✘")
        code = "" if exit_code is None else f" (exit {exit_code})"
        self.print(f"[{style}]{mark} {t(status, self.lang)}{code} · {duration_s:.1f}s[/{style}]")

    def still_running(self, elapsed: float) -> None:
        self.print(f"[dim]… {t('still_running', self.lang, s=elapsed)}[/dim]")

    def escalation(self, level: int, contact: str) -> None:
        from rich.panel import Panel

        text = t("escalate_to", self.lang, contact=contact, level=level)
        with self._lock:
            self.console.print(Panel(f"[bold]{text}[/bold]", style="red"))

    def note(self, text: str) -> None:
        from rich.markup import escape

        self.print(f"[dim]{escape(text)}[/dim]")

    def warn(self, text: str) -> None:
        from rich.markup import escape

        self.print(f"[yellow]{escape(text)}[/yellow]")
