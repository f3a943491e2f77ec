"""Facts derived from an environment's `kubernetes:` section, shared by rendering and the rules.

Kept apart from configgen.model.facts so the VM outputs do not pay for (or depend on) the Kubernetes code.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from configgen.model.project import Environment, Kubernetes

#: Where the ConfigMap's config.yaml is mounted (the official chart uses the same path).
CONFIG_PATH = "/etc/litellm/config.yaml"
#: LiteLLM's default `router_settings.timeout` / request timeout when the project sets none (seconds).
DRAIN_MARGIN = 30
_OS_ENVIRON = re.compile(r"^os\.environ/([A-Za-z_][A-Za-z0-9_]*)$")


def service_host(k: Kubernetes) -> str:
    """The Service's cluster DNS name: resolvable from any pod in the cluster."""
    return f"{k.name}.{k.namespace}.svc.cluster.local"


def service_base_url(k: Kubernetes) -> str:
    """LITELLM_API_BASE for the app: the Ingress host when there is one, else the Service."""
    if k.ingress is not None:
        scheme = "https" if k.ingress.tls_secret else "http"
        return f"{scheme}://{k.ingress.host}"
    return f"http://{service_host(k)}" if k.service_port == 80 else f"http://{service_host(k)}:{k.service_port}"


def container_port(env: Environment) -> int:
    """The port the proxy listens on inside the pod: the first instance's (all replicas are alike)."""
    return env.proxy.instances[0].port if env.proxy is not None else 4000


def replicas(env: Environment) -> int:
    """Fixed replica count (also the HPA minimum's stand-in when autoscaling): explicit, else one per instance."""
    k = env.kubernetes
    assert k is not None
    if k.autoscaling is not None:
        return k.autoscaling.min_replicas
    if k.replicas is not None:
        return k.replicas
    return len(env.proxy.instances) if env.proxy is not None else 1


def max_replicas(env: Environment) -> int:
    k = env.kubernetes
    assert k is not None
    return k.autoscaling.max_replicas if k.autoscaling is not None else replicas(env)


def grace_seconds(env: Environment) -> int:
    """terminationGracePeriodSeconds: the longest request (proxy.timeout) plus time to drain."""
    timeout = env.proxy.timeout if env.proxy is not None else 600
    return timeout + DRAIN_MARGIN


def env_refs(data: object) -> list[str]:
    """Every `os.environ/NAME` a LiteLLM config references, in first-seen order."""
    seen: dict[str, None] = {}

    def walk(value: object) -> None:
        if isinstance(value, str):
            m = _OS_ENVIRON.match(value.strip())
            if m:
                seen.setdefault(m.group(1), None)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(data)
    return list(seen)
