"""A stand-in for the Kubernetes API server, for the parts runner uses.

No API server can run on these machines, so the tests run the real ``kubernetes`` client
against this: it speaks the real JSON (SelfSubjectAccessReview, errors as ``Status``
objects), checks the bearer token, validates every request it gets, and answers anything
it does not know with 404 and a note in ``unknown`` (tests assert that stays empty).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

TOKEN = "good-token"


def status(code: int, reason: str, message: str) -> dict[str, Any]:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }


class FakeApi:
    def __init__(self, allowed: set[tuple[str, str, str, str, str]]) -> None:
        """``allowed``: (verb, group, resource, subresource, namespace) that may be done."""
        self.allowed = allowed
        self.reviews: list[dict[str, Any]] = []
        self.unknown: list[str] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def reply(self, code: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self.reply(401, status(401, "Unauthorized", "Unauthorized"))
                    return
                if self.path.split("?")[0] != (
                    "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
                ):
                    api.unknown.append(f"POST {self.path}")
                    self.reply(404, status(404, "NotFound", "the server could not find it"))
                    return
                review = json.loads(body)
                attrs = review.get("spec", {}).get("resourceAttributes", {})
                if (
                    review.get("kind") != "SelfSubjectAccessReview"
                    or review.get("apiVersion") != "authorization.k8s.io/v1"
                    or not attrs.get("verb")
                    or not attrs.get("resource")
                ):
                    api.unknown.append(f"bad review {review}")
                    self.reply(400, status(400, "BadRequest", "invalid review"))
                    return
                api.reviews.append(attrs)
                key = (
                    attrs["verb"],
                    attrs.get("group", ""),
                    attrs["resource"],
                    attrs.get("subresource", ""),
                    attrs.get("namespace", ""),
                )
                ok = key in api.allowed
                review["status"] = {
                    "allowed": ok,
                    "reason": "RBAC: allowed by role"
                    if ok
                    else f"RBAC: cannot {attrs['verb']} {attrs['resource']}",
                }
                self.reply(201, review)

            def do_GET(self) -> None:
                api.unknown.append(f"GET {self.path}")
                self.reply(404, status(404, "NotFound", "the server could not find it"))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def kubeconfig(
        self,
        path: Path,
        *,
        token: str = TOKEN,
        context: str = "fake-ctx",
        server: str | None = None,
    ) -> Path:
        path.write_text(
            "apiVersion: v1\nkind: Config\n"
            f"clusters:\n- name: fake\n  cluster:\n    server: {server or self.url}\n"
            f"users:\n- name: me\n  user:\n    token: {token}\n"
            f"contexts:\n- name: {context}\n  context:\n    cluster: fake\n    user: me\n"
            f"current-context: {context}\n",
            encoding="utf-8",
        )
        return path

    def close(self) -> None:
        self.server.shutdown()
