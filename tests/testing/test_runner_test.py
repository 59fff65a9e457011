"""`runner test`: stubs by argument pattern, both branches of a decision, a failing case
reported with its step and output, JUnit XML, and test runs kept out of usage figures."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.conftest import ROOT, run_cli

RUNBOOK = """---
title: Restart when unhealthy
params:
  SERVICE: {default: api}
---
# Restart when unhealthy

## Check

```bash {#check on-failure=restart}
systemctl is-active "$SERVICE"
```

## Healthy

```bash {#healthy next=done}
echo "healthy, nothing to do"
```

## Restart

```bash {#restart}
systemctl restart "$SERVICE"
echo restarted
```

## Done

```bash {#done}
echo done
```
"""

CASES = """- name: healthy takes the success branch
  stubs:
    systemctl:
      - {args: "is-active api", output: active}
  expect:
    steps: {check: succeeded, healthy: succeeded, done: succeeded}
    calls: {systemctl: ["is-active api"]}
- name: unhealthy takes the failure branch
  stubs:
    systemctl:
      - {args: "is-active *", output: failed, exit: 3}
      - {args: "restart *"}
  expect:
    steps: {check: failed, restart: succeeded, done: succeeded}
    output: [restarted]
    calls: {systemctl: ["is-active api", "restart api"]}
- name: a wrong expectation fails
  stubs:
    systemctl:
      - {args: "*", output: "inactive (dead)", exit: 3}
  expect:
    steps: {healthy: succeeded}
"""


def project(tmp_path: Path) -> Path:
    page = tmp_path / "restart.md"
    page.write_text(RUNBOOK, encoding="utf-8")
    (tmp_path / "restart.tests.yml").write_text(CASES, encoding="utf-8")
    return page


def test_cases_pass_and_fail_with_reasons(tmp_path: Path) -> None:
    page = project(tmp_path)
    result = run_cli("test", str(page), "--json")
    assert result.returncode == 1
    cases = {c["name"]: c for c in json.loads(result.stdout)["cases"]}
    assert cases["healthy takes the success branch"]["passed"]
    assert cases["unhealthy takes the failure branch"]["passed"]
    failed = cases["a wrong expectation fails"]
    assert not failed["passed"]
    # the check failed, so the run jumped to restart: "healthy" never ran
    assert failed["failures"] == ["step healthy: not run, expected succeeded"]
    assert "inactive (dead)" in failed["output"]  # the step's output, for the reader


def test_junit_and_runs_recorded_as_tests(tmp_path: Path) -> None:
    page = project(tmp_path)
    store = tmp_path / "t.db"
    junit = tmp_path / "junit.xml"
    run_cli("test", str(page), "--junit", str(junit), "--store", str(store))
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites" and root.get("tests") == "3" and root.get("failures") == "1"
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert cases[0].get("name") == "healthy takes the success branch"
    failures = [c.find("failure") for c in cases if c.find("failure") is not None]
    assert len(failures) == 1
    assert failures[0].get("message") == "step healthy: not run, expected succeeded"
    stats = json.loads(run_cli("stats", "--json", "--store", str(store)).stdout)
    assert stats["runbooks"] == []  # test runs are not usage
    tests = json.loads(run_cli("stats", "--json", "--include-tests", "--store", str(store)).stdout)
    assert tests["runbooks"][0]["runs"] == 3


def test_every_sample_runbook_has_test_cases() -> None:
    from runner.discover import discover
    from runner.testing.run import cases_of

    for found in discover([ROOT / "docs", ROOT / "runbooks"]):
        if found.runbook is not None and found.runbook.is_runbook:
            assert cases_of(found.runbook), found.path


def test_a_case_that_hangs_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    page = tmp_path / "hang.md"
    page.write_text("# Hang\n\n```bash\nsleep 30\n```\n", encoding="utf-8")
    (tmp_path / "hang.tests.yml").write_text("- name: hangs\n  timeout: 2\n", encoding="utf-8")
    result = run_cli("test", str(page), "--json")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (case,) = json.loads(result.stdout)["cases"]
    assert case["failures"] == ["the case did not finish within 2s"]


KUBE_RUNBOOK = """---
title: Drain a bad node
params:
  NODE: {default: node-1}
---
# Drain a bad node

## Is the database up?

```yaml {kube #db}
action: exec
pod: db-0
namespace: data
command: [pg_isready, -h, localhost]
```

## Drain

```yaml {kube #drain}
action: drain
node: $NODE
```
"""

KUBE_CASES = """- name: the database answers
  steps: [db]
  cluster:
    pods: [{name: db-0, namespace: data, owner: StatefulSet}]
    exec: [{pod: db-0, command: "pg_isready *", output: "localhost:5432 - accepting connections"}]
  expect:
    output: ["accepting connections"]
- name: an exec the case did not foresee fails, and says what was run
  steps: [db]
  cluster:
    pods: [{name: db-0, namespace: data}]
    exec: [{pod: db-0, command: "psql *", output: "1"}]
  expect:
    outcome: failed
    output: ["no exec answer in the test case for db-0: pg_isready -h localhost"]
- name: a wrong expectation about the cluster fails the case
  steps: [db]
  cluster:
    pods: [{name: db-0, namespace: data}]
    exec: [{command: "*"}]
  expect:
    cluster:
      pods/data/db-0: absent
      nodes/node-1: {unschedulable: true}
"""


def test_cases_with_a_fake_cluster(tmp_path: Path) -> None:
    page = tmp_path / "drain.md"
    page.write_text(KUBE_RUNBOOK, encoding="utf-8")
    (tmp_path / "drain.tests.yml").write_text(KUBE_CASES, encoding="utf-8")
    result = run_cli("test", str(page))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("✔ drain: the database answers")
    assert lines[1].startswith("✔ drain: an exec the case did not foresee fails")
    assert lines[2].startswith("✘ drain: a wrong expectation about the cluster fails the case")
    assert "    pods/data/db-0 still exists" in lines
    assert "    nodes/node-1 does not exist" in lines


def test_a_bad_cluster_is_a_usage_error_naming_the_case(tmp_path: Path) -> None:
    page = tmp_path / "drain.md"
    page.write_text(KUBE_RUNBOOK, encoding="utf-8")
    (tmp_path / "drain.tests.yml").write_text(
        "- name: typo\n  cluster: {deploymnets: []}\n", encoding="utf-8"
    )
    result = run_cli("test", str(page))
    assert result.returncode == 2
    assert f"{page}: invalid test case: typo: cluster has no deploymnets" in result.stderr
