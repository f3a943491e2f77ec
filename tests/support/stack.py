"""Start a whole rendered multi-instance environment on 127.0.0.1, from configgen's own output.

One test project (:func:`project_text`) declares a fake Azure resource, two LiteLLM proxy instances on
free ports sharing a Redis, and three environments that differ only in how the app reaches them:

- ``nginx`` and ``haproxy``: the same proxies behind each balancer kind (a project environment has
  one balancer, so two environments give both snippets);
- ``direct``: the app talks to the fake Azure resource itself (what `configgen doctor` checks per deployment).

:func:`start_stack` renders the environments with ``configgen.app.render`` and starts Redis, both
proxies (from the rendered ``litellm.config.yaml``), nginx and HAProxy (from the rendered snippets,
wrapped in the smallest main config each needs). Everything listens on 127.0.0.1 and is stopped by
pid (process group) in :meth:`Stack.close`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import socket
import textwrap
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tests.support import procs
from tests.support.fake_azure import FakeAzure
from tests.support.litellm_proxy import LiteLLMProxy, start_litellm

AS_OF = dt.date(2026, 11, 27)
AZURE_KEY = "fake-azure-key-stack-0123456789"
MASTER_KEY = "sk-configgen-stack-0123456789abcdef"
REDIS_PASSWORD = "redis-stack-password-0123456789"
#: Azure deployments the fake serves; the project declares the same names.
DEPLOYMENTS: dict[str, tuple[str, str]] = {
    "chat-a": ("gpt-5.1", "2025-11-13"),
    "chat-b": ("gpt-5.1", "2025-11-13"),
    "mini-a": ("gpt-5-mini", "2025-08-07"),
}
API_VERSION = "2025-04-01-preview"
ENVIRONMENTS = ("nginx", "haproxy", "direct")


@dataclass(frozen=True)
class Ports:
    fake: int
    proxies: tuple[int, int]
    redis: int
    nginx: int
    haproxy: int


def project_text(ports: Ports, *, cooldown_time: int = 60) -> str:
    """The test project. ``allowed_fails: 1`` makes the second failure in a minute cool a deployment
    down; ``cooldown_time`` keeps it down for the rest of the test."""
    p1, p2 = ports.proxies
    deployments = "\n".join(
        f"      {name}: {{model: {model}, version: \"{version}\", sku: GlobalStandard, capacity: 10}}"
        for name, (model, version) in DEPLOYMENTS.items()
    )
    return textwrap.dedent(
        """\
        version: 1
        name: e2e
        resources:
          fake:
            endpoint: http://127.0.0.1:{fake}
            region: swedencentral
            auth: {{type: api_key, key_env: AZURE_OPENAI_API_KEY}}
            api_version: "{api_version}"
            deployments:
        {deployments}
        defaults:
          aliases:
            chat: {{deployments: [fake/chat-a, fake/chat-b]}}
            mini: {{deployments: [fake/mini-a]}}
          app: {{mode: proxy, alias: chat}}
          proxy:
            instances:
              - {{host: 127.0.0.1, port: {p1}}}
              - {{host: 127.0.0.1, port: {p2}}}
            redis: {{host: 127.0.0.1, port: {redis}, password_env: REDIS_PASSWORD}}
            num_retries: 2
            timeout: 30
            allowed_fails: 1
            cooldown_time: {cooldown}
        environments:
          nginx:
            balancer: {{kind: nginx, host: 127.0.0.1, port: {nginx}, listen: 127.0.0.1, connect_timeout: 2}}
          haproxy:
            balancer: {{kind: haproxy, host: 127.0.0.1, port: {haproxy}, listen: 127.0.0.1, connect_timeout: 2}}
          direct:
            app: {{mode: direct}}
            proxy: null
        """
    ).format(
        fake=ports.fake,
        api_version=API_VERSION,
        deployments=deployments,
        p1=p1,
        p2=p2,
        redis=ports.redis,
        cooldown=cooldown_time,
        nginx=ports.nginx,
        haproxy=ports.haproxy,
    )


def render_project(project: Path, out_root: Path) -> dict[str, Path]:
    """Render every environment with configgen itself; returns env -> output directory."""
    from configgen import app

    outs: dict[str, Path] = {}
    for env in ENVIRONMENTS:
        out = out_root / env
        result = app.render(project, env, out_dir=out, as_of=AS_OF)
        if result.exit_code() != 0:
            problems = "\n".join(f"{f.severity.value} {f.rule}: {f.message}" for f in result.findings)
            raise RuntimeError(f"configgen render {env} failed:\n{problems}")
        outs[env] = out
    return outs


def read_dotenv(path: Path) -> dict[str, str]:
    """What an app reading server/.env sees (python-dotenv, as the Node/Python dotenv loaders agree on it)."""
    from dotenv import dotenv_values

    return {k: v for k, v in dotenv_values(path).items() if v is not None}


# --- Redis ------------------------------------------------------------------------------------------


def redis_command(port: int, *args: str, password: str | None = REDIS_PASSWORD, timeout: float = 5.0) -> object:
    """Send one command to Redis on 127.0.0.1 (RESP2) and return the decoded reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        reader = sock.makefile("rb")
        commands = ([("AUTH", password)] if password else []) + [args]
        for command in commands:
            sock.sendall(_resp_encode(command))
        replies = [_resp_read(reader) for _ in commands]
        return replies[-1]


