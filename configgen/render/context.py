"""The plain data templates render from, built once per environment (derivations: configgen.model.facts).

Templates only lay text out; what LiteLLM needs is decided here (../shared/FACTS.md):
`api_version` pinned (LiteLLM's default changes between releases), instances share cooldowns and rate
limits only through Redis in `router_settings`, secrets only as `os.environ/NAME` references.
"""

from __future__ import annotations

import re
from typing import Any

from configgen.model.facts import (
    IDENTITY_CREDENTIAL,
    LIVENESS_PATH,
    READINESS_PATH,
    auth_params,
    base_model,
    identity_env,
    identity_kind,
    model_id,
    proxy_base_url,
    rpm_tpm,
    split_ref,
)
from configgen.model.project import ApiKeyAuth, EntraAuth, Environment, Project
from configgen.render.together import shared


def build_context(project: Project, env_name: str, env: Environment) -> dict[str, Any]:
    models: list[dict[str, Any]] = []
    # Environments rendered together serve the same deployments: each is described once for all of them.
    together = shared("deployments")
    # per project (it outlives the render, so its id stays its own), then per `resource/deployment`
    described: dict[str, dict[str, Any]] = {} if together is None else together.setdefault(id(project), {})
    for alias_name, alias in env.aliases.items():
        for ref in alias.deployments:
            entry = described.get(ref)
            if entry is None:
                entry = described[ref] = _describe(project, ref)
            m = {"model_name": alias_name, **entry}  # the keys in the order templates see them
            m["auth"] = list(m["auth"])
            m["id"] = model_id(env_name, alias_name, ref)
            models.append(m)
    fallbacks = [{"alias": name, "to": list(a.fallbacks)} for name, a in env.aliases.items() if a.fallbacks]
    proxy = env.proxy
    ctx: dict[str, Any] = {
        "project": project.name,
        "env": env_name,
        "production": env.production,
        "models": models,
        "fallbacks": fallbacks,
        "proxy": None,
        "balancer": None,
        "app": _app_context(project, env_name, env),
        "health": {"liveness": LIVENESS_PATH, "readiness": READINESS_PATH},
        "observability": _observability(env_name, env),
        "identity": _identity(project, env),
    }
    if proxy is not None:
        ctx["proxy"] = {
            "master_key": f"os.environ/{proxy.master_key_env}",
            "master_key_env": proxy.master_key_env,
            "routing_strategy": proxy.routing_strategy,
            "num_retries": proxy.num_retries,
            "timeout": proxy.timeout,
            "allowed_fails": proxy.allowed_fails,
            "cooldown_time": proxy.cooldown_time,
            "num_workers": proxy.num_workers,
            "drop_params": proxy.drop_params,
            "instances": [
                {"name": f"litellm-{i + 1}", "host": inst.host, "port": inst.port}
                for i, inst in enumerate(proxy.instances)
            ],
            "redis": None
            if proxy.redis is None
            else {
                "host": proxy.redis.host,
                "port": proxy.redis.port,
                "password": f"os.environ/{proxy.redis.password_env}" if proxy.redis.password_env else None,
            },
        }
    if env.balancer is not None:
        b = env.balancer
        ctx["upstream"] = _ident(f"litellm_{project.name}_{env_name}")
        ctx["lb_name"] = f"lb-litellm-{project.name}-{env_name}"[:80]
        # An Azure LB rule maps one frontend port to one backend port: all instances share it.
        ctx["proxy_port"] = proxy.instances[0].port if proxy is not None else 4000
        ctx["balancer"] = {
            "kind": b.kind,
            "host": b.host,
            "port": b.port,
            "listen": b.listen,
            "tls": None if b.tls is None else {"cert": b.tls.cert, "key": b.tls.key},
            "max_body_size_mb": b.max_body_size_mb,
            "read_timeout": b.read_timeout,
            "connect_timeout": b.connect_timeout,
        }
    return ctx


def _describe(project: Project, ref: str) -> dict[str, Any]:
    """What a model entry says of the deployment `ref`, whatever environment or alias serves it (the
    entry's id, None here, names both)."""
    res_name, dep_name = split_ref(ref)
    res = project.resources[res_name]
    dep = res.deployments[dep_name]
    rpm, tpm = rpm_tpm(dep)
    return {
        "model": f"azure/{dep_name}",
        "api_base": res.endpoint.rstrip("/"),
        "api_version": dep.api_version or res.api_version,
        "auth": tuple(auth_params(res)),
        "rpm": rpm,
        "tpm": tpm,
        "id": None,
        "base_model": base_model(dep),
        "resource": res_name,
        "region": res.region,
    }


