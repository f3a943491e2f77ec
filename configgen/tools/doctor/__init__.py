"""`configgen doctor ENV`: check a running environment the way the app reaches it.

Replaces the seed's connectivity script and its Troubleshooting section: every failure names its
cause (connection refused, DNS, timeout, TLS, 401/403, 404 deployment or model, 429) and a next step
naming the file and key to change. Checks run one after the other with bounded timeouts and are
reported as they finish (``on_start`` / ``on_done``); nothing here prints.

Proxy mode, for the balancer (or the app's ``api_base``) and then each proxy instance:

- ``reachable``: DNS (bounded, in a helper thread: ``getaddrinfo`` has no timeout of its own) and a TCP connect;
- ``liveliness`` / ``readiness``: ``GET /health/liveliness`` and ``/health/readiness``, which need no key
  and do not call Azure (litellm/proxy/health_endpoints/_health_endpoints.py). ``/health`` is never
  used: it calls every deployment for real and answers 200 even when they fail (FACTS.md);
- ``models``: ``GET /v1/models`` with the master key from the environment (the variable
  ``proxy.master_key_env`` names, else the app's ``app.api_key_env``), compared with the aliases the
  project declares. Without a database a wrong key gets 400 "No connected db.", not 401 (FACTS.md,
  seen with LiteLLM 1.110.2);
- with ``--probe``, ``probe.<alias>``: one tiny chat completion per alias through the app's URL. Azure
  errors pass through the proxy with their status (401 "Access denied ...", 404 "DeploymentNotFound"
  text "The API deployment for this resource does not exist", 429); an Azure that cannot be reached
  becomes 500 "APIConnectionError" (seen with LiteLLM 1.110.2 against tests/support/fake_azure.py).

Direct mode (the app calls Azure itself): each resource is checked for ``reachable`` and each
deployment the environment's aliases use gets one tiny completion on the dated data-plane route
``{endpoint}/openai/deployments/{deployment}/chat/completions?api-version=V`` with the ``api-key``
header: Azure's data plane has no cheaper call that proves key, deployment and api-version together.
"""

from __future__ import annotations

import concurrent.futures
import http.client
import ipaddress
import json
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from configgen.findings import DataPath, format_path
from configgen.model.facts import LIVENESS_PATH, READINESS_PATH, proxy_base_url, split_ref
from configgen.model.load import EnvView, load_project
from configgen.model.project import ApiKeyAuth, EntraAuth, Environment, Project, Resource

Status = Literal["ok", "warn", "fail", "skip"]

#: The prompt of a probe: tiny, and answerable by any chat model. No max_tokens: reasoning models
#: reject it on Azure (they take max_completion_tokens) and spend tokens thinking before they answer.
PROBE_MESSAGES = [{"role": "user", "content": "Reply with the single word OK."}]
DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class CheckResult:
    """One check: what was looked at, what was seen, and (when it failed) why and what to change."""

    id: str
    target: str
    status: Status
    message: str
    cause: str = ""
    fix: str = ""
    file: str = ""
    key: str = ""
    elapsed_ms: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "target": self.target,
            "status": self.status,
            "message": self.message,
            "cause": self.cause,
            "fix": self.fix,
            "file": self.file,
            "key": self.key,
            "elapsed_ms": self.elapsed_ms,
        }


@dataclass
class DoctorResult:
    env: str
    mode: str
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(c.status == "fail" for c in self.checks)

    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def as_dict(self) -> dict[str, object]:
        counts = {s: sum(1 for c in self.checks if c.status == s) for s in ("ok", "warn", "fail", "skip")}
        return {"env": self.env, "mode": self.mode, "ok": self.ok, "counts": counts,
                "checks": [c.as_dict() for c in self.checks]}  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    """What one check function found; ``key`` is the project key to change (empty when nothing to fix)."""

    status: Status
    message: str
    cause: str = ""
    fix: str = ""
    key: str = ""


