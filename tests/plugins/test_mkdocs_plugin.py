"""The MkDocs plugin in a real `mkdocs build`: runbook problems become warnings with file:line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def build(project: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-d", str(project / "out"), *extra],
        cwd=project,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_project_site_builds_strict(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "db-debug" / "index.html").exists()


def test_broken_runbook_fails_a_strict_build_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - runbooks\n", encoding="utf-8")
    (tmp_path / "docs" / "index.md").write_text(
        "---\ntitle: Broken\n---\n# Broken\n\n```bash {#a}\necho a\n```\n\n"
        "```bash {#a}\necho again\n```\n",
        encoding="utf-8",
    )
    relaxed = build(tmp_path)
    assert relaxed.returncode == 0
    assert "docs/index.md:10: step id 'a' is used again (first at line 6)" in relaxed.stderr
    strict = build(tmp_path, "--strict")
    assert strict.returncode != 0
