"""The project file as records (:mod:`configgen.model.records`): strict, frozen, unknown keys forbidden.

A project has global facts (Azure resources and their deployments) and environments. Each environment
is ``defaults`` deep-merged with ``environments.<name>`` (see :mod:`configgen.model.merge`) and then
validated as an :class:`Environment`. Cross-references (an alias naming a deployment that does not
exist, ports that disagree, ...) are checks, not model validators: they need positions and hints.
"""

# No `from __future__ import annotations`: the records read their annotations as objects
# (configgen.model.record_spec.hints), so every class names only classes defined above it.
from typing import Annotated, Any, Literal

from configgen.model.records import Field, Record

FORMAT_VERSION = 1

EnvVarName = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        max_length=128,
        description="Name of an environment variable (the value is never written into the project).",
        examples=["AZURE_OPENAI_API_KEY"],
    ),
]
# Azure: deployment names of letters, digits, '.', '_' and '-' (a '.' breaks some LiteLLM lookups: a rule warns).
DeploymentName = Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]+$", min_length=1, max_length=64)]
Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", min_length=1, max_length=64)]
Host = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[[0-9A-Fa-f:.]+\]$",
        max_length=253,
        description="A hostname or IP address (IPv6 in brackets).",
        examples=["10.0.1.10", "litellm-1.internal"],
    ),
]
Port = Annotated[int, Field(ge=1, le=65535)]
# File paths the project names (certificates, output paths): no control characters, so they cannot
# inject lines or directives into rendered files.
PathStr = Annotated[str, Field(pattern=r"^[^\x00-\x1f\x7f;{}'\"`$\\]+$", max_length=1024)]
#: Output paths may also hold `{env}`, the environment's name (the documented `deploy/{env}`).
OutputPathStr = Annotated[str, Field(pattern=r"^(?:[^\x00-\x1f\x7f;{}'\"`$\\]|\{env\})+$", max_length=1024)]

Sku = Literal[
    "Standard",
    "GlobalStandard",
    "DataZoneStandard",
    "ProvisionedManaged",
    "GlobalProvisionedManaged",
    "DataZoneProvisionedManaged",
    "GlobalBatch",
    "DataZoneBatch",
    "DeveloperTier",
]
RoutingStrategy = Literal[
    "simple-shuffle",
    "least-busy",
    "usage-based-routing",
    "usage-based-routing-v2",
    "latency-based-routing",
    "cost-based-routing",
]


class _Model(Record):
    """Every project model: strict types, no unknown keys, frozen."""


class ApiKeyAuth(_Model):
    """Authenticate to Azure OpenAI with a resource key (sent as the `api-key` header)."""

    type: Literal["api_key"] = "api_key"
    key_env: EnvVarName = Field(description="Variable that holds the resource's API key.")


class EntraAuth(_Model):
    """Authenticate with Microsoft Entra ID (a service principal); LiteLLM fetches the tokens."""

    type: Literal["entra"]
    tenant_id_env: EnvVarName = "AZURE_TENANT_ID"
    client_id_env: EnvVarName = "AZURE_CLIENT_ID"
    client_secret_env: EnvVarName = "AZURE_CLIENT_SECRET"


class ManagedIdentityAuth(_Model):
    """The system-assigned managed identity of the host the proxy runs on (App Service, Container Apps,
    VM): no secret anywhere. LiteLLM gets tokens itself (`litellm_settings.enable_azure_ad_token_refresh`)."""

    type: Literal["managed_identity"]


class UserAssignedIdentityAuth(_Model):
    """A user-assigned managed identity; LiteLLM reads its client id from `AZURE_CLIENT_ID` (not a secret)."""

    type: Literal["user_assigned_identity"]


class WorkloadIdentityAuth(_Model):
    """Azure workload identity (AKS): `AZURE_CLIENT_ID`, `AZURE_TENANT_ID` and `AZURE_FEDERATED_TOKEN_FILE`,
    which the workload identity webhook injects into the pod."""

    type: Literal["workload_identity"]


