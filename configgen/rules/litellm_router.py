"""LiteLLM config: router settings, fallbacks and per-deployment identity (prefix, id, base_model)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from configgen.findings import DataPath, Finding, Severity
from configgen.litellm_known import known, type_name
from configgen.litellm_models import azure_name_in_model_map
from configgen.rules.base import LiteLLMTarget, rule
from configgen.rules.litellm_common import (
    FALLBACK_SETTINGS,
    SECRET_FIELDS,
    azure_host,
    azure_settings_reason,
    credential_values,
    env_ref_name,
    is_azure_entry,
    is_served,
    litellm_params,
    model_entries,
    section,
    served_names,
)
from configgen.suggest import hint_for
from configgen.yamlsource import YamlDocument


@rule(
    "litellm-azure-prefix",
    Severity.ERROR,
    "an Azure deployment whose model lacks the azure/ prefix: called as OpenAI, 404",
    "litellm",
)
def azure_prefix(target: LiteLLMTarget) -> Iterator[Finding]:
    """LiteLLM picks the provider from the `model` prefix
    (`litellm/litellm_core_utils/get_llm_provider_logic.py` `get_llm_provider`), not from
    `api_base`. `model: gpt-4o` with `api_base: https://x.openai.azure.com` is treated as OpenAI:
    the request goes to `<api_base>/chat/completions` with a Bearer header and no api-version, and
    Azure answers 404; a bare name that is no OpenAI model (`chat-prod`) has no provider at all and
    the deployment is never created (both seen in the real proxy against the fake Azure,
    tests/integration/test_realworld_proxy.py). The same holds for `model:
    os.environ/AZURE_OPENAI_DEPLOYMENT` beside Azure settings: a variable named for the deployment
    holds its bare name. Azure settings: an Azure host in api_base, an api_base read from
    an `AZURE_*` variable, or an `api_version`. Write `model: azure/<deployment-name>` (or set
    `custom_llm_provider: azure`). `openai/` (the v1 API pattern Microsoft documents) and `azure_ai/`
    (Azure AI Foundry's own provider) are left alone, as is `os.environ/AZURE_MODEL`, which may hold
    the prefix. (FACTS.md, "Azure deployments need ...".)
    """
    doc = target.doc
    for path, entry in model_entries(doc):
        lp = litellm_params(entry)
        model = lp.get("model")
        if not isinstance(model, str) or lp.get("custom_llm_provider"):
            continue
        ref = env_ref_name(model)
        if ref is not None:
            if "DEPLOYMENT" not in ref.upper():
                continue
        elif model.startswith("openai/"):
            # openai/ + `https://R.openai.azure.com/openai/v1` is the v1 pattern Microsoft documents; against
            # the resource root it posts to `/chat/completions` and gets 404.
            if not azure_host(lp.get("api_base")) or str(lp.get("api_base")).rstrip("/").endswith("/openai/v1"):
                continue
        elif "/" in model:
            continue  # another provider prefix (azure/, azure_ai/, ...) says what it is
        why = azure_settings_reason(lp)
        if why is None:
            continue
        name = f"${{{ref}}}" if ref is not None else model.removeprefix("openai/")
        yield doc.finding(
            "litellm-azure-prefix",
            Severity.ERROR,
            (*path, "litellm_params", "model"),
            f"`model: {model}` has no `azure/` prefix but {why}: LiteLLM calls it as OpenAI "
            "(`<api_base>/chat/completions`, no api-version), or finds no provider for it; no request reaches the "
            "Azure deployment",
            f"write `model: azure/{name}`" + (" (set the variable to `azure/<deployment>` or write the name here)"
                                                  if ref is not None else " (the part after azure/ is the deployment name)"),
        )


@rule(
    "litellm-router-fatal-key",
    Severity.ERROR,
    "a health-check setting under router_settings stops the proxy at start",
    "litellm",
)
def router_fatal_key(target: LiteLLMTarget) -> Iterator[Finding]:
    """`health_check_interval` and `health_check_concurrency` are `general_settings` keys; under
    `router_settings` the proxy raises `'health_check_interval' is NOT a valid router_settings
    parameter. Please move it to 'general_settings'.` and does not start
    (`litellm/proxy/proxy_server.py` `load_config`).
    """
    doc = target.doc
    router = section(doc, "router_settings") or {}
    for key in router:
        if key in known().router_settings_fatal:
            yield doc.finding(
                "litellm-router-fatal-key",
                Severity.ERROR,
                ("router_settings", key),
                f"`{key}` under router_settings stops the proxy at start",
                f"move it under `general_settings:` (with `background_health_checks: true` if you want {key} to apply)",
                key=True,
            )


@rule(
    "litellm-routing-strategy",
    Severity.ERROR,
    "router_settings.routing_strategy is not a strategy LiteLLM has: the proxy does not start",
    "litellm",
)
def routing_strategy(target: LiteLLMTarget) -> Iterator[Finding]:
    """An unknown `routing_strategy` raises `Invalid routing_strategy` when the router is built, so
    the proxy does not start (`litellm/litellm_core_utils/routing_groups.py`
    `validate_routing_strategy`). Valid in 1.110.2: simple-shuffle (the default), least-busy,
    usage-based-routing, usage-based-routing-v2, latency-based-routing, cost-based-routing, lar1,
    provider-budget-routing.
    """
    doc = target.doc
    router = section(doc, "router_settings") or {}
    if "routing_strategy" not in router:
        return
    value = router["routing_strategy"]
    valid = known().routing_strategies
    if isinstance(value, str) and value in valid:
        return
    shown = value if isinstance(value, str) else type_name(value)
    yield doc.finding(
        "litellm-routing-strategy",
        Severity.ERROR,
        ("router_settings", "routing_strategy"),
        f"unknown routing_strategy `{shown}`: the proxy does not start",
        hint_for(str(value), valid, "valid: " + ", ".join(valid)),
    )


def _fallback_problems(value: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(relative path, problem) for a fallbacks value that is not `[{group: [target, ...]}, ...]`."""
    if not isinstance(value, list):
        yield (), f"is {type_name(value)}, not a list of `{{model_name: [fallback, ...]}}`"
        return
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            yield (i,), f"entry is {type_name(item)}, not a mapping `{{model_name: [fallback, ...]}}`"
        elif len(item) != 1:
            yield (i,), f"entry has {len(item)} keys; each entry maps exactly one model_name to its fallbacks"
        else:
            ((group, targets),) = item.items()
            if not isinstance(targets, list):
                yield (i, group), f"fallbacks for `{group}` are {type_name(targets)}, not a list"


@rule(
    "litellm-fallbacks-shape",
    Severity.ERROR,
    "router fallbacks that are not a list of {model_name: [fallbacks]}",
    "litellm",
)
def fallbacks_shape(target: LiteLLMTarget) -> Iterator[Finding]:
    """`fallbacks`, `context_window_fallbacks` and `content_policy_fallbacks` take a list of one-key
    mappings: `fallbacks: [{"gpt-4": ["gpt-4o-mini"]}]`. A string is ignored (no fallback ever
    happens); a list entry that is not a one-key mapping, or targets that are not a list, make
    `Router.validate_fallbacks` raise when the proxy starts
    (`litellm/router_rust/surface/fallbacks.py` `refuse_malformed_fallbacks`). `default_fallbacks`
    is a plain list of model names. The same keys under `litellm_settings` become the router's
    defaults (`litellm/router_config.py`) and are checked too. (FACTS.md: "router_settings.fallbacks
    given as a string is ignored".)
    """
    doc = target.doc
    for sec_name in ("router_settings", "litellm_settings"):
        sec = section(doc, sec_name) or {}
        for key in FALLBACK_SETTINGS:
            if key not in sec or sec[key] is None:
                continue
            for rel, problem in _fallback_problems(sec[key]):
                yield _shape(doc, (sec_name, key, *rel), f"{sec_name}.{key}: {problem}")
        if sec.get("default_fallbacks") is not None:
            df = sec["default_fallbacks"]
            if not isinstance(df, list) or not all(isinstance(x, str) for x in df):
                message = f"{sec_name}.default_fallbacks must be a list of model names"
                yield _shape(doc, (sec_name, "default_fallbacks"), message)


def _shape(doc: YamlDocument, path: DataPath, message: str) -> Finding:
    return doc.finding(
        "litellm-fallbacks-shape",
        Severity.ERROR,
        path,
        message,
        'write `fallbacks: [{"gpt-4o": ["gpt-4o-mini"]}]`',
    )


def _fallback_names(sec_name: str, sec: dict[str, Any]) -> Iterator[tuple[DataPath, str]]:
    for key in FALLBACK_SETTINGS:
        value = sec.get(key)
        if not isinstance(value, list):
            continue
        for i, item in enumerate(value):
            if not isinstance(item, dict) or len(item) != 1:
                continue
            ((group, targets),) = item.items()
            if group != "*":
                yield (sec_name, key, i, group), str(group)
            if isinstance(targets, list):
                for j, t in enumerate(targets):
                    name = t.get("model") if isinstance(t, dict) else t
                    if isinstance(name, str):
                        yield (sec_name, key, i, group, j), name
    df = sec.get("default_fallbacks")
    if isinstance(df, list):
        for j, name in enumerate(df):
            if isinstance(name, str):
                yield (sec_name, "default_fallbacks", j), name


@rule(
    "litellm-fallbacks-unknown-model",
    Severity.ERROR,
    "a fallback names a model_name the config does not serve",
    "litellm",
)
def fallbacks_unknown_model(target: LiteLLMTarget) -> Iterator[Finding]:
    """Fallbacks name `model_name` groups of the same config. A group key that no entry serves
    never matches a request, and a fallback target that does not exist fails only when the fallback
    is needed — during an outage (`litellm/router_utils/fallback_event_handlers.py`
    `get_fallback_model_group`). Wildcard model_names (`azure/*`) and
    `router_settings.model_group_alias` aliases count as served.
    """
    doc = target.doc
    served = served_names([doc])
    if not served:
        return
    for sec_name in ("router_settings", "litellm_settings"):
        sec = section(doc, sec_name) or {}
        for path, name in _fallback_names(sec_name, sec):
            if is_served(name, served):
                continue
            is_key = not isinstance(path[-1], int)
            yield doc.finding(
                "litellm-fallbacks-unknown-model",
                Severity.ERROR,
                path,
                f"fallback {'group' if is_key else 'target'} `{name}` is not a model_name of this config",
                hint_for(name, served, "model_names: " + ", ".join(sorted(served))),
                key=is_key,
            )


def _label(entry: dict[str, Any], path: DataPath) -> str:
    """How a message names a model_list entry: its model_name and deployment, else its index."""
    name = entry.get("model_name")
    model = litellm_params(entry).get("model")
    where = f"model_list[{path[-1]}]"
    if isinstance(name, str) and isinstance(model, str):
        return f"{where} `{name}` ({model})"
    return f"{where} `{name}`" if isinstance(name, str) else where


def _entry_id(entry: dict[str, Any]) -> Any:
    info = entry.get("model_info")
    return info.get("id") if isinstance(info, dict) else None


@rule(
    "litellm-duplicate-model-id",
    Severity.ERROR,
    "two model_list entries share a model_info.id",
    "litellm",
)
def duplicate_model_id(target: LiteLLMTarget) -> Iterator[Finding]:
    """`model_info.id` identifies one deployment: the router keys cooldowns, usage counters and
    health by it, and `/model/info`, `/model/update` and `/model/delete` address it
    (`litellm/types/router.py` `ModelInfo.id`). LiteLLM 1.110.2 keeps both entries when two share
    an id (checked with `litellm.Router`), so one deployment's failures and usage are counted
    against the other. Give every entry its own stable id.
    """
    doc = target.doc
    seen: dict[str, DataPath] = {}
    for path, entry in model_entries(doc):
        ident = _entry_id(entry)
        if ident is None or isinstance(ident, dict | list):
            continue
        key = str(ident)
        if key in seen:
            first = seen[key]
            yield doc.finding(
                "litellm-duplicate-model-id",
                Severity.ERROR,
                (*path, "model_info", "id"),
                f"model_info.id `{key}` is also the id of model_list[{first[1]}]",
                "give each deployment its own stable id, e.g. <resource>-<deployment>",
            )
        else:
            seen[key] = path


#: router_settings keys that make several proxy instances share router state through Redis
#: (litellm/router_api.py router_init_args: redis_url, redis_host).
_SHARED_STATE_KEYS = ("redis_url", "redis_host")


def _holds_env_secret(lp: dict[str, Any]) -> bool:
    return any(k in SECRET_FIELDS and env_ref_name(v) is not None for k, v in lp.items())


@rule(
    "litellm-model-id-missing",
    Severity.INFO,
    "instances that share router state through Redis may hash a deployment to different ids",
    "litellm",
)
def model_id_missing(target: LiteLLMTarget) -> Iterator[Finding]:
    """Without `model_info.id` the router derives a deployment's id by hashing its model group and
    its `litellm_params` as resolved, the API key included (`litellm/router_api.py`
    `deployment_id`: a sha256 over every key and value). For one instance that is harmless: the id
    is stable while the key is. Instances that share cooldowns, usage and health through Redis
    (`router_settings.redis_host` / `redis_url`) key that state by the id, so while their keys
    differ (a rotation rolling through the instances) each computes another id for the same
    deployment and the shared state splits. Nothing fails, and the split lasts only while keys
    differ, so this is advice (info). Reported once per config, where Redis is configured, when an
    entry without an id takes a secret from the environment (`api_key: os.environ/...`); never for a
    single instance.
    """
    doc = target.doc
    router = section(doc, "router_settings") or {}
    shared = next((k for k in _SHARED_STATE_KEYS if router.get(k)), None)
    if shared is None:
        return
    missing = [
        _label(entry, path)
        for path, entry in model_entries(doc)
        if _entry_id(entry) is None and _holds_env_secret(litellm_params(entry))
    ]
    if not missing:
        return
    shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
    yield doc.finding(
        "litellm-model-id-missing",
        Severity.INFO,
        ("router_settings", shared),
        f"instances share router state through Redis, but {shown} ha{'ve' if len(missing) > 1 else 's'} no "
        "model_info.id: the id is hashed from the resolved key, so instances whose keys differ split cooldowns "
        "and usage",
        "give every deployment a stable `model_info: {id: <resource>-<deployment>}`",
        key=True,
    )


@rule(
    "litellm-base-model-missing",
    Severity.INFO,
    "an Azure deployment LiteLLM's model map does not know by name, without model_info.base_model",
    "litellm",
)
def base_model_missing(target: LiteLLMTarget) -> Iterator[Finding]:
    """LiteLLM looks a deployment's model information (context window, capabilities, `/model/info`)
    up by its name, `azure/<deployment>`, in its model map
    (`litellm/model_prices_and_context_window_backup.json`). A deployment named after its model
    (`azure/gpt-4o`, `azure/o3`, `azure/responses/gpt-5`) is found there; one with a name the user
    chose (`azure/chat-prod`) is not, and only `model_info.base_model` (or `litellm_params.base_model`,
    `litellm/router_rust/surface/model_info.py`) tells LiteLLM what it is. Cost is still priced from
    the model Azure names in its response (`litellm/cost_calculator.py`
    `select_model_name_for_cost_calc`), so this is advice (info), not a failure. Not reported for
    names the map knows (configgen/data/litellm_models.json), wildcard routes (`azure/*`) and names
    that are not literal (`os.environ/`, `${...}`).
    """
    doc = target.doc
    for path, entry in model_entries(doc):
        lp = litellm_params(entry)
        model = lp.get("model")
        if not is_azure_entry(lp) or not isinstance(model, str) or "*" in model or "${" in model:
            continue
        if env_ref_name(model) is not None or not model.startswith("azure/"):
            continue
        if azure_name_in_model_map(model.removeprefix("azure/")):
            continue
        info = entry.get("model_info")
        if isinstance(info, dict) and info.get("base_model"):
            continue
        if lp.get("base_model"):  # litellm_params.base_model is honoured as well
            continue
        yield doc.finding(
            "litellm-base-model-missing",
            Severity.INFO,
            (*path, "model_info") if isinstance(info, dict) else path,
            f"Azure {_label(entry, path)}: LiteLLM's model map has no `{model}`, so its context window and "
            "capabilities are unknown to LiteLLM",
            "add `base_model: azure/<model>-<version>`, e.g. `azure/gpt-4o-2024-08-06`",
            key=True,
        )


@rule(
    "litellm-api-version-missing",
    Severity.WARNING,
    "an Azure deployment without api_version uses LiteLLM's release-dependent default",
    "litellm",
)
def api_version_missing(target: LiteLLMTarget) -> Iterator[Finding]:
    """Without `api_version` LiteLLM sends its own default (`litellm/__init__.py`
    `AZURE_DEFAULT_API_VERSION`, "updated to the latest": `2025-02-01-preview` in 1.110.2), which
    changes when LiteLLM is upgraded, and falls back on `AZURE_API_VERSION` in the environment.
    Pin it per deployment (FACTS.md: "always pin it"). A deployment that names a credential
    (`litellm_credential_name`) takes the credential's `api_version` (litellm/utils.py
    `_named_credential_values`); it is reported only when the credential is defined in the same file
    without one.
    """
    doc = target.doc
    for path, entry in model_entries(doc):
        lp = litellm_params(entry)
        if not is_azure_entry(lp) or lp.get("api_version") is not None:
            continue
        cred = credential_values(doc, lp)
        if cred is not None and (not cred or cred.get("api_version") is not None):
            continue
        yield doc.finding(
            "litellm-api-version-missing",
            Severity.WARNING,
            (*path, "litellm_params"),
            f"Azure {_label(entry, path)} has no api_version: it follows LiteLLM's default, "
            "which changes between releases",
            'add `api_version: "2024-10-21"` (latest GA) or the version your features need',
            key=True,
        )


@rule(
    "litellm-set-verbose",
    Severity.WARNING,
    "litellm_settings.set_verbose is deprecated and prints unredacted debug output",
    "litellm",
)
def set_verbose(target: LiteLLMTarget) -> Iterator[Finding]:
    """`set_verbose: True` is deprecated (`litellm/_logging.py`: "Please set
    os.environ['LITELLM_LOG'] = 'DEBUG'"). Set through `litellm_settings` it still makes several code
    paths `print()` their debug statements to stdout — `print_verbose` in `litellm/main.py`,
    `litellm/utils.py` and `litellm/litellm_core_utils/streaming_handler.py` — without the secret
    redaction the logger applies, so requests and provider details land in the service log. Remove it;
    use `LITELLM_LOG=DEBUG` temporarily when debugging.
    """
    doc = target.doc
    ls = section(doc, "litellm_settings") or {}
    value = ls.get("set_verbose")
    if value is True or (isinstance(value, str) and value.strip().lower() == "true"):
        yield doc.finding(
            "litellm-set-verbose",
            Severity.WARNING,
            ("litellm_settings", "set_verbose"),
            "set_verbose is deprecated and prints debug output to stdout without redaction",
            "remove it; set LITELLM_LOG=DEBUG in the environment while debugging",
            key=True,
        )



@rule(
    "litellm-azure-auth-ignored",
    Severity.WARNING,
    "an Azure deployment with api_key and Entra ID credentials: the Entra ID ones are ignored",
    "litellm",
)
def azure_auth_ignored(target: LiteLLMTarget) -> Iterator[Finding]:
    """LiteLLM uses `tenant_id`/`client_id`/`client_secret` (Entra ID) for Azure only when the
    deployment has no `api_key` (`litellm/llms/azure/common_utils.py` `initialize_azure_sdk_client`:
    `if not api_key and azure_ad_token_provider is None and tenant_id and client_id and client_secret`).
    With both, requests authenticate with the key and the Entra ID setup you think is in use is not —
    disabling keys on the resource (`disableLocalAuth`) then breaks the proxy. Keep one method.
    (FACTS.md, "Azure auth".)
    """
    doc = target.doc
    for path, entry in model_entries(doc):
        lp = litellm_params(entry)
        if not is_azure_entry(lp) or not lp.get("api_key"):
            continue
        entra = [k for k in ("tenant_id", "client_id", "client_secret") if lp.get(k)]
        if not entra:
            continue
        yield doc.finding(
            "litellm-azure-auth-ignored",
            Severity.WARNING,
            (*path, "litellm_params", entra[-1]),
            f"{_label(entry, path)} sets api_key and {', '.join(entra)}: LiteLLM uses the key and ignores Entra ID",
            "remove api_key to authenticate with Entra ID, or remove the Entra ID settings",
            key=True,
        )