def _ok(message: str) -> Outcome:
    return Outcome("ok", message)


def _const(outcome: Outcome) -> Outcome:
    return outcome


class DoctorUsageError(Exception):
    """The project cannot be checked (missing, invalid, unknown environment): exit 2."""


# --- HTTP with bounded time -------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """An HTTP answer (``status`` > 0), or why there was none (``status`` 0 and ``error``)."""

    status: int
    body: bytes = b""
    error: str = ""  # connection-refused | dns | timeout | tls | connection-closed | unreachable
    detail: str = ""
    elapsed: float = 0.0

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


# Direct connections, like the app's: environment proxies (HTTP_PROXY) are not the app's route.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def resolve(host: str, port: int, timeout: float) -> tuple[str, str]:
    """("", "") when ``host`` resolves within ``timeout``, else (cause, detail)."""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return "", ""
    except ValueError:
        pass
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    future = pool.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        future.result(timeout=timeout)
        return "", ""
    except concurrent.futures.TimeoutError:
        return "dns", f"DNS gave no answer for {host} within {timeout:g}s"
    except socket.gaierror as err:
        return "dns", f"{host} does not resolve ({err.strerror or err})"
    finally:
        pool.shutdown(wait=False)


def tcp_connect(host: str, port: int, timeout: float) -> Reply:
    """Resolve and connect only; status 1 means connected."""
    start = time.monotonic()
    cause, detail = resolve(host, port, timeout)
    if cause:
        return Reply(0, error=cause, detail=detail, elapsed=time.monotonic() - start)
    try:
        with socket.create_connection((host.strip("[]"), port), timeout=timeout):
            return Reply(1, elapsed=time.monotonic() - start)
    except OSError as err:
        cause, detail = classify_os_error(err, timeout)
        return Reply(0, error=cause, detail=detail, elapsed=time.monotonic() - start)


def classify_os_error(err: BaseException, timeout: float) -> tuple[str, str]:
    reason: object = err.reason if isinstance(err, urllib.error.URLError) else err
    if isinstance(reason, ConnectionRefusedError):
        return "connection-refused", "connection refused (nothing listens on that port)"
    if isinstance(reason, socket.gaierror):
        return "dns", f"name does not resolve ({reason.strerror or reason})"
    if isinstance(reason, TimeoutError | socket.timeout):
        return "timeout", f"no answer within {timeout:g}s"
    if isinstance(reason, ssl.SSLError):
        return "tls", f"TLS failed: {getattr(reason, 'reason', None) or reason}"
    if isinstance(reason, ConnectionResetError | http.client.RemoteDisconnected | http.client.BadStatusLine):
        return "connection-closed", "the server closed the connection without an HTTP answer"
    return "unreachable", str(reason)


def request(
    method: str, url: str, *, headers: Mapping[str, str] | None = None, body: Any = None, timeout: float
) -> Reply:
    """One HTTP request, bounded by ``timeout`` for DNS, the connection and each read."""
    start = time.monotonic()
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    cause, detail = resolve(host, port, timeout)
    if cause:
        return Reply(0, error=cause, detail=detail, elapsed=time.monotonic() - start)
    data = None if body is None else json.dumps(body).encode()
    all_headers = {"Accept": "application/json", **(headers or {})}
    if data is not None:
        all_headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, headers=all_headers, method=method)
    try:
        with _OPENER.open(req, timeout=timeout) as resp:
            return Reply(resp.status, resp.read(), elapsed=time.monotonic() - start)
    except urllib.error.HTTPError as err:
        try:
            raw = err.read()
        except OSError:
            raw = b""
        return Reply(err.code, raw, elapsed=time.monotonic() - start)
    except (OSError, http.client.HTTPException) as err:
        cause, detail = classify_os_error(err, timeout)
        return Reply(0, error=cause, detail=detail, elapsed=time.monotonic() - start)


# --- running checks ---------------------------------------------------------------------------------

