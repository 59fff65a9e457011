"""`runner exec` in a real pseudo-terminal, answered as a responder would."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect

from tests.conftest import ROOT
from tests.execute.conftest import EXEC, open_db

PROMPT = r"\[r\]un, \[s\]kip, \[q\]uit, \[e\]scalate"
FAILURE = r"\[r\]etry, \[c\]ontinue, \[q\]uit, \[e\]scalate"
CONFIRM = r"Type 'run' to run it"


def spawn(*args: str, env: dict[str, str]) -> pexpect.spawn:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "runner", "exec", *args],
        cwd=str(ROOT),
        env={
            **os.environ,
            "NO_COLOR": "1",
            "TERM": "dumb",
            "RUNNER_LANG": "en",
            "COLUMNS": "120",
            **env,
        },
        encoding="utf-8",
        timeout=30,
    )
    return child


def test_run_skip_retry_escalate_confirm(tmp_path: Path, store_path: Path) -> None:
    child = spawn(
        str(EXEC / "interactive.md"),
        "--store",
        str(store_path),
        env={"MARK": str(tmp_path / "mark")},
    )
    child.expect("1/4 First")
    child.expect(PROMPT)
    child.sendline("")  # Enter: run (the default)
    child.expect("first ran")
    child.expect("2/4 Second")
    child.expect(PROMPT)
    child.sendline("s")
    child.expect("skipped")
    child.expect("3/4 Flaky")
    child.expect(PROMPT)
    child.sendline("r")
    child.expect("flaky failed")
    child.expect(FAILURE)
    child.sendline("r")  # retry
    child.expect("flaky ok")
    child.expect("4/4 Careful")
    child.expect(CONFIRM)
    child.sendline("e")  # escalate by hand, then go on
    child.expect("ESCALATE to @first-line")
    child.expect(CONFIRM)
    child.sendline("r")  # "r" is not enough for a confirm step
    child.expect(CONFIRM)
    child.sendline("run")
    child.expect("careful ran")
    child.expect(r"Did this runbook resolve it\?")
    child.sendline("y")
    child.expect("What was missing")
    child.sendline("the flaky step needs a retry hint")
    child.expect("Run succeeded")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    db = open_db(store_path)
    (run,) = db.runs()
    assert (run["outcome"], run["mode"]) == ("succeeded", "interactive")
    assert [(s["step_id"], s["status"]) for s in db.steps(run["id"])] == [
        ("first", "succeeded"),
        ("second", "skipped"),
        ("flaky", "failed"),
        ("flaky", "succeeded"),
        ("careful", "succeeded"),
    ]
    events = db.events(run["id"])
    escalations = [(e["level"], e["detail"]["reason"]) for e in events if e["kind"] == "escalated"]
    assert escalations == [(1, "manual")]
    (feedback,) = [e["detail"] for e in events if e["kind"] == "feedback"]
    assert feedback == {
        "resolved": True,
        "missing": "the flaky step needs a retry hint",
        "outcome": "succeeded",
    }


def test_quit_is_aborted_exit_3(store_path: Path) -> None:
    child = spawn(str(EXEC / "interactive.md"), "--store", str(store_path), env={})
    child.expect(PROMPT)
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 3
    (run,) = open_db(store_path).runs()
    assert run["outcome"] == "aborted"


def test_missing_param_is_asked_for_on_a_terminal(store_path: Path) -> None:
    child = spawn(str(EXEC / "params.md"), "--yes", "--store", str(store_path), env={})
    child.expect("Value for NOTE")
    child.sendline("typed by hand")
    child.expect("Value for NAMESPACE")
    child.sendline("ns-1")
    child.expect("note=typed by hand")
    child.expect("ns=ns-1")
    child.expect(r"Did this runbook resolve it\?")
    child.sendline("")  # Enter skips
    child.expect("What was missing")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_ctrl_c_during_a_step_asks_what_next(tmp_path: Path, store_path: Path) -> None:
    pidfile = tmp_path / "pid"
    child = spawn(
        str(EXEC / "sigint.md"), "--yes", "--store", str(store_path), env={"PIDFILE": str(pidfile)}
    )
    child.expect("\nstarted")  # the step's output, not its source
    child.sendintr()  # Ctrl-C
    child.expect(FAILURE)
    child.sendintr()  # a second Ctrl-C ends the run
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    (run,) = open_db(store_path).runs()
    assert run["outcome"] == "interrupted"


def test_ctrl_c_then_quit_is_aborted(tmp_path: Path, store_path: Path) -> None:
    child = spawn(
        str(EXEC / "sigint.md"),
        "--yes",
        "--store",
        str(store_path),
        env={"PIDFILE": str(tmp_path / "pid")},
    )
    child.expect("\nstarted")
    child.sendintr()
    child.expect(FAILURE)
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 3
    (run,) = open_db(store_path).runs()
    assert run["outcome"] == "aborted"
