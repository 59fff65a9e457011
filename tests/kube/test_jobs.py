"""Runbooks as Kubernetes Jobs: `runner exec --in-cluster-job`, `runner serve --executor
kubernetes`, `runner kube rbac|job`, and the manifests in deploy/.

The fake API server's "kubelet" really runs the Job's container command (this checkout's
runner, with the ConfigMap mounted and the Secret's store URL), so these tests prove the
Job we create would do the run, not just that we sent some JSON."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from tests.conftest import ROOT, run_cli
from tests.kube.fake_api import FakeApi
from tests.telemetry.conftest import pg_url  # noqa: F401  (a fixture)

K8S_VERSION = "1.31"
RUNBOOK = """---
id: cache-flush
title: Flush the cache
lang: en
alerts: [CacheStale]
auto: true
params:
  REGION: {default: eu-west}
---
# Flush the cache

```bash {#flush}
echo "flushing $REGION"
```

```yaml {kube #pods}
action: get
resource: pods
namespace: shop
```
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    (root / "docs" / "cache-flush.md").write_text(RUNBOOK, encoding="utf-8")
    return root


@pytest.fixture
def api(tmp_path: Path) -> Iterator[FakeApi]:
    store = tmp_path / "team-store.db"
    fake = FakeApi(
        run_jobs=True, secrets={("runbooks", "runner-store"): {"url": f"sqlite:///{store}"}}
    )
    fake.add_service_account("runbooks", "runbook-cache-flush")
    fake.allowed.add(("list", "", "pods", "", "shop"))  # the Job's runner checks it first
    fake.add_pod("shop", "cart-5c8d-k2x9q", labels={"app": "cart"})
    # inside the Job, the runner reaches the API as the runbook's service account
    fake.pod_kubeconfig = fake.kubeconfig(tmp_path / "pod-kubeconfig")
    yield fake
    assert fake.unknown == []
    fake.close()


def runs(tmp_path: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(tmp_path / "team-store.db") as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute("SELECT * FROM runs")]


