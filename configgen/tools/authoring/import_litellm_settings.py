"""The settings half of `import litellm`: credentials, router and proxy settings, and the app's `.env`."""

from __future__ import annotations

import re
import typing
from typing import Any, Protocol
from urllib.parse import urlsplit

from configgen.findings import DataPath, Finding, Severity
from configgen.model.project import RoutingStrategy
from configgen.tools.authoring.importing import UNMAPPED, Pending, key_env_name

_ROUTING = typing.get_args(RoutingStrategy)

#: LiteLLM keys the project maps, per section; anything else is reported as not imported.
LP_MAPPED = {"model", "api_base", "api_version", "api_key", "rpm", "tpm", "tenant_id", "client_id", "client_secret"}
_ROUTER_MAPPED = {
    "routing_strategy",
    "num_retries",
    "timeout",
    "allowed_fails",
    "cooldown_time",
    "redis_host",
    "redis_port",
    "redis_password",
    "fallbacks",
}
_LITELLM_SETTINGS_MAPPED = {"drop_params", "num_retries", "request_timeout", "enable_azure_ad_token_refresh"}
_GENERAL_MAPPED = {"master_key"}


class NoteSink(Protocol):
    items: list[Finding]
    pending: list[Pending]

    def add(self, path: DataPath, message: str, hint: str = "", severity: Severity = ..., rule: str = ...) -> None: ...

    def guessed(self, path: DataPath, message: str, hint: str = "") -> None: ...


def env_var_of(value: Any) -> str | None:
    """`os.environ/X` -> X; `${X}` -> X (LiteLLM would send that literally: a note says so)."""
    if isinstance(value, str):
        if value.startswith("os.environ/"):
            return value.removeprefix("os.environ/")
        m = re.fullmatch(r"\$\{(\w+)\}|\$(\w+)", value.strip())
        if m:
            return m.group(1) or m.group(2)
    return None


#: ``AZURE_CREDENTIAL`` -> auth kind (configgen.model.facts.IDENTITY_CREDENTIAL, inverted).
_CREDENTIAL_KIND = {
    "DeploymentIdentityCredential": "managed_identity",
    "ManagedIdentityCredential": "user_assigned_identity",
    "WorkloadIdentityCredential": "workload_identity",
    "DefaultAzureCredential": "managed_identity",
}


def identity_kind(data: dict[str, Any]) -> str | None:
    """The identity kind of a config with `litellm_settings.enable_azure_ad_token_refresh: true`, from the
    `AZURE_CREDENTIAL` it sets (none: LiteLLM's DefaultAzureCredential, imported as managed_identity)."""
    if settings_section(data, "litellm_settings").get("enable_azure_ad_token_refresh") is not True:
        return None
    cred = settings_section(data, "environment_variables").get("AZURE_CREDENTIAL")
    if cred is None:
        return "managed_identity"
    return _CREDENTIAL_KIND.get(cred) if isinstance(cred, str) else None


def map_auth(
    lp: dict[str, Any], lpath: DataPath, key: str, notes: NoteSink, identity: str | None = None
) -> dict[str, Any]:
    from configgen.secrets import secret_kind

    if "api_key" in lp:
        value = lp["api_key"]
        env = env_var_of(value)
        if env is not None:
            if not str(value).startswith("os.environ/"):
                notes.add(
                    (*lpath, "api_key"),
                    f"api_key `{value}` is sent literally by LiteLLM; imported as {env}",
                    "the rendered config uses os.environ/NAME, which LiteLLM resolves",
                )
            return {"type": "api_key", "key_env": env}
        kind = secret_kind(str(value)) if value is not None else None
        notes.add(
            (*lpath, "api_key"),
            f"api_key is written inline{f' ({kind})' if kind else ''}: not imported",
            f"put the key in {key_env_name(key)} and keep it out of files",
        )
        return {"type": "api_key", "key_env": key_env_name(key)}
    if any(k in lp for k in ("tenant_id", "client_id", "client_secret")):
        out: dict[str, Any] = {"type": "entra"}
        for k in ("tenant_id", "client_id", "client_secret"):
            env = env_var_of(lp.get(k))
            if env is not None:
                out[f"{k}_env"] = env
        return out
    if identity is not None:
        return {"type": identity}
    notes.add(lpath, "no api_key or Entra ID credentials: imported as api_key auth", f"set {key_env_name(key)}")
    return {"type": "api_key", "key_env": key_env_name(key)}


def settings_section(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name)
    return value if isinstance(value, dict) else {}


