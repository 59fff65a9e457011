"""bash (also sh, shell): each step is its own bash process, started from the state the
previous shell step left, so ``cd``, ``export``, plain assignments and functions carry
over as in one terminal. ``set -o pipefail``; positional ARGs are ``$1...``."""

from __future__ import annotations

import shutil

from runner.languages.base import Fill, Invocation, Session, load_shell_state
from runner.model import Step

# The step is sourced so that `exit`, variables and functions behave as in a terminal;
# the EXIT trap saves variables, functions, cwd and the environment for the next step.
WRAPPER = r"""set -o pipefail
[ -f "$__RUNNER_STATE/vars.sh" ] && . "$__RUNNER_STATE/vars.sh"
[ -f "$__RUNNER_STATE/funcs.sh" ] && . "$__RUNNER_STATE/funcs.sh"
__runner_save() {
  __runner_rc=$?
  trap - EXIT
  declare -p > "$__RUNNER_STATE/vars.raw" 2>/dev/null
  declare -f > "$__RUNNER_STATE/funcs.sh" 2>/dev/null
  printf '%s\n' "$PWD" > "$__RUNNER_STATE/cwd"
  env -0 > "$__RUNNER_STATE/env" 2>/dev/null
  exit "$__runner_rc"
}
trap __runner_save EXIT
. "$__RUNNER_STATE/step.sh"
"""


class Bash:
    name = "bash"

    def missing(self) -> str | None:
        return None if shutil.which("bash") else "bash"

    def script(self, step: Step, fill: Fill) -> str:
        return fill(step.source)

    def invocation(self, step: Step, session: Session, fill: Fill) -> Invocation:
        state = session.state_dir
        (state / "step.sh").write_text(self.script(step, fill) + "\n", encoding="utf-8")
        (state / "wrapper.sh").write_text(WRAPPER, encoding="utf-8")
        env = {**session.env, "__RUNNER_STATE": str(state)}
        bash = shutil.which("bash") or "bash"
        return Invocation([bash, str(state / "wrapper.sh"), *session.args], env, session.cwd)

    def after(self, session: Session) -> None:
        load_shell_state(session)


def condition_invocation(condition: str, session: Session) -> Invocation:
    """A ``when``/``{command: ...}`` condition, evaluated in the session's state; it may
    read variables but what it changes is not kept."""
    state = session.state_dir
    script = (
        'set -o pipefail\n[ -f "$__RUNNER_STATE/vars.sh" ] && . "$__RUNNER_STATE/vars.sh"\n'
        '[ -f "$__RUNNER_STATE/funcs.sh" ] && . "$__RUNNER_STATE/funcs.sh"\n' + condition + "\n"
    )
    (state / "condition.sh").write_text(script, encoding="utf-8")
    env = {**session.env, "__RUNNER_STATE": str(state)}
    bash = shutil.which("bash") or "bash"
    return Invocation([bash, str(state / "condition.sh"), *session.args], env, session.cwd)
