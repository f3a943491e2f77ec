"""LiteLLM config: each Azure deployment's identity and route (prefix, id, base_model, api_version, auth)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from configgen.findings import DataPath, Finding, Severity
from configgen.knowledge.litellm_models import azure_name_in_model_map
from configgen.rules.litellm.common import (
    SECRET_FIELDS,
    azure_host,
    azure_settings_reason,
    credential_values,
    env_ref_name,
    is_azure_entry,
    is_openai_v1_entry,
    litellm_params,
    model_entries,
    screen,
    screened_entries,
    section,
    v1_api_base,
)
from configgen.rules.registry import rule
from configgen.rules.targets import LiteLLMTarget


@screen
def _unprefixed_azure(lp: dict[str, Any]) -> bool:
    """A model without the azure/ prefix beside Azure settings."""
    model = lp.get("model")
    if not isinstance(model, str) or lp.get("custom_llm_provider"):
        return False
    ref = env_ref_name(model)
    if ref is not None:
        if "DEPLOYMENT" not in ref.upper():
            return False
    elif model.startswith("openai/"):
        # openai/ + `https://R.openai.azure.com/openai/v1` is the v1 pattern Microsoft documents; against
        # the resource root it posts to `/chat/completions` and gets 404.
        if not azure_host(lp.get("api_base")) or str(lp.get("api_base")).rstrip("/").endswith("/openai/v1"):
            return False
    elif "/" in model:
        return False  # another provider prefix (azure/, azure_ai/, ...) says what it is
    return azure_settings_reason(lp) is not None


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
    for path, entry in screened_entries(doc, _unprefixed_azure):
        lp = litellm_params(entry)
        model = lp["model"]
        ref = env_ref_name(model)
        why = azure_settings_reason(lp)
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


@screen
def _unmapped_azure(lp: dict[str, Any]) -> bool:
    """A literal azure/ name LiteLLM's model map does not know, without litellm_params.base_model."""
    model = lp.get("model")
    if not is_azure_entry(lp) or not isinstance(model, str) or "*" in model or "${" in model:
        return False
    if env_ref_name(model) is not None or not model.startswith("azure/"):
        return False
    if azure_name_in_model_map(model.removeprefix("azure/")):
        return False
    return not lp.get("base_model")  # litellm_params.base_model is honoured as well


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
    names the map knows (configgen/knowledge/data/litellm_models.json), wildcard routes (`azure/*`) and names
    that are not literal (`os.environ/`, `${...}`).
    """
    doc = target.doc
    for path, entry in screened_entries(doc, _unmapped_azure):
        model = litellm_params(entry)["model"]
        info = entry.get("model_info")
        if isinstance(info, dict) and info.get("base_model"):
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




@screen
def _unpinned(lp: dict[str, Any]) -> bool:
    """An Azure deployment (not the v1 API's) without api_version."""
    # The cheap test first (these tests run for every entry; the result does not depend on the order)
    if lp.get("api_version") is not None or not is_azure_entry(lp) or is_openai_v1_entry(lp):
        return False
    return not v1_api_base(lp.get("api_base"))  # else litellm-azure-v1-base-without-api-version: an error


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
    for path, entry in screened_entries(doc, _unpinned):
        lp = litellm_params(entry)
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


@screen
def _v1_base_unversioned(lp: dict[str, Any]) -> bool:
    """An azure/ deployment on a .../openai/v1 api_base without api_version (a dated one is
    azure-endpoint-openai-suffix's)."""
    if lp.get("api_version") is not None:  # the cheap test first, as in _unpinned
        return False
    return is_azure_entry(lp) and not is_openai_v1_entry(lp) and v1_api_base(lp.get("api_base"))


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
    for path, entry in screened_entries(doc, _v1_base_unversioned):
        lp = litellm_params(entry)
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




_ENTRA = ("tenant_id", "client_id", "client_secret")


@screen
def _key_and_entra(lp: dict[str, Any]) -> bool:
    """An Azure deployment with an api_key and Entra ID settings."""
    if not lp.get("api_key") or lp.keys().isdisjoint(_ENTRA):  # the cheap tests first, as in _unpinned
        return False
    return any(lp.get(k) for k in _ENTRA) and is_azure_entry(lp)


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
    for path, entry in screened_entries(doc, _key_and_entra):
        lp = litellm_params(entry)
        entra = [k for k in _ENTRA if lp.get(k)]
        yield doc.finding(
            "litellm-azure-auth-ignored",
            Severity.WARNING,
            (*path, "litellm_params", entra[-1]),
            f"{_label(entry, path)} sets api_key and {', '.join(entra)}: LiteLLM uses the key and ignores Entra ID",
            "remove api_key to authenticate with Entra ID, or remove the Entra ID settings",
            key=True,
        )
