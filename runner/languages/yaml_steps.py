"""Structured YAML steps: ``commands`` run in order in one bash session; the first that
fails ends the step with its exit code."""

from __future__ import annotations

from runner.languages.base import Fill
from runner.languages.bash import Bash
from runner.model import Step


class YamlSteps(Bash):
    name = "yaml"

    def script(self, step: Step, fill: Fill) -> str:
        return "\n".join("{ " + fill(command) + "\n} || exit $?" for command in step.commands)