def _resp_encode(args: tuple[str, ...]) -> bytes:
    out = f"*{len(args)}\r\n".encode()
    for a in args:
        raw = a.encode()
        out += b"$%d\r\n%s\r\n" % (len(raw), raw)
    return out


def _resp_read(reader: object) -> object:
    line: bytes = reader.readline()  # type: ignore[attr-defined]
    kind, rest = line[:1], line[1:-2]
    if kind == b"+":
        return rest.decode()
    if kind == b"-":
        raise RuntimeError(f"redis error: {rest.decode()}")
    if kind == b":":
        return int(rest)
    if kind == b"$":
        n = int(rest)
        if n < 0:
            return None
        data: bytes = reader.read(n + 2)  # type: ignore[attr-defined]
        return data[:-2].decode(errors="replace")
    if kind == b"*":
        n = int(rest)
        return None if n < 0 else [_resp_read(reader) for _ in range(n)]
    raise RuntimeError(f"unexpected redis reply {line!r}")


def start_redis(port: int, workdir: Path) -> procs.Proc:
    workdir.mkdir(parents=True, exist_ok=True)
    argv = [
        _binary("redis-server"),
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--save", "",
        "--appendonly", "no",
        "--dir", str(workdir),
        "--requirepass", REDIS_PASSWORD,
    ]  # fmt: skip
    proc = procs.start(argv, cwd=workdir, log_path=workdir / "redis.log")
    deadline = time.monotonic() + 15
    while True:
        try:
            if redis_command(port, "PING", timeout=1) == "PONG":
                return proc
        except (OSError, RuntimeError):
            pass
        if not proc.alive() or time.monotonic() > deadline:
            procs.stop(proc)
            raise procs.ProcError(f"redis-server did not start on {port}:\n{proc.log_tail()}")
        time.sleep(0.1)


# --- balancers --------------------------------------------------------------------------------------


def _binary(name: str) -> str:
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if path is None:
        raise FileNotFoundError(name)
    return path


def nginx_main_config(snippet: Path, workdir: Path) -> Path:
    """The smallest nginx.conf that includes the rendered snippet in ``http {}`` and writes only in workdir."""
    conf = workdir / "nginx.conf"
    temp = workdir / "temp"
    temp.mkdir(parents=True, exist_ok=True)
    conf.write_text(
        textwrap.dedent(
            f"""\
            daemon off;
            master_process on;
            worker_processes 1;
            pid {workdir}/nginx.pid;
            error_log {workdir}/error.log warn;
            events {{ worker_connections 256; }}
            http {{
                access_log {workdir}/access.log;
                client_body_temp_path {temp}/body;
                proxy_temp_path {temp}/proxy;
                fastcgi_temp_path {temp}/fastcgi;
                uwsgi_temp_path {temp}/uwsgi;
                scgi_temp_path {temp}/scgi;
                include {snippet};
            }}
            """
        )
    )
    return conf


def start_nginx(snippet: Path, port: int, workdir: Path) -> procs.Proc:
    workdir.mkdir(parents=True, exist_ok=True)
    conf = nginx_main_config(snippet, workdir)
    nginx = _binary("nginx")
    argv = [nginx, "-p", str(workdir), "-c", str(conf), "-e", str(workdir / "error.log")]
    proc = procs.start(argv, cwd=workdir, log_path=workdir / "nginx.out")
    _wait_listening(port, proc, workdir / "error.log")
    return proc


def haproxy_main_config(snippet: Path, workdir: Path) -> Path:
    """``global`` and ``defaults`` the snippet is documented to follow, then the snippet itself."""
    conf = workdir / "haproxy.cfg"
    head = textwrap.dedent(
        """\
        global
            log stderr format raw local0 warning
        defaults
            mode http
            log global
            timeout connect 5s
            timeout client 60s
            timeout server 60s
        """
    )
    conf.write_text(head + snippet.read_text())
    return conf


def start_haproxy(snippet: Path, port: int, workdir: Path) -> procs.Proc:
    workdir.mkdir(parents=True, exist_ok=True)
    conf = haproxy_main_config(snippet, workdir)
    haproxy = _binary("haproxy")
    check = procs.start([haproxy, "-c", "-f", str(conf)], cwd=workdir, log_path=workdir / "haproxy-check.log")
    if check.popen.wait(timeout=30) != 0:
        raise procs.ProcError(f"haproxy -c rejected {conf}:\n{check.log_tail()}")
    procs.stop(check)
    proc = procs.start([haproxy, "-db", "-f", str(conf)], cwd=workdir, log_path=workdir / "haproxy.log")
    _wait_listening(port, proc, workdir / "haproxy.log")
    return proc


