"""Runbook test cases and how they run.

Test cases live in a sidecar file next to the runbook (``db-debug.tests.yml`` for
``db-debug.md``) or under ``tests:`` in its front matter::

    - name: a healthy pool
      params: {ENV: staging}
      steps: [check-pool, db-ready]          # optional: only these steps
      stubs:
        kubectl:
          - {args: "get pods *", output: "api-1 1/1 Running", exit: 0}
          - {args: "*", exit: 0}
      expect:
        outcome: succeeded
        steps: {check-pool: succeeded, db-ready: succeeded}
        output: ["api-1 1/1 Running"]
        calls: {kubectl: ["get pods -l app=api -n staging"]}

Each case runs the real ``runner exec --yes`` in a temporary working directory with a
clean environment (the stubs first on PATH, then the system's binaries), recorded with
trigger ``test`` so usage statistics leave it out.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from runner.errors import UsageError
from runner.model import Runbook

STUB = Path(__file__).with_name("stub.py")
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"


@dataclass
class CaseResult:
    runbook: str
    path: str
    name: str
    passed: bool
    failures: list[str] = field(default_factory=list)
    duration_s: float = 0.0
    output: str = ""
    run_id: str | None = None


def cases_of(runbook: Runbook) -> list[dict[str, Any]]:
    path = Path(runbook.path)
    sidecar = path.with_name(path.name.rsplit(".", 1)[0] + ".tests.yml")
    cases: list[Any] = []
    if sidecar.is_file():
        loaded = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or []
        cases += loaded if isinstance(loaded, list) else loaded.get("tests", [])
    inline = runbook.meta.get("tests")
    if isinstance(inline, list):
        cases += inline
    for case in cases:
        if not isinstance(case, dict) or not case.get("name"):
            raise UsageError(
                "bad-test-case",
                path=str(sidecar if sidecar.exists() else path),
                reason="each test case needs a name",
            )
    return cases


def run_case(runbook: Runbook, case: dict[str, Any], store: str | None) -> CaseResult:
    started = time.monotonic()
    result = CaseResult(runbook.id, runbook.path, str(case["name"]), passed=True)
    source = Path(runbook.path).resolve()
    with tempfile.TemporaryDirectory(prefix="runner-test-") as tmp, ExitStack() as cleanup:
        work = Path(tmp)
        stubs = work / ".stubs"
        stubs.mkdir()
        spec = stubs / "spec.json"
        calls = stubs / "calls.jsonl"
        calls.touch()
        spec.write_text(json.dumps(case.get("stubs") or {}), encoding="utf-8")
        for tool in case.get("stubs") or {}:
            wrapper = stubs / str(tool)
            wrapper.write_text(
                f'#!/bin/sh\nexec "{sys.executable}" "{STUB}" "{spec}" "{calls}" "{tool}" "$@"\n',
                encoding="utf-8",
            )
            wrapper.chmod(0o755)
        env = {
            "PATH": f"{stubs}{os.pathsep}{SYSTEM_PATH}",
            "HOME": str(work),
            "LANG": "C.UTF-8",
            "NO_COLOR": "1",
            "TMPDIR": str(work),
            "RUNNER_KUBE_POLL": "0.05",
        }
        cluster = _cluster(runbook, case, work, env)
        if cluster is not None:
            cleanup.callback(cluster.close)
        argv = [
            sys.executable,
            "-m",
            "runner",
            "exec",
            str(source),
            "--yes",
            "--json",
            "--no-check",
            "--trigger",
            "test",
        ]
        argv += ["--store", store] if store else ["--no-record"]
        for key, value in (case.get("params") or {}).items():
            argv += ["--param", f"{key}={value}"]
        for step in case.get("steps") or []:
            argv += ["--step", str(step)]
        try:
            done = subprocess.run(
                argv,
                cwd=work,
                env=env,
                capture_output=True,
                text=True,
                timeout=float(case.get("timeout", 300)),
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            result.failures.append(f"the case did not finish within {exc.timeout:g}s")
            result.output = (
                (exc.stderr or b"").decode("utf-8", "replace")
                if isinstance(exc.stderr, bytes)
                else str(exc.stderr or "")
            )
            result.duration_s = time.monotonic() - started
            result.passed = False
            return result
        events = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
        result.output = done.stderr
        finished = {e["id"]: e["status"] for e in events if e.get("event") == "step_finished"}
        last = next((e for e in reversed(events) if e.get("event") == "run_finished"), None)
        result.run_id = last["run_id"] if last else None
        logged = [json.loads(line) for line in calls.read_text().splitlines() if line]
        _compare(case.get("expect") or {}, last, finished, done, logged, result)
        if cluster is not None:
            _compare_cluster(case.get("expect") or {}, cluster, result)
    result.duration_s = time.monotonic() - started
    result.passed = not result.failures
    return result


def _cluster(runbook: Runbook, case: dict[str, Any], work: Path, env: dict[str, str]) -> Any:
    """A case's ``cluster:``: a fake Kubernetes API server (runner.testing.fake_kube)
    holding those objects, with a kubeconfig for it in the case's environment."""
    spec = case.get("cluster")
    if spec is None:
        return None
    from runner.testing.fake_kube import FakeApi

    fake = FakeApi()
    try:
        if not isinstance(spec, dict):
            raise ValueError("cluster must be a mapping (deployments, pods, hpas, ...)")
        namespace = fake.seed(spec)
    except ValueError as exc:
        fake.close()
        raise UsageError(
            "bad-test-case", path=runbook.path, reason=f"{case['name']}: {exc}"
        ) from None
    env["KUBECONFIG"] = str(fake.kubeconfig(work / ".kubeconfig", namespace=namespace))
    return fake


