"""The Language protocol and the shell session that carries state between steps."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from runner.model import Step


@dataclass
class Session:
    """What carries over from step to step, as if the steps ran in one terminal:
    exported variables (the environment), plain shell variables and functions, and the
    working directory. Positional ARGs are ``$1...`` in every shell step."""

    env: dict[str, str]
    cwd: str
    args: list[str] = field(default_factory=list)
    state_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="runner-")))

    def close(self) -> None:
        for child in self.state_dir.iterdir():
            child.unlink(missing_ok=True)
        self.state_dir.rmdir()


Fill = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Invocation:
    argv: list[str]
    env: dict[str, str]
    cwd: str


class Language(Protocol):
    name: str

    def missing(self) -> str | None:
        """The interpreter this language needs when it is not installed, else None."""

    def invocation(self, step: Step, session: Session, fill: Fill) -> Invocation:
        """How to run the step; ``fill`` resolves placeholders in a piece of its code."""

    def after(self, session: Session) -> None:
        """Take over the state the step left (shell languages); others do nothing."""


# Variables bash sets itself or that must not be restored from a previous step.
_SKIP_VARS = re.compile(
    r"(BASH\w*|BASHOPTS|SHELLOPTS|EUID|PPID|UID|GROUPS|FUNCNAME|PIPESTATUS|RANDOM|SRANDOM"
    r"|SECONDS|LINENO|HISTCMD|EPOCHSECONDS|EPOCHREALTIME|DIRSTACK|OPTIND|OPTERR|PWD|OLDPWD"
    r"|SHLVL|COLUMNS|LINES|IFS|PS[0-4]|_|COMP_\w+|__runner\w*|__RUNNER\w*)"
)
_DECLARE = re.compile(r"declare -(\S+) ([A-Za-z_][A-Za-z0-9_]*)")


def load_shell_state(session: Session) -> None:
    """Read what the last shell step saved (see bash.WRAPPER) into the session."""
    state = session.state_dir
    env_file = state / "env"
    if env_file.exists():
        env: dict[str, str] = {}
        for entry in env_file.read_bytes().split(b"\0"):
            if not entry:
                continue
            key, _, value = entry.decode("utf-8", "surrogateescape").partition("=")
            if key and not key.startswith("__RUNNER_"):
                env[key] = value
        session.env = env
        env_file.unlink()
    cwd_file = state / "cwd"
    if cwd_file.exists():
        cwd = cwd_file.read_text(encoding="utf-8", errors="surrogateescape").rstrip("\n")
        if cwd and os.path.isdir(cwd):
            session.cwd = cwd
        cwd_file.unlink()
    raw = state / "vars.raw"
    if raw.exists():
        kept = []
        for line in raw.read_text(encoding="utf-8", errors="surrogateescape").split("\n"):
            match = _DECLARE.match(line)
            if not match or "r" in match[1] or _SKIP_VARS.fullmatch(match[2]):
                continue
            kept.append(line)
        (state / "vars.sh").write_text(
            "\n".join(kept) + "\n", encoding="utf-8", errors="surrogateescape"
        )
        raw.unlink()
