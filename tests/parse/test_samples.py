"""The sample runbooks: parse cleanly, and steps are where a reader sees them."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.model import Severity
from runner.parse import is_runbook_file, parse_file
from tests.conftest import ROOT

SAMPLES = sorted(
    p
    for p in [*(ROOT / "docs").glob("*.md"), *(ROOT / "runbooks").glob("*.yml")]
    if is_runbook_file(p)
)  # not the .tests.yml beside them


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_parses_without_errors(path: Path) -> None:
    runbook = parse_file(path.relative_to(ROOT))
    assert [p for p in runbook.problems if p.severity is Severity.ERROR] == []


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_step_lines_point_at_fences(path: Path) -> None:
    runbook = parse_file(path)
    lines = path.read_text(encoding="utf-8").split("\n")
    for step in runbook.steps:
        opening = lines[step.line - 1].lstrip(" >")
        if runbook.format == "markdown":
            assert opening.startswith(("```", "~~~")), (step.id, step.line)
        else:
            assert opening.lstrip().startswith("- name:"), (step.id, step.line)


def test_norwegian_sample_has_norwegian_ids_and_sections() -> None:
    runbook = parse_file(ROOT / "docs" / "kø-opphopning.md")
    assert runbook.lang == "nb" and runbook.id == "kø-opphopning"
    assert [s.id for s in runbook.steps] == [
        "sjekk-kølengde",
        "sjekk-forbrukerne",
        "øk-forbrukere",
        "verifiser-kø",
        "skaler-ned",
    ]
    assert [s.section.value if s.section else None for s in runbook.steps] == [
        "steps",
        "steps",
        "steps",
        "verification",
        "rollback",
    ]
    assert runbook.steps[2].confirm


def test_yaml_sample_is_the_seed_shape() -> None:
    runbook = parse_file(ROOT / "runbooks" / "high-cpu.yml")
    assert runbook.alerts == ("CPUUsageHigh",)
    assert [t.threshold for t in runbook.triggers if t.threshold] == ["> 80% for 5min"]
    assert [(e.level, e.contact, e.after_s) for e in runbook.escalation] == [
        (1, "@platform-team", 900.0),
        (2, "@engineering-oncall", 1800.0),
    ]
    assert runbook.steps[1].condition is not None
    assert runbook.steps[1].condition.kind == "prose"