def _wait_listening(port: int, proc: procs.Proc, log: Path, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        if not proc.alive() or time.monotonic() > deadline:
            procs.stop(proc)
            text = log.read_text(errors="replace") if log.exists() else ""
            raise procs.ProcError(f"{proc.argv[0]} is not listening on {port}:\n{proc.log_tail()}\n{text[-3000:]}")
        time.sleep(0.1)


# --- the stack --------------------------------------------------------------------------------------


@dataclass
class Stack:
    """A running environment. ``outs[env]`` holds what configgen rendered for ``env``."""

    root: Path
    project: Path
    ports: Ports
    fake: FakeAzure
    outs: dict[str, Path]
    redis: procs.Proc
    proxies: list[LiteLLMProxy]
    balancers: dict[str, procs.Proc] = field(default_factory=dict)

    @property
    def proxy_env(self) -> dict[str, str]:
        """The secrets the rendered litellm.config.yaml reads with os.environ/ (env.example lists them)."""
        return {"AZURE_OPENAI_API_KEY": AZURE_KEY, "LITELLM_MASTER_KEY": MASTER_KEY, "REDIS_PASSWORD": REDIS_PASSWORD}

    def dotenv(self, env: str) -> dict[str, str]:
        return read_dotenv(self.outs[env] / "server" / ".env")

    def redis_command(self, *args: str) -> object:
        return redis_command(self.ports.redis, *args)

    def redis_keys(self, pattern: str = "*") -> list[str]:
        keys = redis_command(self.ports.redis, "KEYS", pattern)
        assert isinstance(keys, list)
        return sorted(str(k) for k in keys)

    def stop_proxy(self, index: int) -> None:
        self.proxies[index].stop()

    def log_tails(self) -> str:
        parts = [f"--- proxy {p.port} ---\n{p.log_tail(40)}" for p in self.proxies]
        parts += [f"--- {name} ---\n{proc.log_tail(20)}" for name, proc in self.balancers.items()]
        return "\n".join(parts)

    def close(self) -> None:
        for proc in self.balancers.values():
            procs.stop(proc, grace=5.0)
        for proxy in self.proxies:
            proxy.stop()
        procs.stop(self.redis, grace=5.0)


def free_ports(n: int) -> list[int]:
    """``n`` distinct free ports (sockets held open together, so the OS cannot hand one out twice)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [int(s.getsockname()[1]) for s in socks]
    finally:
        for s in socks:
            s.close()


def new_fake() -> FakeAzure:
    return FakeAzure(DEPLOYMENTS, api_keys=[AZURE_KEY])


@contextlib.contextmanager
def running_stack(root: Path, fake: FakeAzure, *, extra_env: Mapping[str, str] | None = None) -> Iterator[Stack]:
    """Render the test project and start Redis, two proxies, nginx and HAProxy; stop them all on exit."""
    p1, p2, redis_port, nginx_port, haproxy_port = free_ports(5)
    ports = Ports(fake.port, (p1, p2), redis_port, nginx_port, haproxy_port)
    root.mkdir(parents=True, exist_ok=True)
    project = root / "configgen.yaml"
    project.write_text(project_text(ports))
    outs = render_project(project, root / "rendered")
    redis = start_redis(redis_port, root / "redis")
    started: list[LiteLLMProxy] = []
    balancers: dict[str, procs.Proc] = {}
    try:
        env = {"AZURE_OPENAI_API_KEY": AZURE_KEY, "LITELLM_MASTER_KEY": MASTER_KEY, "REDIS_PASSWORD": REDIS_PASSWORD}
        env.update(extra_env or {})
        config = outs["nginx"] / "litellm.config.yaml"
        # Both proxies cold-start at once (~8 s each, mostly imports) instead of one after the other.
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = [
                pool.submit(start_litellm, config, port=port, env=env, workdir=root / f"proxy-{i + 1}")
                for i, port in enumerate(ports.proxies)
            ]
            errors: list[BaseException] = []
            for fut in futures:
                try:
                    started.append(fut.result())
                except BaseException as exc:  # keep collecting: the other proxy must be stopped too
                    errors.append(exc)
            if errors:
                raise errors[0]
        balancers["nginx"] = start_nginx(outs["nginx"] / "nginx" / "litellm.conf", nginx_port, root / "nginx")
        haproxy_snippet = outs["haproxy"] / "haproxy" / "litellm.cfg"
        balancers["haproxy"] = start_haproxy(haproxy_snippet, haproxy_port, root / "haproxy")
        stack = Stack(root, project, ports, fake, outs, redis, started, balancers)
    except BaseException:
        for proc in balancers.values():
            procs.stop(proc, grace=3.0)
        for proxy in started:
            proxy.stop()
        procs.stop(redis, grace=3.0)
        raise
    try:
        yield stack
    finally:
        stack.close()

