"""The rendered balancer snippets, checked by the real tools and run for real.

- `nginx -t` and `haproxy -c` accept every snippet the example renders (and TLS variants with a
  self-signed certificate made by openssl);
- HAProxy refuses the key placement `project-balancer-tls-key` reports (the rule tells the truth);
- nginx and HAProxy, started on 127.0.0.1 with one dead and one live backend, send every POST to the
  live one (retry after a connection error) and pass server-sent events through unbuffered;
- the Azure LB Bicep file is checked structurally (no Azure here);
- values that try to inject directives are refused with one located line and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import http.client
import re
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from configgen.app import render
from configgen.load.balancer import parse_balancer
from configgen.model.load import load_project
from configgen.render.header import split_header
from configgen.render.jinja import render_environment
from tests.support.fixtures import require_binary
from tests.support.procs import Proc, free_port, start, stop, wait_http

pytestmark = pytest.mark.integration

AS_OF = dt.date(2026, 11, 27)
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "chatsheetai" / "configgen.yaml"
LIVENESS = "/health/liveliness"


# --- helpers -----------------------------------------------------------------------------------------


def _render_env(project_text: str, env: str, tmp_path: Path) -> dict[str, str]:
    """Render one environment through the library (validation included); relpath -> body."""
    proj = tmp_path / f"{env}-project" / "configgen.yaml"
    proj.parent.mkdir(parents=True, exist_ok=True)
    proj.write_text(project_text)
    out = tmp_path / f"{env}-out"
    result = render(proj, env, out_dir=out, as_of=AS_OF)
    errors = [f for f in result.findings if f.severity.value == "error"]
    assert errors == [], errors
    return {str(p.relative_to(out)): p.read_text() for p in out.rglob("*") if p.is_file()}


def _nginx_conf(tmp_path: Path, snippet: str, *, daemon: bool = False) -> Path:
    """A minimal nginx.conf whose every writable path is under tmp_path, including the snippet."""
    root = tmp_path / "nginx"
    root.mkdir(exist_ok=True)
    (root / "litellm.conf").write_text(snippet)
    temp = "\n".join(f"    {k}_temp_path {root / k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = root / "nginx.conf"
    conf.write_text(
        f"{'' if daemon else 'daemon off;'}\npid {root / 'nginx.pid'};\nerror_log {root / 'error.log'} info;\n"
        f"events {{ worker_connections 64; }}\nhttp {{\n    access_log off;\n{temp}\n"
        f"    include {root / 'litellm.conf'};\n}}\n"
    )
    return conf


def _nginx_test(tmp_path: Path, snippet: str) -> subprocess.CompletedProcess[str]:
    nginx = require_binary("nginx")
    conf = _nginx_conf(tmp_path, snippet)
    return subprocess.run(
        [nginx, "-t", "-p", str(conf.parent), "-c", str(conf)], capture_output=True, text=True, timeout=30
    )


HAPROXY_HEAD = """global
    maxconn 100
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
"""


def _haproxy_check(tmp_path: Path, snippet: str) -> subprocess.CompletedProcess[str]:
    haproxy = require_binary("haproxy")
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(HAPROXY_HEAD + snippet)
    return subprocess.run([haproxy, "-c", "-f", str(cfg)], capture_output=True, text=True, timeout=30)


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    openssl = require_binary("openssl")
    key, crt = tmp_path / "tls" / "litellm.key", tmp_path / "tls" / "litellm.crt"
    key.parent.mkdir(exist_ok=True)
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(crt),
            "-days",
            "2",
            "-subj",
            "/CN=litellm.test",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return crt, key


def _example() -> str:
    return EXAMPLE.read_text()


# --- nginx -t / haproxy -c on what the example renders --------------------------------------------


def test_nginx_accepts_prod_snippet_with_tls(tmp_path: Path) -> None:
    crt, key = _self_signed(tmp_path)
    text = _example().replace("/etc/nginx/tls/litellm.crt", str(crt)).replace("/etc/nginx/tls/litellm.key", str(key))
    files = _render_env(text, "prod", tmp_path)
    snippet = files["nginx/litellm.conf"]
    assert "listen 0.0.0.0:443 ssl;" in snippet
    done = _nginx_test(tmp_path, snippet)
    assert done.returncode == 0, done.stderr


def test_nginx_accepts_plain_snippet(tmp_path: Path) -> None:
    # prod without tls: the same snippet on a plain port.
    text = re.sub(r"      port: 443\n      tls:\n.*\n.*\n", "      port: 8080\n", _example())
    files = _render_env(text, "prod", tmp_path)
    assert "ssl" not in files["nginx/litellm.conf"].split("server {", 1)[1]
    done = _nginx_test(tmp_path, files["nginx/litellm.conf"])
    assert done.returncode == 0, done.stderr


def test_nginx_rejects_a_broken_snippet(tmp_path: Path) -> None:
    # The harness itself must be able to fail: a snippet with a typo is refused.
    done = _nginx_test(tmp_path, "upstream u { server 127.0.0.1:4000; }\nserver { listen 8080; proxy_bufering off; }\n")
    assert done.returncode != 0
    assert "proxy_bufering" in done.stderr


def test_haproxy_accepts_staging_snippet(tmp_path: Path) -> None:
    files = _render_env(_example(), "staging", tmp_path)
    done = _haproxy_check(tmp_path, files["haproxy/litellm.cfg"])
    assert done.returncode == 0, done.stdout + done.stderr


def _haproxy_tls_project(cert: Path, key: Path) -> str:
    return _example().replace(
        "      kind: haproxy\n      host: litellm.staging.chatsheet.internal\n      port: 8080\n",
        f"      kind: haproxy\n      host: litellm.staging.chatsheet.internal\n      port: 8443\n"
        f"      tls: {{cert: {cert}, key: {key}}}\n",
    )


def test_haproxy_accepts_tls_snippet_with_combined_pem(tmp_path: Path) -> None:
    crt, key = _self_signed(tmp_path)
    pem = tmp_path / "tls" / "litellm.pem"
    pem.write_text(crt.read_text() + key.read_text())
    files = _render_env(_haproxy_tls_project(pem, pem), "staging", tmp_path)
    assert f"ssl crt {pem}" in files["haproxy/litellm.cfg"]
    done = _haproxy_check(tmp_path, files["haproxy/litellm.cfg"])
    assert done.returncode == 0, done.stdout + done.stderr


def test_haproxy_refuses_the_key_placement_the_project_rule_reports(tmp_path: Path) -> None:
    crt, key = _self_signed(tmp_path)  # litellm.crt + litellm.key: nginx style, not HAProxy's
    proj = tmp_path / "p" / "configgen.yaml"
    proj.parent.mkdir()
    proj.write_text(_haproxy_tls_project(crt, key))
    result = render(proj, "staging", out_dir=tmp_path / "out", as_of=AS_OF)
    assert [f.rule for f in result.findings if f.rule == "project-balancer-tls-key"] == ["project-balancer-tls-key"]
    assert not (tmp_path / "out").exists()
    # Render anyway (bypassing validation) and let HAProxy judge: it must refuse, as the rule says.
    loaded = load_project(proj)
    assert loaded.project is not None and loaded.envs["staging"].model is not None
    outputs = render_environment(loaded.project, "staging", loaded.envs["staging"].model, source_name="configgen.yaml")
    snippet = next(text for out, text in outputs.items() if out.kind == "haproxy")
    done = _haproxy_check(tmp_path, snippet)
    assert done.returncode != 0
    assert f"{crt}.key" in done.stdout + done.stderr


# --- Bicep, structurally ----------------------------------------------------------------------------


def test_bicep_structure(tmp_path: Path) -> None:
    files = _render_env(_example(), "prod-dr", tmp_path)
    text = files["azure/loadbalancer.bicep"]
    _, body = split_header(text)
    stripped = re.sub(r"'(?:\\.|[^'\\])*'", "''", re.sub(r"//[^\n]*", "", body))
    for open_, close in ("{}", "[]", "()"):
        assert stripped.count(open_) == stripped.count(close), open_ + close
    assert re.search(r"resource lb 'Microsoft\.Network/loadBalancers@\d{4}-\d{2}-\d{2}' = \{", body)
    doc = parse_balancer("bicep", text, "loadbalancer.bicep")
    assert doc.problems == []
    assert [(p.protocol, p.path, p.port) for p in doc.probes] == [("Http", LIVENESS, 4000)]
    idle = doc.find("idleTimeoutInMinutes")
    assert len(doc.find("frontendPort")) == 1 and len(idle) == 1
    assert 5 <= int(idle[0].args[0]) <= 100
    assert sorted(s.host for s in doc.servers) == ["10.30.1.10", "10.30.1.11"]
    assert {s.port for s in doc.servers} == {4000}
    assert [(a.host, a.port) for a in doc.listens] == [("10.30.1.100", 4000)]


# --- injection ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("host: litellm.chatsheet.internal", 'host: "x; include /etc/passwd"'),
        ("host: litellm.chatsheet.internal", 'host: "x\\n    include /etc/passwd"'),
        ("cert: /etc/nginx/tls/litellm.crt", 'cert: "/etc/nginx/tls/x.crt;\\ninclude /etc/passwd"'),
        ("cert: /etc/nginx/tls/litellm.crt", 'cert: "/etc/nginx/tls/lite llm.crt"'),
        ("key: /etc/nginx/tls/litellm.key", 'key: "/k.key }  server { listen 9999"'),
    ],
)
def test_injection_is_refused_and_nothing_written(tmp_path: Path, old: str, new: str) -> None:
    assert old in _example()
    proj = tmp_path / "configgen.yaml"
    proj.write_text(_example().replace(old, new))
    out = tmp_path / "out"
    exe = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "configgen"
    cmd = [
        str(exe) if exe.exists() else "configgen",
        "render",
        "prod",
        "-p",
        str(proj),
        "--out",
        str(out),
        "--as-of",
        AS_OF.isoformat(),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    errors = [line for line in (done.stdout + done.stderr).splitlines() if ": error: " in line]
    # One located error in the project file (schema, a project rule, or the renderer's escaping).
    assert len(errors) == 1, done.stdout + done.stderr
    assert re.match(rf"{re.escape(str(proj))}:\d+:\d+: error: ", errors[0]), errors[0]
    assert not out.exists() or not any(out.rglob("*"))


# --- running nginx and HAProxy for real ------------------------------------------------------------


class _Backend(BaseHTTPRequestHandler):
    """Answers like a LiteLLM proxy: liveliness, JSON completions, and an SSE stream held open until
    the test has seen the first event."""

    protocol_version = "HTTP/1.1"
    release: threading.Event
    hits: list[str]

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._send(200, b'"I\'m alive!"', "application/json")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        self.hits.append(self.path)
        if b'"stream": true' not in body:
            self._send(200, b'{"choices": [{"message": {"content": "ok"}}]}', "application/json")
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self._chunk(b'data: {"choices": [{"delta": {"content": "first"}}]}\n\n')
        # Nothing more until the client has received the first event (or the test gives up).
        self.release.wait(timeout=20)
        self._chunk(b"data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # balancers and health checks close connections abruptly: not a test failure


@pytest.fixture
def backend() -> Iterator[tuple[int, type[_Backend]]]:
    handler = type("Backend", (_Backend,), {"release": threading.Event(), "hits": []})
    server = _QuietServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], handler
    handler.release.set()
    server.shutdown()
    server.server_close()


def files_backend(files: dict[str, str]) -> str:
    m = re.search(r"^backend (\S+)", files["haproxy/litellm.cfg"], re.MULTILINE)
    assert m is not None
    return m.group(1)


def _local_project(kind: str, live: int, dead: int, listen: int) -> str:
    """The example's staging environment rewritten to 127.0.0.1: a dead instance first, then a live one."""
    text = _example()
    text = text.replace(
        "        - {host: 10.20.1.10, port: 4000}\n        - {host: 10.20.1.11, port: 4000}\n",
        f"        - {{host: 127.0.0.1, port: {dead}}}\n        - {{host: 127.0.0.1, port: {live}}}\n",
    )
    return text.replace(
        "      kind: haproxy\n      host: litellm.staging.chatsheet.internal\n      port: 8080\n",
        f"      kind: {kind}\n      host: 127.0.0.1\n      listen: 127.0.0.1\n      port: {listen}\n",
    )