#: Auth kinds for which LiteLLM's process-wide token refresh fetches tokens (no per-deployment secret).
IdentityAuth = ManagedIdentityAuth | UserAssignedIdentityAuth | WorkloadIdentityAuth

Auth = Annotated[
    ApiKeyAuth | EntraAuth | ManagedIdentityAuth | UserAssignedIdentityAuth | WorkloadIdentityAuth,
    Field(discriminator="type"),
]


class Deployment(_Model):
    """One model deployment on an Azure OpenAI resource."""

    model: str = Field(description="Azure model name.", examples=["gpt-4o", "gpt-4o-mini", "o3-mini"], min_length=1)
    version: str = Field(description="Model version; quote it.", examples=["2024-11-20", "2024-07-18"], min_length=1)
    sku: Sku = Field("Standard", description="Deployment type (SKU name in Azure).")
    capacity: int | None = Field(
        None,
        ge=1,
        description="Capacity units: thousands of tokens per minute for Standard-type SKUs, PTUs for provisioned. "
        "Without it (or rpm/tpm) LiteLLM gets no rate limits for the deployment (rule project-capacity-missing).",
        examples=[50],
    )
    api_version: str | None = Field(None, description="Overrides the resource's api_version for this deployment.")
    rpm: int | None = Field(None, ge=1, description="Requests per minute LiteLLM may send; derived from capacity when unset.")
    tpm: int | None = Field(None, ge=1, description="Tokens per minute LiteLLM may send; derived from capacity when unset.")


class Resource(_Model):
    """An Azure OpenAI (or AI Services) resource."""

    endpoint: str = Field(
        description="Resource root URL, without /openai.", examples=["https://chatsheet-eastus.openai.azure.com"]
    )
    region: str | None = Field(
        None, description="Azure region (shown by `configgen graph`).", examples=["eastus", "swedencentral"], min_length=1
    )
    private_endpoint: bool = Field(False, description="Reached through a private endpoint (proxy must run in the VNet).")
    auth: Auth
    api_version: str = Field(
        description='Data-plane api-version LiteLLM pins for this resource; "v1" chooses the v1 API '
        "(LiteLLM then calls <endpoint>/openai/v1/..., the deployment in the body).",
        examples=["2024-10-21", "v1"],
    )
    deployments: dict[DeploymentName, Deployment] = Field(min_length=1)
    inventory: PathStr | None = Field(
        None,
        description="JSON file from `az cognitiveservices account deployment list` to check deployments against.",
    )
    models: PathStr | None = Field(
        None,
        description="Models file from `configgen catalog fetch` / `catalog import`: Azure's own model list for the "
        "resource's region, which then decides retirements (relative to the project file).",
    )
    subscription_id: str | None = Field(
        None,
        pattern=r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        description="Azure subscription (GUID) of the resource, for `configgen inventory fetch`.",
    )
    resource_group: str | None = Field(
        None,
        # `+` with max_length, not `{1,90}`: a bounded repeat of Unicode `\w` costs the Rust regex
        # engine 20 ms to compile, at every start.
        pattern=r"^[-\w._()]+$",
        min_length=1,
        max_length=90,
        description="Resource group of the resource, for `configgen inventory fetch`.",
    )


class Alias(_Model):
    """A model name the app asks for (LiteLLM `model_name`), served by one or more deployments."""

    deployments: list[str] = Field(
        min_length=1,
        description="Deployments serving this alias, as `resource/deployment`.",
        examples=[["chatsheet-eastus/gpt-4o", "chatsheet-westus/gpt-4o"]],
    )
    fallbacks: list[str] = Field(default_factory=list, description="Aliases to try, in order, when this one fails.")


class Instance(_Model):
    """One LiteLLM proxy process."""

    host: Host = Field(description="Address the proxy listens on and is reached at.")
    port: Port = 4000


class Redis(_Model):
    """Redis that proxy instances share cooldowns and rate-limit counters through."""

    host: Host
    port: Port = 6379
    password_env: EnvVarName | None = None


