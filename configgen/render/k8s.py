"""Kubernetes outputs of an environment with a `kubernetes:` section: a kustomize base and chart values.

Pure: `build(project, env_name, env, bodies, known)` returns {relative path: (text, data)} without the
generated-file header (render.jinja adds it). The manifests are built as data and written by a YAML
serializer, so no value can break out of its place (no text templating of YAML).

Facts relied on (cited where they matter):
- LiteLLM (1.110.2) serves `/health/liveliness` and `/health/readiness` without a key; a cold start
  takes about 8 s on a laptop and much longer on a small node (the official chart allows 300 s:
  startupProbe failureThreshold 30 x periodSeconds 10, helm/litellm-helm/values.yaml).
- Only `os.environ/NAME` values are resolved; each such NAME becomes one `secretKeyRef` here.
- The official chart (BerriAI/litellm helm/litellm-helm, see configgen/knowledge/data/litellm_helm_chart.json)
  mounts the ConfigMap's `config.yaml` at /etc/litellm/config.yaml, sets PROXY_MASTER_KEY from
  `masterkeySecretName`/`masterkeySecretKey` (else a new random key each render), turns
  `environmentSecrets` into `envFrom`, drops `replicaCount` under `autoscaling.enabled`, and with
  `securityContext.readOnlyRootFilesystem` mounts emptyDirs on /tmp, /.cache and /.npm (npm and
  prisma write there, with a database only). Without a database LiteLLM 1.110.2 starts and serves
  with a read-only root and only /tmp writable, HOME=/tmp (tests/integration/test_k8s_e2e.py).
- AKS workload identity (Azure/azure-workload-identity docs, "Service Account Labels and
  Annotations"; learn.microsoft.com/azure/aks/workload-identity-overview): the ServiceAccount carries
  `azure.workload.identity/client-id`, and only pods labelled `azure.workload.identity/use: "true"` are
  mutated: the webhook injects AZURE_CLIENT_ID,
  AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE, which LiteLLM's DefaultAzureCredential path uses
  (litellm/secret_managers/get_azure_ad_token_provider.py).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from configgen.findings import DataPath
from configgen.load.built import Built
from configgen.model.facts import LIVENESS_PATH, READINESS_PATH
from configgen.model.k8s_facts import CONFIG_PATH, container_port, env_refs, grace_seconds, replicas, service_base_url
from configgen.render.header import sha256_hex
from configgen.render.yaml_emit import emit

if TYPE_CHECKING:
    from configgen.model.project import Environment, Kubernetes, Project

#: The master-key variable the official chart always sets (helm/litellm-helm templates/deployment.yaml).
CHART_MASTER_KEY_ENV = "PROXY_MASTER_KEY"
BASE = "k8s/base"
CONFIGMAP = f"{BASE}/configmap.yaml"
WI_CLIENT_ID = "azure.workload.identity/client-id"
WI_USE = "azure.workload.identity/use"


def k8s_objects(
    project: Project, env_name: str, env: Environment, litellm_config: str, config_data: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Every Kubernetes object of one environment by file, from the LiteLLM config configgen rendered
    for it (its text, and the data that text parses to)."""
    k = env.kubernetes
    assert k is not None, "only for environments with a kubernetes: section"
    refs = env_refs(config_data)
    labels = pod_labels(project.name, env_name, k)
    meta = {"name": k.name, "namespace": k.namespace, "labels": dict(labels)}
    objects: dict[str, dict[str, Any]] = {
        "configmap.yaml": {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {**meta, "name": f"{k.name}-config"},
            "data": {"config.yaml": litellm_config},
        },
        "serviceaccount.yaml": _service_account(k, meta),
        "deployment.yaml": _deployment(env, k, meta, labels, refs, litellm_config),
        "service.yaml": {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": meta,
            "spec": {
                "type": "ClusterIP",
                "selector": labels,
                "ports": [{"name": "http", "port": k.service_port, "targetPort": "http", "protocol": "TCP"}],
            },
        },
    }
    if k.autoscaling is not None:
        objects["hpa.yaml"] = _hpa(k, meta)
    if k.pdb is not None:
        objects["pdb.yaml"] = _pdb(k, meta, labels)
    if k.service_monitor:
        objects["servicemonitor.yaml"] = _service_monitor(env, k, meta, labels)
    if k.ingress is not None:
        objects["ingress.yaml"] = _ingress(k, meta)
    files = {f"{BASE}/{name}": obj for name, obj in objects.items()}
    files[f"{BASE}/kustomization.yaml"] = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "namespace": k.namespace,
        "resources": list(objects),
    }
    # Outside the base on purpose: applying it would replace the real values with empty ones.
    files["k8s/secret.template.yaml"] = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {**meta, "name": k.secret},
        "type": "Opaque",
        "stringData": dict.fromkeys(refs, ""),
    }
    return files


