"""The doctor's HTTP client: one request, no redirect, a deadline for the whole exchange, a size limit.

Everything here treats the remote end as hostile (STYLE.md habit 19):

- **No redirect is followed.** A 3xx answer is returned as ``error="redirect"`` with its Location, and
  nothing is sent anywhere else: urllib's default opener followed a ``307`` to any host and copied
  ``Authorization: Bearer <master key>`` there. A proxy or Azure endpoint that redirects is itself the
  finding (the address in the project is not the service).
- **One deadline for the whole exchange** (DNS, connect, TLS, request, headers, body), not per socket
  read: a watchdog shuts the socket down when the deadline passes, so a server that drips one byte a
  second ends as ``error="timeout"`` at the deadline.
- **Bounded size**: at most :data:`MAX_BODY` bytes of body are read (an endless chunked body or a
  1.5 GB answer ends as ``error="too-large"``); http.client already caps header lines (64 KiB) and
  their number (100).
- **Direct connections**, like the app's: environment proxies (``HTTP_PROXY``) are not the app's route.

Why the standard library's ``http.client`` and not httpx (which LiteLLM already depends on): httpx
would give "no redirects unless asked" and separate connect/read/write/pool timeouts, but its timeouts
are still per operation (a drip resets the read timeout), so the whole-exchange deadline and the body
limit would be written here either way; it reads ``HTTP_PROXY`` and ``.netrc`` unless told not to;
and it would add httpx, httpcore, h11, anyio, certifi, idna and sniffio to configgen's dependencies
for one request at a time. ``http.client`` never follows a redirect at all, so no credential can cross
one by construction; the deadline and the limit below are 60 lines.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import json
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

#: The most body the doctor reads from one answer; LiteLLM's /v1/models for 1,000 aliases is ~100 KB.
MAX_BODY = 4 * 1024 * 1024
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Reply:
    """An HTTP answer (``status`` > 0 and no ``error``), or why there was none.

    ``error``: connection-refused | dns | timeout | tls | connection-closed | unreachable | redirect |
    too-large | bad-http. ``headers`` are lower-cased names."""

    status: int
    body: bytes = b""
    error: str = ""
    detail: str = ""
    elapsed: float = 0.0
    headers: Mapping[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def error_message(self) -> str:
        """The ``error.message`` of an OpenAI-style error body (LiteLLM's and Azure's), else the body."""
        data = self.json()
        if isinstance(data, dict) and isinstance(data.get("error"), dict):
            return str(data["error"].get("message", ""))
        return self.body[:300].decode(errors="replace")


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)


def resolve(host: str, port: int, timeout: float) -> tuple[list[tuple[Any, ...]], str, str]:
    """(addresses, "", "") when ``host`` resolves within ``timeout``, else ([], cause, detail).

    In a helper thread: ``getaddrinfo`` has no timeout of its own."""
    bare = host.strip("[]")
    try:
        ip = ipaddress.ip_address(bare)
        family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 0, "", (bare, port))], "", ""
    except ValueError:
        pass
    # A daemon thread, not an executor: a resolver that hangs must not keep the process alive at exit.
    box: list[Any] = []
    done = threading.Event()

    def lookup() -> None:
        try:
            box.append(socket.getaddrinfo(bare, port, type=socket.SOCK_STREAM))
        except OSError as err:
            box.append(err)
        done.set()

    threading.Thread(target=lookup, name="doctor-dns", daemon=True).start()
    if not done.wait(max(timeout, 0.001)):
        return [], "dns", f"DNS gave no answer for {host} within {timeout:g}s"
    found = box[0]
    if isinstance(found, socket.gaierror):
        return [], "dns", f"{host} does not resolve ({found.strerror or found})"
    if isinstance(found, OSError):
        return [], "dns", f"{host} does not resolve ({found})"
    return list(found), "", ""


def classify_os_error(err: BaseException, timeout: float) -> tuple[str, str]:
    if isinstance(err, ConnectionRefusedError):
        return "connection-refused", "connection refused (nothing listens on that port)"
    if isinstance(err, socket.gaierror):
        return "dns", f"name does not resolve ({err.strerror or err})"
    if isinstance(err, TimeoutError | socket.timeout):
        return "timeout", f"no answer within {timeout:g}s"
    if isinstance(err, ssl.SSLError):
        return "tls", f"TLS failed: {getattr(err, 'reason', None) or err}"
    if isinstance(err, http.client.LineTooLong | http.client.HTTPException) and not isinstance(
        err, http.client.RemoteDisconnected | http.client.IncompleteRead
    ):
        return "bad-http", f"not a valid HTTP answer ({type(err).__name__})"
    if isinstance(err, ConnectionError | http.client.HTTPException):
        return "connection-closed", "the server closed the connection without a complete HTTP answer"
    return "unreachable", str(err)


class _Exchange:
    """One connection with a deadline: a watchdog shuts the socket down when the time is up, which
    ends any read or write in progress (no per-read timeout can bound a server that drips bytes)."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.start = time.monotonic()
        self.end = self.start + timeout
        self.sock: socket.socket | None = None
        self.expired = False
        self._lock = threading.Lock()
        self._timer = threading.Timer(timeout, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(self.end - time.monotonic(), 0.0)

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            if self.sock is not None:
                # socket.socket.shutdown even on an SSLSocket: end the TCP stream, not the TLS session.
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(self.sock, socket.SHUT_RDWR)

    def attach(self, sock: socket.socket) -> None:
        with self._lock:
            self.sock = sock
            if self.expired:
                self._expire()

    def connect(self, addresses: list[tuple[Any, ...]]) -> socket.socket:
        last: OSError = ConnectionRefusedError()
        for family, kind, proto, _name, addr in addresses:
            if self.remaining() <= 0:
                raise TimeoutError
            sock = socket.socket(family, kind, proto)
            self.attach(sock)
            sock.settimeout(self.remaining())
            try:
                sock.connect(addr)
                return sock
            except OSError as err:
                sock.close()
                last = err
        raise last

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            if self.sock is not None:
                self.sock.close()


def tcp_connect(host: str, port: int, timeout: float) -> Reply:
    """Resolve and connect only, within ``timeout`` in all; status 1 means connected."""
    ex = _Exchange(timeout)
    try:
        addresses, cause, detail = resolve(host, port, ex.remaining())
        if cause:
            return Reply(0, error=cause, detail=detail, elapsed=ex.elapsed())
        ex.connect(addresses)
        return Reply(1, elapsed=ex.elapsed())
    except OSError as err:
        cause, detail = ("timeout", f"no answer within {timeout:g}s") if ex.expired else classify_os_error(err, timeout)
        return Reply(0, error=cause, detail=detail, elapsed=ex.elapsed())
    finally:
        ex.close()


def request(
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    body: Any = None,
    timeout: float,
    max_body: int = MAX_BODY,
) -> Reply:
    """One HTTP request; DNS, connect, TLS, sending and the whole answer together take at most ``timeout``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return Reply(0, error="unreachable", detail=f"not an http(s) URL: {url}")
    host, port = _host_port(url)
    ex = _Exchange(timeout)
    try:
        addresses, cause, detail = resolve(host, port, ex.remaining())
        if cause:
            return Reply(0, error=cause, detail=detail, elapsed=ex.elapsed())
        sock = ex.connect(addresses)
        if parts.scheme == "https":
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host.strip("[]"))
            ex.attach(sock)
        conn_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = conn_class(host.strip("[]"), port, timeout=ex.remaining())
        conn.sock = sock  # already connected (and bounded): http.client sends on it as is
        data = None if body is None else json.dumps(body).encode()
        all_headers = {"Accept": "application/json", "Connection": "close", **(headers or {})}
        if data is not None:
            all_headers["Content-Type"] = "application/json"
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        conn.request(method, target, body=data, headers=all_headers)
        resp = conn.getresponse()
        got = {k.lower(): v for k, v in resp.getheaders()}
        if 300 <= resp.status < 400:
            location = urljoin(url, got.get("location", "")) if got.get("location") else "(no Location)"
            detail = f"answered HTTP {resp.status} redirecting to {location}; the doctor follows no redirect"
            return Reply(resp.status, error="redirect", detail=detail, elapsed=ex.elapsed(), headers=got)
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = resp.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > max_body:
                detail = f"answered with more than {max_body // (1024 * 1024)} MiB of body; the doctor stopped reading"
                return Reply(resp.status, error="too-large", detail=detail, elapsed=ex.elapsed(), headers=got)
            chunks.append(chunk)
        if ex.expired:  # a body without a length ends at "close", which the watchdog's shutdown looks like
            return Reply(0, error="timeout", detail=f"no complete answer within {timeout:g}s", elapsed=ex.elapsed())
        return Reply(resp.status, b"".join(chunks), elapsed=ex.elapsed(), headers=got)
    except (OSError, http.client.HTTPException, ValueError) as err:
        if ex.expired:
            return Reply(0, error="timeout", detail=f"no complete answer within {timeout:g}s", elapsed=ex.elapsed())
        cause, detail = classify_os_error(err, timeout)
        return Reply(0, error=cause, detail=detail, elapsed=ex.elapsed())
    finally:
        ex.close()