OnStart = Callable[[str, str], None]
OnDone = Callable[[CheckResult], None]


@dataclass
class _Run:
    """State shared by the checks of one doctor run."""

    project: Project
    env_name: str
    view: EnvView
    env: Environment
    file: str
    environ: Mapping[str, str]
    timeout: float
    on_start: OnStart
    on_done: OnDone
    result: DoctorResult

    def key(self, env_path: DataPath) -> str:
        """Where in the project file an environment setting lives (defaults or the environment)."""
        return format_path(self.view.origin(env_path))

    def add(self, result: CheckResult) -> CheckResult:
        self.result.checks.append(result)
        self.on_done(result)
        return result

    def check(self, check_id: str, target: str, fn: Callable[[], Outcome]) -> CheckResult:
        """Run ``fn`` and record its outcome with its duration."""
        self.on_start(check_id, target)
        start = time.monotonic()
        o = fn()
        elapsed = int((time.monotonic() - start) * 1000)
        file = self.file if o.key else ""
        return self.add(CheckResult(check_id, target, o.status, o.message, o.cause, o.fix, file, o.key, elapsed))

    def skip(self, check_id: str, target: str, why: str) -> CheckResult:
        self.on_start(check_id, target)
        return self.add(CheckResult(check_id, target, "skip", why))


@dataclass(frozen=True)
class _Target:
    """A base URL the doctor checks: the balancer (or app api_base) or one proxy instance."""

    name: str
    url: str
    key: str  # project key that sets its address
    what: str  # how to bring it up, for "connection refused"

    def key_for(self, cause: str) -> str:
        """The exact key to fix: the host for DNS problems, the port for a refused connection."""
        if self.key.endswith(("endpoint", "api_base")):
            return self.key
        if cause == "dns":
            return f"{self.key}.host"
        return f"{self.key}.port" if cause == "connection-refused" else self.key


def run_doctor(
    project_path: Path,
    env_name: str,
    *,
    probe: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    environ: Mapping[str, str],
    on_start: OnStart | None = None,
    on_done: OnDone | None = None,
) -> DoctorResult:
    """Check environment ``env_name`` of the project; ``environ`` holds the secrets (master key, Azure keys)."""
    if not project_path.exists():
        raise DoctorUsageError(f"project file {project_path} not found (use -p/--project FILE)")
    loaded = load_project(project_path)
    if loaded.project is None:
        raise DoctorUsageError(f"{project_path} is not a valid project; run `configgen validate -p {project_path}`")
    view = loaded.envs.get(env_name)
    if view is None:
        from configgen.suggest import hint_for

        names = list(loaded.project.environments)
        raise DoctorUsageError(
            f"no environment `{env_name}` in {project_path}; "
            + hint_for(env_name, names, "environments: " + ", ".join(names))
        )
    if view.model is None:
        raise DoctorUsageError(f"environment {env_name} is not valid; run `configgen validate -p {project_path}`")
    env = view.model
    run = _Run(
        loaded.project, env_name, view, env, project_path.name, environ, timeout,
        on_start or (lambda _id, _target: None), on_done or (lambda _r: None), DoctorResult(env_name, env.app.mode),
    )  # fmt: skip
    if env.app.mode == "direct" or env.proxy is None:
        _direct_checks(run)
    else:
        _proxy_checks(run, probe)
    return run.result


# --- proxy mode -------------------------------------------------------------------------------------


