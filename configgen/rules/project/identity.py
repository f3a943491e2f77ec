"""Project rules: managed and workload identities, and auth settings that contradict them.

LiteLLM 1.110.2 has one process-wide Entra ID credential for every Azure deployment that has neither an
`api_key` nor a service principal of its own: `litellm_settings.enable_azure_ad_token_refresh` turns it on
and `AZURE_CREDENTIAL` / `AZURE_CLIENT_ID` / `AZURE_TENANT_ID` / `AZURE_FEDERATED_TOKEN_FILE` in the
proxy's environment pick it (litellm/secret_managers/get_azure_ad_token_provider.py,
litellm/llms/azure/common_utils.py `initialize_azure_sdk_client`). So settings that look per resource are
in fact shared by the whole proxy, and a key in the environment silently wins.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from configgen.findings import Finding, Severity
from configgen.rules.registry import rule
from configgen.rules.targets import ProjectTarget

# Auth kinds by their `type` (configgen.model.project is not imported: rules load on every `validate`, and
# checking a LiteLLM file must not pay for Pydantic).
IDENTITY_KINDS = frozenset({"managed_identity", "user_assigned_identity", "workload_identity"})


def identity_kind(res: Any) -> str | None:
    kind = getattr(res.auth, "type", None)
    return kind if kind in IDENTITY_KINDS else None

#: The variables LiteLLM falls back on for an Azure deployment without `api_key` (litellm/main.py,
#: `get_secret_str("AZURE_OPENAI_API_KEY") or get_secret_str("AZURE_API_KEY")`).
FALLBACK_KEY_VARS = ("AZURE_OPENAI_API_KEY", "AZURE_API_KEY")
#: The variables the identity credential reads (get_azure_ad_token_provider.py; azure-identity).
IDENTITY_VARS = ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET")


def _served(t: ProjectTarget, env: Any) -> list[str]:
    names: dict[str, None] = {}  # in first-served order; a dict, not a list: 1,000 references, 50 resources
    resources = t.project.resources
    for alias in env.model.aliases.values():
        for ref in alias.deployments:
            res = ref.partition("/")[0]
            if res not in names and res in resources:
                names[res] = None
    return list(names)


@rule(
    "project-identity-mixed",
    Severity.ERROR,
    "one proxy serves resources with different managed / workload identities",
    "project",
)
def identity_mixed(t: ProjectTarget) -> Iterator[Finding]:
    """An environment's proxy serves resources whose `auth` names different identity kinds
    (`managed_identity`, `user_assigned_identity`, `workload_identity`). LiteLLM 1.110.2 builds one
    credential per process (`AZURE_CREDENTIAL`), so every one of those resources gets tokens from the
    same identity: the others answer 401/403. Use one identity kind per environment (grant it the
    Cognitive Services OpenAI User role on every resource), or give the odd resource a key.
    """
    for env_name, env in t.envs.items():
        if env.model.proxy is None:
            continue
        kinds: dict[str, str] = {}
        for res in _served(t, env):
            kind = identity_kind(t.project.resources[res])
            if kind is not None:
                kinds.setdefault(kind, res)
        if len(kinds) > 1:
            (first, _), *rest = kinds.items()
            for kind, res in rest:
                yield t.doc.finding(
                    "project-identity-mixed",
                    Severity.ERROR,
                    ("resources", res, "auth"),
                    f"environment {env_name}: resource {res} uses {kind}, but {kinds[first]} uses {first}; "
                    "LiteLLM has one identity per proxy process",
                    f"use `{first}` here too (one identity, with a role on every resource), or an API key",
                )


@rule(
    "project-identity-contradicted",
    Severity.ERROR,
    "auth settings that silently override a managed / workload identity",
    "project",
)
def identity_contradicted(t: ProjectTarget) -> Iterator[Finding]:
    """An environment whose proxy uses a managed or workload identity also puts into the proxy's
    environment a variable that changes what that identity does, without any error:

    - an API key in `AZURE_OPENAI_API_KEY` or `AZURE_API_KEY` (another resource's `key_env`): LiteLLM
      fills the missing `api_key` of every identity deployment from it (litellm/main.py) and the
      identity is never used; Azure answers 401 for the wrong resource's key;
    - a service principal in `AZURE_CLIENT_ID` / `AZURE_TENANT_ID` / `AZURE_CLIENT_SECRET` (an `entra`
      resource's variables): the identity credential reads those very names, so it asks for the service
      principal's id as a managed identity, or LiteLLM picks the client secret instead
      (`infer_credential_type_from_environment`). Give that resource other variable names.
    """
    for env_name, env in t.envs.items():
        if env.model.proxy is None:
            continue
        served = _served(t, env)
        identities = [r for r in served if identity_kind(t.project.resources[r]) is not None]
        if not identities:
            continue
        for res in served:
            auth = t.project.resources[res].auth
            if auth.type == "api_key" and auth.key_env in FALLBACK_KEY_VARS:
                yield t.doc.finding(
                    "project-identity-contradicted",
                    Severity.ERROR,
                    ("resources", res, "auth", "key_env"),
                    f"environment {env_name}: {auth.key_env} is LiteLLM's fallback key, so {identities[0]} "
                    "(managed identity) would send this key instead of a token",
                    f"name the variable differently, e.g. `key_env: AZURE_OPENAI_API_KEY_{res.upper().replace('-', '_')}`",
                )
            if auth.type == "entra":
                clash = [v for v in (auth.tenant_id_env, auth.client_id_env, auth.client_secret_env) if v in IDENTITY_VARS]
                if clash:
                    yield t.doc.finding(
                        "project-identity-contradicted",
                        Severity.ERROR,
                        ("resources", res, "auth"),
                        f"environment {env_name}: {', '.join(clash)} of this service principal are the variables "
                        f"the managed identity of {identities[0]} is read from",
                        "give the service principal its own names (tenant_id_env / client_id_env / client_secret_env)",
                    )
