"""The runbook model: plain, typed, immutable data shared by parse, lint, execute and site.

Everything here is produced by ``runner.parse`` and only read afterwards. Mappings are
read-only views (``MappingProxyType``) so that no layer can change what another sees.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

EMPTY: Mapping[str, Any] = MappingProxyType({})

AttrValue = str | bool


def frozen_map(data: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(data)) if data else EMPTY


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Problem:
    """A finding with a location. The message text comes from ``runner.i18n`` by ``code``."""

    code: str
    severity: Severity
    path: str
    line: int | None
    args: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    column: int | None = None
    fix: str | None = None  # replacement text for the line, when lint --fix can repair it

    def message(self, lang: str = "en") -> str:
        from runner.i18n import message

        return message(self.code, lang, **self.args)

    def hint(self, lang: str = "en") -> str | None:
        from runner.i18n import hint

        return hint(self.code, lang, **self.args)

    def location(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"


class SectionKind(enum.Enum):
    """Headings we recognise, in English and Norwegian (see runner.parse.sections)."""

    OVERVIEW = "overview"
    PREREQUISITES = "prerequisites"
    STEPS = "steps"
    DIAGNOSIS = "diagnosis"
    MITIGATION = "mitigation"
    VERIFICATION = "verification"
    ROLLBACK = "rollback"
    ESCALATION = "escalation"
    IMPACT = "impact"
    MEANING = "meaning"


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    level: int
    line: int
    kind: SectionKind | None


@dataclass(frozen=True, slots=True)
class Param:
    """A value a step needs. Steps receive it as an environment variable named ``name``."""

    name: str
    default: str | None = None
    choices: tuple[str, ...] = ()
    description: str | None = None
    secret: bool = False
    required: bool = True
    # declared: front matter / YAML params; placeholder: found in a command, e.g. <namespace>
    origin: Literal["declared", "placeholder"] = "declared"
    placeholders: tuple[str, ...] = ()  # the literal texts that stand for it, e.g. "<namespace>"
    line: int | None = None


@dataclass(frozen=True, slots=True)
class AccessRequirement:
    verb: str
    resource: str
    namespace: str | None = None


@dataclass(frozen=True, slots=True)
class Requirements:
    tools: tuple[str, ...] = ()
    context: str | None = None
    access: tuple[AccessRequirement, ...] = ()


@dataclass(frozen=True, slots=True)
class EscalationLevel:
    level: int
    contact: str
    after_s: float | None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Trigger:
    """What starts a runbook: an alert by name, or a threshold described in prose."""

    alert: str | None = None
    threshold: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Condition:
    """When a step applies. ``command``/``shell`` are evaluated by exit code; ``prose`` is asked."""

    kind: Literal["shell", "command", "prose"]
    text: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Step:
    index: int  # 1-based position in the runbook
    id: str
    title: str
    lang: str  # canonical language: bash, python, console, yaml
    source: str  # what runs: the fence body; for console, only the commands
    line: int  # 1-based line of the opening fence (YAML: of the step's entry)
    end_line: int
    source_lines: tuple[int, ...]  # file line of each line of ``source``
    attrs: Mapping[str, AttrValue] = field(default_factory=lambda: EMPTY)
    info: str = ""  # the fence info string as written
    section: SectionKind | None = None
    heading_line: int | None = None
    explicit_id: bool = False
    commands: tuple[str, ...] = ()  # YAML steps and console transcripts: each command
    condition: Condition | None = None
    on_failure: str = "abort"  # abort | continue | escalate | <step id>
    next: str | None = None
    timeout_s: float | None = None
    placeholders: tuple[str, ...] = ()  # literal placeholder texts found in source

    @property
    def confirm(self) -> bool:
        return _flag(self.attrs.get("confirm")) or self.destructive

    @property
    def destructive(self) -> bool:
        return _flag(self.attrs.get("destructive"))

    @property
    def runs(self) -> bool:
        """False for ``run=false`` steps: shown and listed, never executed."""
        return _flag(self.attrs.get("run", True))

    @property
    def interactive(self) -> bool:
        return _flag(self.attrs.get("interactive"))

    def badges(self) -> list[tuple[str, str]]:
        """(kind, text) for what a reader must notice before running the step; every
        view (terminal, runner, site) formats the same list."""
        out: list[tuple[str, str]] = []
        if self.destructive:
            out.append(("destructive", "destructive"))
        elif self.confirm:
            out.append(("confirm", "confirm"))
        if self.timeout_s:
            out.append(("timeout", f"timeout {self.timeout_s:g}s"))
        if not self.runs:
            out.append(("not_run", "run=false"))
        return out


def _flag(value: AttrValue | None) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    return value.strip().lower() not in {"false", "no", "0", "off", "nei"}


@dataclass(frozen=True, slots=True)
class Runbook:
    id: str
    title: str
    lang: str  # nb | nn | en
    path: str  # as given by the caller, used in every message
    format: Literal["markdown", "yaml"]
    steps: tuple[Step, ...]
    params: tuple[Param, ...] = ()
    sections: tuple[Section, ...] = ()
    meta: Mapping[str, Any] = field(
        default_factory=lambda: EMPTY
    )  # the whole front matter / YAML header, as read
    owner: str | None = None
    service: str | None = None
    severity: str | None = None
    description: str | None = None
    alerts: tuple[str, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    tags: tuple[str, ...] = ()
    last_reviewed: dt.date | None = None
    review_every_days: int | None = None
    requires: Requirements = field(default_factory=Requirements)
    escalation: tuple[EscalationLevel, ...] = ()
    auto: bool = False
    lang_declared: bool = False
    problems: tuple[Problem, ...] = ()  # found while parsing; lint adds more
    text: str = ""  # the decoded file text (LF line ends), for checks that need lines

    @property
    def is_runbook(self) -> bool:
        """A page with steps or with runbook metadata (as opposed to a plain docs page)."""
        if self.steps or self.format == "yaml":
            return True
        return any(k in self.meta for k in RUNBOOK_KEYS)

    def step(self, step_id: str) -> Step | None:
        for step in self.steps:
            if step.id == step_id:
                return step
        return None

    def param(self, name: str) -> Param | None:
        for param in self.params:
            if param.name == name:
                return param
        return None


RUNBOOK_KEYS = frozenset(
    {"owner", "service", "alerts", "params", "escalation", "requires", "review_every", "severity"}
)
