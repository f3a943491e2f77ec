"""values.yaml for LiteLLM's official Helm chart (BerriAI/litellm helm/litellm-helm): the facts of
the kustomize base (configgen.render.k8s), the way the chart's templates read them
(configgen/knowledge/data/litellm_helm_chart.json records the keys and the chart version)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from configgen.load.built import Built
from configgen.model.k8s_facts import container_port, grace_seconds, replicas
from configgen.render.k8s import CHART_MASTER_KEY_ENV, WI_CLIENT_ID, WI_USE, load, pod_labels, resources, serialise

if TYPE_CHECKING:
    from configgen.model.project import Environment, Kubernetes, Project


def build(
    project: Project, env_name: str, env: Environment, bodies: dict[str, str], known: dict[str, Built]
) -> dict[str, tuple[str, Built | None]]:
    """The outputs table's builder for helm/values.yaml (configgen.render.outputs): its text and the
    data it parses to (not known when the LiteLLM config came from a project template)."""
    k = env.kubernetes
    assert k is not None, "only for environments with a kubernetes: section"
    config = known.get("litellm_config")
    data = config.data if config is not None else load(bodies["litellm_config"])
    values = chart_values(env, k, data, pod_labels(project.name, env_name, k))
    return {"helm/values.yaml": serialise(values, {} if config is not None else None)}


def chart_values(env: Environment, k: Kubernetes, config: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
    """values.yaml for the official chart: the same facts, the way its templates read them."""
    assert env.proxy is not None
    proxy_config = dict(config)
    general = dict(proxy_config.get("general_settings") or {})
    # The chart always sets PROXY_MASTER_KEY (from masterkeySecretName/Key): the config must read that.
    general["master_key"] = f"os.environ/{CHART_MASTER_KEY_ENV}"
    proxy_config["general_settings"] = general
    repo, _, tag = k.image.rpartition(":")
    values: dict[str, Any] = {}
    if k.autoscaling is None:
        values["replicaCount"] = replicas(env)
    else:
        values["autoscaling"] = {
            "enabled": True,
            "minReplicas": k.autoscaling.min_replicas,
            "maxReplicas": k.autoscaling.max_replicas,
            "targetCPUUtilizationPercentage": k.autoscaling.target_cpu_percent,
        }
    values["numWorkers"] = env.proxy.num_workers
    values["image"] = {"repository": repo, "tag": tag, "pullPolicy": "IfNotPresent"}
    values["fullnameOverride"] = k.name
    sa: dict[str, Any] = {"create": True, "name": k.name}
    if k.workload_identity_client_id:
        sa["annotations"] = {WI_CLIENT_ID: k.workload_identity_client_id}
        values["podLabels"] = {WI_USE: "true"}
    values["serviceAccount"] = sa
    values["terminationGracePeriodSeconds"] = grace_seconds(env)
    values["podSecurityContext"] = {"runAsNonRoot": True, "runAsUser": 1000, "runAsGroup": 1000, "fsGroup": 1000}
    values["securityContext"] = {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    }
    # The chart's service.port is also the container port and the proxy's PORT.
    values["service"] = {"type": "ClusterIP", "port": container_port(env)}
    values["startupProbe"] = {"failureThreshold": max(1, -(-k.probes.startup_seconds // 10)), "periodSeconds": 10}
    values["resources"] = resources(k)
    values["environmentSecrets"] = [k.secret]
    values["masterkeySecretName"] = k.secret
    values["masterkeySecretKey"] = env.proxy.master_key_env
    values["envVars"] = {"LITELLM_MODE": "PRODUCTION", "LITELLM_OFFLINE_MODE": "true", "HOME": "/tmp"}
    if k.pdb is not None:
        pdb: dict[str, Any] = {"enabled": True}
        if k.pdb.min_available is not None:
            pdb["minAvailable"] = k.pdb.min_available
        else:
            pdb["maxUnavailable"] = k.pdb.max_unavailable if k.pdb.max_unavailable is not None else 1
        values["pdb"] = pdb
    values["serviceMonitor"] = {"enabled": k.service_monitor}
    if k.ingress is not None:
        ing: dict[str, Any] = {
            "enabled": True,
            "className": k.ingress.class_name,
            "hosts": [{"host": k.ingress.host, "paths": [{"path": "/", "pathType": "Prefix"}]}],
        }
        if k.ingress.tls_secret:
            ing["tls"] = [{"secretName": k.ingress.tls_secret, "hosts": [k.ingress.host]}]
        values["ingress"] = ing
    # No database is declared in the project: no bundled Postgres, no migration Job (both on by default).
    values["db"] = {"deployStandalone": False, "useExisting": False}
    values["migrationJob"] = {"enabled": False}
    values["proxy_config"] = proxy_config
    return values
