"""The run loop: ask, check the condition, run, follow the decision edges, escalate, record.

Outcomes and exit codes (DESIGN.md): succeeded 0, failed 1 (a step failed), usage error
or invalid runbook 2 (also: a step needing confirmation in a run without a terminal),
aborted by the user 3, escalated 4, prerequisites not met 5, interrupted 130. A run that
escalated ends ``escalated`` unless it later succeeds.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import click

from runner import __version__
from runner.errors import ExitStatus, RunnerError, UsageError
from runner.execute import params as params_mod
from runner.execute.escalation import EscalationTimers, Notifiers
from runner.execute.process import ProcessResult, run_process
from runner.execute.record import Recorder
from runner.execute.ui import UI
from runner.i18n import label as t
from runner.languages import registry
from runner.languages.base import Session
from runner.model import EscalationLevel, Runbook, Severity, Step
from runner.shell import fill_placeholders
from runner.telemetry import Recording
from runner.telemetry.redact import MASK, Redactor, looks_like_token

DEFAULT_TIMEOUT_S = 600.0
STORED_TAIL_CHARS = 4096


class PrerequisiteError(RunnerError):
    exit_status = ExitStatus.PREREQUISITES


@dataclass(frozen=True, slots=True)
class ExecOptions:
    args: tuple[str, ...] = ()
    params: dict[str, str] = field(default_factory=dict)
    yes: bool = False
    dry_run: bool = False
    only: tuple[str, ...] = ()
    start: str | None = None
    default_timeout_s: float = DEFAULT_TIMEOUT_S
    check_tools: bool = True
    trigger: str = "manual"
    alert: dict[str, Any] | None = None  # the Alertmanager alert that started the run
    run_id: str | None = None  # given by runner serve, so a queued job runs exactly once
    feedback: bool = True  # ask the two questions at the end of an interactive run
    grace_s: float = 5.0


def validate(runbook: Runbook) -> None:
    """A runbook with parse errors does not run: the first error, with file:line."""
    for problem in runbook.problems:
        if problem.severity is Severity.ERROR:
            raise UsageError(
                "invalid-runbook",
                path=problem.path,
                line=problem.line,
                reason=problem.message("en"),
            )


def check_interpreters(runbook: Runbook, steps: list[Step]) -> None:
    langs = registry()
    for step in steps:
        missing = langs[step.lang].missing()
        if missing:
            raise PrerequisiteError(
                "missing-interpreter", path=runbook.path, line=step.line, tool=missing, step=step.id
            )


def check_requirements(runbook: Runbook, values: dict[str, str], ui: UI) -> None:
    """``runner check``'s checklist (tools, cluster context, access); exit 5 if one fails."""
    from runner.check import run_checks

    failed = [r for r in run_checks(runbook, values) if not r.ok]
    for result in failed:
        ui.warn(f"✘ {result.what}: {result.detail}" + (f" — {result.fix}" if result.fix else ""))
    if failed:
        raise PrerequisiteError(
            "prerequisites-failed",
            path=runbook.path,
            failed="; ".join(f"{r.what} ({r.detail})" for r in failed),
        )


