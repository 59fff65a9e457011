"""Site build time and size: our plugin against the same pages through plain Material.

    python bench/site.py [--sizes 250 500 1000]

For each size, generates that many runbooks (grouped in 20 service folders) and builds
them twice with mkdocs: plain Material with its default navigation and no plugin, and
with our plugin and a pruned navigation (navigation.prune). Prints build seconds, output
size, and the ratios. Targets (issue 5): with the plugin at most 1.3x the plain build's
time, and output growing linearly with the number of runbooks.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAGE = """---
title: Runbook {i}
lang: {lang}
owner: "@team-{team}"
service: svc-{team}
alerts: [Alert{i}]
last_reviewed: 2026-11-01
params:
  ENV: {{default: staging, choices: [staging, prod]}}
---
# Runbook {i}

The service svc-{team} answers slowly; {prose}

## Diagnosis

```bash {{#pods-{i} timeout=60s}}
kubectl get pods -n "$ENV" -l app=svc-{team}
kubectl logs -n "$ENV" deploy/svc-{team} --tail=50
```

```console
$ kubectl top pods -n "$ENV"
NAME CPU MEMORY
```

## Mitigation

!!! warning "Visible to users"

    ```bash {{#restart-{i} confirm on-failure=escalate}}
    kubectl rollout restart deployment/svc-{team} -n "$ENV"
    ```

## Verification

```bash
kubectl rollout status deployment/svc-{team} -n "$ENV" --timeout=2m
```
"""
PROSE = (
    "check the pool, the database and the logs before restarting anything. "
    "Sjekk tilkoblingene og køene før du starter noe på nytt. "
) * 3

CONFIG = """site_name: Bench
theme:
  name: material
  font: false
  features: [{features}]
plugins:
  - search:
      lang: ["en", "no"]
{plugin}
markdown_extensions:
  - admonition
  - attr_list
  - pymdownx.superfences
"""


def make(root: Path, n: int, *, ours: bool) -> None:
    docs = root / "docs"
    for i in range(n):
        team = i % 20
        folder = docs / f"svc-{team}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"rb-{i}.md").write_text(
            PAGE.format(i=i, team=team, lang="nb" if i % 3 == 0 else "en", prose=PROSE),
            encoding="utf-8",
        )
    (docs / "index.md").write_text("# Runbooks\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        CONFIG.format(
            features="navigation.prune" if ours else "", plugin="  - runbooks" if ours else ""
        ),
        encoding="utf-8",
    )


def build(root: Path) -> tuple[float, int]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "RUNNER_STORE": str(root / "none.db")}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in (root / "site").rglob("*") if p.is_file())
    return seconds, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 500, 1000])
    args = parser.parse_args()
    print(
        f"{'runbooks':>8} {'plain s':>8} {'plain MB':>9} {'ours s':>8} {'ours MB':>8} "
        f"{'time ×':>7} {'MB/runbook':>11}"
    )
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix="runner-site-") as tmp:
            plain, ours = Path(tmp) / "plain", Path(tmp) / "ours"
            make(plain, n, ours=False)
            make(ours, n, ours=True)
            t_plain, s_plain = build(plain)
            t_ours, s_ours = build(ours)
        print(
            f"{n:>8} {t_plain:>8.1f} {s_plain / 1e6:>9.1f} {t_ours:>8.1f} {s_ours / 1e6:>8.1f} "
            f"{t_ours / t_plain:>7.2f} {s_ours / 1e6 / n:>11.3f}"
        )


if __name__ == "__main__":
    main()
