"""LiteLLM config: Entra ID token refresh (managed / workload identity) and what silently overrides it."""

from __future__ import annotations

from collections.abc import Iterator

from configgen.findings import Finding, Severity
from configgen.rules.litellm.common import is_azure_entry, litellm_params, model_entries, section
from configgen.rules.registry import rule
from configgen.rules.targets import LiteLLMTarget

#: What LiteLLM fills a missing Azure `api_key` from (litellm/main.py, `get_secret_str(...)`).
_FALLBACK_KEYS = ("AZURE_OPENAI_API_KEY", "AZURE_API_KEY")


@rule(
    "litellm-azure-identity-overridden",
    Severity.WARNING,
    "token refresh is on, but a key LiteLLM prefers is set for the deployments meant to use it",
    "litellm",
)
def identity_overridden(target: LiteLLMTarget) -> Iterator[Finding]:
    """`litellm_settings.enable_azure_ad_token_refresh: true` is meant to give every Azure deployment
    without an `api_key` an Entra ID token (managed or workload identity;
    litellm/llms/azure/common_utils.py `initialize_azure_sdk_client` uses it only `if not api_key`). But
    LiteLLM first fills a missing `api_key` from `AZURE_OPENAI_API_KEY` or `AZURE_API_KEY`
    (litellm/main.py), and this file sets one of them under `environment_variables:`: those deployments
    silently authenticate with that key, and the identity is never used (disabling keys on the resource,
    `disableLocalAuth`, then breaks them).
    """
    doc = target.doc
    settings = section(doc, "litellm_settings") or {}
    if settings.get("enable_azure_ad_token_refresh") is not True:
        return
    env = section(doc, "environment_variables") or {}
    keys = [k for k in _FALLBACK_KEYS if k in env]
    if not keys:
        return
    keyless = [e for _, e in model_entries(doc) if is_azure_entry(litellm_params(e)) and not litellm_params(e).get("api_key")]
    if not keyless:
        return
    yield doc.finding(
        "litellm-azure-identity-overridden",
        Severity.WARNING,
        ("environment_variables", keys[0]),
        f"{keys[0]} is set here, so the {len(keyless)} Azure deployment(s) without api_key use that key, not the "
        "Entra ID token that enable_azure_ad_token_refresh is meant to give them",
        f"remove {keys[0]} from environment_variables (and from the proxy's environment)",
        key=True,
    )
