"""A fake managed-identity endpoint on 127.0.0.1, speaking the App Service / Container Apps protocol.

azure-identity 1.27's ManagedIdentityCredential uses it when ``IDENTITY_ENDPOINT`` and ``IDENTITY_HEADER``
are set (azure/identity/_credentials/managed_identity.py; the request itself is msal's
``_obtain_token_on_app_service``): ``GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=R`` (plus
``client_id=`` for a user-assigned identity) with header ``X-IDENTITY-HEADER: {IDENTITY_HEADER}``,
answered ``{"access_token", "expires_on" (epoch seconds), "resource", "token_type", "client_id"}``
(Microsoft Learn, App Service "Managed identities", REST endpoint reference).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PATH = "/msi/token"


@dataclass
class FakeIdentity:
    header_secret: str
    token: str
    #: client id of the user-assigned identity it grants (None: only the system-assigned one)
    client_id: str | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0
    _server: ThreadingHTTPServer | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}{PATH}"

    def handle(self, path: str, header: str | None) -> tuple[int, dict[str, Any]]:
        parts = urlsplit(path)
        q = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.requests.append({"path": parts.path, "query": q, "header_ok": header == self.header_secret})
        if header != self.header_secret:
            return 401, {"statusCode": 401, "message": "Unauthorized: missing or wrong X-IDENTITY-HEADER"}
        if parts.path != PATH or q.get("api-version") != "2019-08-01" or not q.get("resource"):
            return 400, {"statusCode": 400, "message": "Bad request"}
        asked = q.get("client_id")
        if asked is not None and asked != self.client_id:
            return 400, {"statusCode": 400, "message": f"No managed identity with client id {asked} on this host"}
        return 200, {
            "access_token": self.token,
            "expires_on": str(int(time.time()) + 3600),
            "resource": q["resource"],
            "token_type": "Bearer",
            "client_id": asked or "00000000-0000-0000-0000-00000000a11c",
        }

    def start(self) -> FakeIdentity:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body = fake.handle(self.path, self.headers.get("X-IDENTITY-HEADER"))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
