"""Per-step overhead of `runner exec` against bare `bash -c`.

    python bench/exec.py [--steps 50] [--rounds 3]

Runs a runbook of N trivial steps with ``--yes`` (telemetry recorded to a fresh SQLite
store) and the same N commands with bare ``bash -c`` in a loop, in the same run. The
per-step cost of the runner is the slope between an N-step and a 1-step runbook, so
process start-up is reported separately. Target (issue 3): under 15 ms of overhead per
step, telemetry writes included.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from _timing import best_of  # bench/ is on sys.path when run as a script


def runbook(steps: int) -> str:
    body = "".join(
        f"## Step {i}\n\n```bash\necho step {i} >/dev/null\n```\n\n" for i in range(steps)
    )
    return f"---\ntitle: Bench\nlang: en\n---\n# Bench\n\n{body}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    n = args.steps
    with tempfile.TemporaryDirectory(prefix="runner-bench-") as tmp:
        root = Path(tmp)
        many, one = root / "many.md", root / "one.md"
        many.write_text(runbook(n), encoding="utf-8")
        one.write_text(runbook(1), encoding="utf-8")
        store = root / "telemetry.db"

        def run(page: Path) -> None:
            subprocess.run(
                [sys.executable, "-m", "runner", "exec", str(page), "--yes", "--store", str(store)],
                check=True,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )

        def bare() -> None:
            for i in range(n):
                subprocess.run(["bash", "-c", f"echo step {i} >/dev/null"], check=True)

        run(one)  # create the store, warm the caches
        t_many = best_of(args.rounds, lambda: run(many))
        t_one = best_of(args.rounds, lambda: run(one))
        t_bare = best_of(args.rounds, bare)

    per_step = (t_many - t_one) / (n - 1)
    bare_step = t_bare / n
    print(f"{n} trivial steps, telemetry on (SQLite, WAL)")
    print(f"  runner exec, {n} steps      {t_many * 1000:8.1f} ms")
    print(f"  runner exec, 1 step         {t_one * 1000:8.1f} ms  (start-up and one step)")
    print(f"  bare bash -c, {n} commands  {t_bare * 1000:8.1f} ms")
    print(
        f"per step: runner {per_step * 1000:.2f} ms, bare bash {bare_step * 1000:.2f} ms, "
        f"overhead {(per_step - bare_step) * 1000:.2f} ms (target < 15 ms), "
        f"ratio {per_step / bare_step:.1f}x"
    )
    print(f"whole run against bare: {t_many / t_bare:.1f}x (start-up included)")


if __name__ == "__main__":
    main()
