"""Project rules: the proxy instances, the balancer, Redis and the app's address agree."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from configgen.findings import Finding, Severity
from configgen.rules.registry import rule
from configgen.rules.targets import ProjectTarget


@rule("project-proxy-missing", Severity.ERROR, "the app uses the proxy but the environment has none", "project")
def proxy_missing(t: ProjectTarget) -> Iterator[Finding]:
    """`app.mode: proxy` needs a `proxy:` section with at least one instance; without it there is
    nothing to render a LiteLLM config for and nothing for LITELLM_API_BASE to point at."""
    for env in t.envs.values():
        if env.model.app.mode == "proxy" and env.model.proxy is None:
            yield t.env_finding(env, "project-proxy-missing", Severity.ERROR, ("app", "mode"),
                                f"environment {env.name} uses `mode: proxy` but defines no `proxy:`",
                                "add `proxy: {instances: [{host: ..., port: 4000}]}` or use `mode: direct`")


@rule("project-direct-in-production", Severity.INFO, "a production environment connects directly to Azure", "project")
def direct_in_production(t: ProjectTarget) -> Iterator[Finding]:
    """Direct connection is for development: no fallbacks, no shared rate limits, the Azure key in the
    app's environment. It works, and nothing in LiteLLM or Azure fails because of it, so this is
    advice (info): ChatSheetAI's guide recommends the LiteLLM proxy for production."""
    for env in t.envs.values():
        if env.model.production and env.model.app.mode == "direct":
            yield t.env_finding(env, "project-direct-in-production", Severity.INFO, ("app", "mode"),
                                f"production environment {env.name} connects directly to Azure OpenAI",
                                "use `mode: proxy` with a LiteLLM proxy in production")


@rule("project-direct-private-endpoint", Severity.WARNING, "direct mode to a resource behind a private endpoint", "project")
def direct_private_endpoint(t: ProjectTarget) -> Iterator[Finding]:
    """A resource reached through a private endpoint resolves to a private address only inside its
    VNet (DNS zone privatelink.openai.azure.com). An app outside it times out or gets a DNS error;
    run the LiteLLM proxy in the VNet and point the app at it."""
    for env in t.envs.values():
        m = env.model
        if m.app.mode != "direct" or m.app.alias not in m.aliases:
            continue
        ref = m.aliases[m.app.alias].deployments[0]
        res_name = ref.partition("/")[0]
        res = t.project.resources.get(res_name)
        if res is not None and res.private_endpoint:
            yield t.env_finding(env, "project-direct-private-endpoint", Severity.WARNING, ("app", "mode"),
                                f"environment {env.name} connects directly to {res_name}, which is behind a private endpoint",
                                "the app must run inside the VNet, or use `mode: proxy` with a proxy that does")


@rule("project-redis-missing", Severity.WARNING, "several proxy instances without shared Redis", "project")
def redis_missing(t: ProjectTarget) -> Iterator[Finding]:
    """Several LiteLLM instances share cooldowns, rate-limit counters and usage-based routing only
    through Redis (`router_settings.redis_host`/`redis_port`/`redis_password`); without it each
    instance learns alone, so a failing deployment keeps being retried by the others and rpm/tpm
    limits are exceeded N times over (../shared/FACTS.md)."""
    for env in t.envs.values():
        p = env.model.proxy
        if p is not None and len(p.instances) > 1 and p.redis is None:
            yield t.env_finding(env, "project-redis-missing", Severity.WARNING, ("proxy", "instances"),
                                f"environment {env.name} has {len(p.instances)} proxy instances but no `proxy.redis`",
                                "add `proxy.redis: {host: ..., port: 6379, password_env: REDIS_PASSWORD}`")


@rule("project-balancer-missing", Severity.WARNING, "several proxy instances but no load balancer", "project")
def balancer_missing(t: ProjectTarget) -> Iterator[Finding]:
    """With several instances and no `balancer:`, the app's LITELLM_API_BASE can name only one of
    them: the others take no traffic and there is no failover."""
    for env in t.envs.values():
        m = env.model
        if m.proxy is not None and len(m.proxy.instances) > 1 and m.balancer is None and m.app.mode == "proxy":
            yield t.env_finding(env, "project-balancer-missing", Severity.WARNING, ("proxy", "instances"),
                                f"environment {env.name} has {len(m.proxy.instances)} proxy instances but no balancer",
                                "add `balancer: {kind: nginx|haproxy|azure, host: ..., port: ...}`")