def _targets(run: _Run) -> list[_Target]:
    env = run.env
    assert env.proxy is not None
    targets: list[_Target] = []
    if env.app.api_base or env.balancer is not None:
        key = run.key(("app", "api_base")) if env.app.api_base else run.key(("balancer",))
        kind = env.balancer.kind if env.balancer is not None else "balancer"
        targets.append(_Target("balancer", proxy_base_url(env), key, f"start the {kind} load balancer"))
    for i, inst in enumerate(env.proxy.instances):
        host = f"[{inst.host.strip('[]')}]" if ":" in inst.host else inst.host
        targets.append(
            _Target(
                f"litellm-{i + 1}",
                f"http://{host}:{inst.port}",
                run.key(("proxy", "instances", i)),
                f"start it with the rendered start script: `proxy/run.sh litellm-{i + 1}` (it runs "
                f"`litellm --config litellm.config.yaml --host {inst.host} --port {inst.port}`)",
            )
        )
    return targets


def _proxy_checks(run: _Run, probe: bool) -> None:
    env = run.env
    assert env.proxy is not None
    targets = _targets(run)
    up: list[_Target] = []
    for t in targets:
        if _health_checks(run, t):
            up.append(t)
    key_env, key = _proxy_key(run)
    if key is None:
        master = env.proxy.master_key_env
        missing = Outcome(
            "fail",
            f"neither {master} nor {env.app.api_key_env} is set in this shell, so the doctor cannot authenticate",
            "auth",
            f"export {master}=<the proxy's master key> (general_settings.master_key reads os.environ/{master}) "
            "and run the doctor again",
            run.key(("proxy", "master_key_env")),
        )
        run.check("auth.key", f"${master}", partial(_const, missing))
        return
    for t in targets:
        if t in up:
            run.check(f"{t.name}.models", t.url + "/v1/models", partial(_models, run, t, key_env, key))
        else:
            run.skip(f"{t.name}.models", t.url + "/v1/models", "not answering")
    if not probe:
        return
    entry = targets[0]
    for alias in env.aliases:
        url = entry.url + "/v1/chat/completions"
        if entry in up:
            run.check(f"probe.{alias}", url, partial(_probe, run, entry, alias, key_env, key))
        else:
            run.skip(f"probe.{alias}", url, f"{entry.name} is not answering")


def _proxy_key(run: _Run) -> tuple[str, str | None]:
    assert run.env.proxy is not None
    for name in (run.env.proxy.master_key_env, run.env.app.api_key_env):
        value = run.environ.get(name)
        if value:
            return name, value
    return run.env.proxy.master_key_env, None


def _health_checks(run: _Run, t: _Target) -> bool:
    """reachable, liveliness, readiness; True when the target answers HTTP at all."""
    parts = urlsplit(t.url)
    host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    reach = run.check(f"{t.name}.reachable", f"{host}:{port}", partial(_reachable, run, t, host, port))
    if reach.status != "ok":
        run.skip(f"{t.name}.liveliness", t.url + LIVENESS_PATH, "not reachable")
        run.skip(f"{t.name}.readiness", t.url + READINESS_PATH, "not reachable")
        return False
    live = run.check(f"{t.name}.liveliness", t.url + LIVENESS_PATH, partial(_health, run, t, LIVENESS_PATH))
    run.check(f"{t.name}.readiness", t.url + READINESS_PATH, partial(_health, run, t, READINESS_PATH))
    return live.status == "ok"


def _reachable(run: _Run, t: _Target, host: str, port: int) -> Outcome:
    reply = tcp_connect(host, port, run.timeout)
    if reply.status:
        return _ok(f"connected in {reply.elapsed * 1000:.0f} ms")
    fix = _connect_fix(reply.error, t, host, port, run.timeout)
    return Outcome("fail", reply.detail, reply.error, fix, t.key_for(reply.error))


def _connect_fix(cause: str, t: _Target, host: str, port: int, timeout: float) -> str:
    if cause == "connection-refused":
        return (
            f"nothing listens on {host}:{port}: {t.what} (check with `ss -ltnp | grep {port}` on that host), "
            f"or correct the port at {t.key_for(cause)}"
        )
    if cause == "dns":
        return (
            f"{host} does not resolve from here: fix the name at {t.key_for(cause)}, or the DNS record "
            "(for a private network, the private DNS zone this machine uses)"
        )
    if cause == "timeout":
        return (
            f"{host}:{port} did not answer within {timeout:g}s: a firewall or network security group drops "
            f"the traffic, or the address at {t.key} is wrong; check the route from this machine"
        )
    return f"cannot reach {host}:{port}; check the address at {t.key} and the network route"