class Proxy(_Model):
    """The LiteLLM proxy (one or more identical instances)."""

    instances: list[Instance] = Field(min_length=1)
    master_key_env: EnvVarName = "LITELLM_MASTER_KEY"
    routing_strategy: RoutingStrategy = "simple-shuffle"
    num_retries: int = Field(2, ge=0, le=10)
    timeout: int = Field(600, ge=1, description="Seconds a whole request may take (streamed ones included).")
    allowed_fails: int = Field(3, ge=1, description="Failures per minute before a deployment cools down.")
    cooldown_time: int = Field(30, ge=1, description="Seconds a failing deployment is skipped.")
    num_workers: int = Field(1, ge=1, le=64)
    redis: Redis | None = None
    drop_params: bool = Field(True, description="Drop request parameters a model does not support instead of failing.")


class Tls(_Model):
    cert: PathStr
    key: PathStr


class Balancer(_Model):
    """The load balancer in front of several proxy instances."""

    kind: Literal["nginx", "haproxy", "azure"]
    host: Host = Field(description="Address the app reaches the balancer at.")
    port: Port = 80
    listen: Host = Field("0.0.0.0", description="Address the balancer binds to.")
    tls: Tls | None = None
    max_body_size_mb: int = Field(50, ge=1, le=1024, description="Largest request body accepted (large prompts).")
    read_timeout: int = Field(600, ge=1, description="Seconds to wait for a (streamed) response.")
    connect_timeout: int = Field(5, ge=1, le=300)


class App(_Model):
    """The application side: what goes into server/.env."""

    mode: Literal["proxy", "direct"] = Field(description="Through the LiteLLM proxy, or straight to Azure (dev only).")
    alias: str = Field(description="The alias the app asks for (LITELLM_MODEL).", examples=["gpt-4"])
    api_base: str | None = Field(None, description="LITELLM_API_BASE; derived from the balancer or proxy when unset.")
    api_key_env: EnvVarName = Field("LITELLM_API_KEY", description="Variable holding the app's key for the proxy.")
    env: dict[EnvVarName, str] = Field(default_factory=dict, description="Extra non-secret variables for server/.env.")


class Observability(_Model):
    """Metrics and logging of the LiteLLM proxies (rendered into litellm_settings and the start command)."""

    prometheus: bool = Field(
        False,
        description="Serve Prometheus metrics on /metrics/ (litellm_settings.callbacks: [prometheus]; "
        "the proxy's environment needs the prometheus-client package).",
    )
    metrics_auth: bool = Field(
        True, description="/metrics requires the master key (LiteLLM's default); false sets "
        "litellm_settings.require_auth_for_metrics_endpoint: false."
    )
    metrics_token_file: PathStr = Field(
        "/etc/prometheus/secrets/litellm-{env}.token",
        description="File Prometheus reads the bearer token for /metrics from (never inline).",
    )
    log_level: Literal["info", "debug", "detailed_debug"] = Field(
        "info", description="`debug` / `detailed_debug` add the proxy's --debug / --detailed_debug flag; "
        "detailed_debug logs every request body sent to Azure."
    )
    json_logs: bool = Field(False, description="Log as JSON lines (litellm_settings.json_logs).")
    log_message_content: bool = Field(
        False,
        description="Let logging callbacks and error messages carry prompts and completions; false sets "
        "turn_off_message_logging and redact_messages_in_exceptions.",
    )


