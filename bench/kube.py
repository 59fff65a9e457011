"""Cost of a Kubernetes step, against a shell step and against the client's own start.

    python bench/kube.py [--steps 10] [--rounds 3]

Runs, in the same run and against the same local fake API server
(tests/kube/fake_api.py): a runbook of N ``get pods`` kube steps, the same runbook of N
trivial bash steps, and N bare processes that only import the client and list the pods
with its typed API (``CoreV1Api().list_namespaced_pod``): what a Python tool that uses
the official client the usual way pays. Prints milliseconds per step and the ratios.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _timing import best_of  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.kube.fake_api import FakeApi  # noqa: E402

BARE = """
from kubernetes import client, config
api = config.new_client_from_config()
client.CoreV1Api(api).list_namespaced_pod("prod", _preload_content=False).data
"""


def runbook(steps: int, kube: bool) -> str:
    block = (
        "```yaml {kube}\naction: get\nresource: pods\nnamespace: prod\n```"
        if kube
        else "```bash\necho x >/dev/null\n```"
    )
    body = "".join(f"## Step {i}\n\n{block}\n\n" for i in range(steps))
    return f"---\ntitle: Bench\nlang: en\n---\n# Bench\n\n{body}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    n = args.steps
    api = FakeApi({("list", "", "pods", "", "prod")})  # exec checks the access first
    for i in range(20):
        api.add_pod("prod", f"api-{i}", labels={"app": "api"})
    with tempfile.TemporaryDirectory(prefix="runner-bench-") as tmp:
        root = Path(tmp)
        env = {**os.environ, "KUBECONFIG": str(api.kubeconfig(root / "kubeconfig"))}
        kube, shell = root / "kube.md", root / "shell.md"
        kube.write_text(runbook(n, True), encoding="utf-8")
        shell.write_text(runbook(n, False), encoding="utf-8")

        def run(path: Path) -> None:
            subprocess.run(
                [sys.executable, "-m", "runner", "exec", str(path), "--yes", "--no-record"],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                check=True,
            )

        def bare() -> None:
            for _ in range(n):
                subprocess.run([sys.executable, "-c", BARE], env=env, check=True)

        t_kube = best_of(args.rounds, lambda: run(kube))
        t_shell = best_of(args.rounds, lambda: run(shell))
        t_bare = best_of(args.rounds, bare)
    api.close()
    per_kube, per_shell, per_bare = (t / n * 1000 for t in (t_kube, t_shell, t_bare))
    print(f"{n} steps, best of {args.rounds}")
    print(f"  kube step (get pods)       {per_kube:7.1f} ms/step")
    print(f"  bash step                  {per_shell:7.1f} ms/step")
    print(f"  bare client process        {per_bare:7.1f} ms/process")
    print(f"  kube step / bare client    {per_kube / per_bare:7.2f}x")
    print(f"  kube step − bash step      {per_kube - per_shell:7.1f} ms")


if __name__ == "__main__":
    main()