def _health(run: _Run, t: _Target, path: str) -> Outcome:
    reply = request("GET", t.url + path, timeout=run.timeout)
    if reply.status == 0:
        return Outcome("fail", reply.detail, reply.error, _http_fail_fix(reply, t, run.timeout), t.key)
    if reply.status != 200:
        fix = (
            f"{t.name} answers HTTP {reply.status} on {path}: it is not a LiteLLM proxy, or the balancer reaches "
            "no proxy (502/503: see the proxies' checks and the upstream addresses in the balancer config)"
        )
        message = f"HTTP {reply.status}: {_first_line(reply.error_message())[:120] or '(empty body)'}"
        return Outcome("fail", message, f"http-{reply.status}", fix, t.key)
    data = reply.json()
    if path == READINESS_PATH and isinstance(data, dict) and data.get("status") not in (None, "healthy"):
        fix = f"read {t.name}'s log: a proxy that is alive but not ready failed to load its config or database"
        return Outcome("fail", f"readiness says {json.dumps(data)[:160]}", "not-ready", fix, t.key)
    return _ok("healthy" if isinstance(data, dict) and data.get("status") == "healthy" else "HTTP 200")


def _http_fail_fix(reply: Reply, t: _Target, timeout: float) -> str:
    if reply.error == "tls":
        return (
            f"TLS to {t.url} failed ({reply.detail}): the certificate must match the balancer host and be "
            f"trusted here; check balancer.tls.cert at {t.key}"
        )
    if reply.error == "timeout":
        return (
            f"{t.url} accepted the connection but sent no answer within {timeout:g}s: the process is stuck or "
            "overloaded (check its log and CPU), or raise --timeout"
        )
    return f"{t.url} closed the connection without an answer ({reply.detail}); read its log"


def _models(run: _Run, t: _Target, key_env: str, key: str) -> Outcome:
    assert run.env.proxy is not None
    reply = request("GET", t.url + "/v1/models", headers={"Authorization": f"Bearer {key}"}, timeout=run.timeout)
    if reply.status == 0:
        return Outcome("fail", reply.detail, reply.error, _http_fail_fix(reply, t, run.timeout), t.key)
    message = f"HTTP {reply.status}: {_first_line(reply.error_message())[:160]}"
    if _is_proxy_auth_error(reply):
        return Outcome("fail", message, "auth", _proxy_key_fix(run, key_env), run.key(("proxy", "master_key_env")))
    data = reply.json()
    if reply.status != 200 or not isinstance(data, dict) or not isinstance(data.get("data"), list):
        return Outcome("fail", message, f"http-{reply.status}", f"{t.name} did not list models; read its log", t.key)
    served = {str(m.get("id")) for m in data["data"] if isinstance(m, dict)}
    declared = set(run.env.aliases)
    missing, extra = sorted(declared - served), sorted(served - declared)
    if missing:
        fix = (
            f"{t.name} runs another litellm.config.yaml than the project's: run `configgen render {run.env_name}`, "
            "install the rendered litellm.config.yaml on every proxy host and restart the proxies "
            "(a deployment with a wrong value type is dropped silently at start: check the proxy log)"
        )
        seen = ", ".join(sorted(served)) or "none"
        return Outcome("fail", f"does not serve {', '.join(missing)} (serves: {seen})", "model-missing", fix,
                       run.key(("aliases",)))  # fmt: skip
    if extra:
        fix = f"the proxy serves models the project does not declare: `configgen render {run.env_name}` and redeploy"
        return Outcome("warn", f"also serves {', '.join(extra)}, which the project does not declare", "model-extra",
                       fix, run.key(("aliases",)))  # fmt: skip
    return _ok(f"serves {', '.join(sorted(served))}")