@rule("project-balancer-without-proxy", Severity.ERROR, "a load balancer with no proxy behind it", "project")
def balancer_without_proxy(t: ProjectTarget) -> Iterator[Finding]:
    """A `balancer:` needs proxy instances to balance over. Without any, the rendered nginx upstream or
    HAProxy backend has no server: nginx refuses to start (`no servers are inside upstream`) and
    HAProxy answers 503 (error). With proxies but `app.mode: direct` the balancer is rendered and
    never used: nothing fails, the app just bypasses it (warning: the topology is not what runs)."""
    for env in t.envs.values():
        m = env.model
        if m.balancer is not None and (m.proxy is None or m.app.mode == "direct"):
            yield t.env_finding(env, "project-balancer-without-proxy",
                                Severity.ERROR if m.proxy is None else Severity.WARNING, ("balancer",),
                                f"environment {env.name} has a balancer but "
                                + ("no proxy" if m.proxy is None else "the app connects directly"),
                                "remove `balancer:` or add proxy instances and `mode: proxy`", key=True)


@rule("project-address-conflict", Severity.ERROR, "two listeners on the same host and port", "project")
def address_conflict(t: ProjectTarget) -> Iterator[Finding]:
    """Two proxy instances, or an instance and the balancer, on the same host:port cannot both
    listen (the second LiteLLM silently picks a random port when its port is busy: FACTS.md)."""
    for env in t.envs.values():
        m = env.model
        if m.proxy is None:
            continue
        seen: dict[tuple[str, int], int] = {}
        for i, inst in enumerate(m.proxy.instances):
            key = (inst.host, inst.port)
            if key in seen:
                yield t.env_finding(env, "project-address-conflict", Severity.ERROR, ("proxy", "instances", i),
                                    f"proxy instances {seen[key] + 1} and {i + 1} both use {inst.host}:{inst.port}",
                                    "give each instance its own host or port")
            seen.setdefault(key, i)
        b = m.balancer
        if b is not None:
            for host in {b.host, b.listen}:
                if (host, b.port) in seen:
                    yield t.env_finding(env, "project-address-conflict", Severity.ERROR, ("balancer", "port"),
                                        f"the balancer and proxy instance {seen[(host, b.port)] + 1} both use {host}:{b.port}",
                                        "move the balancer or the instance to another port")


@rule("project-api-base-mismatch", Severity.ERROR, "app.api_base does not point at the balancer or a proxy", "project")
def api_base_mismatch(t: ProjectTarget) -> Iterator[Finding]:
    """An explicit `app.api_base` (LITELLM_API_BASE) must reach the proxy: the balancer's host and
    port when there is a balancer, else a proxy instance's. A wrong port is the classic mistake
    (the seed's `http://localhost:8000`, while LiteLLM listens on 4000 by default, FACTS.md): the
    app's requests are refused or reach something else."""
    for env in t.envs.values():
        m = env.model
        if m.app.api_base is None or m.app.mode != "proxy" or m.proxy is None:
            continue
        parts = urlsplit(m.app.api_base)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            yield t.env_finding(env, "project-api-base-mismatch", Severity.ERROR, ("app", "api_base"),
                                f"`{m.app.api_base}` is not an http(s) URL", "e.g. http://10.0.0.10:4000")
            continue
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            yield t.env_finding(env, "project-api-base-mismatch", Severity.ERROR, ("app", "api_base"),
                                f"`{m.app.api_base}` has an invalid port", "")
            continue
        host = parts.hostname
        if parts.path not in ("", "/"):
            yield t.env_finding(env, "project-api-base-mismatch", Severity.ERROR, ("app", "api_base"),
                                f"LITELLM_API_BASE `{m.app.api_base}` has a path", "give the proxy's root URL only")
            continue
        if m.balancer is not None:
            b = m.balancer
            want_scheme = "https" if b.tls else "http"
            if (host, port) != (b.host, b.port) or parts.scheme != want_scheme:
                yield t.env_finding(env, "project-api-base-mismatch", Severity.ERROR, ("app", "api_base"),
                                    f"LITELLM_API_BASE `{m.app.api_base}` does not point at the balancer "
                                    f"{want_scheme}://{b.host}:{b.port}",
                                    "remove `app.api_base` (configgen derives it) or fix host, port and scheme")
        elif (host, port) not in {(i.host, i.port) for i in m.proxy.instances}:
            first = m.proxy.instances[0]
            yield t.env_finding(env, "project-api-base-mismatch", Severity.ERROR, ("app", "api_base"),
                                f"LITELLM_API_BASE `{m.app.api_base}` does not point at any proxy instance",
                                f"e.g. http://{first.host}:{first.port}, or remove `app.api_base`")