def build(
    project: Project, env_name: str, env: Environment, bodies: dict[str, str], known: dict[str, Built]
) -> dict[str, tuple[str, Built | None]]:
    """The outputs table's builder for the k8s/ rows (configgen.render.outputs): each file's text and
    the data it parses to (None for the ConfigMap when the LiteLLM config came from a project template:
    its config.yaml is then re-checked from the text)."""
    text = bodies["litellm_config"]
    config = known.get("litellm_config")
    objects = k8s_objects(project, env_name, env, text, config.data if config is not None else load(text))
    files = {}
    for path, obj in objects.items():
        embedded: dict[DataPath, Any] | None = {}
        if path == CONFIGMAP:
            embedded = None if config is None else {("data", "config.yaml"): config.data}
        files[path] = serialise(obj, embedded)
    return files


def serialise(obj: dict[str, Any], embedded: dict[DataPath, Any] | None) -> tuple[str, Built | None]:
    """The file's text, and what it parses to (``embedded``: the data of YAML texts held inside it;
    None: not known, judge the text)."""
    text, exact = dump_exact(obj)
    return text, Built(obj, embedded) if exact and embedded is not None else None


def pod_labels(project_name: str, env_name: str, k: Kubernetes) -> dict[str, str]:
    return {"app.kubernetes.io/name": k.name, "app.kubernetes.io/instance": f"{project_name}-{env_name}"[:63].rstrip("-")}


def load(text: str) -> dict[str, Any]:
    from ruamel.yaml import YAML

    data = YAML(typ="safe", pure=True).load(text)
    return data if isinstance(data, dict) else {}


def dump(obj: Any) -> str:
    """Block-style YAML, keys in the order given; multi-line strings as literal block scalars."""
    return dump_exact(obj)[0]


def dump_exact(obj: Any) -> tuple[str, bool]:
    """:func:`dump`, and whether the text reads back as exactly ``obj`` (configgen.render.yaml_emit)."""
    try:
        body, exact = emit(obj), True
    except TypeError:  # only a project template's own LiteLLM config brings such values (timestamps, sets)
        body, exact = _ruamel_dump(obj), False
    return "---\n" + body, exact  # yamllint's document-start (kubectl and helm accept it)


def _ruamel_dump(obj: Any) -> str:
    from ruamel.yaml import YAML
    from ruamel.yaml.scalarstring import LiteralScalarString

    def literal(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: literal(v) for k, v in value.items()}
        if isinstance(value, list):
            return [literal(v) for v in value]
        if isinstance(value, str) and "\n" in value:
            return LiteralScalarString(value)
        return value

    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(literal(obj), out)
    return out.getvalue()


def _service_account(k: Kubernetes, meta: dict[str, Any]) -> dict[str, Any]:
    sa: dict[str, Any] = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": dict(meta)}
    if k.workload_identity_client_id:
        sa["metadata"]["annotations"] = {WI_CLIENT_ID: k.workload_identity_client_id}
    else:
        sa["automountServiceAccountToken"] = False  # the proxy never talks to the API server
    return sa


def probe_port(env: Environment) -> int | str:
    k = env.kubernetes
    assert k is not None
    return k.probes.port if k.probes.port is not None else "http"


def container_args(env: Environment) -> list[str]:
    """What the container runs after `litellm`: the mounted config, all interfaces, the config's port."""
    assert env.proxy is not None
    args = ["--config", CONFIG_PATH, "--host", "0.0.0.0", "--port", str(container_port(env))]
    args += ["--num_workers", str(env.proxy.num_workers)]
    flag = {"info": None, "debug": "--debug", "detailed_debug": "--detailed_debug"}[env.observability.log_level]
    if flag:
        args.append(flag)
    return args


