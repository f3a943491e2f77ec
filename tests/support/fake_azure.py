"""A local stand-in for the Azure OpenAI data plane, faithful enough to drive the real LiteLLM proxy.

Wire format from Azure/azure-rest-api-specs
(``specification/cognitiveservices/data-plane/AzureOpenAI/inference/{stable,preview}/<api-version>/``):

- dated API: ``POST /openai/deployments/{deployment-id}/{chat/completions|completions|embeddings}
  ?api-version=V`` (the spec's only required query parameter);
- v1 API: ``POST /openai/v1/{chat/completions|completions|embeddings}``, deployment in the body's ``model``;
- auth: header ``api-key`` or ``Authorization: Bearer <Entra token>``.

Error bodies are the ones Azure returns in practice (quoted in /work/shared/FACTS.md and in public bug
reports): 401 invalid key, 404 ``Resource not found`` for a missing/unknown api-version, 404
``DeploymentNotFound``, 400 for o-series models on a too-old api-version, 429 with ``retry-after``.
The 500 and 503 bodies follow Azure's ``{"error": {...}}`` envelope; their exact wording is not
documented in the spec and is not something a client should depend on.

Usable in process (``with FakeAzure({...}) as fake``) and as a subprocess:
``python -m tests.support.fake_azure --port P --config '{"deployments": {"chat": ["gpt-4o", "2024-08-06"]}}'``.
A subprocess is steered over HTTP under ``/_fake/`` (see :meth:`_Handler._admin`).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import socket
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

# --- Azure facts ------------------------------------------------------------------------------------

#: GA data-plane api-versions (folders under inference/stable/ in the spec repo).
GA_API_VERSIONS: tuple[str, ...] = ("2022-12-01", "2023-05-15", "2024-02-01", "2024-06-01", "2024-10-21")

#: Dated preview api-versions (folders under inference/preview/); 2025-04-01-preview is the last dated one.
PREVIEW_API_VERSIONS: tuple[str, ...] = (
    "2022-03-01-preview",
    "2022-06-01-preview",
    "2023-03-15-preview",
    "2023-06-01-preview",
    "2023-07-01-preview",
    "2023-08-01-preview",
    "2023-09-01-preview",
    "2023-10-01-preview",
    "2023-12-01-preview",
    "2024-02-15-preview",
    "2024-03-01-preview",
    "2024-04-01-preview",
    "2024-05-01-preview",
    "2024-07-01-preview",
    "2024-08-01-preview",
    "2024-09-01-preview",
    "2024-10-01-preview",
    "2024-12-01-preview",
    "2025-01-01-preview",
    "2025-02-01-preview",
    "2025-03-01-preview",
    "2025-04-01-preview",
)

API_VERSIONS: frozenset[str] = frozenset(GA_API_VERSIONS + PREVIEW_API_VERSIONS)

#: The v1 API takes no api-version, or one of these (``preview`` opts into preview features).
V1_API_VERSIONS: frozenset[str] = frozenset({"v1", "latest", "preview"})

#: Chat completions first appeared in 2023-03-15-preview; 2022-12-01 and older previews have no chat route.
_FIRST_CHAT_VERSION = "2023-03-15-preview"

#: Reasoning models refuse older api-versions (Microsoft Learn "reasoning models" API support table).
O_SERIES_MIN_VERSION: dict[str, str] = {
    "o1": "2024-12-01-preview",
    "o1-mini": "2024-09-01-preview",
    "o3-mini": "2024-12-01-preview",
    "o3": "2025-04-01-preview",
    "o4-mini": "2025-04-01-preview",
}

MSG_401_KEY = (
    "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key "
    "for an active subscription and use a correct regional API endpoint for your resource."
)
MSG_401_TOKEN = (
    "Unauthorized. Access token is missing, invalid, audience is incorrect "
    "(https://cognitiveservices.azure.com), or have expired."
)
MSG_DEPLOYMENT_NOT_FOUND = (
    "The API deployment for this resource does not exist. If you created the deployment within the last "
    "5 minutes, please wait a moment and try again."
)

_OPERATIONS = {
    # path suffix -> (Azure operation id used in 429 messages, operation name in OperationNotSupported)
    "chat/completions": ("ChatCompletions_Create", "chatCompletion"),
    "completions": ("Completions_Create", "completion"),
    "embeddings": ("Embeddings_Create", "embeddings"),
}

_SAFE = {"filtered": False, "severity": "safe"}
_CONTENT_FILTER = {"hate": _SAFE, "self_harm": _SAFE, "sexual": _SAFE, "violence": _SAFE}
_PROMPT_FILTER = {
    **_CONTENT_FILTER,
    "jailbreak": {"filtered": False, "detected": False},
}


def _version_key(version: str) -> tuple[str, int]:
    # "2024-10-21" (GA) sorts after "2024-10-21-preview" would; only the date really matters.
    return (version[:10], 0 if version.endswith("-preview") else 1)


def _supports(model: str, op: str) -> bool:
    if model.startswith("text-embedding"):
        return op == "embeddings"
    if op == "completions":
        return model.endswith("-instruct") or model in {"davinci-002", "babbage-002"}
    return op == "chat/completions"


# --- configuration and state ------------------------------------------------------------------------


@dataclass(frozen=True)
class Deployment:
    name: str
    model: str
    version: str

    @property
    def reported_model(self) -> str:
        """What Azure puts in ``model``: the model name with its version date (``gpt-4o-2024-08-06``)."""
        v = self.version
        if len(v) == 10 and v[4] == "-":
            return f"{self.model}-{v}"
        return self.model


@dataclass
class _Fault:
    latency: float = 0.0
    status: int = 0
    status_times: int = 0
    retry_after: int = 1
    refuse_times: int = 0


@dataclass(frozen=True)
class RequestRecord:
    """One request as the fake saw it. ``auth`` names the header used, never its value."""

    method: str
    path: str
    query: dict[str, str]
    api: str  # "dated", "v1" or "" (unknown route)
    deployment: str | None
    api_version: str | None
    auth: str | None  # "api-key", "bearer" or None
    auth_ok: bool
    body: Any
    status: int  # 0 when the connection was refused


DeploymentSpec = Deployment | tuple[str, str] | list[str] | Mapping[str, str]


def _as_deployment(name: str, spec: DeploymentSpec) -> Deployment:
    if isinstance(spec, Deployment):
        return spec
    if isinstance(spec, Mapping):
        return Deployment(name, spec["model"], spec.get("version", ""))
    model, version = spec
    return Deployment(name, model, version)


class FakeAzure:
    """A threaded Azure OpenAI data-plane server on 127.0.0.1.

    ``deployments`` maps deployment name -> ``(model, version)``, e.g. ``{"chat": ("gpt-4o", "2024-08-06")}``.
    """

    def __init__(
        self,
        deployments: Mapping[str, DeploymentSpec],
        *,
        api_keys: Iterable[str] = ("fake-azure-key",),
        tokens: Iterable[str] = (),
        port: int = 0,
        region: str = "swedencentral",
    ) -> None:
        self.deployments = {n: _as_deployment(n, s) for n, s in deployments.items()}
        self.api_keys = set(api_keys)
        self.tokens = set(tokens)
        self.region = region
        self._lock = threading.Lock()
        self._faults: dict[str, _Fault] = {}
        self._log: list[RequestRecord] = []
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    # lifecycle
    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The resource root, what LiteLLM's ``api_base`` must be (no ``/openai`` suffix)."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeAzure:
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-azure", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeAzure:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # fault injection (thread-safe, takes effect on the next request)
    def _fault(self, deployment: str) -> _Fault:
        return self._faults.setdefault(deployment, _Fault())

    def set_latency(self, deployment: str, seconds: float) -> None:
        with self._lock:
            self._fault(deployment).latency = seconds

    def fail(self, deployment: str, status: int, times: int = 1, *, retry_after: int = 1) -> None:
        """Answer the next ``times`` requests to ``deployment`` with ``status`` (429, 500, 503, ...)."""
        with self._lock:
            f = self._fault(deployment)
            f.status, f.status_times, f.retry_after = status, times, retry_after

    def refuse(self, deployment: str, times: int = 1) -> None:
        """Close the connection without answering the next ``times`` requests to ``deployment``."""
        with self._lock:
            self._fault(deployment).refuse_times = times

    def reset(self) -> None:
        """Clear faults and the request log (between tests sharing one session-scoped fake)."""
        with self._lock:
            self._faults.clear()
            self._log.clear()

    # request log
    def requests(self, deployment: str | None = None) -> list[RequestRecord]:
        with self._lock:
            return [r for r in self._log if deployment is None or r.deployment == deployment]

    def _record(self, rec: RequestRecord) -> None:
        with self._lock:
            self._log.append(rec)

    def _take_fault(self, deployment: str) -> tuple[float, str, int, int]:
        """(latency, action, status, retry_after) for one request; consumes one count of the fault."""
        with self._lock:
            f = self._faults.get(deployment)
            if f is None:
                return 0.0, "", 0, 0
            if f.refuse_times > 0:
                f.refuse_times -= 1
                return f.latency, "refuse", 0, 0
            if f.status_times > 0:
                f.status_times -= 1
                return f.latency, "status", f.status, f.retry_after
            return f.latency, "", 0, 0


# --- responses --------------------------------------------------------------------------------------


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def _count_tokens(value: Any) -> int:
    """A rough, deterministic token count (words), enough for usage fields."""
    if isinstance(value, str):
        return max(1, len(value.split()))
    if isinstance(value, list):
        return sum(_count_tokens(v) for v in value)
    if isinstance(value, dict):
        return _count_tokens(value.get("content", "")) + 3
    return 1


def reply_text(deployment: str) -> str:
    """The assistant text every completion from ``deployment`` carries, so tests can tell who answered."""
    return f"Hello from fake Azure deployment {deployment}."


def _chat_response(dep: Deployment, body: Mapping[str, Any]) -> dict[str, Any]:
    text = reply_text(dep.name)
    prompt = _count_tokens(body.get("messages", []))
    completion = _count_tokens(text)
    return {
        "choices": [
            {
                "content_filter_results": _CONTENT_FILTER,
                "finish_reason": "stop",
                "index": 0,
                "logprobs": None,
                "message": {"content": text, "refusal": None, "role": "assistant"},
            }
        ],
        "created": int(time.time()),
        "id": f"chatcmpl-{uuid.uuid4().hex[:29]}",
        "model": dep.reported_model,
        "object": "chat.completion",
        "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": _PROMPT_FILTER}],
        "system_fingerprint": "fp_fakeazure",
        "usage": {"completion_tokens": completion, "prompt_tokens": prompt, "total_tokens": prompt + completion},
    }


def _chat_stream(dep: Deployment, body: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Azure's chunk sequence: a prompt-filter chunk with empty choices, role, content pieces, stop, usage."""
    yield {
        "choices": [],
        "created": 0,
        "id": "",
        "model": "",
        "object": "",
        "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": _PROMPT_FILTER}],
    }
    cid, created = f"chatcmpl-{uuid.uuid4().hex[:29]}", int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None, filters: dict[str, Any]) -> dict[str, Any]:
        return {
            "choices": [
                {
                    "content_filter_results": filters,
                    "delta": delta,
                    "finish_reason": finish,
                    "index": 0,
                    "logprobs": None,
                }
            ],
            "created": created,
            "id": cid,
            "model": dep.reported_model,
            "object": "chat.completion.chunk",
            "system_fingerprint": "fp_fakeazure",
        }

    text = reply_text(dep.name)
    yield chunk({"content": "", "refusal": None, "role": "assistant"}, None, {})
    words = text.split(" ")
    for i, word in enumerate(words):
        yield chunk({"content": word if i == 0 else " " + word}, None, _CONTENT_FILTER)
    yield chunk({}, "stop", {})
    options = body.get("stream_options") or {}
    if isinstance(options, Mapping) and options.get("include_usage"):
        prompt, completion = _count_tokens(body.get("messages", [])), _count_tokens(text)
        yield {
            "choices": [],
            "created": created,
            "id": cid,
            "model": dep.reported_model,
            "object": "chat.completion.chunk",
            "system_fingerprint": "fp_fakeazure",
            "usage": {"completion_tokens": completion, "prompt_tokens": prompt, "total_tokens": prompt + completion},
        }


