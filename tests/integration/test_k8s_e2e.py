"""End to end on 127.0.0.1: two LiteLLM "pods" started exactly as the rendered Deployment starts them.

configgen renders a `kubernetes:` environment; the test takes the ConfigMap's config.yaml and the
Deployment's command, args and env (secretKeyRef values replaced by stand-ins), rewrites every host to
127.0.0.1 (the fake Azure, a real Redis), and starts two real proxies. A tiny TCP balancer stands in
for the Service; the app uses only the rendered server/.env, with the Service's cluster address mapped
to the balancer. Killing one pod keeps completions working. Bounded: 12 requests, about a minute.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from ruamel.yaml import YAML

from configgen import app
from tests.support import procs
from tests.support.fake_azure import FakeAzure
from tests.support.litellm_proxy import STARTUP_TIMEOUT, litellm_executable, proxy_env, stray_dotenv_files
from tests.support.stack import DEPLOYMENTS, REDIS_PASSWORD, read_dotenv, redis_command, start_redis

pytestmark = pytest.mark.integration

AS_OF = dt.date(2026, 11, 27)
AZURE_KEY = "fake-azure-key-k8s-0123456789"
MASTER_KEY = "sk-configgen-k8s-0123456789abcdef"
STAND_INS = {"AZURE_OPENAI_API_KEY": AZURE_KEY, "LITELLM_MASTER_KEY": MASTER_KEY, "REDIS_PASSWORD": REDIS_PASSWORD}

PROJECT = """\
version: 1
name: shop
resources:
  shop-eastus2:
    endpoint: https://shop-eastus2.openai.azure.com
    region: eastus2
    auth: {type: api_key, key_env: AZURE_OPENAI_API_KEY}
    api_version: "2025-04-01-preview"
    deployments:
      chat-a: {model: gpt-5.1, version: "2025-11-13", sku: GlobalStandard, capacity: 50}
      chat-b: {model: gpt-5.1, version: "2025-11-13", sku: GlobalStandard, capacity: 50}
environments:
  aks:
    production: true
    aliases:
      chat: {deployments: [shop-eastus2/chat-a, shop-eastus2/chat-b]}
    app: {mode: proxy, alias: chat}
    proxy:
      timeout: 60
      instances: [{host: 127.0.0.1, port: 4000}]
      redis: {host: redis-master.shop.svc.cluster.local, port: 6379, password_env: REDIS_PASSWORD}
    kubernetes:
      namespace: shop
      replicas: 2
"""


class TcpBalancer:
    """Round-robin over backends that accept a connection: what a Service does with ready endpoints."""

    def __init__(self, backends: list[int]) -> None:
        self.backends = backends
        self.used: list[int] = []
        self._rr = itertools.cycle(range(len(backends)))
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _connect(self) -> socket.socket | None:
        for _ in self.backends:
            port = self.backends[next(self._rr)]
            try:
                upstream = socket.create_connection(("127.0.0.1", port), timeout=2)
            except OSError:
                continue  # a dead pod: its endpoint is gone
            self.used.append(port)
            return upstream
        return None

    def _handle(self, client: socket.socket) -> None:
        upstream = self._connect()
        if upstream is None:
            client.close()
            return
        upstream.settimeout(None)

        def pipe(src: socket.socket, dst: socket.socket) -> None:
            with contextlib.suppress(OSError):
                while data := src.recv(65536):
                    dst.sendall(data)
            with contextlib.suppress(OSError):
                dst.shutdown(socket.SHUT_WR)

        t = threading.Thread(target=pipe, args=(upstream, client), daemon=True)
        t.start()
        pipe(client, upstream)
        t.join(timeout=90)
        client.close()
        upstream.close()

    def close(self) -> None:
        self._sock.close()


def _load(path: Path) -> list[Any]:
    return [d for d in YAML(typ="safe").load_all(path.read_text()) if d]


def _loopback_only(value: Any, *, allowed: set[str]) -> None:
    """Fail if any URL or host in the rewritten config points off the machine."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k in ("api_base", "redis_host") and isinstance(v, str):
                host = urlsplit(v).hostname if "://" in v else v
                assert host in allowed, f"{k} {v} is not loopback"
            _loopback_only(v, allowed=allowed)
    elif isinstance(value, list):
        for v in value:
            _loopback_only(v, allowed=allowed)


