"""Webhook receiver throughput: accepted payloads per second and p99 latency, persisted.

    python bench/serve.py [--payloads 3000] [--clients 8]

Starts ``runner serve`` (SQLite store, token auth) in a temporary project whose runbook
handles the alert but does not run automatically, then posts distinct real-shaped
payloads from several client threads over loopback (keep-alive connections) and reports
payloads/s and latency percentiles. Target (issue 6): at least 500 payloads/s with p99
under 50 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--payloads", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="runner-serve-") as tmp:
        root = Path(tmp)
        (root / "docs").mkdir()
        (root / "mkdocs.yml").write_text("site_name: b\n")
        (root / "docs" / "disk.md").write_text(
            "---\nalerts: [DiskFull]\n---\n# Disk\n\n```bash\ndf -h\n```\n"
        )
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "runner",
                "serve",
                "--port",
                str(port),
                "--token",
                "t",
                "--store",
                str(root / "t.db"),
                "--workers",
                "0",
            ],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ},
        )
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            latencies: list[float] = []
            lock = threading.Lock()
            per_client = args.payloads // args.clients

            def client(n: int) -> None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                mine = []
                for i in range(per_client):
                    body = json.dumps(
                        {
                            "version": "4",
                            "status": "firing",
                            "groupKey": "g",
                            "alerts": [
                                {
                                    "status": "firing",
                                    "labels": {"alertname": "DiskFull", "instance": f"h{n}-{i}"},
                                    "startsAt": "2026-12-04T10:00:00Z",
                                    "fingerprint": f"{n}-{i}",
                                }
                            ],
                        }
                    )
                    started = time.perf_counter()
                    conn.request(
                        "POST",
                        "/alertmanager",
                        body,
                        {"Authorization": "Bearer t", "Content-Type": "application/json"},
                    )
                    response = conn.getresponse()
                    response.read()
                    assert response.status == 200, response.status
                    mine.append(time.perf_counter() - started)
                with lock:
                    latencies.extend(mine)

            threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(
        f"{len(latencies)} payloads from {args.clients} clients in {elapsed:.2f}s: "
        f"{len(latencies) / elapsed:.0f} payloads/s (target >= 500)"
    )
    print(
        f"latency p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p99 {p99 * 1000:.1f} ms (target < 50 ms), max {latencies[-1] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