class Run:
    def __init__(
        self,
        runbook: Runbook,
        options: ExecOptions,
        ui: UI,
        open_store: Callable[[], Recording] | None,
        notifiers: Notifiers,
    ) -> None:
        self.runbook = runbook
        self.options = options
        self.ui = ui
        self.lang = ui.lang
        self.notifiers = notifiers
        self.recorder = Recorder(
            open_store, lambda reason: ui.warn(t("recording_off", ui.lang, reason=reason))
        )
        self.run_id = options.run_id or str(uuid.uuid4())
        self.started = time.monotonic()
        self.escalated = False
        self.reached = 0
        self._escalate_lock = threading.Lock()
        self.seq = 0
        self.timers: EscalationTimers | None = None

    # -- escalation
    def escalate(self, level: EscalationLevel | None, reason: str, step: Step | None) -> None:
        with self._escalate_lock:
            if level is None:
                higher = [lvl for lvl in self.runbook.escalation if lvl.level > self.reached]
                if higher:
                    level = higher[0]
                elif self.runbook.escalation:
                    level = self.runbook.escalation[-1]
                else:
                    level = EscalationLevel(
                        self.reached + 1, self.runbook.owner or "the on-call engineer", None
                    )
            self.reached = max(self.reached, level.level)
            self.escalated = True
            if self.timers is not None:
                self.timers.reached = self.reached
        elapsed = time.monotonic() - self.started
        self.ui.escalation(level.level, level.contact)
        event = {
            "event": "escalated",
            "run_id": self.run_id,
            "runbook": self.runbook.id,
            "title": self.runbook.title,
            "level": level.level,
            "contact": level.contact,
            "reason": reason,
            "step": step.id if step else None,
            "elapsed_s": round(elapsed, 3),
            "at": time.time(),
            "severity": self.runbook.severity,
            "host": socket.gethostname(),
            "link": self._link(),
        }
        self.ui.emit(event)
        self.recorder.event(
            {
                "run_id": self.run_id,
                "at": event["at"],
                "kind": "escalated",
                "level": level.level,
                "contact": level.contact,
                "detail": {"reason": reason, "step": event["step"]},
            }
        )
        for problem in self.notifiers.notify(event):
            self.ui.warn(t("notifier_failed", self.lang, reason=problem))

    # -- the run
    def execute(self) -> int:
        runbook, options, ui = self.runbook, self.options, self.ui
        validate(runbook)
        steps = list(runbook.steps)
        position = {step.id: i for i, step in enumerate(steps)}
        for wanted in (*options.only, *([options.start] if options.start else [])):
            if wanted not in position:
                raise UsageError(
                    "unknown-step", path=runbook.path, id=wanted, known=", ".join(position)
                )
        selected = [s for s in steps if not options.only or s.id in options.only]
        if options.start:
            selected = [s for s in selected if position[s.id] >= position[options.start]]
        if not ui.interactive and not options.yes and not options.dry_run:
            raise UsageError("no-terminal")
        check_interpreters(runbook, [s for s in selected if s.runs])

        prompt = ui.ask_param if ui.interactive else None
        values = params_mod.resolve(
            runbook, dict(options.params), list(options.args), prompt=prompt
        )
        if options.check_tools and not options.dry_run:
            check_requirements(runbook, values, ui)
        secrets = [v for k, v in values.items() if self._is_secret(k, v)]
        redact = Redactor(secrets)
        shown = {k: (MASK if self._is_secret(k, v) else v) for k, v in values.items()}
        placeholder_names = {text: p.name for p in runbook.params for text in p.placeholders}

        def fill(code: str) -> str:
            return fill_placeholders(code, placeholder_names)

        mode = "dry-run" if options.dry_run else ("yes" if options.yes else "interactive")
        self.recorder.start_run(
            {
                "run_id": self.run_id,
                "runbook_id": runbook.id,
                "path": runbook.path,
                "sha256": hashlib.sha256(runbook.text.encode("utf-8")).hexdigest(),
                "title": runbook.title,
                "lang": runbook.lang,
                "user": _user(),
                "host": socket.gethostname(),
                "trigger": options.trigger,
                "mode": mode,
                "params": shown,
                "runner_version": __version__,
                "started_at": time.time(),
            }
        )
        if options.alert is not None:
            alert = {
                **options.alert,
                "labels": {k: redact(v) for k, v in options.alert["labels"].items()},
            }
            self.recorder.event(
                {"run_id": self.run_id, "at": time.time(), "kind": "alert", "detail": alert}
            )
        ui.emit(
            {
                "event": "run_started",
                "run_id": self.run_id,
                "runbook": runbook.id,
                "path": runbook.path,
                "title": runbook.title,
                "params": shown,
                "steps": len(selected),
                "mode": mode,
                "at": time.time(),
            }
        )
        ui.run_header(runbook, shown)

        if options.dry_run:
            ui.print(f"\n[bold]{t('plan', self.lang)}[/bold]")
            for step in selected:
                ui.step_header(step, len(steps), shown_source(step, fill))
                if step.condition is not None:
                    ui.note(f"  when: {step.condition.text}")
            return self._finish(*self._simulate(selected, values))

        env = {**os.environ, **values, "RUNNER_RUN_ID": self.run_id, "RUNNER_RUNBOOK": runbook.id}
        session = Session(env=env, cwd=os.getcwd(), args=list(options.args))
        self.timers = EscalationTimers(
            runbook.escalation, self.started, lambda lvl, why: self.escalate(lvl, why, None)
        )
        self.timers.start()
        try:
            outcome, code = self._loop(steps, selected, position, session, fill, redact)
        except click.exceptions.Abort:
            outcome, code = "interrupted", ExitStatus.INTERRUPTED
        except KeyboardInterrupt:
            outcome, code = "interrupted", ExitStatus.INTERRUPTED
        finally:
            self.timers.stop()
            session.close()
        return self._finish(outcome, code)

    def _ask_feedback(self, outcome: str) -> None:
        """Two quick questions, Enter skips each; kept with the run for runner review."""
        try:
            resolved = self.ui.ask_resolved()
            missing = self.ui.ask_missing()
        except (click.exceptions.Abort, KeyboardInterrupt, EOFError):
            return
        if resolved is None and not missing:
            return
        self.recorder.event(
            {
                "run_id": self.run_id,
                "at": time.time(),
                "kind": "feedback",
                "detail": {"resolved": resolved, "missing": missing, "outcome": outcome},
            }
        )

    def _link(self) -> str | None:
        if not self.notifiers.site_url:
            return None
        from runner.site.build import runbook_link

        return runbook_link(self.runbook, self.notifiers.site_url)

    def _is_secret(self, name: str, value: str) -> bool:
        param = self.runbook.param(name)
        return bool(param and param.secret) or looks_like_token(value)

    def _finish(self, outcome: str, code: int) -> int:
        if outcome != "succeeded" and outcome != "interrupted" and self.escalated:
            outcome, code = "escalated", ExitStatus.ESCALATED
        duration = time.monotonic() - self.started
        if (
            self.ui.interactive
            and self.options.feedback
            and not self.options.dry_run
            and outcome in {"succeeded", "failed", "escalated"}
        ):
            self._ask_feedback(outcome)
        self.recorder.finish(self.run_id, outcome, int(code))
        self.ui.emit(
            {
                "event": "run_finished",
                "run_id": self.run_id,
                "outcome": outcome,
                "exit_code": int(code),
                "duration_s": round(duration, 3),
                "at": time.time(),
            }
        )
        self.ui.print(
            "\n"
            + t(
                "run_done",
                self.lang,
                outcome=outcome,
                code=int(code),
                s=duration,
                run_id=self.run_id,
            )
        )
        return int(code)

    def _loop(
        self,
        steps: list[Step],
        selected: list[Step],
        position: dict[str, int],
        session: Session,
        fill: Callable[[str], str],
        redact: Redactor,
    ) -> tuple[str, int]:
        ui, options = self.ui, self.options
        wanted = {s.id for s in selected}
        langs = registry()
        i = position[selected[0].id] if selected else len(steps)
        while i < len(steps):
            step = steps[i]
            if step.id not in wanted:
                i += 1
                continue
            ui.step_header(step, len(steps), shown_source(step, fill))
            if not step.runs:
                ui.note(t("not_runnable", self.lang))
                self._skipped(step)
                i += 1
                continue
            if ui.interactive and (not options.yes or step.confirm):
                choice = ui.ask_step(step)
                while choice == "escalate":
                    self.escalate(None, "manual", step)
                    choice = ui.ask_step(step)
                if choice == "skip":
                    self._skipped(step)
                    i += 1
                    continue
                if choice == "quit":
                    return "aborted", ExitStatus.ABORTED
            elif step.confirm:
                why = "destructive" if step.destructive else "confirm"
                ui.warn(t("needs_confirmation", self.lang, id=step.id, why=why))
                return "aborted", ExitStatus.USAGE
            if not self._condition_holds(step, session):
                self._skipped(step)
                i += 1
                continue

            while True:  # retries
                result, status = self._run_step(step, session, fill, redact, langs)
                if status == "succeeded":
                    i = position[step.next] if step.next else i + 1
                    break
                if result.interrupted and not ui.interactive:
                    return "interrupted", ExitStatus.INTERRUPTED
                choice = self._after_failure(step, result)
                while choice == "escalate" and ui.interactive:
                    self.escalate(None, "manual", step)
                    choice = ui.ask_failure("quit")
                if choice == "retry":
                    continue
                if choice == "continue":
                    i += 1
                    break
                if choice == "escalate":
                    self.escalate(None, "on-failure", step)
                    return "escalated", ExitStatus.ESCALATED
                if choice == "quit":
                    if result.interrupted:  # Ctrl-C, then quit: the responder stopped it
                        return "aborted", ExitStatus.ABORTED
                    return "failed", ExitStatus.FAILED
                i = position[choice]  # a jump to another step
                break
        return "succeeded", ExitStatus.OK

    def _simulate(self, selected: list[Step], values: dict[str, str]) -> tuple[str, int]:
        """--dry-run of the Kubernetes steps: reads run, writes go with dryRun=All; every
        step that cannot be simulated is named, with the reason."""
        from rich.markup import escape

        from runner.kube.spec import SIMULATION
        from runner.languages.kube import Kube
        from runner.parse.kube_step import spec_of

        if not any(s.lang == "kube" for s in selected):
            return "succeeded", ExitStatus.OK
        ui, lang = self.ui, self.lang
        ui.print(f"\n[bold]{t('simulation', lang)}[/bold]")
        env = {**os.environ, **values, "RUNNER_DRY_RUN": "1", "RUNNER_RUN_ID": self.run_id}
        session = Session(env=env, cwd=os.getcwd(), args=list(self.options.args))
        not_simulated: list[tuple[Step, str]] = []
        failed = 0
        try:
            for step in selected:
                spec = spec_of(step.source) if step.lang == "kube" else None
                if spec is None or not step.runs:
                    why = t("not_runnable", lang) if not step.runs else ""
                    not_simulated.append(
                        (step, why or t("not_simulated_shell", lang, lang=step.lang))
                    )
                    continue
                if SIMULATION[spec.action] == "no":
                    not_simulated.append((step, t(f"not_simulated_{spec.action}", lang)))
                    continue
                key = "simulate_read" if SIMULATION[spec.action] == "read" else "simulate_write"
                ui.print(f"\n[bold]{t(key, lang, id=step.id)}[/bold]")
                inv = Kube().invocation(step, session, lambda code: code)
                result = run_process(
                    inv.argv,
                    env=inv.env,
                    cwd=inv.cwd,
                    timeout_s=step.timeout_s or self.options.default_timeout_s,
                    sink=ui.sink,
                    grace_s=self.options.grace_s,
                )
                code = result.exit_code if result.exit_code is not None else -1
                ui.emit(
                    {
                        "event": "step_simulated",
                        "run_id": self.run_id,
                        "id": step.id,
                        "action": spec.action,
                        "exit_code": code,
                    }
                )
                if result.interrupted:
                    return "interrupted", ExitStatus.INTERRUPTED
                if code != 0:
                    failed += 1
                    ui.warn(t("simulate_failed", lang, id=step.id, code=code))
        finally:
            session.close()
        if not_simulated:
            ui.print(f"\n[bold]{t('not_simulated', lang)}[/bold]")
            for step, why in not_simulated:
                ui.print(escape(f"  #{step.id}: {why}"))
                ui.emit(
                    {
                        "event": "step_not_simulated",
                        "run_id": self.run_id,
                        "id": step.id,
                        "why": why,
                    }
                )
        return ("failed", ExitStatus.FAILED) if failed else ("succeeded", ExitStatus.OK)

    def _after_failure(self, step: Step, result: ProcessResult) -> str:
        policy = step.on_failure
        if self.ui.interactive:
            default = "quit" if result.interrupted else {"abort": "quit"}.get(policy, policy)
            if default not in {"retry", "continue", "quit", "escalate"}:
                default = "continue"  # a jump: continuing is the closest default
            choice = self.ui.ask_failure(default)
            if choice == "continue" and policy not in {"abort", "continue", "escalate"}:
                return policy  # continue follows the step's own on-failure jump
            return choice
        return {"abort": "quit"}.get(policy, policy)

    def _condition_holds(self, step: Step, session: Session) -> bool:
        condition = step.condition
        if condition is None:
            return True
        if condition.kind == "prose":
            if self.ui.interactive:
                return self.ui.ask_condition(condition.text)
            self.ui.note(t("condition_unconfirmed", self.lang, text=condition.text))
            return False
        from runner.languages.bash import condition_invocation

        inv = condition_invocation(condition.text, session)
        result = run_process(
            inv.argv,
            env=inv.env,
            cwd=inv.cwd,
            timeout_s=60,
            sink=None,
            grace_s=self.options.grace_s,
        )
        if result.exit_code != 0:
            self.ui.note(t("condition_false", self.lang, text=condition.text))
            return False
        return True

    def _skipped(self, step: Step) -> None:
        now = time.time()
        self._record(step, now, now, "skipped", None, 0, "")

    def _run_step(
        self,
        step: Step,
        session: Session,
        fill: Callable[[str], str],
        redact: Redactor,
        langs: dict[str, Any],
    ) -> tuple[ProcessResult, str]:
        language = langs[step.lang]
        inv = language.invocation(step, session, fill)
        self.ui.emit(
            {
                "event": "step_started",
                "run_id": self.run_id,
                "index": step.index,
                "id": step.id,
                "title": step.title,
                "lang": step.lang,
                "at": time.time(),
            }
        )
        started = time.time()
        result = run_process(
            inv.argv,
            env=inv.env,
            cwd=inv.cwd,
            timeout_s=step.timeout_s or self.options.default_timeout_s,
            sink=self.ui.sink,
            interactive=step.interactive,
            grace_s=self.options.grace_s,
            on_quiet=self.ui.still_running if self.ui.interactive else None,
        )
        language.after(session)
        if result.timed_out:
            status, code = "timed_out", 124
        elif result.interrupted:
            status, code = "failed", 130
        else:
            code = result.exit_code if result.exit_code is not None else -1
            status = "succeeded" if code == 0 else "failed"
        tail = redact(result.tail.decode("utf-8", "replace"))[-STORED_TAIL_CHARS:]
        self._record(
            step,
            started,
            time.time(),
            status,
            code,
            result.output_bytes,
            tail,
            duration=result.duration_s,
        )
        self.ui.step_done("interrupted" if result.interrupted else status, code, result.duration_s)
        return result, status

    def _record(
        self,
        step: Step,
        started: float,
        ended: float,
        status: str,
        exit_code: int | None,
        output_bytes: int,
        tail: str,
        duration: float | None = None,
    ) -> None:
        self.seq += 1
        duration_s = round(duration if duration is not None else ended - started, 6)
        self.recorder.step(
            {
                "run_id": self.run_id,
                "seq": self.seq,
                "step_id": step.id,
                "index": step.index,
                "lang": step.lang,
                "started_at": started,
                "ended_at": ended,
                "duration_s": duration_s,
                "status": status,
                "exit_code": exit_code,
                "output_bytes": output_bytes,
                "output_tail": tail,
            }
        )
        self.ui.emit(
            {
                "event": "step_finished",
                "run_id": self.run_id,
                "index": step.index,
                "id": step.id,
                "status": status,
                "exit_code": exit_code,
                "duration_s": round(duration_s, 3),
                "output_bytes": output_bytes,
                "at": ended,
            }
        )
        if status == "skipped":
            self.ui.step_done("skipped", None, 0.0)


def shown_source(step: Step, fill: Callable[[str], str]) -> str:
    """What the responder sees of a step before it runs (placeholders filled in shell)."""
    if step.lang == "yaml":
        return "\n".join(fill(c) for c in step.commands)
    if step.lang == "kube":
        from runner.parse.kube_step import kubectl_of

        kubectl = kubectl_of(step.source)
        return f"{step.source}\n# ≈ {kubectl}" if kubectl else step.source
    return step.source if step.lang == "python" else fill(step.source)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "unknown")
