"""Cause to advice: what an answer (or its absence) means, and the project key to change.

Statuses and texts are LiteLLM 1.110.2's and Azure's (FACTS.md "Azure OpenAI / Errors", seen against
tests/support/fake_azure.py): Azure's 401 "Access denied ...", 404 "DeploymentNotFound" (text "The API
deployment for this resource does not exist"), 404 "Resource not found" for an unknown api-version,
400 "enabled only for api versions", 429; through the proxy they keep their status, an unreachable
Azure becomes 500 "APIConnectionError", and a wrong proxy key without a database is 400 "No connected
db." (litellm/proxy/auth/user_api_key_auth.py).
"""

from __future__ import annotations

from configgen.model.facts import split_ref
from configgen.model.project import ApiKeyAuth, EntraAuth, Resource
from configgen.tools.doctor.context import Run, Target
from configgen.tools.doctor.http import Reply
from configgen.tools.doctor.results import Outcome


def first_line(text: str) -> str:
    return text.strip().splitlines()[0][:200] if text.strip() else ""


def endpoint_of(run: Run, ref: str) -> str:
    res = run.project.resources.get(split_ref(ref)[0])
    return res.endpoint.rstrip("/") if res is not None else "<endpoint>"


def credential_hint(res: Resource | None) -> str:
    if res is None:
        return "the resource's key"
    if isinstance(res.auth, ApiKeyAuth):
        return res.auth.key_env
    if isinstance(res.auth, EntraAuth):
        return f"{res.auth.tenant_id_env}/{res.auth.client_id_env}/{res.auth.client_secret_env}"
    return f"the proxy host's {res.auth.type.replace('_', ' ')}"


def connect_fix(cause: str, t: Target, host: str, port: int, timeout: float) -> str:
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


def transport_fail(reply: Reply, t: Target, timeout: float) -> Outcome:
    """An exchange with ``t`` that produced no usable HTTP answer (``reply.error`` is set)."""
    if reply.error == "redirect":
        fix = (
            f"{t.url} is not the proxy itself but redirects elsewhere: point {t.key} at the address that serves "
            "LiteLLM (the doctor follows no redirect and sent nothing to the other address; an app client "
            "would send its key there)"
        )
        return Outcome("fail", reply.detail, "redirect", fix, t.key)
    if reply.error == "too-large":
        fix = f"{t.url} sent far more than a LiteLLM proxy answers here: check that {t.key} names the proxy"
        return Outcome("fail", reply.detail, "too-large", fix, t.key)
    if reply.error == "tls":
        fix = (
            f"TLS to {t.url} failed ({reply.detail}): the certificate must match the balancer host and be "
            f"trusted here; check balancer.tls.cert at {t.key}"
        )
    elif reply.error == "timeout":
        fix = (
            f"{t.url} accepted the connection but sent no complete answer within {timeout:g}s: the process is "
            "stuck or overloaded (check its log and CPU), or raise --timeout"
        )
    elif reply.error == "bad-http":
        fix = f"{t.url} does not speak HTTP as a LiteLLM proxy does ({reply.detail}); check that {t.key} names the proxy"
    else:
        fix = f"{t.url} closed the connection without an answer ({reply.detail}); read its log"
    return Outcome("fail", reply.detail, reply.error, fix, t.key)


def proxy_key_fix(run: Run, key_env: str) -> str:
    assert run.env.proxy is not None
    master = run.env.proxy.master_key_env
    return (
        f"the key in ${key_env} is not this proxy's master key: set {key_env} to the value the proxy processes "
        f"have in {master} (general_settings.master_key reads os.environ/{master}), or use a virtual key it issued"
    )


def is_proxy_auth_error(reply: Reply) -> bool:
    """The proxy rejected our key: 401/403 from the proxy itself, or 400 "No connected db." (a wrong key
    without a database; litellm/proxy/auth/user_api_key_auth.py, seen with 1.110.2)."""
    message = reply.error_message()
    if reply.status == 400 and "No connected db" in message:
        return True
    return reply.status in (401, 403) and "AzureException" not in message


def azure_error(run: Run, reply: Reply, refs: list[str], *, alias: str | None) -> Outcome:
    """Map an Azure error (direct, or passed through by the proxy when ``alias`` is given) to its cause
    and the project key to fix."""
    message = reply.error_message()
    short = f"HTTP {reply.status}: {first_line(message)}"
    deps = ", ".join(refs)
    res_name = split_ref(refs[0])[0]
    res = run.project.resources.get(res_name)
    where = "on the proxy hosts" if alias is not None else "in the app's environment"
    if reply.status in (401, 403):
        fix = (
            f"Azure rejected the credentials for {deps}: set {credential_hint(res)} {where} to a key of resource "
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
            f"the proxy does not serve {alias!r} as the rendered config names it: run `configgen render "
            f"{run.env_name}`, install the rendered litellm.config.yaml on every proxy and restart them"
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
            f"the proxies cannot reach {endpoint_of(run, refs[0])}: check DNS from a proxy host (a private "
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