def _proxy_key_fix(run: _Run, key_env: str) -> str:
    assert run.env.proxy is not None
    master = run.env.proxy.master_key_env
    return (
        f"the key in ${key_env} is not this proxy's master key: set {key_env} to the value the proxy processes "
        f"have in {master} (general_settings.master_key reads os.environ/{master}), or use a virtual key it issued"
    )


def _is_proxy_auth_error(reply: Reply) -> bool:
    """The proxy rejected our key: 401/403 from the proxy itself, or 400 "No connected db." (a wrong key
    without a database; litellm/proxy/auth/user_api_key_auth.py, seen with 1.110.2)."""
    message = reply.error_message()
    if reply.status == 400 and "No connected db" in message:
        return True
    return reply.status in (401, 403) and "AzureException" not in message


def _probe(run: _Run, t: _Target, alias: str, key_env: str, key: str) -> Outcome:
    headers = {"Authorization": f"Bearer {key}"}
    body = {"model": alias, "messages": PROBE_MESSAGES}
    reply = request("POST", t.url + "/v1/chat/completions", headers=headers, body=body, timeout=run.timeout)
    refs = run.env.aliases[alias].deployments
    if reply.status == 200:
        data = reply.json()
        model = data.get("model") if isinstance(data, dict) else None
        return _ok(f"completion in {reply.elapsed * 1000:.0f} ms" + (f" (model {model})" if model else ""))
    if reply.status == 0 and reply.error == "timeout":
        fix = (
            f"Azure is slow or unreachable from the proxies for {_deps(refs)}: from a proxy host, "
            f"`curl -sS -m 10 {_endpoint_of(run, refs[0])}` must answer (a private endpoint needs the "
            "privatelink.openai.azure.com DNS zone linked to the proxies' network); a loaded model can take "
            f"longer: raise --timeout (the proxies give up after proxy.timeout, at {run.key(('proxy', 'timeout'))})"
        )
        return Outcome("fail", f"no completion within {run.timeout:g}s", "timeout", fix, _res_key(refs[0]))
    if reply.status == 0:
        return Outcome("fail", reply.detail, reply.error, _http_fail_fix(reply, t, run.timeout), t.key)
    if _is_proxy_auth_error(reply):
        message = f"HTTP {reply.status}: {_first_line(reply.error_message())}"
        return Outcome("fail", message, "auth", _proxy_key_fix(run, key_env), run.key(("proxy", "master_key_env")))
    return _azure_error(run, reply, refs, alias=alias)