def _completion_response(dep: Deployment, body: Mapping[str, Any]) -> dict[str, Any]:
    text = reply_text(dep.name)
    prompt, completion = _count_tokens(body.get("prompt", "")), _count_tokens(text)
    return {
        "choices": [
            {
                "content_filter_results": _CONTENT_FILTER,
                "finish_reason": "stop",
                "index": 0,
                "logprobs": None,
                "text": text,
            }
        ],
        "created": int(time.time()),
        "id": f"cmpl-{uuid.uuid4().hex[:29]}",
        "model": dep.reported_model,
        "object": "text_completion",
        "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": _PROMPT_FILTER}],
        "usage": {"completion_tokens": completion, "prompt_tokens": prompt, "total_tokens": prompt + completion},
    }


def _embedding(text: str, dims: int) -> list[float]:
    # Deterministic unit vector derived from the text, so equal inputs embed equally.
    seed = hashlib.sha256(text.encode()).digest()
    raw = [((seed[i % 32] + i * 31) % 256) / 255.0 - 0.5 for i in range(dims)]
    norm = math.sqrt(sum(x * x for x in raw)) or 1.0
    return [round(x / norm, 6) for x in raw]


def _embeddings_response(dep: Deployment, body: Mapping[str, Any]) -> dict[str, Any]:
    raw = body.get("input", "")
    inputs = raw if isinstance(raw, list) else [raw]
    dims = body.get("dimensions") or (3072 if dep.model == "text-embedding-3-large" else 1536)
    tokens = _count_tokens([str(i) for i in inputs])
    return {
        "data": [
            {"embedding": _embedding(str(text), int(dims)), "index": i, "object": "embedding"}
            for i, text in enumerate(inputs)
        ],
        "model": dep.model,
        "object": "list",
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }


