"""Run the real LiteLLM proxy on a rendered config inside a loopback-only network namespace.

Started by the test as ``unshare -n python -m tests.support.identity_netns SPEC.json`` (root). Inside:

- ``lo`` is brought up and ``local 0.0.0.0/0`` is routed to it, so *every* IPv4 address is this
  namespace's own: a connection meant for the instance metadata service (169.254.169.254) or a DNS
  query meant for the resolver lands on a tripwire here instead of leaving the machine (nothing can
  leave anyway: the namespace has no other interface);
- the fake managed-identity endpoint and the fake Azure OpenAI listen on 127.0.0.1;
- the proxy runs under ``strace -f -e trace=connect``, so every connection it (or a child) attempts is
  recorded with its address, whether or not anything answers.

The result (JSON next to the spec) carries the completion, what each fake saw, the tripwire hits and
every non-loopback connect() seen, for the test to assert on.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.support import procs
from tests.support.fake_azure import FakeAzure
from tests.support.fake_identity import FakeIdentity
from tests.support.litellm_proxy import litellm_executable, proxy_env

_CONNECT = re.compile(r'connect\(\d+, \{sa_family=(AF_INET6?), .*?(?:inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)")')
_LOOPBACK = {"127.0.0.1", "::1", "::ffff:127.0.0.1"}


class Tripwire:
    """Listens on 0.0.0.0 for what must never be contacted: HTTP(S) and DNS, TCP and UDP."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        self._lock = threading.Lock()

    def _record(self, what: str) -> None:
        with self._lock:
            self.hits.append(what)

    def start(self) -> None:
        for port in (80, 443, 53):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("0.0.0.0", port))
            s.listen(16)
            threading.Thread(target=self._accept, args=(s,), daemon=True).start()
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("0.0.0.0", 53))
        threading.Thread(target=self._udp, args=(u,), daemon=True).start()

    def _accept(self, s: socket.socket) -> None:
        while True:
            conn, peer = s.accept()
            host, port = conn.getsockname()[:2]
            self._record(f"tcp {host}:{port} from {peer[0]}")
            conn.close()

    def _udp(self, u: socket.socket) -> None:
        while True:
            data, peer = u.recvfrom(4096)
            self._record(f"udp :53 query from {peer[0]} ({len(data)} bytes)")


def _non_loopback_connects(trace: Path) -> list[str]:
    bad = []
    for line in trace.read_text(errors="replace").splitlines():
        m = _CONNECT.search(line)
        if m is None:
            continue
        addr = m.group(2) or m.group(3) or ""
        if addr not in _LOOPBACK:
            bad.append(line.strip()[:200])
    return bad


def main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    work = Path(spec["work"])
    for cmd in (["ip", "link", "set", "lo", "up"], ["ip", "route", "add", "local", "0.0.0.0/0", "dev", "lo"]):
        subprocess.run(cmd, check=True)
    tripwire = Tripwire()
    tripwire.start()
    identity = FakeIdentity(spec["header"], spec["token"], client_id=spec.get("client_id")).start()
    deployments = {k: tuple(v) for k, v in spec["deployments"].items()}
    azure = FakeAzure(deployments, api_keys=[], tokens=[spec["token"]], port=spec["azure_port"]).start()
    env = {"IDENTITY_ENDPOINT": identity.endpoint, "IDENTITY_HEADER": spec["header"], **spec["env"]}
    trace = work / "connect.trace"
    argv = [
        "strace", "-f", "--seccomp-bpf", "-qq", "-e", "trace=connect", "-o", str(trace),
        str(litellm_executable()), "--config", spec["config"], "--host", "127.0.0.1", "--port", str(spec["proxy_port"]),
    ]  # fmt: skip
    proc = procs.start(argv, env=proxy_env(env, home=work), cwd=work, log_path=work / "litellm.log")
    result: dict[str, Any] = {}
    try:
        procs.wait_http(f"http://127.0.0.1:{spec['proxy_port']}/health/liveliness", 90, proc=proc)
        req = urllib.request.Request(
            f"http://127.0.0.1:{spec['proxy_port']}/v1/chat/completions",
            data=json.dumps({"model": spec["alias"], "messages": [{"role": "user", "content": "hi"}]}).encode(),
            headers={"Authorization": f"Bearer {spec['env']['LITELLM_MASTER_KEY']}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                result["status"], result["body"] = resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as err:
            result["status"], result["body"] = err.code, err.read().decode(errors="replace")[:2000]
    except procs.ProcError as exc:
        result["status"], result["body"] = 0, str(exc)[-3000:]
    finally:
        procs.stop(proc, grace=10.0)
        azure.stop()
        identity.stop()
    result["azure"] = [
        {"path": r.path, "api": r.api, "deployment": r.deployment, "auth": r.auth, "auth_ok": r.auth_ok, "status": r.status}
        for r in azure.requests()
    ]
    result["identity"] = identity.requests
    result["tripwire"] = tripwire.hits
    result["non_loopback_connects"] = _non_loopback_connects(trace) if trace.exists() else ["no strace output"]
    log = (work / "litellm.log").read_text(errors="replace")
    result["log_tail"] = log[-3000:]
    # litellm/secret_managers/get_azure_ad_token_provider.py logs the credential it builds (LITELLM_LOG=INFO).
    result["credential_lines"] = [line[-160:] for line in log.splitlines() if "choosing credential type" in line]
    Path(spec["result"]).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