def _azure_error(run: _Run, reply: Reply, refs: list[str], *, alias: str | None) -> Outcome:
    """Map an Azure error (direct, or passed through by the proxy when ``alias`` is given) to its cause
    and the project key to fix. Statuses and texts: FACTS.md "Azure OpenAI / Errors"."""
    message = reply.error_message()
    short = f"HTTP {reply.status}: {_first_line(message)}"
    deps = _deps(refs)
    res_name = split_ref(refs[0])[0]
    res = run.project.resources.get(res_name)
    where = "on the proxy hosts" if alias is not None else "in the app's environment"
    if reply.status in (401, 403):
        fix = (
            f"Azure rejected the credentials for {deps}: set {_credential_hint(res)} {where} to a key of resource "
            f"{res_name} (Azure portal > {res_name} > Keys and Endpoint; a 403 can also be the resource's network "
            f"rules blocking this network); the project names the variable at resources.{res_name}.auth"
        )
        return Outcome("fail", short, "azure-auth", fix, f"resources.{res_name}.auth")
    body = reply.body.decode(errors="replace")
    if reply.status == 404 and ("DeploymentNotFound" in body or "deployment for this resource does not exist" in body):
        names = ", ".join(split_ref(r)[1] for r in refs)
        fix = (
            f"Azure has no deployment {names} on resource {res_name}"
            + (f" (alias {alias} uses {deps})" if alias else "")
            + f": compare with `az cognitiveservices account deployment list -g <group> -n {res_name} -o table`, "
            f"correct resources.{res_name}.deployments and run `configgen render {run.env_name}`, "
            "or create the deployment"
        )
        return Outcome("fail", short, "deployment-not-found", fix, f"resources.{res_name}.deployments")
    if reply.status == 404:
        fix = (
            f"Azure answered 404 Resource not found: the api-version is unknown or the endpoint has a path; check "
            f"resources.{res_name}.api_version (a model version such as 2024-08-06 is not an api-version) and "
            f"that resources.{res_name}.endpoint is the resource root, without /openai"
        )
        return Outcome("fail", short, "not-found", fix, f"resources.{res_name}.api_version")
    if reply.status == 400 and "Invalid model name" in message:
        fix = (
            f"the proxy has no alias {alias!r}: run `configgen render {run.env_name}`, install the rendered "
            "litellm.config.yaml on every proxy and restart them"
        )
        return Outcome("fail", short, "model-not-served", fix, run.key(("aliases",)))
    if reply.status == 400 and "enabled only for api versions" in message:
        fix = f"the model needs a newer api-version: raise resources.{res_name}.api_version"
        return Outcome("fail", short, "api-version", fix, f"resources.{res_name}.api_version")
    if reply.status == 429:
        fix = (
            f"{deps} is rate limited (quota or capacity): wait for retry-after, or raise the capacity in Azure and "
            f"in resources.{res_name}.deployments; another deployment in the alias spreads the load"
        )
        return Outcome("warn", short, "rate-limited", fix, f"resources.{res_name}.deployments")
    if "APIConnectionError" in message or "Connection error" in message:
        fix = (
            f"the proxies cannot reach {_endpoint_of(run, refs[0])}: check DNS from a proxy host (a private "
            "endpoint needs the privatelink.openai.azure.com zone linked to the proxies' network), the firewall, "
            f"and resources.{res_name}.endpoint"
        )
        return Outcome("fail", short, "azure-unreachable", fix, f"resources.{res_name}.endpoint")
    if "Timeout" in message:
        fix = (
            "Azure did not answer the proxy in time: check the network from the proxies to Azure, or raise "
            f"proxy.timeout at {run.key(('proxy', 'timeout'))}"
        )
        return Outcome("fail", short, "timeout", fix, run.key(("proxy", "timeout")))
    fix = f"{deps} failed: read the proxy log (or the Azure resource's diagnostics) for this request"
    return Outcome("fail", short, f"http-{reply.status}", fix, f"resources.{res_name}")


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:200] if text.strip() else ""


def _deps(refs: list[str]) -> str:
    return ", ".join(refs)


def _res_key(ref: str) -> str:
    return f"resources.{split_ref(ref)[0]}.endpoint"


def _endpoint_of(run: _Run, ref: str) -> str:
    res = run.project.resources.get(split_ref(ref)[0])
    return res.endpoint.rstrip("/") if res is not None else "<endpoint>"


def _credential_hint(res: Resource | None) -> str:
    if res is None:
        return "the resource's key"
    if isinstance(res.auth, ApiKeyAuth):
        return res.auth.key_env
    if isinstance(res.auth, EntraAuth):
        return f"{res.auth.tenant_id_env}/{res.auth.client_id_env}/{res.auth.client_secret_env}"
    return f"the proxy host's {res.auth.type.replace('_', ' ')}"


# --- direct mode ------------------------------------------------------------------------------------


