"""kube: a structured Kubernetes step (```` ```yaml {kube} ```` or YAML ``kube:``), run by
``python -m runner.kube.step`` in its own process like every other step, so the client
is loaded only by runbooks that use it. Parameters and exported variables of earlier
shell steps reach it through the environment."""

from __future__ import annotations

import sys

from runner.languages.base import Fill, Invocation, Session
from runner.model import Step


class Kube:
    name = "kube"

    def missing(self) -> str | None:
        return None

    def invocation(self, step: Step, session: Session, fill: Fill) -> Invocation:
        spec = session.state_dir / "step.kube.yaml"
        spec.write_text(step.source + "\n", encoding="utf-8")
        env = {**session.env, "PYTHONUNBUFFERED": "1"}
        argv = [sys.executable, "-P", "-m", "runner.kube.step", str(spec)]
        return Invocation(argv, env, session.cwd)

    def after(self, session: Session) -> None:
        return None
