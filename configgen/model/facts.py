"""Facts derived from the validated model, shared by rendering, the doctor, the graph and the rules.

Facts these rely on (../shared/FACTS.md, docs/verified-litellm.md):
- Azure deployments need `model: azure/<deployment>`; `api_base` is the resource root.
- Secrets are written as `os.environ/NAME`, which LiteLLM resolves anywhere in the config
  (litellm/proxy/proxy_server.py `_check_for_os_environ_vars`); `${NAME}` would be sent literally.
- `model_info.id` must be stable across instances (the default hashes the params, secret included).
- `model_info.base_model` makes cost and context-window lookups right for Azure deployments.
- Load balancers probe `/health/liveliness`: it needs no key and does not call Azure.
"""

from __future__ import annotations

import functools
import re

from configgen.model.project import (
    ApiKeyAuth,
    Deployment,
    EntraAuth,
    Environment,
    ManagedIdentityAuth,
    Resource,
    UserAssignedIdentityAuth,
    WorkloadIdentityAuth,
)

LIVENESS_PATH = "/health/liveliness"
READINESS_PATH = "/health/readiness"
_DATE_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def split_ref(ref: str) -> tuple[str, str]:
    """`resource/deployment` -> (resource, deployment); a ref without '/' has an empty resource."""
    resource, sep, deployment = ref.partition("/")
    return (resource, deployment) if sep else ("", ref)


def base_model(dep: Deployment) -> str:
    """LiteLLM's cost-map key for an Azure model version, e.g. `azure/gpt-4o-2024-08-06`."""
    if _DATE_VERSION.match(dep.version):
        return f"azure/{dep.model}-{dep.version}"
    return f"azure/{dep.model}"


def rpm_tpm(dep: Deployment) -> tuple[int | None, int | None]:
    """Explicit rpm/tpm win; otherwise derived from capacity and SKU by the Azure catalogue."""
    rpm, tpm = _derived_rpm_tpm(dep.model, dep.version, dep.sku, dep.capacity)
    return (dep.rpm if dep.rpm is not None else rpm, dep.tpm if dep.tpm is not None else tpm)


@functools.lru_cache(maxsize=4096)
def _derived_rpm_tpm(model: str, version: str, sku: str, capacity: int | None) -> tuple[int | None, int | None]:
    # Every environment renders every deployment it serves: derive each one once (the packaged
    # catalogue is read once per process, so the answer cannot change).
    from configgen.knowledge.azure_catalog import load_catalog

    return load_catalog().rpm_tpm(model, version, sku, capacity)


def auth_params(res: Resource) -> list[tuple[str, str]]:
    """The ``litellm_params`` a resource's auth needs (managed identities need none: see :func:`identity_env`)."""
    if isinstance(res.auth, ApiKeyAuth):
        return [("api_key", f"os.environ/{res.auth.key_env}")]
    if isinstance(res.auth, EntraAuth):
        return [
            ("tenant_id", f"os.environ/{res.auth.tenant_id_env}"),
            ("client_id", f"os.environ/{res.auth.client_id_env}"),
            ("client_secret", f"os.environ/{res.auth.client_secret_env}"),
        ]
    return []


#: ``AZURE_CREDENTIAL`` per identity kind, as litellm/secret_managers/get_azure_ad_token_provider.py (1.110.2)
#: reads it: ``DeploymentIdentityCredential`` with no ``AZURE_CLIENT_ID`` is ``ChainedTokenCredential(
#: ManagedIdentityCredential())``, the host's system-assigned identity and nothing else (plain
#: DefaultAzureCredential would also try developer logins such as the Azure CLI);
#: ``ManagedIdentityCredential`` takes ``AZURE_CLIENT_ID``; ``WorkloadIdentityCredential`` (azure-identity)
#: reads ``AZURE_CLIENT_ID``, ``AZURE_TENANT_ID`` and ``AZURE_FEDERATED_TOKEN_FILE`` itself.
IDENTITY_CREDENTIAL = {
    "managed_identity": "DeploymentIdentityCredential",
    "user_assigned_identity": "ManagedIdentityCredential",
    "workload_identity": "WorkloadIdentityCredential",
}


def identity_env(res: Resource) -> list[tuple[str, str]]:
    """(variable, why) the proxy's environment must hold for a managed / workload identity resource."""
    if isinstance(res.auth, UserAssignedIdentityAuth):
        return [("AZURE_CLIENT_ID", "client id of the user-assigned managed identity")]
    if isinstance(res.auth, WorkloadIdentityAuth):
        return [
            ("AZURE_CLIENT_ID", "client id of the workload identity (injected by the AKS webhook)"),
            ("AZURE_TENANT_ID", "tenant of the workload identity (injected by the AKS webhook)"),
            ("AZURE_FEDERATED_TOKEN_FILE", "projected service account token file (injected by the AKS webhook)"),
        ]
    return []


def identity_kind(res: Resource) -> str | None:
    """``managed_identity`` / ``user_assigned_identity`` / ``workload_identity``, or None for key / Entra."""
    if isinstance(res.auth, ManagedIdentityAuth | UserAssignedIdentityAuth | WorkloadIdentityAuth):
        return res.auth.type
    return None


def model_id(env_name: str, alias: str, ref: str) -> str:
    """Stable across instances and renders; unique per (alias, deployment) entry."""
    return f"{env_name}:{alias}:{ref}"


def proxy_base_url(env: Environment) -> str:
    """What the app's LITELLM_API_BASE should be: the balancer if there is one, else the first proxy."""
    if env.app.api_base:
        return env.app.api_base
    if env.kubernetes is not None:  # the Service (or Ingress) is the balancer
        from configgen.model.k8s_facts import service_base_url

        return service_base_url(env.kubernetes)
    if env.balancer is not None:
        scheme = "https" if env.balancer.tls else "http"
        return _url(scheme, env.balancer.host, env.balancer.port)
    if env.proxy is not None:
        first = env.proxy.instances[0]
        return _url("http", first.host, first.port)
    return ""


def _url(scheme: str, host: str, port: int) -> str:
    default = {"http": 80, "https": 443}[scheme]
    return f"{scheme}://{host}" if port == default else f"{scheme}://{host}:{port}"