# --- HTTP -------------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (timeout tests, refused connections) is normal here, not an error.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 like Azure: keep-alive, Content-Length on JSON, chunked transfer for event streams.
    protocol_version = "HTTP/1.1"
    server_version = "FakeAzureOpenAI"

    @property
    def fake(self) -> FakeAzure:
        return self.server.fake  # type: ignore[attr-defined,no-any-return]

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request log replaces stderr noise

    # plumbing
    def _read_body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return raw.decode(errors="replace")

    def _common_headers(self) -> None:
        self.send_header("apim-request-id", str(uuid.uuid4()))
        self.send_header("x-request-id", str(uuid.uuid4()))
        self.send_header("x-ms-region", self.fake.region)

    def _send_json(self, status: int, payload: Any, headers: Mapping[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self._common_headers()
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _send_stream(self, events: Iterable[dict[str, Any]]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache")
        self._common_headers()
        self.end_headers()
        for event in events:
            self._write_chunk(f"data: {json.dumps(event)}\n\n".encode())
        self._write_chunk(b"data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):X}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _refuse(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    # routing
    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        body = self._read_body() if method == "POST" else None
        if parts.path.startswith("/_fake/"):
            self._admin(method, parts.path, body)
            return
        self._serve(method, parts.path, query, body)

    def _auth(self) -> tuple[str | None, bool]:
        key = self.headers.get("api-key")
        if key is not None:
            return "api-key", key in self.fake.api_keys
        authz = self.headers.get("Authorization") or ""
        if authz.lower().startswith("bearer "):
            return "bearer", authz[7:].strip() in self.fake.tokens
        return None, False

    def _serve(self, method: str, path: str, query: dict[str, str], body: Any) -> None:
        fake = self.fake
        auth, auth_ok = self._auth()
        api, deployment_name, op = "", None, ""
        segments = path.strip("/").split("/")
        if segments[:2] == ["openai", "deployments"] and len(segments) >= 4:
            api, deployment_name, op = "dated", segments[2], "/".join(segments[3:])
        elif segments[:2] == ["openai", "v1"] and len(segments) >= 3:
            api, op = "v1", "/".join(segments[2:])
            if isinstance(body, Mapping) and isinstance(body.get("model"), str):
                deployment_name = body["model"]
        api_version = query.get("api-version")

        def finish(status: int, payload: Any = None, headers: Mapping[str, str] | None = None) -> None:
            fake._record(
                RequestRecord(method, path, dict(query), api, deployment_name, api_version, auth, auth_ok, body, status)
            )
            if payload is not None:
                self._send_json(status, payload, headers)

        not_found = _error("404", "Resource not found")
        # Azure authenticates before it looks at the route, so a bad key wins over everything else.
        if not auth_ok:
            message = MSG_401_TOKEN if auth == "bearer" else MSG_401_KEY
            return finish(401, _error("401", message))
        if method != "POST" or op not in _OPERATIONS or not api:
            return finish(404, not_found)
        if api == "dated":
            if api_version not in API_VERSIONS:
                return finish(404, not_found)
            if op == "chat/completions" and _version_key(api_version) < _version_key(_FIRST_CHAT_VERSION):
                return finish(404, not_found)
        elif api_version is not None and api_version not in V1_API_VERSIONS:
            return finish(400, _error("BadRequest", f"API version not supported: {api_version}"))
        dep = fake.deployments.get(deployment_name or "")
        if dep is None:
            return finish(404, _error("DeploymentNotFound", MSG_DEPLOYMENT_NOT_FOUND))
        minimum = O_SERIES_MIN_VERSION.get(dep.model)
        if api == "dated" and minimum and api_version and _version_key(api_version) < _version_key(minimum):
            return finish(
                400, _error("BadRequest", f"Model {dep.model} is enabled only for api versions {minimum} and later")
            )
        operation_id, operation_name = _OPERATIONS[op]
        if not _supports(dep.model, op):
            return finish(
                400,
                _error(
                    "OperationNotSupported",
                    f"The {operation_name} operation does not work with the specified model, {dep.model}. "
                    "Please choose different model and try again. You can learn more about which models can "
                    "be used with each operation here: https://go.microsoft.com/fwlink/?linkid=2197993.",
                ),
            )
        if not isinstance(body, Mapping):
            return finish(400, _error("BadRequest", "The request body must be a JSON object."))

        latency, action, status, retry_after = fake._take_fault(dep.name)
        if latency:
            time.sleep(latency)
        if action == "refuse":
            finish(0)
            return self._refuse()
        if action == "status":
            return finish(status, *self._fault_response(status, retry_after, operation_id, api_version or "v1"))

        if op == "embeddings":
            return finish(200, _embeddings_response(dep, body))
        if op == "completions":
            return finish(200, _completion_response(dep, body))
        if body.get("stream"):
            finish(200)
            return self._send_stream(_chat_stream(dep, body))
        return finish(200, _chat_response(dep, body), {"x-ratelimit-remaining-requests": "99"})

    @staticmethod
    def _fault_response(
        status: int, retry_after: int, operation_id: str, api_version: str
    ) -> tuple[dict[str, Any], dict[str, str]]:
        if status == 429:
            message = (
                f"Requests to the {operation_id} Operation under Azure OpenAI API version {api_version} have "
                "exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after "
                f"{retry_after} seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to "
                "further increase the default rate limit."
            )
            headers = {"retry-after": str(retry_after), "retry-after-ms": str(retry_after * 1000)}
            return _error("429", message), headers
        if status == 503:
            return _error("ServiceUnavailable", "The service is temporarily unable to process your request."), {}
        if status >= 500:
            return _error(
                "InternalServerError", "The server had an error while processing your request. Sorry about that!"
            ), {}
        return _error(str(status), f"Injected error {status}"), {}

    def _admin(self, method: str, path: str, body: Any) -> None:
        """Steer a subprocess fake: ``POST /_fake/fault`` ``{"deployment", "status", "times", "retry_after",
        "latency", "refuse"}``, ``POST /_fake/reset``, ``GET /_fake/requests`` (the request log as JSON)."""
        fake = self.fake
        spec = body if isinstance(body, Mapping) else {}
        if method == "GET" and path == "/_fake/requests":
            self._send_json(200, [asdict(r) for r in fake.requests()])
        elif method == "POST" and path == "/_fake/reset":
            fake.reset()
            self._send_json(200, {"ok": True})
        elif method == "POST" and path == "/_fake/fault" and isinstance(spec.get("deployment"), str):
            dep = spec["deployment"]
            if "latency" in spec:
                fake.set_latency(dep, float(spec["latency"]))
            if "status" in spec:
                times, retry_after = int(spec.get("times", 1)), int(spec.get("retry_after", 1))
                fake.fail(dep, int(spec["status"]), times, retry_after=retry_after)
            if "refuse" in spec:
                fake.refuse(dep, int(spec["refuse"]))
            self._send_json(200, {"ok": True})
        else:
            self._send_json(404, _error("404", "Resource not found"))


# --- subprocess entry point -------------------------------------------------------------------------


@dataclass
class _Config:
    deployments: dict[str, Any] = field(default_factory=dict)
    api_keys: list[str] = field(default_factory=lambda: ["fake-azure-key"])
    tokens: list[str] = field(default_factory=list)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.support.fake_azure", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--config",
        required=True,
        help='JSON: {"deployments": {"name": ["gpt-4o", "2024-08-06"]}, "api_keys": [...], "tokens": [...]}',
    )
    args = parser.parse_args(argv)
    cfg = _Config(**json.loads(args.config))
    fake = FakeAzure(cfg.deployments, api_keys=cfg.api_keys, tokens=cfg.tokens, port=args.port)
    # The first stdout line tells a parent process where we listen (useful with --port 0).
    print(f"READY {fake.url}", flush=True)
    try:
        fake._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        fake._server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