# Kubernetes object names (namespace, Secret, ...): RFC 1123 DNS labels, what the API server accepts.
DnsLabel = Annotated[
    str,
    Field(pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", max_length=63, description="A DNS label: lower-case letters, digits, '-'."),
]
Quantity = Annotated[str, Field(pattern=r"^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$", max_length=32)]
Guid = Annotated[str, Field(pattern=r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]


class K8sAutoscaling(_Model):
    """A HorizontalPodAutoscaler on CPU (replaces a fixed replica count)."""

    min_replicas: int = Field(2, ge=1, le=1000)
    max_replicas: int = Field(ge=1, le=1000)
    target_cpu_percent: int = Field(60, ge=1, le=100, description="Average CPU utilisation the HPA aims for.")


class K8sResources(_Model):
    """Container requests and limits (Kubernetes quantities)."""

    cpu_request: Quantity = "500m"
    memory_request: Quantity = "1Gi"
    cpu_limit: Quantity | None = None
    memory_limit: Quantity | None = "2Gi"


class K8sPdb(_Model):
    """PodDisruptionBudget: how many proxy pods a voluntary disruption (node drain) may take at once."""

    min_available: int | None = Field(None, ge=0)
    max_unavailable: int | None = Field(1, ge=0)


class K8sProbes(_Model):
    """Health probes on LiteLLM's /health/liveliness and /health/readiness (no key needed)."""

    port: Port | None = Field(None, description="Port the probes use; the container port when unset.")
    startup_seconds: int = Field(300, ge=10, le=3600, description="How long a cold start may take before the pod is restarted.")


class K8sIngress(_Model):
    """An Ingress in front of the Service; the app then uses its host."""

    host: Host
    class_name: str = Field("nginx", pattern=r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", max_length=253)
    tls_secret: DnsLabel | None = Field(None, description="Secret holding the Ingress's TLS certificate.")


class Kubernetes(_Model):
    """The proxies run as a Deployment on Kubernetes (AKS); the Service is the balancer."""

    namespace: DnsLabel
    name: DnsLabel = Field("litellm", description="Name of the Deployment, Service, ConfigMap, ...")
    replicas: int | None = Field(None, ge=1, le=1000, description="Pods; the number of `proxy.instances` when unset.")
    autoscaling: K8sAutoscaling | None = None
    resources: K8sResources = K8sResources()
    image: str = Field(
        "ghcr.io/berriai/litellm:v1.110.2",
        pattern=r"^[a-z0-9][a-z0-9._/:-]*:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$",
        description="Container image with a pinned tag (the LiteLLM version configgen targets).",
    )
    pdb: K8sPdb | None = K8sPdb()
    service_monitor: bool = Field(
        False, description="Render a prometheus-operator ServiceMonitor (needs observability.prometheus)."
    )
    secret: DnsLabel = Field("litellm-env", description="Secret that holds the variables the config references.")
    service_port: Port = Field(4000, description="Port of the ClusterIP Service.")
    workload_identity_client_id: Guid | None = Field(
        None,
        description="Client id of the user-assigned managed identity federated with the ServiceAccount "
        "(AKS workload identity).",
    )
    ingress: K8sIngress | None = None
    probes: K8sProbes = K8sProbes()


class Outputs(_Model):
    """Where `configgen render ENV` writes, relative to the project file; `{env}` is the environment name."""

    dir: OutputPathStr = "deploy/{env}"
    litellm_config: OutputPathStr | None = None
    env_file: OutputPathStr | None = None
    env_example: OutputPathStr | None = None


class Environment(_Model):
    """One environment after merging `defaults` with its own overrides."""

    description: str = ""
    production: bool = Field(False, description="Stricter rules apply (no direct mode, no content logging).")
    aliases: dict[Name, Alias] = Field(min_length=1)
    app: App
    proxy: Proxy | None = None
    balancer: Balancer | None = None
    kubernetes: Kubernetes | None = Field(None, description="Run the proxies on Kubernetes: instances become replicas.")
    observability: Observability = Observability()
    outputs: Outputs = Outputs()


class Project(_Model):
    """A configgen project file (format version 1)."""

    version: Literal[1] = Field(description="Project file format version.")
    name: Name
    catalog: dict[str, Any] | None = Field(None, description="Extends the built-in Azure model catalogue.")
    templates: PathStr | None = Field(
        None, description="Folder of templates that override the built-in ones (same file names); sandboxed."
    )
    output_roots: list[PathStr] = Field(
        default_factory=list,
        description="Folders outside the project's folder that `outputs:` may write into (a sibling app "
        "repository, say); without them every output must stay inside the project's folder.",
    )
    resources: dict[Name, Resource] = Field(min_length=1)
    defaults: dict[str, Any] = Field(default_factory=dict, description="Settings every environment starts from.")
    environments: dict[Name, dict[str, Any] | None] = Field(min_length=1)
