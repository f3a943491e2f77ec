"""LiteLLM config: router settings, fallbacks and per-deployment identity (prefix, id, base_model)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from configgen.findings import DataPath, Finding, Severity
from configgen.knowledge.litellm_known import known, type_name
from configgen.load.yaml import YamlDocument
from configgen.rules.litellm.common import (
    FALLBACK_SETTINGS,
    azure_host,
    credential_values,
    env_ref_name,
    is_azure_entry,
    is_openai_v1_entry,
    is_served,
    litellm_params,
    model_entries,
    section,
    served_names,
    v1_api_base,
)
from configgen.rules.registry import rule
from configgen.rules.targets import LiteLLMTarget
from configgen.suggest import hint_for


@rule(
    "litellm-azure-prefix",
    Severity.ERROR,
    "an Azure api_base with a model that lacks the azure/ prefix",
    "litellm",
)
def azure_prefix(target: LiteLLMTarget) -> Iterator[Finding]:
    """LiteLLM picks the provider from the `model` prefix
    (`litellm/litellm_core_utils/get_llm_provider_logic.py` `get_llm_provider`), not from
    `api_base`. `model: gpt-4o` with `api_base: https://x.openai.azure.com` is treated as OpenAI:
    the request goes to `<api_base>/chat/completions` with a Bearer header and Azure answers 404.
    Write `model: azure/<deployment-name>` (or set `custom_llm_provider: azure`). `azure_ai/` is
    Azure AI Foundry's own provider and is left alone. (FACTS.md, "Azure deployments need ...".)

    Not reported: `model: openai/<deployment>` with `api_base: https://R.openai.azure.com/openai/v1`,
    Microsoft's documented v1 pattern; LiteLLM's openai provider then posts to
    `/openai/v1/chat/completions` with the deployment in the body's `model`, which Azure serves
    (seen in the real proxy against a fake Azure, FACTS.md "v1 API in LiteLLM 1.110.2").
    """
    doc = target.doc
    for path, entry in model_entries(doc):
        lp = litellm_params(entry)
        model = lp.get("model")
        if not isinstance(model, str) or env_ref_name(model) is not None or not azure_host(lp.get("api_base")):
            continue
        if is_openai_v1_entry(lp):
            continue
        if model.startswith(("azure/", "azure_ai/")) or lp.get("custom_llm_provider") in ("azure", "azure_ai"):
            continue
        name = model.split("/", 1)[1] if model.startswith("openai/") else model
        yield doc.finding(
            "litellm-azure-prefix",
            Severity.ERROR,
            (*path, "litellm_params", "model"),
            f"`model: {model}` has no `azure/` prefix but api_base is an Azure OpenAI endpoint: "
            "LiteLLM calls it as OpenAI and gets 404",
            f"write `model: azure/{name}` (the part after azure/ is the Azure deployment name)",
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


@rule(
    "litellm-model-id-missing",
    Severity.WARNING,
    "a model_list entry without model_info.id gets an id hashed from its params (secret included)",
    "litellm",
)
def model_id_missing(target: LiteLLMTarget) -> Iterator[Finding]:
    """Without `model_info.id` the router derives one by hashing the model group and the
    `litellm_params` (`litellm/router_api.py` `deployment_id`), including the API key as resolved
    from the environment. The id then changes whenever a key rotates, differs between instances
    whose environment differs, and breaks state shared through Redis (cooldowns, usage) and any
    reference to the deployment by id (FACTS.md: "Set model_info.id explicitly and stable").
    """
    doc = target.doc
    for path, entry in model_entries(doc):
        if _entry_id(entry) is not None:
            continue
        where = (*path, "model_info") if isinstance(entry.get("model_info"), dict) else path
        yield doc.finding(
            "litellm-model-id-missing",
            Severity.WARNING,
            where,
            f"{_label(entry, path)} has no model_info.id: LiteLLM hashes its params (the key included) into one",
            "add `model_info: {id: <stable-unique-id>}`",
            key=True,
        )


@rule(
    "litellm-base-model-missing",
    Severity.WARNING,
    "an Azure deployment without model_info.base_model: wrong cost and context window",
    "litellm",
)
def base_model_missing(target: LiteLLMTarget) -> Iterator[Finding]:
    """Azure deployments have names the user chose; LiteLLM looks the model up in its cost and
    context-window map by name, and Azure's responses name only the model family. Without
    `model_info.base_model` (e.g. `azure/gpt-4o-2024-08-06`) cost tracking, budgets and
    context-window checks use the wrong entry or none. LiteLLM reads `model_info.base_model`, else
    `litellm_params.base_model` (`litellm/router_rust/surface/model_info.py`; pricing in
    `litellm/cost_calculator.py`; FACTS.md "Set model_info.base_model"). Wildcard routes (`azure/*`)
    are not reported: they stand for every deployment a request names.
    """
    doc = target.doc
    for path, entry in model_entries(doc):
        lp = litellm_params(entry)
        if not is_azure_entry(lp) or "*" in str(lp.get("model", "")):
            continue  # a wildcard route (`azure/*`) serves whatever deployment the request names
        info = entry.get("model_info")
        if isinstance(info, dict) and info.get("base_model"):
            continue
        if lp.get("base_model"):  # litellm_params.base_model is honoured as well
            continue
        yield doc.finding(
            "litellm-base-model-missing",
            Severity.WARNING,
            (*path, "model_info") if isinstance(info, dict) else path,
            f"Azure {_label(entry, path)} has no model_info.base_model: cost and context-window lookups are wrong",
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
        if not is_azure_entry(lp) or is_openai_v1_entry(lp) or lp.get("api_version") is not None:
            continue
        if v1_api_base(lp.get("api_base")):
            continue  # litellm-azure-v1-base-without-api-version: an error, not this warning
        cred = credential_values(doc, lp)
        if cred is not None and (not cred or cred.get("api_version") is not None):
            continue
        yield doc.finding(
            "litellm-api-version-missing",
            Severity.WARNING,
            (*path, "litellm_params"),
            f"Azure {_label(entry, path)} has no api_version: it follows LiteLLM's default, "
            "which changes between releases",
            f"add `api_version: {_recommended(entry)}` or the version your features need",
            key=True,
        )


def _recommended(entry: dict[str, Any]) -> str:
    """The api-version to suggest: never one older than the model's own minimum."""
    from configgen.knowledge.azure_catalog import load_catalog
    from configgen.rules.azure_uses import entry_model

    cat = load_catalog()
    return cat.recommended_api_version(*entry_model(entry))


