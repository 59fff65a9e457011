from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEED = ROOT.parent / "shared" / "seeds" / "runbook-driven-operations.md"


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A copy of the seed pattern card (mis-encoded UTF-8, as it was found)."""
    if not SEED.exists():
        pytest.skip(f"the seed document is not beside the project ({SEED})")
    target = tmp_path / "runbook-driven-operations.md"
    shutil.copyfile(SEED, target)
    return target


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The real `runner` command in a subprocess, as a user runs it."""
    full_env = {**os.environ, "NO_COLOR": "1", "RUNNER_LANG": "en", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "runner", *args],
        cwd=cwd or ROOT,
        env=full_env,
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# Shell metacharacters, and words that would create the file MARK if a label or parameter
# were ever run as code: the injection property tests build their values from these.
INJECTION_PIECES = [
    *";$()`'\"\n{}|&<> \\*?#!~",
    "x",
    "touch MARK",
    "$(touch MARK)",
    "`touch MARK`",
    "; touch MARK #",
    '"; touch MARK; "',
    "{{ $labels.x }}",
    "{{ .Labels.instance }}",
]
