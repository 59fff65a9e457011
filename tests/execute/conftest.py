from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from runner.telemetry.sqlite import SqliteStore
from tests.conftest import FIXTURES

EXEC = FIXTURES / "exec"


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "telemetry.db"


def open_db(path: Path) -> SqliteStore:
    return SqliteStore(path)


def stub(bin_dir: Path, name: str, script: str) -> Path:
    """A fake tool on PATH: records its arguments, prints what the test wants."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    path = bin_dir / name
    path.write_text("#!/usr/bin/env bash\n" + script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def path_with(bin_dir: Path) -> str:
    return f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