def _direct_checks(run: _Run) -> None:
    refs: list[str] = []
    for alias in run.env.aliases.values():
        refs.extend(r for r in alias.deployments if r not in refs)
    reachable: dict[str, bool] = {}
    for ref in refs:
        res_name, dep_name = split_ref(ref)
        res = run.project.resources[res_name]
        if res_name not in reachable:
            parts = urlsplit(res.endpoint)
            host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
            target = _Target(res_name, res.endpoint, f"resources.{res_name}.endpoint", "")
            check = partial(_azure_reachable, run, target, host, port)
            reachable[res_name] = run.check(f"azure.{res_name}.reachable", f"{host}:{port}", check).status == "ok"
        check_id = f"azure.{ref}"
        if not reachable[res_name]:
            run.skip(check_id, res.endpoint, f"resource {res_name} is not reachable")
            continue
        if not isinstance(res.auth, ApiKeyAuth):
            why = (
                f"{res.auth.type.replace('_', ' ')} auth: the doctor sends api-key requests only; check the identity with "
                "`az account get-access-token --resource https://cognitiveservices.azure.com`"
            )
            run.skip(check_id, res.endpoint, why)
            continue
        key_env = res.auth.key_env
        key = run.environ.get(key_env)
        if not key:
            unset = Outcome(
                "fail",
                f"{key_env} is not set in this shell",
                "auth",
                f"export {key_env}=<key of resource {res_name}> (the app reads it; the project names the variable "
                f"at resources.{res_name}.auth.key_env)",
                f"resources.{res_name}.auth.key_env",
            )
            run.check(check_id, res.endpoint, partial(_const, unset))
            continue
        run.check(check_id, _deployment_url(res, dep_name), partial(_azure_probe, run, res, dep_name, ref, key))


def _azure_reachable(run: _Run, t: _Target, host: str, port: int) -> Outcome:
    reply = tcp_connect(host, port, run.timeout)
    if reply.status:
        return _ok(f"connected in {reply.elapsed * 1000:.0f} ms")
    if reply.error == "dns":
        fix = (
            f"{host} does not resolve from here: check resources.{t.name}.endpoint; a resource behind a private "
            "endpoint resolves only inside its network (privatelink.openai.azure.com zone): run the app there, "
            "or go through the LiteLLM proxy (app.mode: proxy)"
        )
    elif reply.error == "timeout":
        fix = (
            f"{host}:{port} did not answer within {run.timeout:g}s: the resource's network rules or a private "
            f"endpoint block this network; check Networking on resource {t.name}, or use the proxy"
        )
    else:
        fix = f"cannot connect to {host}:{port} ({reply.detail}); check resources.{t.name}.endpoint"
    return Outcome("fail", reply.detail, reply.error, fix, t.key)


def _deployment_url(res: Resource, dep: str) -> str:
    """The dated data-plane route (FACTS.md): the deployment's own api_version wins over the resource's."""
    version = res.deployments[dep].api_version or res.api_version
    base = res.endpoint.rstrip("/")
    return f"{base}/openai/deployments/{quote(dep, safe='')}/chat/completions?api-version={quote(version)}"


def _azure_probe(run: _Run, res: Resource, dep: str, ref: str, key: str) -> Outcome:
    reply = request("POST", _deployment_url(res, dep), headers={"api-key": key}, body={"messages": PROBE_MESSAGES},
                    timeout=run.timeout)  # fmt: skip
    if reply.status == 200:
        return _ok(f"completion in {reply.elapsed * 1000:.0f} ms")
    res_name = split_ref(ref)[0]
    if reply.status == 0 and reply.error == "timeout":
        fix = (
            f"Azure accepted the connection but sent no completion within {run.timeout:g}s: the deployment is "
            "overloaded or the network is slow; try again with a larger --timeout"
        )
        return Outcome("fail", f"no completion within {run.timeout:g}s", "timeout", fix, f"resources.{res_name}")
    if reply.status == 0:
        fix = f"the connection to {res.endpoint} broke ({reply.detail}); check resources.{res_name}.endpoint"
        return Outcome("fail", reply.detail, reply.error, fix, f"resources.{res_name}.endpoint")
    return _azure_error(run, reply, [ref], alias=None)
