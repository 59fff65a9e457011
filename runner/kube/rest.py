"""Requests to the API server through the official client's ApiClient, by path.

The client's generated API classes (``CoreV1Api`` and friends) take about half a second
to import, for every step process; the paths they would call are the stable, documented
REST paths of the Kubernetes API. So the steps call those paths through the same
``ApiClient`` (kubeconfig, tokens and their refresh, TLS, proxies), which costs a few
milliseconds. Answers are the API's JSON as plain data; a status outside 2xx raises the
client's own ``ApiException`` (with the ``Status`` body), so ``explain`` reads it.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

TIMEOUT_S = 30.0


def path(template: str, **parts: str) -> str:
    """``/api/v1/namespaces/{namespace}/pods`` with each part URL-quoted."""
    return template.format(**{k: quote(v, safe="") for k, v in parts.items()})


class Rest:
    def __init__(self, api: Any) -> None:
        self.api = api

    def request(
        self,
        method: str,
        where: str,
        *,
        query: dict[str, Any] | None = None,
        body: Any = None,
        content_type: str | None = None,
        timeout: float | None = TIMEOUT_S,
    ) -> Any:
        """The client's RESTResponse (its ``response`` streams); raises ApiException."""
        from kubernetes.client.exceptions import ApiException

        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = content_type or "application/json"
        pairs = [(k, _text(v)) for k, v in (query or {}).items() if v is not None]
        method, url, headers, body, post = self.api.param_serialize(
            method,
            where,
            query_params=pairs,
            header_params=headers,
            body=body,
            auth_settings=["BearerToken"],
        )
        response = self.api.call_api(method, url, headers, body, post, _request_timeout=timeout)
        if not 200 <= response.status < 300:
            text = response.read().decode("utf-8", "replace")
            raise ApiException.from_response(http_resp=response, body=text, data=None)
        return response

    def json(self, method: str, where: str, **options: Any) -> Any:
        return json.loads(self.request(method, where, **options).read())

    def get(self, where: str, **query: Any) -> Any:
        return self.json("GET", where, query=query)

    def patch(self, where: str, body: Any, content_type: str, *, dry_run: bool = False) -> Any:
        """A patch; with ``dry_run`` the API server validates it and changes nothing."""
        query = {"dryRun": "All"} if dry_run else None
        return self.json("PATCH", where, body=body, content_type=content_type, query=query)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
