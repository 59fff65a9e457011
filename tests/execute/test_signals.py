"""Timeouts, Ctrl-C, SIGKILL, big output and concurrent runners, as processes really behave."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from runner.telemetry.sqlite import ABANDONED_AFTER_S
from tests.conftest import ROOT
from tests.execute.conftest import EXEC, open_db


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead for our purposes
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


def _wait_for(path: Path, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return path.read_text().strip()
        time.sleep(0.05)
    raise AssertionError(f"{path} never appeared")


def _runner(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "runner", "exec", *args],
        cwd=ROOT,
        env={**os.environ, "NO_COLOR": "1", "RUNNER_LANG": "en", **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_timeout_kills_the_step_and_its_grandchildren(tmp_path: Path, store_path: Path) -> None:
    pidfile = tmp_path / "grandchild.pid"
    started = time.monotonic()
    proc = _runner(
        str(EXEC / "timeout.md"),
        "--yes",
        "--json",
        "--store",
        str(store_path),
        env={"PIDFILE": str(pidfile)},
    )
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert time.monotonic() - started < 30
    grandchild = int(pidfile.read_text())
    time.sleep(0.2)
    assert not _alive(grandchild)
    finished = [
        json.loads(line)
        for line in out.splitlines()
        if json.loads(line)["event"] == "step_finished"
    ]
    assert [(e["id"], e["status"]) for e in finished] == [("hang", "timed_out")]
    (run,) = open_db(store_path).runs()
    assert run["outcome"] == "failed"
    assert open_db(store_path).steps(run["id"])[0]["status"] == "timed_out"


def test_sigint_stops_the_step_group_and_exits_130(tmp_path: Path, store_path: Path) -> None:
    pidfile = tmp_path / "grandchild.pid"
    proc = _runner(
        str(EXEC / "sigint.md"), "--yes", "--store", str(store_path), env={"PIDFILE": str(pidfile)}
    )
    grandchild = int(_wait_for(pidfile))
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, out + err
    time.sleep(0.2)
    assert not _alive(grandchild)
    (run,) = open_db(store_path).runs()
    assert (run["outcome"], run["exit_code"]) == ("interrupted", 130)
    (step,) = open_db(store_path).steps(run["id"])
    assert (step["status"], step["exit_code"]) == ("failed", 130)


def test_sigkill_leaves_a_run_that_reads_as_abandoned(tmp_path: Path, store_path: Path) -> None:
    pidfile = tmp_path / "grandchild.pid"
    proc = _runner(
        str(EXEC / "sigint.md"), "--yes", "--store", str(store_path), env={"PIDFILE": str(pidfile)}
    )
    grandchild = int(_wait_for(pidfile))
    proc.kill()
    proc.communicate(timeout=30)
    os.killpg(os.getpgid(grandchild), signal.SIGKILL)  # the orphaned step: clean up
    db = open_db(store_path)
    (run,) = db.runs()
    assert run["outcome"] == "running"  # fresh heartbeat: it could still be running
    (later,) = db.runs(now=time.time() + ABANDONED_AFTER_S + 1)
    assert later["outcome"] == "abandoned" and later["runbook_id"] == "sigint"


def test_hundreds_of_megabytes_stream_in_constant_memory(tmp_path: Path, store_path: Path) -> None:
    page = tmp_path / "big.md"
    page.write_text(
        "# Big\n\n```bash\nhead -c 300000000 /dev/zero | tr '\\0' 'x'\necho; echo done\n```\n",
        encoding="utf-8",
    )
    # Measured in a fresh parent, so only the runner and its children count.
    probe = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL,"
        " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    measured = subprocess.run(
        [
            sys.executable,
            "-c",
            probe,
            sys.executable,
            "-m",
            "runner",
            "exec",
            str(page),
            "--yes",
            "--store",
            str(store_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    code, peak_kib = (int(x) for x in measured.stdout.split())
    assert code == 0
    assert peak_kib < 150 * 1024  # 300 MB went through a runner that stayed under 150 MB
    (run,) = open_db(store_path).runs()
    (step,) = open_db(store_path).steps(run["id"])
    assert step["output_bytes"] == 300_000_000 + len("\ndone\n")
    assert step["output_tail"].endswith("x\ndone\n") and len(step["output_tail"]) <= 4096


@pytest.mark.slow
def test_eight_runners_at_once_lose_nothing(tmp_path: Path, store_path: Path) -> None:
    page = tmp_path / "steps.md"
    page.write_text(
        "# Many\n\n"
        + "".join(
            f"## Step {i}\n\n```bash\necho step {i} $RUNNER_RUN_ID\n```\n\n" for i in range(6)
        ),
        encoding="utf-8",
    )
    procs = [_runner(str(page), "--yes", "--store", str(store_path), env={}) for _ in range(8)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    db = open_db(store_path)
    runs = db.runs()
    assert len(runs) == 8 and {r["outcome"] for r in runs} == {"succeeded"}
    for run in runs:
        steps = db.steps(run["id"])
        assert [s["step_id"] for s in steps] == [f"step-{i}" for i in range(6)]
        assert all(run["id"] in s["output_tail"] for s in steps)
