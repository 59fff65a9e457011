"""`runner alerts check` and `annotate` on real-shaped rule files and the sample runbooks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import FIXTURES, run_cli

RULES = FIXTURES / "alerts"
BASE = "https://runbooks.example.com/"


def findings(*args: str) -> tuple[int, list[tuple[str, int, str]]]:
    result = run_cli("alerts", "check", *args, "--json")
    data = json.loads(result.stdout)
    return result.returncode, [
        (Path(p["path"]).name, p["line"], p["code"]) for p in data["problems"]
    ]


def test_check_both_directions_with_file_and_line() -> None:
    code, found = findings(
        str(RULES / "rules.yml"), str(RULES / "prometheusrule.yaml"), "--base-url", BASE
    )
    assert code == 1
    # the templated URL with a query string is fine, and so is the runbook page URL
    assert sorted(found) == [
        ("local-health.md", 8, "runbook-alert-unknown"),  # NodeFilesystemAlmostFull
        ("prometheusrule.yaml", 18, "runbook-url-outside"),  # another site
        ("prometheusrule.yaml", 19, "runbook-url-missing"),  # HPAScaledOut
        ("rules.yml", 17, "alert-without-runbook"),  # DiskAlmostFull
        ("rules.yml", 17, "runbook-url-missing"),
        ("rules.yml", 24, "runbook-url-broken"),  # alerts/cpu-high/ is no page
    ]


def test_strict_makes_warnings_errors() -> None:
    result = run_cli(
        "alerts",
        "check",
        str(RULES / "rules.yml"),
        str(RULES / "prometheusrule.yaml"),
        "--base-url",
        BASE,
        "--strict",
        "--json",
    )
    severities = {p["code"]: p["severity"] for p in json.loads(result.stdout)["problems"]}
    assert severities["runbook-url-missing"] == "error"
    assert severities["runbook-alert-unknown"] == "error"


def test_without_base_url_the_path_is_checked() -> None:
    _, found = findings(str(RULES / "rules.yml"))
    codes = {(line, code) for _, line, code in found if _ == "rules.yml"}
    assert (24, "runbook-url-broken") in codes
    assert not any(code == "runbook-url-outside" for _, _, code in found)


def test_annotate_adds_and_corrects_and_keeps_everything_else(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yml"
    shutil.copyfile(RULES / "rules.yml", rules)
    before = rules.read_text(encoding="utf-8").splitlines()
    result = run_cli("alerts", "annotate", str(rules), "--base-url", BASE)
    assert result.returncode == 0, result.stderr
    changed = result.stdout.splitlines()
    # PostgresTooManyConnections (the template, with labels in the query) and
    # APIDatabaseErrors (the runbook's own page) are right already; DiskAlmostFull has no
    # runbook to link to (check reports it); only CPUUsageHigh's broken link is corrected
    assert [line.split(": ")[1] for line in changed] == ["CPUUsageHigh"]
    after = rules.read_text(encoding="utf-8").splitlines()
    template = f"{BASE}alerts/{{{{ $labels.alertname | toLower }}}}/"
    removed = [line for line in before if line not in after]
    added = [line for line in after if line not in before]
    assert [line.strip() for line in removed] == [
        "runbook_url: https://runbooks.example.com/alerts/cpu-high/"
    ]
    assert [line.strip() for line in added] == [f"runbook_url: {template}"]
    assert after[0] == "# Rules of the API team (comments must survive annotate)"
    assert "# handled by docs/db-debug.md" in after[4]
    _, found = findings(str(rules), "--base-url", BASE)
    assert not any(code in {"runbook-url-broken", "runbook-url-other"} for _, _, code in found)


def test_annotate_prometheusrule_adds_annotations(tmp_path: Path) -> None:
    rules = tmp_path / "pr.yaml"
    shutil.copyfile(RULES / "prometheusrule.yaml", rules)
    run_cli("alerts", "annotate", str(rules), "--base-url", BASE)
    text = rules.read_text(encoding="utf-8")
    assert text.count("runbook_url: https://runbooks.example.com/alerts/") == 2
    assert text.startswith("apiVersion: v1\nkind: ConfigMap")
    assert "\n---\n" in text
    _, found = findings(str(rules), "--base-url", BASE)
    assert [c for _, _, c in found if c.startswith("runbook-url")] == []


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yml"
    shutil.copyfile(RULES / "rules.yml", rules)
    result = run_cli("alerts", "annotate", str(rules), "--base-url", BASE, "--dry-run")
    assert "would set runbook_url" in result.stdout
    assert rules.read_bytes() == (RULES / "rules.yml").read_bytes()
