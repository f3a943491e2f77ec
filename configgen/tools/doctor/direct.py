"""Direct mode (the app calls Azure itself): each resource is reachable, each deployment answers.

``azure.<resource>.reachable`` is DNS and a TCP connect to the endpoint; each deployment the
environment's aliases use then gets one tiny completion on the dated data-plane route
``{endpoint}/openai/deployments/{deployment}/chat/completions?api-version=V`` with the ``api-key``
header: Azure's data plane has no cheaper call that proves key, deployment and api-version together
(FACTS.md "Azure OpenAI"). Resources are checked at the same time, then all deployments at the same time.
"""

from __future__ import annotations

from concurrent.futures import Executor, Future
from functools import partial
from urllib.parse import quote, urlsplit

from configgen.model.facts import split_ref
from configgen.model.project import ApiKeyAuth, Resource
from configgen.tools.doctor.advice import azure_error
from configgen.tools.doctor.context import Run, Target
from configgen.tools.doctor.http import request, tcp_connect
from configgen.tools.doctor.proxy import PROBE_MESSAGES
from configgen.tools.doctor.results import CheckResult, Outcome, ok


def direct_checks(run: Run, pool: Executor) -> None:
    refs: list[str] = []
    for alias in run.env.aliases.values():
        refs.extend(r for r in alias.deployments if r not in refs)
    names = list(dict.fromkeys(split_ref(r)[0] for r in refs))
    reach: dict[str, Future[CheckResult]] = {}
    for i, res_name in enumerate(names):
        res = run.project.resources[res_name]
        parts = urlsplit(res.endpoint)
        host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
        target = Target(res_name, res.endpoint, f"resources.{res_name}.endpoint", "")
        fn = partial(_azure_reachable, run, target, host, port)
        reach[res_name] = pool.submit(run.check, (i, -1), f"azure.{res_name}.reachable", f"{host}:{port}", fn)
    probes: list[Future[CheckResult]] = []
    for ref in refs:
        res_name, dep_name = split_ref(ref)
        res = run.project.resources[res_name]
        order = (names.index(res_name), refs.index(ref))
        check_id = f"azure.{ref}"
        reached = reach[res_name].result()
        if reached.status != "ok":
            run.skip(order, check_id, res.endpoint, f"resource {res_name} is not reachable ({reached.cause})")
            continue
        if not isinstance(res.auth, ApiKeyAuth):
            why = (
                f"{res.auth.type.replace('_', ' ')} auth: the doctor sends api-key requests only; check the identity with "
                "`az account get-access-token --resource https://cognitiveservices.azure.com`"
            )
            run.skip(order, check_id, res.endpoint, why)
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
            run.check(order, check_id, res.endpoint, partial(_const, unset))
            continue
        fn = partial(_azure_probe, run, res, dep_name, ref, key)
        probes.append(pool.submit(run.check, order, check_id, deployment_url(res, dep_name), fn))
    for fut in probes:
        fut.result()


def _const(outcome: Outcome) -> Outcome:
    return outcome


def _azure_reachable(run: Run, t: Target, host: str, port: int) -> Outcome:
    timeout = run.timeout()
    reply = tcp_connect(host, port, timeout)
    if reply.status:
        return ok(f"connected in {reply.elapsed * 1000:.0f} ms")
    if reply.error == "dns":
        fix = (
            f"{host} does not resolve from here: check resources.{t.name}.endpoint; a resource behind a private "
            "endpoint resolves only inside its network (privatelink.openai.azure.com zone): run the app there, "
            "or go through the LiteLLM proxy (app.mode: proxy)"
        )
    elif reply.error == "timeout":
        fix = (
            f"{host}:{port} did not answer within {timeout:g}s: the resource's network rules or a private "
            f"endpoint block this network; check Networking on resource {t.name}, or use the proxy"
        )
    else:
        fix = f"cannot connect to {host}:{port} ({reply.detail}); check resources.{t.name}.endpoint"
    return Outcome("fail", reply.detail, reply.error, fix, t.key)


def deployment_url(res: Resource, dep: str) -> str:
    """The dated data-plane route (FACTS.md): the deployment's own api_version wins over the resource's."""
    version = res.deployments[dep].api_version or res.api_version
    base = res.endpoint.rstrip("/")
    return f"{base}/openai/deployments/{quote(dep, safe='')}/chat/completions?api-version={quote(version)}"


def _azure_probe(run: Run, res: Resource, dep: str, ref: str, key: str) -> Outcome:
    timeout = run.timeout()
    reply = request("POST", deployment_url(res, dep), headers={"api-key": key}, body={"messages": PROBE_MESSAGES},
                    timeout=timeout)  # fmt: skip
    res_name = split_ref(ref)[0]
    if reply.error == "timeout":
        fix = (
            f"Azure accepted the connection but sent no completion within {timeout:g}s: the deployment is "
            "overloaded or the network is slow; try again with a larger --timeout"
        )
        return Outcome("fail", f"no completion within {timeout:g}s", "timeout", fix, f"resources.{res_name}")
    if reply.error == "redirect":
        fix = (
            f"{res.endpoint} redirects instead of answering: resources.{res_name}.endpoint must be the resource "
            "root (https://<resource>.openai.azure.com); the doctor follows no redirect and sent the key nowhere else"
        )
        return Outcome("fail", reply.detail, "redirect", fix, f"resources.{res_name}.endpoint")
    if reply.error:
        fix = f"the exchange with {res.endpoint} failed ({reply.detail}); check resources.{res_name}.endpoint"
        return Outcome("fail", reply.detail, reply.error, fix, f"resources.{res_name}.endpoint")
    if reply.status == 200:
        return ok(f"completion in {reply.elapsed * 1000:.0f} ms")
    return azure_error(run, reply, [ref], alias=None)