def _deployment(
    env: Environment, k: Kubernetes, meta: dict[str, Any], labels: dict[str, str], refs: list[str], config: str
) -> dict[str, Any]:
    pod_labels = dict(labels)
    if k.workload_identity_client_id:
        pod_labels[WI_USE] = "true"
    envs: list[dict[str, Any]] = [
        # PRODUCTION: no stray .env from a parent folder; OFFLINE: no price-list download (FACTS.md).
        {"name": "LITELLM_MODE", "value": "PRODUCTION"},
        {"name": "LITELLM_OFFLINE_MODE", "value": "true"},
        # The root file system is read-only: anything written under $HOME lands in the /tmp emptyDir.
        {"name": "HOME", "value": "/tmp"},
    ]
    envs += [{"name": n, "valueFrom": {"secretKeyRef": {"name": k.secret, "key": n}}} for n in refs]
    port = probe_port(env)
    startup_period = 10
    container: dict[str, Any] = {
        "name": "litellm",
        "image": k.image,
        "imagePullPolicy": "IfNotPresent",
        "command": ["litellm"],
        "args": container_args(env),
        "ports": [{"name": "http", "containerPort": container_port(env), "protocol": "TCP"}],
        "env": envs,
        "startupProbe": {
            "httpGet": {"path": READINESS_PATH, "port": port},
            "periodSeconds": startup_period,
            "timeoutSeconds": 5,
            "failureThreshold": max(1, -(-k.probes.startup_seconds // startup_period)),
        },
        "livenessProbe": {
            "httpGet": {"path": LIVENESS_PATH, "port": port},
            "periodSeconds": 15,
            "timeoutSeconds": 5,
            "failureThreshold": 5,
        },
        "readinessProbe": {
            "httpGet": {"path": READINESS_PATH, "port": port},
            "periodSeconds": 10,
            "timeoutSeconds": 5,
            "failureThreshold": 3,
        },
        "resources": resources(k),
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
        "volumeMounts": [
            {"name": "config", "mountPath": CONFIG_PATH.rsplit("/", 1)[0], "readOnly": True},
            {"name": "tmp", "mountPath": "/tmp"},
            {"name": "cache", "mountPath": "/.cache"},
        ],
    }
    spec: dict[str, Any] = {}
    if k.autoscaling is None:
        spec["replicas"] = replicas(env)
    spec.update(
        {
            "revisionHistoryLimit": 5,
            # Never below the wanted count during a rollout: a new pod must pass readiness first.
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {
                    "labels": pod_labels,
                    # A changed config.yaml changes the pod template, so the pods restart and read it.
                    # A new config rolls the pods; 16 hex digits keep the line within yamllint's 80 columns.
                    "annotations": {"configgen/config-sha256": sha256_hex(config)[:16]},
                },
                "spec": {
                    "serviceAccountName": k.name,
                    "terminationGracePeriodSeconds": grace_seconds(env),
                    "securityContext": {
                        "runAsNonRoot": True,
                        "runAsUser": 1000,
                        "runAsGroup": 1000,
                        "fsGroup": 1000,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "containers": [container],
                    "volumes": [
                        {"name": "config", "configMap": {"name": f"{k.name}-config"}},
                        {"name": "tmp", "emptyDir": {"sizeLimit": "500Mi"}},
                        {"name": "cache", "emptyDir": {"sizeLimit": "500Mi"}},
                    ],
                },
            },
        }
    )
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta, "spec": spec}


def resources(k: Kubernetes) -> dict[str, Any]:
    r = k.resources
    out: dict[str, Any] = {"requests": {"cpu": r.cpu_request, "memory": r.memory_request}}
    limits = {key: v for key, v in (("cpu", r.cpu_limit), ("memory", r.memory_limit)) if v is not None}
    if limits:
        out["limits"] = limits
    return out


def _hpa(k: Kubernetes, meta: dict[str, Any]) -> dict[str, Any]:
    a = k.autoscaling
    assert a is not None
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": meta,
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": k.name},
            "minReplicas": a.min_replicas,
            "maxReplicas": a.max_replicas,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": a.target_cpu_percent}},
                }
            ],
        },
    }


def _pdb(k: Kubernetes, meta: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
    p = k.pdb
    assert p is not None
    spec: dict[str, Any] = {"selector": {"matchLabels": labels}}
    if p.min_available is not None:
        spec["minAvailable"] = p.min_available
    else:
        spec["maxUnavailable"] = p.max_unavailable if p.max_unavailable is not None else 1
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta, "spec": spec}


def _service_monitor(env: Environment, k: Kubernetes, meta: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
    endpoint: dict[str, Any] = {"port": "http", "path": "/metrics/", "interval": "15s", "scrapeTimeout": "10s", "scheme": "http"}
    if env.observability.metrics_auth and env.proxy is not None:
        # /metrics/ needs the master key unless require_auth_for_metrics_endpoint is false.
        endpoint["bearerTokenSecret"] = {"name": k.secret, "key": env.proxy.master_key_env}
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": meta,
        "spec": {
            "selector": {"matchLabels": labels},
            "namespaceSelector": {"matchNames": [k.namespace]},
            "endpoints": [endpoint],
        },
    }


def _ingress(k: Kubernetes, meta: dict[str, Any]) -> dict[str, Any]:
    ing = k.ingress
    assert ing is not None
    spec: dict[str, Any] = {
        "ingressClassName": ing.class_name,
        "rules": [
            {
                "host": ing.host,
                "http": {
                    "paths": [
                        {
                            "path": "/",
                            "pathType": "Prefix",
                            "backend": {"service": {"name": k.name, "port": {"number": k.service_port}}},
                        }
                    ]
                },
            }
        ],
    }
    if ing.tls_secret:
        spec["tls"] = [{"hosts": [ing.host], "secretName": ing.tls_secret}]
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta, "spec": spec}


def app_base_url(env: Environment) -> str:
    assert env.kubernetes is not None
    return service_base_url(env.kubernetes)
