"""Structured Kubernetes steps, run by `runner exec` with the real kubernetes client
against tests/kube/fake_api.py (a small in-memory cluster that validates every request)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from runner.parse import parse_text
from tests.conftest import ROOT, run_cli
from tests.kube.fake_api import FakeApi

HEAD = """---
id: api-k8s
title: API on Kubernetes
lang: en
params:
  ENV: {default: prod}
  APP: {default: api}
---
# API on Kubernetes
"""


def page(tmp_path: Path, *blocks: str, name: str = "rb.md") -> Path:
    parts = [HEAD]
    for i, block in enumerate(blocks, start=1):
        parts.append(f"\n## Step {i}\n\n```yaml {{kube}}\n{textwrap.dedent(block).strip()}\n```\n")
    path = tmp_path / name
    path.write_text("".join(parts), encoding="utf-8")
    return path


@pytest.fixture
def api() -> Iterator[FakeApi]:
    fake = FakeApi()
    fake.add_deployment("prod", "api", 3)
    fake.add_pod("prod", "api-7d9f-abcde", labels={"app": "api"}, restarts=2)
    fake.add_pod("prod", "api-7d9f-fghij", labels={"app": "api"}, waiting="CrashLoopBackOff")
    fake.add_pod("prod", "db-0", labels={"app": "db"}, owner="StatefulSet")
    fake.add_pod("staging", "api-1111-zzzzz", labels={"app": "api"})
    fake.add_hpa("prod", "api", "api", 2, 6, 91, 70)
    yield fake
    assert fake.unknown == []  # the client asked only what the fake knows, as it knows it
    fake.close()


@pytest.fixture
def env(api: FakeApi, tmp_path: Path) -> dict[str, str]:
    return {"KUBECONFIG": str(api.kubeconfig(tmp_path / "kubeconfig")), "RUNNER_KUBE_POLL": "0.05"}


def run(path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("exec", str(path), "--yes", "--no-record", "--no-check", *args, env=env)


# -- reading what a step says


def test_kube_fence_is_a_step_with_its_kubectl_equivalent(tmp_path: Path) -> None:
    path = page(tmp_path, "action: scale\ndeployment: $APP\nnamespace: $ENV\nreplicas: +2")
    shown = json.loads(run_cli("show", str(path), "--json").stdout)
    (step,) = shown["steps"]
    assert step["lang"] == "kube" and step["line"] == 13
    assert "replicas: +2" in step["source"]
    human = run_cli("show", str(path)).stdout
    assert "≈ kubectl scale deployment/$APP --replicas=<current + 2> -n $ENV" in human


def test_plus_sign_means_relative_and_plain_number_absolute(tmp_path: Path) -> None:
    from runner.parse.kube_step import spec_of

    relative = spec_of("action: scale\ndeployment: api\nreplicas: +2")
    absolute = spec_of("action: scale\ndeployment: api\nreplicas: 2")
    down = spec_of("action: scale\ndeployment: api\nreplicas: '-1'")
    assert relative is not None and relative.fields["replicas"] == "+2"
    assert absolute is not None and absolute.fields["replicas"] == 2
    assert down is not None and down.fields["replicas"] == "-1"


@pytest.mark.parametrize(
    ("block", "line", "words"),
    [
        ("action: scael\ndeployment: api", 14, "unknown action 'scael' (did you mean scale?)"),
        ("action: exec\npod: api-0\ncommand: pg_isready -h x", 16, "must be a list of arguments"),
        ("action: logs\npod: API_0", 15, "'API_0' is not a Kubernetes name"),
        ("action: scale\ndeployment: api\nreplicas: lots", 16, "replicas 'lots'"),
        ("action: get\nresource: secrets", 15, "cannot get 'secrets'"),
        ("action: logs\npod: a\nselector: app=a", 13, "only one of pod or selector"),
        ("action: drain\nnode: n1\nforse: true", 16, "drain has no field 'forse'"),
        ("action: logs\npod: a\ngrep: '(unclosed'", 16, "not a valid regular expression"),
    ],
)
def test_bad_kube_steps_are_errors_at_their_line(
    tmp_path: Path, block: str, line: int, words: str
) -> None:
    path = page(tmp_path, block)
    result = run_cli("lint", str(path))
    assert result.returncode == 1
    assert f"{path}:{line}: error: Kubernetes step: " in result.stdout
    assert words in result.stdout
    refused = run(path, {})
    assert refused.returncode == 2 and f"{path}:{line}" in refused.stderr


def test_yaml_runbook_kube_steps(tmp_path: Path) -> None:
    path = tmp_path / "scale.yml"
    path.write_text(
        textwrap.dedent(
            """\
            name: Scale out
            params:
              ENV: {default: prod}
            steps:
              - name: Add two replicas
                id: more
                kube: {action: scale, deployment: api, namespace: $ENV, replicas: +2}
              - name: Drain the bad node
                kube:
                  action: drain
                  node: node-1
              - name: Both
                commands: [echo hi]
                kube: {action: get, resource: pods}
            """
        ),
        encoding="utf-8",
    )
    runbook = parse_text(path.read_text(encoding="utf-8"), str(path))
    more, drain, both = runbook.steps
    assert more.lang == "kube" and "replicas: '+2'" in more.source and more.line == 5
    assert drain.destructive and drain.confirm  # drain is guarded whatever the file says
    assert [p.line for p in runbook.problems if p.code == "kube-step"] == [14]
    assert "a step has commands or kube, not both" in runbook.problems[-1].message()
    assert both.lang == "kube"


# -- running


def test_get_pods_by_selector_in_the_params_namespace(
    api: FakeApi, env: dict[str, str], tmp_path: Path
) -> None:
    path = page(tmp_path, "action: get\nresource: pods\nselector: app=$APP\nnamespace: $ENV")
    result = run(path, env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("NAME"))
    assert lines[header].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "NODE"]
    assert lines[header + 1].split() == ["api-7d9f-abcde", "1/1", "Running", "2", "3h", "node-1"]
    assert lines[header + 2].split()[:3] == ["api-7d9f-fghij", "0/1", "CrashLoopBackOff"]
    assert "db-0" not in result.stdout and "api-1111" not in result.stdout
    (call,) = [r for r in api.requests if r[1].endswith("/pods")]
    assert call[1] == "/api/v1/namespaces/prod/pods" and call[2] == {"labelSelector": ["app=api"]}


def test_get_hpa_and_deployments_tables(api: FakeApi, env: dict[str, str], tmp_path: Path) -> None:
    path = page(
        tmp_path,
        "action: get\nresource: hpa\nnamespace: $ENV",
        "action: get\nresource: deploy\nname: api\nnamespace: $ENV",
    )
    result = run(path, env)
    assert result.returncode == 0, result.stderr
    assert "api    Deployment/api   cpu: 91%/70%   2         6         2" in result.stdout
    assert "NAME   READY   UP-TO-DATE   AVAILABLE   AGE" in result.stdout
    assert "api    3/3     3            3           3h" in result.stdout


def test_logs_tail_since_grep_from_every_matching_pod(
    api: FakeApi, env: dict[str, str], tmp_path: Path
) -> None:
    api.logs[("prod", "api-7d9f-abcde", False)] = "INFO ok\nERROR boom\nINFO fine\n"
    api.logs[("prod", "api-7d9f-fghij", False)] = "ERROR pool exhausted\n"
    path = page(
        tmp_path,
        "action: logs\nselector: app=$APP\nnamespace: $ENV\ntail: 100\nsince: 15m\ngrep: ERROR",
    )
    result = run(path, env)
    assert result.returncode == 0, result.stderr
    assert "[api-7d9f-abcde] ERROR boom\n[api-7d9f-fghij] ERROR pool exhausted\n" in result.stdout
    assert "INFO" not in result.stdout
    logs = [r for r in api.requests if r[1].endswith("/log")]
    assert [r[2] for r in logs] == [{"tailLines": ["100"], "sinceSeconds": ["900"]}] * 2


def test_exec_passes_the_argument_list_and_the_exit_code(
    api: FakeApi, env: dict[str, str], tmp_path: Path
) -> None:
    seen = []

    def handler(ns: str, pod: str, command: list[str]) -> tuple[str, str, int]:
        seen.append((ns, pod, command))
        return ("no response\n", "could not connect\n", 2)

    api.exec_handler = handler
    path = page(
        tmp_path,
        'action: exec\npod: db-0\nnamespace: $ENV\ncommand: [pg_isready, -h, "$APP db; rm -rf /"]',
    )
    result = run(path, env)
    assert seen == [("prod", "db-0", ["pg_isready", "-h", "api db; rm -rf /"])]
    assert "no response\ncould not connect\n" in result.stdout  # the step's output, in order
    assert result.returncode == 1 and "failed (exit 2)" in result.stdout


def test_scale_relative_warns_about_the_hpa(
    api: FakeApi, env: dict[str, str], tmp_path: Path
) -> None:
    path = page(tmp_path, "action: scale\ndeployment: $APP\nnamespace: $ENV\nreplicas: +4")
    result = run(path, env)
    assert result.returncode == 0, result.stderr
    assert "deployment/api in prod: 3 → 7 replicas" in result.stdout
    assert "HPA api keeps deployment/api between 2 and 6 replicas and will undo this" in (
        result.stdout
    )
    ((method, where, query, body),) = api.writes()
    assert (method, where, query) == (
        "PATCH",
        "/apis/apps/v1/namespaces/prod/deployments/api/scale",
        {},
    )
    assert body == {"spec": {"replicas": 7}}
    deployment = api.get("deployments", "prod", "api")
    assert deployment is not None and deployment["spec"]["replicas"] == 7


def test_scale_guard_refuses_before_writing(
    api: FakeApi, env: dict[str, str], tmp_path: Path
) -> None:
    path = page(tmp_path, "action: scale\ndeployment: api\nnamespace: prod\nreplicas: +8\nmax: 10")
    result = run(path, env)
    assert result.returncode == 1
    assert "✘ deployment/api: 11 replicas is above this step's max 10" in result.stdout
    assert api.writes() == []


def test_rollout_restart_then_wait(api: FakeApi, env: dict[str, str], tmp_path: Path) -> None:
    path = page(
        tmp_path,
        "action: rollout-restart\ndeployment: api\nnamespace: prod",
        "action: rollout-status\ndeployment: api\nnamespace: prod\ntimeout: 30s",
    )
    result = run(path, env)
    assert result.returncode == 0, result.stderr
    assert "deployment/api in prod: restarted" in result.stdout
    assert "0 out of 3 new replicas have been updated" in result.stdout
    assert result.stdout.index("2 of 3 updated replicas are available") < result.stdout.index(
        "deployment 'api' successfully rolled out"
    )
    deployment = api.get("deployments", "prod", "api")
    assert deployment is not None
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert "kubectl.kubernetes.io/restartedAt" in annotations


def test_rollout_status_times_out(api: FakeApi, env: dict[str, str], tmp_path: Path) -> None:
    deployment = api.get("deployments", "prod", "api")
    assert deployment is not None
    deployment["metadata"]["generation"] = 2
    deployment["status"]["observedGeneration"] = 2
    deployment["status"]["updatedReplicas"] = -1000  # a rollout that will not finish soon
    path = page(tmp_path, "action: rollout-status\ndeployment: api\nnamespace: prod\ntimeout: 1s")
    result = run(path, env)
    assert result.returncode == 1
    assert "timed out after 1s waiting for deployment/api" in result.stdout


def test_cordon_and_drain_are_guarded(api: FakeApi, env: dict[str, str], tmp_path: Path) -> None:
    api.add_node("node-1")
    path = page(tmp_path, "action: drain\nnode: node-1")
    result = run(path, env)
    assert result.returncode == 2  # --yes without a terminal stops at a destructive step
    assert "needs confirmation (destructive)" in result.stdout and api.writes() == []


def step_module(spec: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The step process itself (what `runner exec` starts once a responder confirms)."""
    file = tmp_path / "step.kube.yaml"
    file.write_text(spec, encoding="utf-8")
    import os

    return subprocess.run(
        [sys.executable, "-m", "runner.kube.step", str(file)],
        env={**os.environ, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_drain_skips_daemonsets_waits_out_budgets_and_evicts(
    api: FakeApi, env: dict[str, str], tmp_path: Path
) -> None:
    api.add_node("node-1")
    api.add_pod("kube-system", "fluentbit-abc", owner="DaemonSet")
    api.evictions_blocked[("prod", "db-0")] = 1
    result = step_module("action: drain\nnode: node-1\ntimeout: 30s", env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "node/node-1 cordoned" in result.stdout
    assert "skipping DaemonSet pod fluentbit-abc" in result.stdout
    assert "prod/db-0: a disruption budget forbids it now; retrying" in result.stdout
    assert "node/node-1 drained" in result.stdout
    node = api.get("nodes", "", "node-1")
    assert node is not None and node["spec"]["unschedulable"] is True
    left = {name for (res, ns, name) in api.objects if res == "pods" and ns == "prod"}
    assert left == set()  # every prod pod was on node-1
    assert api.get("pods", "kube-system", "fluentbit-abc") is not None


def test_drain_refuses_a_pod_without_controller(
    api: FakeApi, env: dict[str, str], tmp_path: Path
) -> None:
    api.add_node("node-1")
    api.add_pod("prod", "debug-shell", owner=None)
    result = step_module("action: drain\nnode: node-1", env, tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "✘ prod/debug-shell has no controller and would be lost: set force: true to drain"
    )
    assert all(r[1].endswith("/nodes/node-1") for r in api.writes())  # only the cordon


def test_dry_run_simulates_writes_and_names_what_it_cannot(
    api: FakeApi, env: dict[str, str], tmp_path: Path
) -> None:
    path = page(
        tmp_path,
        "action: get\nresource: pods\nselector: app=api\nnamespace: prod",
        "action: scale\ndeployment: api\nnamespace: prod\nreplicas: +2",
        "action: rollout-restart\ndeployment: api\nnamespace: prod",
        "action: exec\npod: db-0\nnamespace: prod\ncommand: [psql, -c, select 1]",
        "action: rollout-status\ndeployment: api\nnamespace: prod",
    )
    result = run_cli("exec", str(path), "--dry-run", "--no-record", env=env)
    assert result.returncode == 0, result.stderr
    assert "3 → 5 replicas (server-side dry run: accepted, nothing changed)" in result.stdout
    assert "restarted (server-side dry run: accepted, nothing changed)" in result.stdout
    assert "api-7d9f-abcde" in result.stdout  # reads run for real
    assert "#step-4: it runs a command inside a container" in result.stdout
    assert "#step-5: it waits for a rollout that a dry run does not start" in result.stdout
    assert len(api.writes()) == 2
    assert all(query == {"dryRun": ["All"]} for _, _, query, _ in api.writes())
    deployment = api.get("deployments", "prod", "api")
    assert deployment is not None and deployment["spec"]["replicas"] == 3


def test_dry_run_reports_what_the_server_refuses(
    api: FakeApi, env: dict[str, str], tmp_path: Path
) -> None:
    api.forbid.add(("patch", "deployments/scale", "prod"))
    path = page(tmp_path, "action: scale\ndeployment: api\nnamespace: prod\nreplicas: 5")
    result = run_cli("exec", str(path), "--dry-run", "--no-record", "--json", env=env)
    assert result.returncode == 1
    assert (
        '✘ forbidden: deployments.apps "api" is forbidden: User "me" cannot patch resource '
        '"deployments/scale" in API group "apps" in the namespace "prod"'
    ) in result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert {
        "event": "step_simulated",
        "id": "step-1",
        "action": "scale",
        "exit_code": 1,
    }.items() <= (next(e for e in events if e["event"] == "step_simulated").items())
    assert events[-1]["outcome"] == "failed"


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("missing", '✘ not found: deployments.apps "nope" not found'),
        ("expired", "✘ the cluster rejected the credentials (expired or invalid): log in again"),
        ("down", "✘ the API server cannot be reached (VPN? cluster down? wrong context?)"),
    ],
)
def test_cluster_errors_are_one_line(
    api: FakeApi, tmp_path: Path, setup: str, expected: str
) -> None:
    name = "nope" if setup == "missing" else "api"
    kubeconfig = api.kubeconfig(
        tmp_path / "kc",
        token="expired" if setup == "expired" else "good-token",
        server="http://127.0.0.1:9" if setup == "down" else None,
    )
    path = page(tmp_path, f"action: scale\ndeployment: {name}\nnamespace: prod\nreplicas: 1")
    result = run(path, {"KUBECONFIG": str(kubeconfig)})
    assert result.returncode == 1
    assert expected in result.stdout.splitlines()
    assert "Traceback" not in result.stdout + result.stderr


def test_params_are_checked_after_filling_and_never_reach_a_shell(
    api: FakeApi, env: dict[str, str], tmp_path: Path
) -> None:
    path = page(tmp_path, "action: get\nresource: pods\nnamespace: $ENV")
    bad = run(path, env, "--param", "ENV=prod; touch MARK")
    assert bad.returncode == 1 and "failed (exit 2)" in bad.stdout
    assert "namespace 'prod; touch MARK' is not a Kubernetes namespace" in bad.stdout
    assert not (ROOT / "MARK").exists() and api.requests == []
    unset = page(tmp_path, "action: get\nresource: pods\nnamespace: $NOPE", name="unset.md")
    result = run(unset, env)
    assert "namespace refers to $NOPE, which is not set" in result.stdout


def test_the_default_namespace_is_the_contexts(api: FakeApi, tmp_path: Path) -> None:
    kubeconfig = api.kubeconfig(tmp_path / "kc", namespace="staging")
    path = page(tmp_path, "action: get\nresource: pods")
    result = run(path, {"KUBECONFIG": str(kubeconfig)})
    assert result.returncode == 0 and "api-1111-zzzzz" in result.stdout


def test_runbooks_without_kube_steps_do_not_load_the_client(tmp_path: Path) -> None:
    path = tmp_path / "plain.md"
    path.write_text("# Plain\n\n```bash\necho hi\n```\n", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "runner",
            "exec",
            str(path),
            "--yes",
            "--no-record",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and "hi" in result.stdout
    imported = [line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line]
    assert "runner.execute.engine" in imported
    assert not [m for m in imported if m.startswith("kubernetes")]