def _pod_command(container: dict[str, Any], config: Path, port: int) -> list[str]:
    """The container's command and args, with only the config path, host and port made local."""
    argv = [str(litellm_executable()) if container["command"] == ["litellm"] else container["command"][0]]
    args = list(container["args"])
    swaps = {"--config": str(config), "--host": "127.0.0.1", "--port": str(port)}
    for i, a in enumerate(args[:-1]):
        if a in swaps:
            args[i + 1] = swaps[a]
    return argv + args


def _pod_env(container: dict[str, Any]) -> dict[str, str]:
    """The container's env; secretKeyRef values are the stand-ins."""
    env: dict[str, str] = {}
    for e in container["env"]:
        if "valueFrom" in e:
            env[e["name"]] = STAND_INS[e["valueFrom"]["secretKeyRef"]["key"]]
        else:
            env[e["name"]] = e["value"]
    return env


#: As the pod runs: the root file system read-only, an empty writable /tmp (the emptyDir), the config
#: mounted read-only (at /mnt, standing in for /etc/litellm), as uid/gid 1000 (the securityContext).
#: $0 config folder, $1 a folder under /tmp to keep visible ("" for none: a virtualenv that lives under
#: /tmp, as in a CI clone there, would vanish under the pod's empty /tmp), $2 root|pod, $3 uid, $4 gid.
_POD_SANDBOX = (
    'if [ -n "$1" ]; then mount --bind "$1" "$0/keep"; fi && '
    'mount -o remount,bind,ro / && mount --rbind -o ro "$0" /mnt && '
    "mount -t tmpfs -o size=500m,mode=1777 tmpfs /tmp && "
    'if [ -n "$1" ]; then mkdir -p "$1" && mount --bind /mnt/keep "$1"; fi && '
    'if [ "$2" = root ]; then shift 4; exec "$@"; fi; '
    'exec setpriv --reuid "$3" --regid "$4" --clear-groups -- "${@:5}"'
)


def _kept_under_tmp() -> str:
    """The virtualenv's folder when it lives under /tmp (the pod's /tmp is an empty emptyDir)."""
    prefix = os.path.realpath(sys.prefix)
    return prefix if prefix == "/tmp" or prefix.startswith("/tmp/") else ""


def _sandboxed() -> bool:
    return os.geteuid() == 0 and bool(shutil.which("unshare")) and bool(shutil.which("setpriv")) and bool(shutil.which("bash"))


@functools.cache
def _uid_can_run_this_python(uid: int) -> bool:
    """Whether uid can start this virtualenv's interpreter (not when it lives under root's 0700 home,
    as with a pyenv Python; in the LiteLLM image the interpreter is system-wide)."""
    check = subprocess.run(
        ["setpriv", "--reuid", str(uid), "--regid", str(uid), "--clear-groups", sys.executable, "-c",
         "import sys; print(sys.base_prefix)"],
        capture_output=True, text=True, timeout=30, check=False,
    )
    return check.returncode == 0 and check.stdout.strip() == sys.base_prefix


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[dict[str, Any]]:
    project = tmp_path / "configgen.yaml"
    project.write_text(PROJECT)
    out = tmp_path / "out"
    result = app.render(project, "aks", out_dir=out, as_of=AS_OF)
    assert result.exit_code() == 0, result.findings
    assert not stray_dotenv_files()

    [cm] = _load(out / "k8s" / "base" / "configmap.yaml")
    [dep] = _load(out / "k8s" / "base" / "deployment.yaml")
    [secret] = _load(out / "k8s" / "secret.template.yaml")
    [container] = dep["spec"]["template"]["spec"]["containers"]
    assert set(secret["stringData"]) == set(STAND_INS)  # the Secret lists exactly what the pods read
    replicas = dep["spec"]["replicas"]
    assert replicas == 2

    started: list[procs.Proc] = []
    with FakeAzure(DEPLOYMENTS, api_keys=[AZURE_KEY]) as fake:
        redis_port = procs.free_port()
        started.append(start_redis(redis_port, tmp_path / "redis"))
        config = YAML(typ="safe").load(cm["data"]["config.yaml"])
        for m in config["model_list"]:
            m["litellm_params"]["api_base"] = fake.url
        config["router_settings"]["redis_host"] = "127.0.0.1"
        config["router_settings"]["redis_port"] = redis_port
        _loopback_only(config, allowed={"127.0.0.1"})
        readiness = container["readinessProbe"]["httpGet"]["path"]

        pod_sec = dep["spec"]["template"]["spec"]["securityContext"]
        assert container["securityContext"]["readOnlyRootFilesystem"] is True and pod_sec["runAsNonRoot"] is True

        def start_pod(i: int) -> tuple[procs.Proc, int]:
            home = tmp_path / f"pod-{i}"
            (home / "etc").mkdir(parents=True)
            (home / "etc").chmod(0o755)
            local_config = home / "etc" / "config.yaml"
            local_config.write_text(json.dumps(config))
            local_config.chmod(0o644)
            port = procs.free_port()
            env = _pod_env(container)
            if _sandboxed():
                argv = _pod_command(container, Path("/mnt/config.yaml"), port)
                who = "pod" if _uid_can_run_this_python(pod_sec["runAsUser"]) else "root"
                keep = _kept_under_tmp()
                if keep:
                    (home / "etc" / "keep").mkdir()
                argv = ["unshare", "-m", "--propagation", "private", "bash", "-c", _POD_SANDBOX, str(home / "etc"),
                        keep, who, str(pod_sec["runAsUser"]), str(pod_sec["runAsGroup"]), *argv]
                env = proxy_env(env, home=Path(env["HOME"]))  # HOME stays the rendered /tmp
            else:  # not root: the same command and env, without the read-only root and uid 1000
                argv = _pod_command(container, local_config, port)
                env = proxy_env({**env, "HOME": str(home)}, home=home)
            proc = procs.start(argv, env=env, cwd="/", log_path=home / "litellm.log")
            procs.wait_http(f"http://127.0.0.1:{port}{readiness}", STARTUP_TIMEOUT, proc=proc)
            return proc, port

        try:
            with ThreadPoolExecutor(max_workers=replicas) as pool:
                pods = list(pool.map(start_pod, range(replicas)))
            started.extend(p for p, _ in pods)
            balancer = TcpBalancer([port for _, port in pods])
            try:
                yield {"out": out, "pods": pods, "balancer": balancer, "fake": fake, "redis": redis_port}
            finally:
                balancer.close()
        finally:
            for proc in reversed(started):
                procs.stop(proc, grace=5.0)


