"""Parse speed: our parser into the model vs bare markdown-it-py tokenisation.

    python bench/parse.py [--files 1000] [--rounds 5]

Generates a corpus of realistic runbooks (front matter, sections in both languages,
attributes, console transcripts, admonitions, tabs, lists, block quotes, embedded YAML,
Python), a few kB each, then parses every file with:

  bare   markdown-it-py's own tokenisation (MarkdownIt("commonmark").parse), the baseline
  block  markdown-it-py block rules only (what our parser runs underneath), for reference
  ours   runner.parse.parse_file: decode, front matter, tokens → Runbook model

Each is timed over the same files in the same run; the best of --rounds is kept. The
target (issue 2) is ours/bare <= 1.3. Then it times `runner show FILE --json` as a
process against `python -c pass` (target: under 150 ms wall).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _timing import best_of  # bench/ is on sys.path when run as a script
from markdown_it import MarkdownIt

from runner.parse import parse_file

SECTIONS_EN = ["Prerequisites", "Diagnosis", "Mitigation", "Verification", "Rollback"]
SECTIONS_NB = ["Forutsetninger", "Feilsøking", "Tiltak", "Verifisering", "Tilbakerulling"]
PROSE_EN = (
    "The **API** cannot reach its database; see the [dashboard](https://grafana.example.com/d/x) "
    "and check `pg_stat_activity`. If the pool is exhausted, requests queue up and *latency* "
    "grows until the load balancer gives up.\n"
)
PROSE_NB = (
    "Tjenesten får ikke kontakt med databasen; se [dashbordet](https://grafana.example.com/d/x) "
    "og sjekk `pg_stat_activity`. Når køen vokser, øker *svartiden* til lastbalansereren gir opp.\n"
)


def _bash(rng: random.Random, n: int) -> str:
    attrs = rng.choice(["", f" {{#step-{n} timeout=60s}}", f" {{#step-{n} confirm}}", ""])
    return (
        f"```bash{attrs}\n"
        f'kubectl get pods -n "$ENV" -l app=svc-{n}\n'
        f'kubectl logs -n "$ENV" deploy/svc-{n} --tail=50 | grep -E "error|timeout" || true\n'
        "```\n"
    )


def _block(rng: random.Random, n: int, nb: bool) -> str:
    kind = rng.choice(
        ["bash", "bash", "console", "admon", "tabs", "list", "quote", "python", "json", "table"]
    )
    if kind == "bash":
        return _bash(rng, n)
    if kind == "console":
        return (
            "```console\n$ kubectl get pods -n prod\nNAME READY STATUS\napi-1 1/1 Running\n"
            "ops@bastion:~$ df -h /var\n/dev/sda1 50G 45G 5G 90% /var\n```\n"
        )
    if kind == "admon":
        return (
            '!!! warning "Careful"\n\n    Read this first.\n\n    '
            + _bash(rng, n).replace("\n", "\n    ").rstrip()
            + "\n"
        )
    if kind == "tabs":
        return (
            '=== "Linux"\n\n    ```bash\n    free -m\n    ```\n\n'
            '=== "macOS"\n\n    ```bash\n    vm_stat\n    ```\n'
        )
    if kind == "list":
        return (
            "1. First check the pods:\n\n    "
            + _bash(rng, n).replace("\n", "\n    ").rstrip()
            + ("\n\n2. Then the nodes.\n")
        )
    if kind == "quote":
        return "> Run this first:\n>\n> ```sh\n> uptime\n> ```\n"
    if kind == "python":
        return (
            "```python\nimport os\nimport urllib.request\n\n"
            "url = os.environ['URL']\nwith urllib.request.urlopen(url, timeout=5) as r:\n"
            "    print(r.status)\n```\n"
        )
    if kind == "json":
        return '```json\n{"replicas": 3, "selector": {"app": "api"}}\n```\n'
    return "| pod | status |\n|---|---|\n| api-1 | Running |\n| api-2 | CrashLoopBackOff |\n"


def make_runbook(rng: random.Random, index: int) -> str:
    nb = rng.random() < 0.4
    sections = SECTIONS_NB if nb else SECTIONS_EN
    prose = PROSE_NB if nb else PROSE_EN
    parts = [
        "---\n"
        f"id: rb-{index}\ntitle: Runbook {index}\nlang: {'nb' if nb else 'en'}\n"
        'owner: "@team-' + str(index % 7) + '"\n'
        f"alerts: [Alert{index}]\nlast_reviewed: 2026-10-01\nreview_every: 90d\n"
        "params:\n  ENV: {default: staging, choices: [staging, prod]}\n"
        'escalation:\n  - {level: 1, contact: "@team", after: 15m}\n---\n',
        f"# Runbook {index}\n\n{prose}\n",
    ]
    n = 0
    for section in sections:
        parts.append(f"## {section}\n\n{prose}\n")
        for _ in range(rng.randint(1, 3)):
            n += 1
            parts.append(f"### Step {n}\n\n{prose}\n{_block(rng, n, nb)}\n")
    if rng.random() < 0.2:
        parts.append(
            "## Structured\n\n```yaml\nname: x\nsteps:\n  - name: Identify\n    commands:\n"
            "      - kubectl top pods\n```\n"
        )
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--startup-runs", type=int, default=20)
    args = parser.parse_args()

    rng = random.Random(1)
    with tempfile.TemporaryDirectory(prefix="runbook-bench-") as tmp:
        root = Path(tmp)
        files = []
        for i in range(args.files):
            path = root / f"rb-{i}.md"
            path.write_text(make_runbook(rng, i), encoding="utf-8")
            files.append(path)
        total = sum(p.stat().st_size for p in files)
        steps = sum(len(parse_file(p).steps) for p in files)

        md_full = MarkdownIt("commonmark")
        md_block = MarkdownIt("commonmark").disable(["inline", "text_join"])

        def bare() -> None:
            for p in files:
                md_full.parse(p.read_text(encoding="utf-8"))

        def block() -> None:
            for p in files:
                md_block.parse(p.read_text(encoding="utf-8"))

        def ours() -> None:
            for p in files:
                parse_file(p)

        ours()  # warm caches (markdown-it instance, regexes)
        t_bare = best_of(args.rounds, bare)
        t_block = best_of(args.rounds, block)
        t_ours = best_of(args.rounds, ours)

        print(
            f"corpus: {len(files)} runbooks, {total / 1e6:.1f} MB "
            f"({total / len(files) / 1000:.1f} kB each), {steps} steps"
        )
        for name, t in (
            ("bare markdown-it tokenisation", t_bare),
            ("block-only tokenisation", t_block),
            ("ours → model", t_ours),
        ):
            print(
                f"  {name:<30} {t * 1000:8.1f} ms  {len(files) / t:8.0f} files/s  "
                f"{total / t / 1e6:6.2f} MB/s"
            )
        print(f"ratio ours/bare = {t_ours / t_bare:.2f}  (target <= 1.30)")
        print(f"ratio ours/block-only = {t_ours / t_block:.2f}  (for reference)")

        sample = files[0]
        runs = args.startup_runs

        def wall(cmd: list[str]) -> float:
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                subprocess.run(cmd, check=True, capture_output=True)
                samples.append(time.perf_counter() - started)
            return statistics.median(samples)

        t_pass = wall([sys.executable, "-c", "pass"])
        t_show = wall([sys.executable, "-m", "runner", "show", str(sample), "--json"])
        print(
            f"startup: python -c pass {t_pass * 1000:.0f} ms, "
            f"runner show --json {t_show * 1000:.0f} ms (median of {runs}); "
            f"ratio {t_show / t_pass:.1f}x  (target: show under 150 ms)"
        )


if __name__ == "__main__":
    main()
