"""Fixture runbooks and what a human reading them expects: steps, ids, lines, problems.

Each ``tests/fixtures/parse/NAME.expected.yaml`` describes ``NAME.md`` or ``NAME.yml``
beside it; only the keys it names are compared, so a failure points at one fixture line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from runner.parse import parse_file
from runner.serialize import runbook_json
from tests.conftest import FIXTURES

CASES = sorted((FIXTURES / "parse").glob("*.expected.yaml"))


def _source_for(expected: Path) -> Path:
    stem = expected.name.removesuffix(".expected.yaml")
    for suffix in (".md", ".yml", ".yaml"):
        candidate = expected.with_name(stem + suffix)
        if candidate.exists():
            return candidate
    raise AssertionError(f"no runbook beside {expected}")


def _subset(actual: dict[str, Any], wanted: dict[str, Any]) -> dict[str, Any]:
    return {key: actual.get(key) for key in wanted}


@pytest.mark.parametrize("expected_file", CASES, ids=lambda p: p.name.split(".")[0])
def test_fixture(expected_file: Path) -> None:
    expected = yaml.safe_load(expected_file.read_text(encoding="utf-8"))
    source = _source_for(expected_file)
    runbook = parse_file(source)
    data = runbook_json(runbook)

    for key in ("id", "title", "lang", "owner", "alerts"):
        if key in expected:
            assert data[key] == expected[key], key

    if "steps" in expected:
        steps = [
            _subset(actual, wanted)
            for actual, wanted in zip(data["steps"], expected["steps"], strict=False)
        ]
        assert steps == expected["steps"]
        assert len(data["steps"]) == len(expected["steps"])

    if "params" in expected:
        params = [
            _subset(actual, wanted)
            for actual, wanted in zip(data["params"], expected["params"], strict=False)
        ]
        assert params == expected["params"]
        assert len(data["params"]) == len(expected["params"])

    if "escalation" in expected:
        assert data["escalation"] == expected["escalation"]

    if "sections" in expected:
        assert [[s.title, s.kind.value if s.kind else None] for s in runbook.sections] == (
            expected["sections"]
        )

    if "meta" in expected:
        assert dict(runbook.meta) == expected["meta"]

    if "problems" in expected:
        found = sorted([p.line, p.code] for p in runbook.problems)
        assert found == sorted(expected["problems"])
