"""A fake Azure Resource Manager on 127.0.0.1 serving `Deployments_List`, `Models_List` (a location's
models) and `AccountModels_List` the way ARM does.

Real-shaped answers (Azure/azure-rest-api-specs, Microsoft.CognitiveServices `DeploymentListResult`
and ARM's `{"error": {"code", "message"}}` bodies): pages of `page_size` linked by `nextLink` (an
absolute URL with a `$skipToken`), 401 `InvalidAuthenticationToken` for a wrong token, 403
`AuthorizationFailed` for a token without rights, 404 `ResourceNotFound` for an unknown account,
and 429 with `Retry-After` for the first `throttle` requests.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

_PATH = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)/providers/Microsoft\.CognitiveServices/"
    r"accounts/(?P<account>[^/]+)/(?P<what>deployments|models)$"
)
_LOCATION_MODELS = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)/providers/Microsoft\.CognitiveServices/locations/(?P<location>[^/]+)/models$"
)


@dataclass
class FakeArm:
    token: str
    #: (subscription, resource group, account) -> deployments
    accounts: dict[tuple[str, str, str], list[dict[str, Any]]]
    #: (subscription, location) -> Models_List items ({"kind", "skuName", "model": {...}})
    locations: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    #: (subscription, resource group, account) -> AccountModels_List items (the model objects)
    account_models: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)
    page_size: int = 2
    forbidden_token: str = "token-without-rights"
    throttle: int = 0
    retry_after: str = "0"
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, path: str, auth: str | None) -> tuple[int, dict[str, str], dict[str, Any]]:
        parts = urlsplit(path)
        query = parse_qs(parts.query)
        with self._lock:
            self.requests.append({"path": parts.path, "query": query, "auth_ok": auth == f"Bearer {self.token}"})
            throttled = self.throttle > 0
            if throttled:
                self.throttle -= 1
        if throttled:
            return 429, {"Retry-After": self.retry_after}, _error("TooManyRequests", "Too many requests. Retry later.")
        if auth == f"Bearer {self.forbidden_token}":
            return (
                403,
                {},
                _error(
                    "AuthorizationFailed",
                    "The client 'ops@chatsheet.example' does not have authorization to perform action "
                    "'Microsoft.CognitiveServices/accounts/deployments/read'.",
                ),
            )
        if auth != f"Bearer {self.token}":
            return 401, {}, _error("InvalidAuthenticationToken", "The access token is invalid.")
        if "api-version" not in query:
            return 400, {}, _error("MissingApiVersionParameter", "The api-version query parameter is required.")
        loc = _LOCATION_MODELS.match(parts.path)
        if loc is not None:
            lkey = (loc.group("sub"), loc.group("location"))
            if lkey not in self.locations:
                return (
                    404,
                    {},
                    _error("LocationNotAvailableForResourceType",
                           f"The provided location '{lkey[1]}' is not available for resource type "
                           "'Microsoft.CognitiveServices/locations/models'."),
                )
            return 200, {}, self._page(self.locations[lkey], parts.path, query)
        m = _PATH.match(parts.path)
        if m is None:
            return 400, {}, _error("InvalidRequest", "unsupported request")
        key = (m.group("sub"), m.group("rg"), m.group("account"))
        if key not in self.accounts:
            return (
                404,
                {},
                _error(
                    "ResourceNotFound",
                    f"The Resource 'Microsoft.CognitiveServices/accounts/{key[2]}' under resource group "
                    f"'{key[1]}' was not found.",
                ),
            )
        items = self.account_models.get(key, []) if m.group("what") == "models" else self.accounts[key]
        return 200, {}, self._page(items, parts.path, query)

    def _page(self, items: list[dict[str, Any]], path: str, query: dict[str, list[str]]) -> dict[str, Any]:
        start = int(query.get("$skipToken", ["0"])[0])
        body: dict[str, Any] = {"value": items[start : start + self.page_size]}
        if start + self.page_size < len(items):
            body["nextLink"] = (
                f"{self.url}{path}?api-version={query['api-version'][0]}&$skipToken={start + self.page_size}"
            )
        return body


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


@contextmanager
def serve(fake: FakeArm) -> Iterator[FakeArm]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, headers, body = fake.handle(self.path, self.headers.get("Authorization"))
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