def exec_in_cluster(
    project: Path, api: FakeApi, tmp_path: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    env = {"KUBECONFIG": str(api.kubeconfig(tmp_path / "kc", namespace="runbooks"))}
    return run_cli("exec", "docs/cache-flush.md", "--in-cluster-job", *args, cwd=project, env=env)


def test_in_cluster_job_runs_the_runbook_and_records_it(
    project: Path, api: FakeApi, tmp_path: Path
) -> None:
    result = exec_in_cluster(project, api, tmp_path, "--param", "REGION=us-east")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "flushing us-east" in result.stdout  # the pod's log, followed
    assert "cart-5c8d-k2x9q" in result.stdout  # its kube step used the service account
    assert "Job runbook-cache-flush-" in result.stderr and "namespace runbooks" in result.stderr
    ((job_key, job),) = [(k, v) for k, v in api.objects.items() if k[0] == "jobs"]
    config_map = api.get("configmaps", "runbooks", job_key[2])
    assert config_map is not None
    assert config_map["data"]["cache-flush.md"] == RUNBOOK
    assert config_map["metadata"]["ownerReferences"][0]["uid"] == job["metadata"]["uid"]
    spec = job["spec"]["template"]["spec"]
    assert spec["serviceAccountName"] == "runbook-cache-flush" and job["spec"]["backoffLimit"] == 0
    assert "--param" in spec["containers"][0]["args"]
    (run,) = runs(tmp_path)  # recorded in the team's store by the runner in the Job
    assert run["outcome"] == "succeeded" and run["runbook_id"] == "cache-flush"
    assert run["id"][:8] in job_key[2]


def test_the_job_records_to_the_teams_postgresql(
    project: Path,
    api: FakeApi,
    tmp_path: Path,
    pg_url: str,  # noqa: F811
) -> None:
    from runner.telemetry import open_store

    api.secrets[("runbooks", "runner-store")] = {"url": pg_url}
    result = exec_in_cluster(project, api, tmp_path, "--param", "REGION=eu-north")
    assert result.returncode == 0, result.stdout + result.stderr
    (run,) = open_store(pg_url).runs()
    assert (run["runbook_id"], run["outcome"]) == ("cache-flush", "succeeded")
    assert run["params"]["REGION"] == "eu-north"  # jsonb, read back as a mapping


def test_a_failing_run_in_the_job_is_the_exit_code_here(
    project: Path, api: FakeApi, tmp_path: Path
) -> None:
    page = project / "docs" / "cache-flush.md"
    page.write_text(RUNBOOK.replace('echo "flushing $REGION"', "exit 7"), encoding="utf-8")
    result = exec_in_cluster(project, api, tmp_path)
    assert result.returncode == 1  # the runner's "a step failed", from the pod
    assert "failed (exit 7)" in result.stdout
    assert runs(tmp_path)[0]["outcome"] == "failed"


def test_what_stops_a_job_before_it_starts(project: Path, api: FakeApi, tmp_path: Path) -> None:
    del api.objects[("serviceaccounts", "runbooks", "runbook-cache-flush")]
    missing = exec_in_cluster(project, api, tmp_path)
    assert missing.returncode == 5
    assert (
        "Kubernetes: no ServiceAccount runbook-cache-flush in namespace runbooks: create it "
        "with `runner kube rbac RUNBOOK -n runbooks | kubectl apply -f -`"
    ) in missing.stderr
    page = project / "docs" / "cache-flush.md"
    page.write_text(RUNBOOK.replace("```bash {#flush}", "```bash {#flush confirm}"))
    confirm = exec_in_cluster(project, api, tmp_path)
    assert confirm.returncode == 5
    assert "step flush needs confirmation, which a Job cannot ask for" in confirm.stderr
    assert api.writes() == []


def test_an_image_that_cannot_be_pulled_is_one_line(
    project: Path, api: FakeApi, tmp_path: Path
) -> None:
    result = exec_in_cluster(project, api, tmp_path, "--image", "missing/runner:0")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith(
        "✘ pod runbook-cache-flush-"
    ) and 'cannot start: ErrImagePull: failed to pull image "missing/runner:0": not found' in (
        result.stderr
    )


def test_serve_with_the_kubernetes_executor(project: Path, api: FakeApi, tmp_path: Path) -> None:
    import os
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    store = tmp_path / "team-store.db"
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "runner", "serve", "--port", str(port), "--no-auth"),
            *("--store", f"sqlite:///{store}", "--executor", "kubernetes"),
            *("--job-namespace", "runbooks"),
        ],
        cwd=project,
        env={**os.environ, "KUBECONFIG": str(api.kubeconfig(tmp_path / "kc"))},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        alert = {
            "version": "4",
            "status": "firing",
            "receiver": "runner",
            "alerts": [
                {
                    "status": "firing",
                    "labels": {"alertname": "CacheStale", "region": "ap-south"},
                    "annotations": {},
                    "startsAt": "2026-12-04T10:00:00Z",
                    "fingerprint": "abc",
                }
            ],
        }
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/alertmanager",
            data=json.dumps(alert).encode(),
            headers={"Content-Type": "application/json"},
        )
        assert json.loads(urllib.request.urlopen(request, timeout=10).read())["jobs"] == 1
        deadline = time.monotonic() + 60
        while not [r for r in runs(tmp_path) if r["outcome"]]:
            assert time.monotonic() < deadline, "the Job's run was never recorded"
            time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    (run,) = runs(tmp_path)
    assert (run["trigger"], run["outcome"]) == ("alert", "succeeded")
    assert json.loads(run["params"])["REGION"] == "ap-south"  # from the alert's label
    ((_, job),) = [(k, v) for k, v in api.objects.items() if k[0] == "jobs"]
    assert run["id"][:8] in job["metadata"]["name"]  # serve's job id is the run id
    config_map = api.get("configmaps", "runbooks", job["metadata"]["name"])
    assert config_map is not None and "alert.json" in config_map["data"]


def test_the_receivers_role_allows_exactly_what_the_executor_does(
    project: Path, api: FakeApi, tmp_path: Path
) -> None:
    assert exec_in_cluster(project, api, tmp_path).returncode == 0
    used = set()
    for method, path, _, _ in api.requests:
        parts = path.strip("/").split("/")
        if "runbooks" not in parts or path.endswith("selfsubjectaccessreviews"):
            continue  # the Job's own requests (as the runbook's account) are elsewhere
        rest = parts[parts.index("runbooks") + 1 :]
        group = "batch" if parts[0] == "apis" and parts[1] == "batch" else ""
        resource = rest[0] + (f"/{rest[2]}" if len(rest) > 2 else "")
        verb = {"POST": "create", "PATCH": "patch", "DELETE": "delete"}.get(
            method, "get" if len(rest) > 1 else "list"
        )
        used.add((group, resource, verb))
    docs = list(yaml.safe_load_all((ROOT / "deploy" / "receiver-rbac.yaml").read_text()))
    (role,) = [d for d in docs if d["kind"] == "Role"]
    granted = {
        (group, resource, verb)
        for rule in role["rules"]
        for group in rule["apiGroups"]
        for resource in rule["resources"]
        for verb in rule["verbs"]
    }
    # the one grant a good run does not use: removing a Job whose ConfigMap failed
    assert used <= granted and granted - used == {("batch", "jobs", "delete")}


