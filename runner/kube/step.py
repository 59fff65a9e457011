"""Run one structured Kubernetes step: ``python -m runner.kube.step SPEC.yaml``.

The runner starts this like any other step process (its own process group, timeout,
streamed output), so ``runner exec`` of a runbook without Kubernetes steps never loads
the client. Parameters come from the environment and are filled as whole values;
``RUNNER_DRY_RUN=1`` sends every write with ``dryRun=All``. A failure is one line on
stderr: exit 1 when the cluster said no, 2 when the step cannot run as written.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    from runner.kube import _client, default_namespace, explain
    from runner.kube.spec import SpecError, fill
    from runner.parse.kube_step import read_fence

    path = Path(argv[0])
    spec, problems = read_fence(path.read_text(encoding="utf-8"), str(path), 0)
    if spec is None:
        for problem in problems:
            print(f"kube step: {problem.message()}", file=sys.stderr)
        return 2
    try:
        spec = fill(spec, os.environ)
    except SpecError as exc:
        print(f"kube step: {exc}", file=sys.stderr)
        return 2
    dry_run = os.environ.get("RUNNER_DRY_RUN") == "1"
    try:
        from runner.kube.actions import Cluster, run

        client, api = _client()
        cluster = Cluster(api, client, default_namespace())
        return run(spec, cluster, dry_run=dry_run)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # every client failure (and KubeError) becomes one line
        sys.stdout.flush()
        print(f"✘ {explain(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