def _app_chat(out: Path, balancer_port: int) -> tuple[int, dict[str, Any]]:
    """The app: LITELLM_API_BASE and LITELLM_MODEL from server/.env; the Service address maps to the balancer."""
    dotenv = read_dotenv(out / "server" / ".env")
    base = urlsplit(dotenv["LITELLM_API_BASE"])
    assert base.hostname == "litellm.shop.svc.cluster.local" and base.port == 4000
    url = f"http://127.0.0.1:{balancer_port}{base.path}/v1/chat/completions"
    body = {"model": dotenv["LITELLM_MODEL"], "messages": [{"role": "user", "content": "hi"}]}
    req = urllib.request.Request(url, data=json.dumps(body).encode(),
                                 headers={"Authorization": f"Bearer {MASTER_KEY}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, {"error": err.read().decode(errors="replace")[:300]}


def test_two_pods_behind_the_service_serve_and_survive_one_kill(cluster: dict[str, Any]) -> None:
    out, balancer, pods = cluster["out"], cluster["balancer"], cluster["pods"]
    for _ in range(6):
        status, body = _app_chat(out, balancer.port)
        assert status == 200, body
        assert body["choices"][0]["message"]["content"]
    assert {port for _, port in pods} <= set(balancer.used), "the Service stand-in did not reach both pods"
    if _sandboxed():  # the pods served with a read-only root file system (the rendered securityContext)
        for proc, _ in pods:
            mounts = Path(f"/proc/{proc.pid}/mountinfo").read_text().splitlines()
            [root] = [m.split() for m in mounts if m.split()[4] == "/"]
            assert root[5].split(",")[0] == "ro", root
            if _uid_can_run_this_python(1000):
                assert "\t1000\t" in Path(f"/proc/{proc.pid}/status").read_text().split("Uid:")[1].split("\n")[0] + "\t"
    assert cluster["fake"].requests(), "no request reached the fake Azure"
    # The pods reach the shared Redis with the password from the Secret (our own connection is one line).
    clients = str(redis_command(cluster["redis"], "CLIENT", "LIST")).strip().splitlines()
    assert len(clients) >= 2, clients

    killed, killed_port = pods[0]
    procs.stop(killed, grace=0.1)
    used_before = len(balancer.used)
    for _ in range(6):
        status, body = _app_chat(out, balancer.port)
        assert status == 200, body
    assert set(balancer.used[used_before:]) == {pods[1][1]} and killed_port not in balancer.used[used_before:]