def map_proxy(data: dict[str, Any], notes: NoteSink, aliases: dict[str, Any]) -> dict[str, Any]:
    proxy: dict[str, Any] = {}
    router = settings_section(data, "router_settings")
    ls = settings_section(data, "litellm_settings")
    gs = settings_section(data, "general_settings")
    env = env_var_of(gs.get("master_key"))
    if env is not None:
        proxy["master_key_env"] = env
    elif "master_key" in gs:
        notes.add(("general_settings", "master_key"), "master_key is written inline: not imported",
                  "put it in LITELLM_MASTER_KEY")
    strategy = router.get("routing_strategy")
    if strategy in _ROUTING:
        proxy["routing_strategy"] = strategy
    elif strategy is not None:
        notes.add(("router_settings", "routing_strategy"), f"routing_strategy {strategy} is not imported")
    for src, dst, section in (
        ("num_retries", "num_retries", router),
        ("timeout", "timeout", router),
        ("allowed_fails", "allowed_fails", router),
        ("cooldown_time", "cooldown_time", router),
        ("num_retries", "num_retries", ls),
        ("request_timeout", "timeout", ls),
    ):
        v = section.get(src)
        if isinstance(v, int) and not isinstance(v, bool) and dst not in proxy:
            proxy[dst] = v
    if isinstance(ls.get("drop_params"), bool):
        proxy["drop_params"] = ls["drop_params"]
    if isinstance(router.get("redis_host"), str) and env_var_of(router["redis_host"]) is None:
        redis: dict[str, Any] = {"host": router["redis_host"]}
        if isinstance(router.get("redis_port"), int):
            redis["port"] = router["redis_port"]
        pw = env_var_of(router.get("redis_password"))
        if pw is not None:
            redis["password_env"] = pw
        proxy["redis"] = redis
    for fb in router.get("fallbacks") or [] if isinstance(router.get("fallbacks"), list) else []:
        if isinstance(fb, dict):
            for src_alias, targets in fb.items():
                if src_alias in aliases and isinstance(targets, list):
                    aliases[src_alias]["fallbacks"].extend(t for t in targets if isinstance(t, str))
    for section_name, section, mapped in (
        ("router_settings", router, _ROUTER_MAPPED),
        ("litellm_settings", ls, _LITELLM_SETTINGS_MAPPED),
        ("general_settings", gs, _GENERAL_MAPPED),
    ):
        for k in section:
            if k not in mapped:
                notes.add((section_name, k), f"{section_name}.{k} is not imported",
                          "configgen renders only the settings its project model has", Severity.INFO)
    return proxy


def map_app(dotenv: Any, aliases: dict[str, Any], proxy: dict[str, Any], notes: NoteSink) -> dict[str, Any]:
    """The app's settings from its `.env` (``dotenv``: a parsed DotenvDocument, or None)."""
    from configgen.secrets import secret_kind

    first = next(iter(aliases), "default")
    app: dict[str, Any] = {"mode": "proxy", "alias": first}
    instance: dict[str, Any] | None = None
    model = dotenv.get("LITELLM_MODEL") if dotenv is not None else None
    if model is not None and model.value in aliases:
        app["alias"] = model.value
    elif model is not None:
        notes.items.append(dotenv.finding(UNMAPPED, Severity.WARNING, model,
                                          f"LITELLM_MODEL={model.value} is no model_name of the LiteLLM config",
                                          f"the app now asks for `{first}`"))
    else:
        notes.pending.append(Pending(("defaults", "app", "alias"), f"the app asks for `{first}`, the first model_name",
                                     "no LITELLM_MODEL in a .env says which one it uses"))
    if dotenv is not None:
        base = dotenv.get("LITELLM_API_BASE")
        if base is not None:
            try:
                parts = urlsplit(base.value)
                if parts.hostname:
                    instance = {"host": parts.hostname, "port": parts.port or (443 if parts.scheme == "https" else 80)}
            except ValueError:
                pass
        for e in dotenv.entries:
            if e.key in ("LITELLM_MODEL", "LITELLM_API_BASE"):
                continue
            if e.key.endswith(("_KEY", "_SECRET", "_PASSWORD", "_TOKEN")) or secret_kind(e.value):
                notes.items.append(dotenv.finding(UNMAPPED, Severity.INFO, e, f"{e.key} is a secret: not imported",
                                                  "secrets stay in the environment; the project names the variable only"))
            else:
                app.setdefault("env", {})[e.key] = e.value
    if instance is None:
        instance = {"host": "127.0.0.1", "port": 4000}
        notes.pending.append(Pending(("defaults", "proxy", "instances"), "one local proxy assumed, on 127.0.0.1:4000",
                                     "no LITELLM_API_BASE in a .env says where the proxy runs"))
    proxy.setdefault("instances", [instance])
    return app
