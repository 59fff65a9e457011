"""`runner check` (and the check before `runner exec`) with the real kubernetes client
against tests/kube/fake_api.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.kube.fake_api import FakeApi

RUNBOOK = """---
title: Scale the API
params:
  ENV: {default: prod}
requires:
  tools: [bash]
  context: fake-ctx
  access:
    - {verb: get, resource: pods, namespace: $ENV}
    - {verb: patch, resource: deployments/scale, namespace: $ENV}
---
# Scale the API

```bash
echo scaled > "$OUT"
```
"""


@pytest.fixture
def api() -> Iterator[FakeApi]:
    fake = FakeApi({("get", "", "pods", "", "prod")})
    yield fake
    assert fake.unknown == []  # the client asked only what the fake knows
    fake.close()


@pytest.fixture
def runbook(tmp_path: Path) -> Path:
    page = tmp_path / "scale.md"
    page.write_text(RUNBOOK, encoding="utf-8")
    return page


def check(runbook: Path, kubeconfig: Path, *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = run_cli("check", str(runbook), "--json", *args, env={"KUBECONFIG": str(kubeconfig)})
    return result.returncode, json.loads(result.stdout)


def test_forbidden_verb_is_reported_with_the_fix(
    api: FakeApi, runbook: Path, tmp_path: Path
) -> None:
    code, data = check(runbook, api.kubeconfig(tmp_path / "kubeconfig"))
    assert code == 5
    checks = {c["what"]: c for c in data["checks"]}
    assert checks["tool bash"]["ok"] and checks["context fake-ctx"]["ok"]
    assert checks["can get pods in prod"]["ok"]
    denied = checks["can patch deployments/scale in prod"]
    assert not denied["ok"] and denied["detail"] == "RBAC: cannot patch deployments"
    assert "kubectl auth can-i patch deployments/scale -n prod" in denied["fix"]
    assert {
        "verb": "patch",
        "group": "apps",
        "resource": "deployments",
        "subresource": "scale",
        "namespace": "prod",
    } in api.reviews


def test_params_fill_the_namespace(api: FakeApi, runbook: Path, tmp_path: Path) -> None:
    api.allowed |= {
        ("get", "", "pods", "", "staging"),
        ("patch", "apps", "deployments", "scale", "staging"),
    }
    code, data = check(runbook, api.kubeconfig(tmp_path / "kc"), "--param", "ENV=staging")
    assert code == 0 and data["ok"]


def test_wrong_context_expired_credentials_unreachable(
    api: FakeApi, runbook: Path, tmp_path: Path
) -> None:
    _, data = check(runbook, api.kubeconfig(tmp_path / "a", context="other-ctx"))
    (ctx,) = [c for c in data["checks"] if c["what"] == "context fake-ctx"]
    assert not ctx["ok"] and ctx["fix"] == "kubectl config use-context fake-ctx"
    _, data = check(runbook, api.kubeconfig(tmp_path / "b", token="expired"))
    assert any("rejected the credentials" in c["detail"] for c in data["checks"])
    _, data = check(runbook, api.kubeconfig(tmp_path / "c", server="http://127.0.0.1:9"))
    assert any("cannot be reached" in c["detail"] for c in data["checks"])


def test_human_checklist(api: FakeApi, runbook: Path, tmp_path: Path) -> None:
    result = run_cli(
        "check", str(runbook), env={"KUBECONFIG": str(api.kubeconfig(tmp_path / "kc"))}
    )
    assert result.returncode == 5
    assert "✔ can get pods in prod" in result.stdout
    assert "✘ can patch deployments/scale in prod" in result.stdout
    assert "→ ask for a role that allows it" in result.stdout


def test_exec_checks_first_and_no_check_skips(api: FakeApi, runbook: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {"KUBECONFIG": str(api.kubeconfig(tmp_path / "kc")), "OUT": str(out)}
    blocked = run_cli("exec", str(runbook), "--yes", "--no-record", env=env)
    assert blocked.returncode == 5 and not out.exists()
    assert "prerequisites not met: can patch deployments/scale in prod" in blocked.stderr
    forced = run_cli("exec", str(runbook), "--yes", "--no-record", "--no-check", env=env)
    assert forced.returncode == 0 and out.read_text() == "scaled\n"


def test_kube_steps_access_is_checked_without_declaring_it(api: FakeApi, tmp_path: Path) -> None:
    page = tmp_path / "steps.md"
    page.write_text(
        "---\nparams:\n  ENV: {default: prod}\n---\n# Scale\n\n"
        "```yaml {kube}\naction: get\nresource: pods\nnamespace: $ENV\n```\n\n"
        "```yaml {kube}\naction: scale\ndeployment: api\nreplicas: +1\n```\n\n"
        "```yaml {kube}\naction: drain\nnode: node-1\n```\n",
        encoding="utf-8",
    )
    kubeconfig = api.kubeconfig(tmp_path / "kc", namespace="web")
    api.allowed.add(("list", "", "pods", "", "prod"))
    code, data = check(page, kubeconfig)
    assert code == 5
    assert [(c["what"], c["ok"]) for c in data["checks"]] == [
        ("can list pods in prod", True),
        ("can get deployments/scale in web", False),  # the context's namespace
        ("can patch deployments/scale in web", False),
        ("can patch nodes", False),
        ("can list pods", False),  # a drain looks on every namespace
        ("can create pods/eviction", False),
    ]
    blocked = run_cli(
        "exec", str(page), "--yes", "--no-record", env={"KUBECONFIG": str(kubeconfig)}
    )
    assert blocked.returncode == 5 and "can patch deployments/scale in web" in blocked.stderr
    assert not [r for r in api.requests if "selfsubjectaccessreviews" not in r[1]]