@rule(
    "litellm-azure-v1-base-without-api-version",
    Severity.ERROR,
    "an azure/ deployment whose api_base ends in /openai/v1 but has no v1 api_version: every call is 404",
    "litellm",
)
def azure_v1_base_without_api_version(target: LiteLLMTarget) -> Iterator[Finding]:
    """`model: azure/...` with `api_base: https://R.openai.azure.com/openai/v1` and no `api_version`:
    LiteLLM 1.110.2 falls back to its default `2025-02-01-preview` (`litellm/__init__.py`
    `AZURE_DEFAULT_API_VERSION`), uses the AzureOpenAI client and builds
    `/openai/v1/openai/deployments/<name>/chat/completions`, which Azure answers 404 (seen in the real
    proxy against a fake Azure). (A dated api-version there is `azure-endpoint-openai-suffix`.) Only `api_version: "v1"`
    (or `latest` / `preview`, `BaseAzureLLM.is_azure_v1_api_version`) selects the v1 client, which keeps
    an api_base that already ends in `/openai/v1` (`litellm/litellm_core_utils/url_utils.py`
    `ensure_api_route`).
    """
    doc = target.doc
    for path, entry in model_entries(doc):
        lp = litellm_params(entry)
        if not is_azure_entry(lp) or is_openai_v1_entry(lp) or not v1_api_base(lp.get("api_base")):
            continue
        if lp.get("api_version") is not None:
            continue  # a dated one is azure-endpoint-openai-suffix's
        cred = credential_values(doc, lp)
        if cred is not None and (not cred or cred.get("api_version") is not None):
            continue
        yield doc.finding(
            "litellm-azure-v1-base-without-api-version",
            Severity.ERROR,
            (*path, "litellm_params", "api_base"),
            f"{_label(entry, path)}: api_base ends in /openai/v1 but there is no api_version: LiteLLM calls "
            "/openai/v1/openai/deployments/... and Azure answers 404",
            'set `api_version: "v1"` (LiteLLM then keeps this api_base), or point api_base at the resource root '
            "(https://<resource>.openai.azure.com) for a dated api-version",
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