def _compare_cluster(expect: dict[str, Any], cluster: Any, result: CaseResult) -> None:
    """``expect.cluster``: ``deployments/prod/api: {replicas: 5}``, ``pods/prod/x: absent``;
    and the runbook asked the API only what it knows (a fake that did not know a request
    is a failure, not a pass)."""
    for ref, wanted in (expect.get("cluster") or {}).items():
        have = cluster.summary(str(ref))
        if wanted == "absent":
            if have is not None:
                result.failures.append(f"{ref} still exists")
            continue
        if have is None:
            result.failures.append(f"{ref} does not exist")
            continue
        for key, value in (wanted or {}).items():
            if have.get(key) != value:
                result.failures.append(f"{ref}: {key} is {have.get(key)!r}, expected {value!r}")
    for request in cluster.unknown:
        result.failures.append(f"the fake API server does not know: {request}")


def _compare(
    expect: dict[str, Any],
    last: dict[str, Any] | None,
    finished: dict[str, str],
    done: subprocess.CompletedProcess[str],
    logged: list[dict[str, str]],
    result: CaseResult,
) -> None:
    if last is None:
        result.failures.append(
            f"the run did not finish (exit {done.returncode}): {done.stderr.strip()[-300:]}"
        )
        return
    outcome = expect.get("outcome", "succeeded")
    if last["outcome"] != outcome:
        result.failures.append(f"outcome {last['outcome']}, expected {outcome}")
    for step, status in (expect.get("steps") or {}).items():
        got = finished.get(step, "not run")
        if got != status:
            result.failures.append(f"step {step}: {got}, expected {status}")
    for fragment in expect.get("output") or []:
        if str(fragment) not in done.stderr:
            result.failures.append(f"output lacks {fragment!r}")
    for tool, wanted in (expect.get("calls") or {}).items():
        made = [c["args"] for c in logged if c["tool"] == tool]
        position = 0
        for call in wanted:
            try:
                position = made.index(str(call), position) + 1
            except ValueError:
                result.failures.append(f"{tool} was not called with {call!r} (calls: {made})")


def junit(results: list[CaseResult]) -> str:
    """JUnit XML: one testsuite per runbook, one testcase per case."""
    from xml.sax.saxutils import escape, quoteattr

    suites: dict[str, list[CaseResult]] = {}
    for r in results:
        suites.setdefault(r.runbook, []).append(r)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites tests="{len(results)}" failures="{sum(not r.passed for r in results)}">',
    ]
    for name, cases in suites.items():
        out.append(
            f'  <testsuite name={quoteattr(name)} tests="{len(cases)}" '
            f'failures="{sum(not c.passed for c in cases)}" '
            f'time="{sum(c.duration_s for c in cases):.3f}">'
        )
        for c in cases:
            out.append(
                f"    <testcase classname={quoteattr(c.path)} name={quoteattr(c.name)} "
                f'time="{c.duration_s:.3f}">'
            )
            if not c.passed:
                out.append(
                    f"      <failure message={quoteattr('; '.join(c.failures))}>"
                    f"{escape(c.output[-4000:])}</failure>"
                )
            out.append("    </testcase>")
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"
