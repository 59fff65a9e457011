"""The HTTP receiver (stdlib ThreadingHTTPServer) and the workers that run queued jobs.

    POST /alertmanager   Alertmanager webhooks (bearer token; optional HMAC signature)
    GET  /metrics        the Prometheus registry of runner.telemetry.metrics
    GET  /healthz        ok

Requests that are not authenticated get 401, bodies over the limit 413, anything that is
not a webhook payload 400; none of them is stored. Accepted alerts are in the store
before the 200 goes out.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from runner.alerts.payload import parse_payload
from runner.errors import RunnerError
from runner.model import Runbook
from runner.serve import queue
from runner.telemetry.sql import SqlStore

SIGNATURE_HEADER = "X-Runner-Signature"


@dataclass(frozen=True)
class Config:
    token: str | None
    hmac_secret: str | None = None
    replay_window_s: float = 300.0
    max_body: int = 1024 * 1024
    policy: queue.Policy = field(default_factory=queue.Policy)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body>``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def _signature_ok(secret: str, header: str | None, body: bytes, window: float) -> bool:
    if not header:
        return False
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(time.time() - timestamp) > window:
        return False  # a replay, or a clock too far off
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        store: SqlStore,
        config: Config,
        runbooks: Mapping[str, list[Runbook]],
    ) -> None:
        super().__init__(address, Handler)
        self.store = store
        self.config = config
        self.runbooks = runbooks


class Handler(BaseHTTPRequestHandler):
    server: Receiver
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # headers and body go out as separate writes: without TCP_NODELAY, Nagle and the
        # client's delayed ACK add ~40 ms to every keep-alive request
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        return  # quiet: every request is a record in the store, or an error reply

    def _reply(
        self, code: int, body: dict[str, Any] | str, content_type: str = "application/json"
    ) -> None:
        data = (json.dumps(body) if isinstance(body, dict) else body).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        if code == 401:
            self.send_header("WWW-Authenticate", 'Bearer realm="runner"')
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == "/healthz":
            self._reply(200, "ok\n", "text/plain")
        elif self.path == "/metrics":
            from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

            from runner.telemetry.metrics import registry

            text = generate_latest(registry(self.server.store)).decode("utf-8")
            self._reply(200, text, CONTENT_TYPE_LATEST)
        else:
            self._reply(404, {"error": "not found"})

    def do_POST(self) -> None:
        config = self.server.config
        if self.path != "/alertmanager":
            self._reply(404, {"error": "not found"})
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._reply(411, {"error": "Content-Length required"})
            return
        if length > config.max_body:
            self.close_connection = True
            self._reply(413, {"error": f"body over {config.max_body} bytes"})
            return
        body = self.rfile.read(length)
        if config.token is not None:
            given = self.headers.get("Authorization", "")
            expected = f"Bearer {config.token}"
            if not hmac.compare_digest(given.encode(), expected.encode()):
                self._reply(401, {"error": "unauthorized"})
                return
        if config.hmac_secret is not None and not _signature_ok(
            config.hmac_secret,
            self.headers.get(SIGNATURE_HEADER),
            body,
            config.replay_window_s,
        ):
            self._reply(401, {"error": "bad or missing signature"})
            return
        try:
            alerts = parse_payload(body.decode("utf-8"), "request")
        except (RunnerError, UnicodeDecodeError) as exc:
            self._reply(400, {"error": str(exc)})
            return
        result = queue.accept(self.server.store, alerts, self.server.runbooks, config.policy)
        self._reply(200, result.as_json())


class Workers:
    """A bounded pool running queued jobs through ``runner exec``, one run per runbook."""

    def __init__(
        self,
        store: SqlStore,
        store_url: str,
        root: Path,
        count: int,
        job_args: list[str] | None = None,
    ) -> None:
        """``job_args``: added to each ``runner exec`` (``--in-cluster-job ...`` for the
        kubernetes executor: the run happens in a Job, recorded there under the job id)."""
        self.job_args = job_args or []
        self.store = store
        self.store_url = store_url
        self.root = root
        self.count = count
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        queue.recover(self.store)
        for _ in range(self.count):
            thread = threading.Thread(target=self._loop, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            job = queue.claim(self.store)
            if job is None:
                self._stop.wait(0.2)
                continue
            try:
                done = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "runner",
                        "exec",
                        job["runbook_path"],
                        "--alert-payload",
                        "-",
                        "--yes",
                        "--json",
                        "--store",
                        self.store_url,
                        "--run-id",
                        job["id"],
                        *self.job_args,
                    ],
                    input=job["payload"],
                    text=True,
                    cwd=self.root,
                    # the store keeps each step's output tail; a step printing hundreds of
                    # MB must not be buffered here
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    check=False,
                )
                queue.finish(self.store, job["id"], done.returncode)
            except OSError:
                queue.finish(self.store, job["id"], None, "failed")
