"""Proxy mode: the balancer (or the app's ``api_base``) and each proxy instance, then one probe per deployment.

Per target, one after the other (each needs the one before): ``reachable`` (DNS and TCP connect),
``liveliness`` and ``readiness`` (``GET /health/liveliness`` and ``/health/readiness``: no key, no
call to Azure; litellm/proxy/health_endpoints/_health_endpoints.py; ``/health`` is never used, it calls
every deployment and answers 200 even when they fail, FACTS.md), and ``models`` (``GET /v1/models``
with the master key, compared with the project's aliases). Targets are checked at the same time.

With ``--probe``, ``probe.<alias>[<resource>/<deployment>]``: one tiny chat completion per deployment
of each alias through the app's URL, pinned to that deployment by sending its ``model_info.id`` as
``model``. LiteLLM 1.110.2 routes a request whose model is a deployment id to that deployment only.
Observed against the real proxy (tests/integration/test_doctor.py), not read: the router's selection
lives in its compiled core (litellm/router_rust); the answer carries ``x-litellm-model-group: <the
id>``, and a pinned request to a deployment Azure does not have gets Azure's 404 with no retry and no
fallback. The probe passes only when the answer says that
deployment answered: LiteLLM's response headers ``x-litellm-model-id`` (the deployment that answered)
and ``x-litellm-attempted-fallbacks`` (how many fallbacks were tried;
litellm/proxy/common_request_processing.py ``get_custom_headers``,
litellm_core_utils/add_retry_fallback_headers.py). A request to the alias itself is not enough: when
the alias's own deployment is missing LiteLLM answers 200 from the fallback alias (seen: the fake Azure
logged 404 for the alias's deployment, then 200 for the fallback's, ``x-litellm-attempted-fallbacks: 1``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

from configgen.model.facts import LIVENESS_PATH, READINESS_PATH, model_id, proxy_base_url, split_ref
from configgen.render.outputs import output_path, outputs_for
from configgen.tools.doctor.advice import (
    azure_error,
    connect_fix,
    endpoint_of,
    first_line,
    is_proxy_auth_error,
    proxy_key_fix,
    transport_fail,
)
from configgen.tools.doctor.context import Run, Target
from configgen.tools.doctor.http import request, tcp_connect
from configgen.tools.doctor.results import CheckResult, Outcome, ok

#: Transport failures of ``models`` after which a probe on the same target cannot succeed either.
_NO_ANSWER = frozenset({"timeout", "redirect", "too-large", "connection-closed", "bad-http", "tls", "unreachable"})

#: The prompt of a probe: tiny, and answerable by any chat model. No max_tokens: reasoning models
#: reject it on Azure (they take max_completion_tokens) and spend tokens thinking before they answer.
PROBE_MESSAGES = [{"role": "user", "content": "Reply with the single word OK."}]


@dataclass(frozen=True)
class _Chain:
    """How a target's checks ended: ``up`` when it answered HTTP; ``blocked`` says why nothing that
    needs the master key can succeed after ``models`` (the key was refused, or no usable answer)."""

    up: bool
    blocked: str = ""


def _rendered(run: Run, kind: str) -> str:
    """Where `configgen render` writes output ``kind`` for this environment, relative to the working directory."""
    for out in outputs_for(run.env):
        if out.kind == kind:
            return run.relpath(output_path(run.env_name, run.env, out, None, run.project_path.parent))
    return kind


def targets(run: Run) -> list[Target]:
    env = run.env
    assert env.proxy is not None
    found: list[Target] = []
    if env.app.api_base or env.balancer is not None:
        key = run.key(("app", "api_base")) if env.app.api_base else run.key(("balancer",))
        kind = env.balancer.kind if env.balancer is not None else "balancer"
        found.append(Target("balancer", proxy_base_url(env), key, f"start the {kind} load balancer"))
    script, config = _rendered(run, "start_script"), _rendered(run, "litellm_config")
    for i, inst in enumerate(env.proxy.instances):
        host = f"[{inst.host.strip('[]')}]" if ":" in inst.host else inst.host
        what = (
            f"start it with the rendered start script: `{script} litellm-{i + 1}` (it runs "
            f"`litellm --config {config} --host {inst.host} --port {inst.port}`)"
        )
        found.append(Target(f"litellm-{i + 1}", f"http://{host}:{inst.port}", run.key(("proxy", "instances", i)), what))
    return found


def proxy_key(run: Run) -> tuple[str, str | None]:
    assert run.env.proxy is not None
    for name in (run.env.proxy.master_key_env, run.env.app.api_key_env):
        value = run.environ.get(name)
        if value:
            return name, value
    return run.env.proxy.master_key_env, None


def proxy_checks(run: Run, probe: bool, pool: Executor) -> None:
    env = run.env
    assert env.proxy is not None
    found = targets(run)
    key_env, key = proxy_key(run)
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
        run.check((1, -1), "auth.key", f"${master}", lambda: missing)
    chains = [pool.submit(_chain, run, i, t, key_env, key) for i, t in enumerate(found)]
    entry = chains[0].result()
    if probe:
        probes = _submit_probes(run, pool, found[0], entry, key_env, key)
        for probe_future in probes:
            probe_future.result()
    for chain in chains:
        chain.result()


def _chain(run: Run, i: int, t: Target, key_env: str, key: str | None) -> _Chain:
    """reachable, liveliness, readiness, models of one target; each skipped when the one before failed."""
    models_url = t.url + "/v1/models"
    host, port = _host_port(t.url)
    reach = run.check((0, i, 0), f"{t.name}.reachable", f"{host}:{port}", partial(_reachable, run, t, host, port))
    if reach.status != "ok":
        why = f"not reachable ({reach.cause})"
        run.skip((0, i, 1), f"{t.name}.liveliness", t.url + LIVENESS_PATH, why)
        run.skip((0, i, 2), f"{t.name}.readiness", t.url + READINESS_PATH, why)
        run.skip((1, i), f"{t.name}.models", models_url, why)
        return _Chain(False)
    live = run.check((0, i, 1), f"{t.name}.liveliness", t.url + LIVENESS_PATH, partial(_health, run, t, LIVENESS_PATH))
    if live.status != "ok":
        why = f"liveliness failed ({live.cause})"
        run.skip((0, i, 2), f"{t.name}.readiness", t.url + READINESS_PATH, why)
        run.skip((1, i), f"{t.name}.models", models_url, why)
        return _Chain(False)
    run.check((0, i, 2), f"{t.name}.readiness", t.url + READINESS_PATH, partial(_health, run, t, READINESS_PATH))
    if key is None:
        run.skip((1, i), f"{t.name}.models", models_url, "no master key to list models with (see auth.key)")
        return _Chain(True, "no master key (see auth.key)")
    models = run.check((1, i), f"{t.name}.models", models_url, partial(_models, run, t, key_env, key))
    if models.cause == "auth":
        return _Chain(True, f"{t.name} refused the master key (see {t.name}.models)")
    if models.cause in _NO_ANSWER:
        return _Chain(True, f"{t.name}.models got no usable answer ({models.cause})")
    return _Chain(True)


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)


def _submit_probes(
    run: Run, pool: Executor, entry: Target, chain: _Chain, key_env: str, key: str | None
) -> list[Future[CheckResult]]:
    futures: list[Future[CheckResult]] = []
    url = entry.url + "/v1/chat/completions"
    why = chain.blocked if chain.up else f"{entry.name} is not answering"
    for a, (alias, spec) in enumerate(run.env.aliases.items()):
        for d, ref in enumerate(spec.deployments):
            check_id = f"probe.{alias}[{ref}]"
            if why or key is None:
                run.skip((2, a, d), check_id, url, why)
                continue
            fn = partial(_probe, run, entry, alias, ref, key_env, key)
            futures.append(pool.submit(run.check, (2, a, d), check_id, url, fn))
    return futures


def _reachable(run: Run, t: Target, host: str, port: int) -> Outcome:
    timeout = run.timeout()
    reply = tcp_connect(host, port, timeout)
    if reply.status:
        return ok(f"connected in {reply.elapsed * 1000:.0f} ms")
    fix = connect_fix(reply.error, t, host, port, timeout)
    return Outcome("fail", reply.detail, reply.error, fix, t.key_for(reply.error))


def _health(run: Run, t: Target, path: str) -> Outcome:
    timeout = run.timeout()
    reply = request("GET", t.url + path, timeout=timeout)
    if reply.error:
        return transport_fail(reply, t, timeout)
    if reply.status != 200:
        fix = (
            f"{t.name} answers HTTP {reply.status} on {path}: it is not a LiteLLM proxy, or the balancer reaches "
            "no proxy (502/503: see the proxies' checks and the upstream addresses in the balancer config)"
        )
        message = f"HTTP {reply.status}: {first_line(reply.error_message())[:120] or '(empty body)'}"
        return Outcome("fail", message, f"http-{reply.status}", fix, t.key)
    data = reply.json()
    if path == READINESS_PATH and isinstance(data, dict) and data.get("status") not in (None, "healthy"):
        fix = f"read {t.name}'s log: a proxy that is alive but not ready failed to load its config or database"
        return Outcome("fail", f"readiness says {json.dumps(data)[:160]}", "not-ready", fix, t.key)
    return ok("healthy" if isinstance(data, dict) and data.get("status") == "healthy" else "HTTP 200")


def _models(run: Run, t: Target, key_env: str, key: str) -> Outcome:
    timeout = run.timeout()
    reply = request("GET", t.url + "/v1/models", headers={"Authorization": f"Bearer {key}"}, timeout=timeout)
    if reply.error:
        return transport_fail(reply, t, timeout)
    message = f"HTTP {reply.status}: {first_line(reply.error_message())[:160]}"
    if is_proxy_auth_error(reply):
        return Outcome("fail", message, "auth", proxy_key_fix(run, key_env), run.key(("proxy", "master_key_env")))
    data = reply.json()
    if reply.status != 200 or not isinstance(data, dict) or not isinstance(data.get("data"), list):
        return Outcome("fail", message, f"http-{reply.status}", f"{t.name} did not list models; read its log", t.key)
    served = {str(m.get("id")) for m in data["data"] if isinstance(m, dict)}
    declared = set(run.env.aliases)
    missing, extra = sorted(declared - served), sorted(served - declared)
    config = _rendered(run, "litellm_config")
    if missing:
        fix = (
            f"{t.name} runs another litellm.config.yaml than the project's: run `configgen render {run.env_name}`, "
            f"install the rendered {config} on every proxy host and restart the proxies "
            "(a deployment with a wrong value type is dropped silently at start: check the proxy log)"
        )
        seen = ", ".join(sorted(served)) or "none"
        return Outcome("fail", f"does not serve {', '.join(missing)} (serves: {seen})", "model-missing", fix,
                       run.key(("aliases",)))  # fmt: skip
    if extra:
        fix = f"the proxy serves models the project does not declare: `configgen render {run.env_name}` and redeploy"
        return Outcome("warn", f"also serves {', '.join(extra)}, which the project does not declare", "model-extra",
                       fix, run.key(("aliases",)))  # fmt: skip
    return ok(f"serves {', '.join(sorted(served))}")


def _probe(run: Run, t: Target, alias: str, ref: str, key_env: str, key: str) -> Outcome:
    timeout = run.timeout()
    pinned = model_id(run.env_name, alias, ref)
    headers = {"Authorization": f"Bearer {key}"}
    body = {"model": pinned, "messages": PROBE_MESSAGES}
    reply = request("POST", t.url + "/v1/chat/completions", headers=headers, body=body, timeout=timeout)
    res_name = split_ref(ref)[0]
    if reply.error == "timeout":
        fix = (
            f"Azure is slow or unreachable from the proxies for {ref}: from a proxy host, "
            f"`curl -sS -m 10 {endpoint_of(run, ref)}` must answer (a private endpoint needs the "
            "privatelink.openai.azure.com DNS zone linked to the proxies' network); a loaded model can take "
            f"longer: raise --timeout (the proxies give up after proxy.timeout, at {run.key(('proxy', 'timeout'))})"
        )
        return Outcome("fail", f"no completion within {timeout:g}s", "timeout", fix, f"resources.{res_name}.endpoint")
    if reply.error:
        return transport_fail(reply, t, timeout)
    if reply.status == 200:
        return _answered_by(run, reply.headers, alias, ref, pinned, reply.elapsed)
    if is_proxy_auth_error(reply):
        message = f"HTTP {reply.status}: {first_line(reply.error_message())}"
        return Outcome("fail", message, "auth", proxy_key_fix(run, key_env), run.key(("proxy", "master_key_env")))
    if reply.status == 400 and "Invalid model name" in reply.error_message():
        fix = (
            f"the proxy has no deployment with id {pinned} (model_info.id of {ref} in alias {alias}): it runs a "
            f"litellm.config.yaml rendered for another environment, or an old one; run `configgen render "
            f"{run.env_name}`, install {_rendered(run, 'litellm_config')} on every proxy host and restart them"
        )
        message = f"HTTP 400: the proxy does not know deployment id {pinned}"
        return Outcome("fail", message, "model-not-served", fix, run.key(("aliases", alias)))
    return azure_error(run, reply, [ref], alias=alias)


def _answered_by(run: Run, headers: Mapping[str, str], alias: str, ref: str, pinned: str, elapsed: float) -> Outcome:
    """A 200 counts only when ``ref`` itself answered: no fallback, and the answering deployment's id is its id."""
    answered = str(headers.get("x-litellm-model-id", ""))
    fallbacks = str(headers.get("x-litellm-attempted-fallbacks", "0") or "0")
    if fallbacks.strip() != "0" or (answered and answered != pinned):
        res_name = split_ref(ref)[0]
        other = answered or "another deployment"
        fix = (
            f"{ref} (alias {alias}) did not answer: LiteLLM fell back to {other} after {fallbacks} fallback(s); "
            f"read the proxy log for why {ref} failed, and check resources.{res_name}.deployments"
        )
        message = f"answered by {other}, not by {ref} (x-litellm-attempted-fallbacks: {fallbacks})"
        return Outcome("fail", message, "fallback", fix, f"resources.{res_name}.deployments")
    return ok(f"completion from {ref} in {elapsed * 1000:.0f} ms")

