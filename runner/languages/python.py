"""python / py: the runner's own interpreter, in a separate process. Exported variables
of earlier shell steps are in ``os.environ``; ARGs are ``sys.argv[1:]``."""

from __future__ import annotations

import sys

from runner.languages.base import Fill, Invocation, Session
from runner.model import Step


class Python:
    name = "python"

    def missing(self) -> str | None:
        return None

    def invocation(self, step: Step, session: Session, fill: Fill) -> Invocation:
        script = session.state_dir / "step.py"
        script.write_text(step.source + "\n", encoding="utf-8")
        env = {**session.env, "PYTHONUNBUFFERED": "1"}
        return Invocation([sys.executable, str(script), *session.args], env, session.cwd)

    def after(self, session: Session) -> None:
        return None