def _observability(env_name: str, env: Environment) -> dict[str, Any]:
    o = env.observability
    return {
        "prometheus": o.prometheus,
        "metrics_auth": o.metrics_auth,
        # /metrics answers 307 to /metrics/ (litellm/proxy/proxy_server.py mounts the app at /metrics/).
        "metrics_path": "/metrics/",
        "token_file": o.metrics_token_file.replace("{env}", env_name),
        "cli_flag": {"info": None, "debug": "--debug", "detailed_debug": "--detailed_debug"}[o.log_level],
        "json_logs": o.json_logs,
        "log_content": o.log_message_content,
    }


def _ident(text: str) -> str:
    """A name nginx/HAProxy accept as an upstream or section name."""
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


def _app_context(project: Project, env_name: str, env: Environment) -> dict[str, Any]:
    """Variables for server/.env (values) and the secrets it must get from elsewhere (names only)."""
    values: list[tuple[str, str]] = []
    secrets: list[tuple[str, str]] = []
    proxy_secrets: list[tuple[str, str]] = []
    alias = env.aliases.get(env.app.alias)
    if env.app.mode == "proxy":
        values.append(("LITELLM_API_BASE", proxy_base_url(env)))
        values.append(("LITELLM_MODEL", env.app.alias))
        secrets.append((env.app.api_key_env, "the app's key for the LiteLLM proxy (master key or a virtual key)"))
    elif alias is not None:
        res_name, dep_name = split_ref(alias.deployments[0])
        res = project.resources[res_name]
        dep = res.deployments[dep_name]
        values.append(("AZURE_OPENAI_ENDPOINT", res.endpoint.rstrip("/")))
        values.append(("AZURE_OPENAI_DEPLOYMENT", dep_name))
        values.append(("AZURE_OPENAI_API_VERSION", dep.api_version or res.api_version))
        if isinstance(res.auth, ApiKeyAuth):
            secrets.append((res.auth.key_env, f"API key of Azure OpenAI resource {res_name}"))
        elif isinstance(res.auth, EntraAuth):
            for var in (res.auth.tenant_id_env, res.auth.client_id_env, res.auth.client_secret_env):
                secrets.append((var, f"Entra ID service principal for resource {res_name}"))
        else:
            secrets.extend((var, f"{why} (resource {res_name})") for var, why in identity_env(res))
    values.extend(sorted(env.app.env.items()))
    if env.proxy is not None:
        proxy_secrets.append((env.proxy.master_key_env, "LiteLLM proxy master key (general_settings.master_key)"))
        seen: set[str] = set()
        for alias_obj in env.aliases.values():
            for ref in alias_obj.deployments:
                res_name, _ = split_ref(ref)
                if res_name in seen:
                    continue
                seen.add(res_name)
                res = project.resources[res_name]
                for key, ref_value in auth_params(res):
                    proxy_secrets.append((ref_value.removeprefix("os.environ/"), f"{key} for resource {res_name}"))
                proxy_secrets.extend((var, f"{why} (resource {res_name})") for var, why in identity_env(res))
        if env.proxy.redis is not None and env.proxy.redis.password_env:
            proxy_secrets.append((env.proxy.redis.password_env, "password of the Redis the proxies share"))
    return {
        "mode": env.app.mode,
        "values": values,
        "secrets": _dedupe(secrets),
        "proxy_secrets": _dedupe(proxy_secrets),
    }


def _identity(project: Project, env: Environment) -> dict[str, Any] | None:
    """The managed / workload identity the proxy authenticates with, if a resource it serves uses one.

    LiteLLM 1.110.2 has no per-deployment identity setting: `litellm_settings.enable_azure_ad_token_refresh`
    makes every Azure deployment without an api_key or service principal fetch tokens through one
    process-wide credential, picked by `AZURE_CREDENTIAL` (litellm/secret_managers/
    get_azure_ad_token_provider.py). The rules make sure an environment uses one kind only.
    """
    kinds = []
    for alias in env.aliases.values():
        for ref in alias.deployments:
            kind = identity_kind(project.resources[split_ref(ref)[0]])
            if kind is not None and kind not in kinds:
                kinds.append(kind)
    if not kinds:
        return None
    return {"kind": kinds[0], "credential": IDENTITY_CREDENTIAL[kinds[0]]}


def _dedupe(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: set[str] = set()
    out = []
    for name, why in pairs:
        if name not in seen:
            seen.add(name)
            out.append((name, why))
    return out
