"""Hostile HTTP servers on loopback, for the doctor's client: each misbehaves in one way.

Every server listens on a loopback address (127.0.0.1, or 127.0.0.2 as "another host"), records the
raw requests it received (so a test can assert that a key never reached it), and is stopped by
:meth:`HostileServer.close`. Modes:

- ``silent``: accepts, reads the request, never answers (until closed);
- ``drip``: sends a valid status line and then one header byte every ``interval`` seconds, forever;
- ``drip-body``: headers at once, then one body byte every ``interval`` seconds;
- ``huge``: ``Content-Length`` of 1.5 GB and bytes as fast as the socket takes them;
- ``chunked``: an endless chunked body;
- ``redirect``: ``307`` to ``location``;
- ``echo``: 401 whose error message quotes the request's Authorization header;
- ``control``: 200/JSON/401 bodies and headers full of terminal escape sequences;
- ``json``: a fixed status, JSON body and extra headers (``status``, ``body``, ``headers``) for any path;
- ``*-api`` (``redirect-api``, ``echo-api``, ``drip-api``, ``huge-api``, ``chunked-api``, ``json-api``):
  a healthy LiteLLM on ``/health/*`` and the named misbehaviour on every other path, so the checks
  that carry the master key meet it.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

#: Sequences a hostile server sends to take over a terminal: retitle (OSC 0), clear screen, bidi override.
TERMINAL_ATTACK = "\x1b]0;owned\x07\x1b[2J\x1b[31mred\u202eevil\r\nfake: line"


@dataclass
class HostileServer:
    mode: str
    host: str = "127.0.0.1"
    location: str = ""
    status: int = 200
    body: bytes = b"{}"
    interval: float = 0.2
    headers: dict[str, str] = field(default_factory=dict)
    #: path prefix -> mode, checked before ``mode`` (e.g. {"/v1/chat/": "redirect"})
    routes: dict[str, str] = field(default_factory=dict)
    requests: list[bytes] = field(default_factory=list)
    _sock: socket.socket | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    @property
    def port(self) -> int:
        assert self._sock is not None
        return int(self._sock.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> HostileServer:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((self.host, 0))
        self._sock.listen(16)
        self._sock.settimeout(0.1)
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def close(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=3)
        if self._sock is not None:
            self._sock.close()

    def _accept(self) -> None:
        assert self._sock is not None
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _read_request(self, conn: socket.socket) -> bytes:
        conn.settimeout(2)
        data = b""
        with contextlib.suppress(OSError):
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            while len(rest) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                rest += chunk
            data = head + b"\r\n\r\n" + rest
        self.requests.append(data)
        return data

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            request = self._read_request(conn)
            conn.settimeout(5)
            mode = self.mode
            path = request.split(b" ", 2)[1].decode(errors="replace") if request.count(b" ") >= 2 else "/"
            if mode.endswith("-api"):
                mode = "healthy" if path.startswith("/health/") else mode.removesuffix("-api")
            mode = next((m for prefix, m in self.routes.items() if path.startswith(prefix)), mode)
            with contextlib.suppress(OSError):  # the client gave up: what these servers are for
                getattr(self, "_" + mode.replace("-", "_"))(conn, request)

    def _wait(self, seconds: float) -> bool:
        """Sleep; False when the server is closing."""
        return not self._stop.wait(seconds)

    def _silent(self, conn: socket.socket, request: bytes) -> None:
        while self._wait(0.1):
            pass

    def _drip(self, conn: socket.socket, request: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        while self._wait(self.interval):
            conn.sendall(b"a")

    def _drip_body(self, conn: socket.socket, request: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
        while self._wait(self.interval):
            conn.sendall(b" ")

    def _huge(self, conn: socket.socket, request: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1500000000\r\n\r\n")
        block = b"x" * 65536
        while not self._stop.is_set():
            conn.sendall(block)

    def _chunked(self, conn: socket.socket, request: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        block = b"y" * 32768
        chunk = f"{len(block):x}\r\n".encode() + block + b"\r\n"
        while not self._stop.is_set():
            conn.sendall(chunk)

    def _redirect(self, conn: socket.socket, request: bytes) -> None:
        conn.sendall(f"HTTP/1.1 307 Temporary Redirect\r\nLocation: {self.location}\r\nContent-Length: 0\r\n\r\n".encode())

    def _echo(self, conn: socket.socket, request: bytes) -> None:
        auth = ""
        for line in request.split(b"\r\n"):
            if line.lower().startswith(b"authorization:") or line.lower().startswith(b"api-key:"):
                auth = line.split(b":", 1)[1].strip().decode(errors="replace")
        body = json.dumps({"error": {"message": f"invalid key {auth} (you sent {auth})"}}).encode()
        conn.sendall(b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
                     + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)  # fmt: skip

    def _control(self, conn: socket.socket, request: bytes) -> None:
        path = request.split(b" ", 2)[1] if b" " in request else b"/"
        if path.startswith(b"/health"):
            body = json.dumps({"status": TERMINAL_ATTACK}).encode()
            status = "200 OK"
        else:
            body = json.dumps({"error": {"message": TERMINAL_ATTACK}}).encode()
            status = "500 Internal Server Error"
        conn.sendall(f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                     + body)  # fmt: skip

    def _json(self, conn: socket.socket, request: bytes) -> None:
        extra = "".join(f"{k}: {v}\r\n" for k, v in self.headers.items())
        head = f"HTTP/1.1 {self.status} X\r\nContent-Type: application/json\r\n{extra}Content-Length: {len(self.body)}\r\n\r\n"
        conn.sendall(head.encode() + self.body)

    def _healthy(self, conn: socket.socket, request: bytes) -> None:
        body = b'{"status": "healthy"}'
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)  # fmt: skip


def guard_loopback(monkeypatch: Any, allowed: tuple[str, ...] = ("127.0.0.1", "127.0.0.2")) -> list[tuple[str, int]]:
    """Make every in-process ``socket.connect`` to an address outside ``allowed`` fail the test;
    returns the list of (host, port) contacted."""
    contacted: list[tuple[str, int]] = []
    real = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = str(address[0])
            assert host in allowed, f"connected to {address}: only loopback is allowed"
            contacted.append((host, int(address[1])))
        real(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    return contacted


@contextlib.contextmanager
def hostile(mode: str, **kwargs: object) -> Iterator[HostileServer]:
    server = HostileServer(mode, **kwargs).start()  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.close()


def wait_until(pred: object, timeout: float = 2.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if callable(pred) and pred():
            return True
        time.sleep(0.02)
    return False
