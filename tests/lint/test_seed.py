"""The seed pattern card, as found: mis-encoded, with the bugs its examples carry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from runner.lint import Context, lint_runbook
from runner.lint.fix import fix_file
from runner.parse import parse_file
from tests.conftest import run_cli


def test_lint_reports_mojibake_undefined_time_and_undeclared_variables(seed_copy: Path) -> None:
    problems = lint_runbook(parse_file(seed_copy), Context(dt.date(2026, 12, 4)))
    by_code: dict[str, list[int | None]] = {}
    for p in problems:
        by_code.setdefault(p.code, []).append(p.line)
    assert by_code["mojibake"][:3] == [2, 7, 8]
    assert 19 in by_code["mojibake"]  # the emoji in the bash example
    undefined = [p for p in problems if p.code == "python-undefined-name"]
    assert {p.args["name"] for p in undefined} == {"time"}
    variables = {p.args["name"]: p.line for p in problems if p.code == "undeclared-variable"}
    assert variables == {"SERVICE": 86, "current": 86, "POD_NAME": 90}
    mojibake = next(p for p in problems if p.code == "mojibake" and p.line == 2)
    assert "Når bruke" in str(mojibake.args["repaired"])


def test_lint_fix_repairs_the_text_and_changes_nothing_else(seed_copy: Path) -> None:
    before = seed_copy.read_bytes().decode("utf-8").split("\n")
    changed = fix_file(seed_copy)
    after = seed_copy.read_bytes().decode("utf-8").split("\n")
    assert len(after) == len(before)
    assert after[1].startswith("**Når bruke:** Ved drift-oppgaver")
    assert "Ikke bruk når" in after[1] and "•" in after[1]
    assert after[18] == 'echo "🔍 Debugging database connections for $ENV..."'
    assert "verktøy" in after[6]
    for number, (old, new) in enumerate(zip(before, after, strict=True), start=1):
        if number not in changed:
            assert old == new, number
    assert fix_file(seed_copy) == []  # nothing left to repair


def test_lint_fix_through_the_cli(seed_copy: Path) -> None:
    result = run_cli("lint", "--fix", "--no-shellcheck", str(seed_copy))
    assert "fixed" in result.stdout
    text = seed_copy.read_text(encoding="utf-8")
    assert "Når bruke" in text and "N√•r" not in text
    # the code bugs are still there, so lint still fails
    assert result.returncode == 1
    assert "undefined name 'time'" in result.stdout