def _post(port: int, body: bytes) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def _wait_listening(port: int, proc: Proc) -> None:
    wait_http(f"http://127.0.0.1:{port}{LIVENESS}", 20, proc=proc)


def _assert_stream_unbuffered(port: int, handler: type[_Backend]) -> None:
    """Read the first SSE event through the balancer while the backend still holds the stream open."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=15)
    try:
        body = b'{"model": "gpt-4", "stream": true, "messages": []}'
        sock.sendall(
            b"POST /v1/chat/completions HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        seen = b""
        while b'"first"' not in seen:
            data = sock.recv(4096)  # times out (the test fails) if the balancer holds the event back
            assert data, f"connection closed before the first event: {seen!r}"
            seen += data
        assert not handler.release.is_set()
        handler.release.set()
        while data := sock.recv(4096):
            seen += data
        assert b"[DONE]" in seen
    finally:
        sock.close()


def _tries_until(pred: Callable[[], bool], port: int, *, attempts: int = 8) -> list[int]:
    """POST until ``pred`` holds (the balancer has met the dead instance) or ``attempts`` are used."""
    statuses = []
    for _ in range(attempts):
        status, _ = _post(port, b'{"model": "gpt-4", "messages": []}')
        statuses.append(status)
        if pred():
            break
    return statuses


def test_nginx_retries_dead_proxy_and_streams(tmp_path: Path, backend: tuple[int, type[_Backend]]) -> None:
    nginx = require_binary("nginx")
    live, handler = backend
    dead, listen = free_port(), free_port()
    files = _render_env(_local_project("nginx", live, dead, listen), "staging", tmp_path)
    conf = _nginx_conf(tmp_path, files["nginx/litellm.conf"])
    proc = start([nginx, "-p", str(conf.parent), "-c", str(conf)], log_path=tmp_path / "nginx.out")
    try:
        _wait_listening(listen, proc)
        error_log = conf.parent / "error.log"

        def refused() -> bool:
            return f"127.0.0.1:{dead}" in error_log.read_text() and "111: Connection refused" in error_log.read_text()

        statuses = _tries_until(refused, listen)
        assert refused(), "nginx never tried the dead instance"
        assert set(statuses) == {200}, statuses  # every POST reached the live instance
        _assert_stream_unbuffered(listen, handler)
    finally:
        stop(proc)


def test_haproxy_retries_dead_proxy_and_streams(tmp_path: Path, backend: tuple[int, type[_Backend]]) -> None:
    haproxy = require_binary("haproxy")
    admin_sock = tmp_path / "admin.sock"
    live, handler = backend
    dead, listen = free_port(), free_port()
    files = _render_env(_local_project("haproxy", live, dead, listen), "staging", tmp_path)
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(
        HAPROXY_HEAD.replace("global\n", f"global\n    stats socket {admin_sock} level admin\n")
        + files["haproxy/litellm.cfg"]
    )
    proc = start([haproxy, "-db", "-f", str(cfg)], log_path=tmp_path / "haproxy.out")
    try:
        _wait_listening(listen, proc)

        def admin(cmd: str) -> str:
            with socket.socket(socket.AF_UNIX) as s:
                s.connect(str(admin_sock))
                s.sendall(cmd.encode() + b"\n")
                raw = b""
                while chunk := s.recv(65536):
                    raw += chunk
            return raw.decode()

        def stat(field: str, server: str) -> int:
            lines = admin("show stat").splitlines()
            header = lines[0].lstrip("# ").split(",")
            for line in lines[1:]:
                row = dict(zip(header, line.split(","), strict=False))
                if row.get("svname") == server and row.get(field):
                    return int(row[field])
            return 0

        # The first health check takes the dead instance out at once. Put it back without checks:
        # a proxy that died between two checks, which only retry and redispatch can save.
        dead_server = f"{files_backend(files)}/litellm-1"
        admin(f"disable health {dead_server}")
        admin(f"set server {dead_server} health up")
        statuses = _tries_until(lambda: stat("wredis", "litellm-1") > 0, listen)
        # wredis: requests whose failed connection to litellm-1 was redispatched to another server.
        assert stat("wredis", "litellm-1") > 0, "HAProxy never tried the dead instance"
        assert set(statuses) == {200}, statuses  # and every POST was answered by the live one
        _assert_stream_unbuffered(listen, handler)
    finally:
        stop(proc)