def test_a_job_without_its_configmap_is_removed(
    project: Path, api: FakeApi, tmp_path: Path
) -> None:
    api.forbid.add(("create", "configmaps", "runbooks"))
    result = exec_in_cluster(project, api, tmp_path)
    assert result.returncode == 5
    assert (
        'Kubernetes: forbidden: configmaps is forbidden: User "me" cannot create resource'
        in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert [r[0] for r in api.writes()] == ["POST", "POST", "DELETE"]
    assert not [k for k in api.objects if k[0] in {"jobs", "pods"} and k[1] == "runbooks"]


def manifests(text: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(text) if d]


def test_deploy_manifests_validate_against_the_openapi_schema() -> None:
    deploy = ROOT / "deploy"
    kustomization = yaml.safe_load((deploy / "kustomization.yaml").read_text())
    files = sorted(p.name for p in deploy.glob("*.yaml") if p.name != "kustomization.yaml")
    assert sorted(kustomization["resources"]) == files  # nothing left out of the kustomization
    kinds = []
    for name in files:
        for doc in manifests((deploy / name).read_text()):
            kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
            kinds.append(doc["kind"])
    assert sorted(kinds) == ["Deployment", "Role", "RoleBinding", "Service", "ServiceAccount"]


def test_broken_manifest_is_caught_by_the_validation() -> None:
    """The check above can fail: a misspelt field is an error, not ignored."""
    doc = manifests((ROOT / "deploy" / "receiver.yaml").read_text())[0]
    doc["spec"]["template"]["spec"]["containers"][0]["imagePullPolicey"] = "Always"
    with pytest.raises(kubernetes_validate.ValidationError, match="imagePullPolicey"):
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_kube_job_and_rbac_print_valid_manifests(project: Path) -> None:
    job = run_cli("kube", "job", "docs/cache-flush.md", "-p", "REGION=x", cwd=project)
    assert job.returncode == 0, job.stderr
    docs = manifests(job.stdout)
    assert [d["kind"] for d in docs] == ["Job", "ConfigMap"]
    rbac = run_cli("kube", "rbac", "docs/cache-flush.md", cwd=project)
    assert rbac.returncode == 0, rbac.stderr
    rbac_docs = manifests(rbac.stdout)
    for doc in docs + rbac_docs:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
    roles = [d for d in rbac_docs if d["kind"] == "Role"]
    assert [(r["metadata"]["namespace"], r["rules"]) for r in roles] == [
        ("shop", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]}])
    ]


def test_rbac_for_declared_access_and_node_actions(tmp_path: Path) -> None:
    page = tmp_path / "nodes.md"
    page.write_text(
        "---\nid: node-fix\nparams:\n  ENV: {default: prod}\nrequires:\n  access:\n"
        "    - {verb: patch, resource: deployments/scale, namespace: $ENV}\n---\n# Node fix\n\n"
        "```yaml {kube}\naction: drain\nnode: node-1\n```\n",
        encoding="utf-8",
    )
    result = run_cli("kube", "rbac", str(page), "-n", "ops")
    assert result.returncode == 0, result.stderr
    docs = {(d["kind"], d["metadata"].get("namespace")): d for d in manifests(result.stdout)}
    assert docs[("Role", "prod")]["rules"] == [
        {"apiGroups": ["apps"], "resources": ["deployments/scale"], "verbs": ["patch"]}
    ]
    cluster_role = docs[("ClusterRole", None)]
    assert {(r["resources"][0], tuple(r["verbs"])) for r in cluster_role["rules"]} == {
        ("nodes", ("patch",)),
        ("pods", ("list",)),
        ("pods/eviction", ("create",)),
    }
    assert docs[("ClusterRoleBinding", None)]["subjects"] == [
        {"kind": "ServiceAccount", "name": "runbook-node-fix", "namespace": "ops"}
    ]


def test_secret_params_never_go_into_a_job(tmp_path: Path) -> None:
    page = tmp_path / "secret.md"
    page.write_text(
        "---\nparams:\n  TOKEN: {secret: true}\n---\n# Secret\n\n```bash\necho x\n```\n",
        encoding="utf-8",
    )
    result = run_cli("kube", "job", str(page), "-p", "TOKEN=abc123")
    assert result.returncode == 2 and "abc123" not in result.stdout + result.stderr
    assert "secret parameter TOKEN would be written into the Job in the clear" in result.stderr
