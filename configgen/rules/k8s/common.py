"""What the Kubernetes rules share: the facts they judge by and queries over manifests and values.

These run on a :class:`K8sFileTarget` (one file: a values file or the objects of a manifest, plus
the LiteLLM configs inside). They keep their own registry, :data:`K8S_RULES`, until the rule
registry has targets for these kinds (then each becomes a `@rule(..., "k8s_values"|"k8s_manifest")`).

Facts relied on: LiteLLM 1.110.2 (`litellm/proxy/proxy_server.py`, `proxy_cli.py`): the config comes
from `--config` or the CONFIG_FILE_PATH variable; only `os.environ/NAME` values in the config are
resolved and a missing variable becomes None (HTTP 500 at request time); the master key is
`general_settings.master_key`, else the LITELLM_MASTER_KEY variable, else the proxy exits (code 3);
`/health/liveliness`, `/health/liveness` and `/health/readiness` need no key, `/health` does.
Kubernetes (kubernetes.io, "Define Environment Variables for a Container", "Specifying a Disruption
Budget"): only `$(VAR)` of earlier variables is expanded in `env` values, `${VAR}` stays literal; an
eviction that would break a PDB is refused. The chart: configgen/knowledge/data/litellm_helm_chart.json.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from configgen.findings import DataPath
from configgen.load.k8s import EmbeddedConfig
from configgen.load.yaml import YamlDocument
from configgen.rules.targets import K8sFileTarget

HEALTH_PATHS_NO_KEY = ("/health/liveliness", "/health/liveness", "/health/readiness")
_WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "Pod"}
_OS_ENVIRON = re.compile(r"^os\.environ/([A-Za-z_][A-Za-z0-9_]*)$")
_SHELL_VAR = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}")
_K8S_REF = re.compile(r"^\$\([A-Za-z_][A-Za-z0-9_]*\)$")
_SECRET_NAME = re.compile(r"(^|_)(API_?KEY|MASTER_KEY|SECRET|PASSWORD|PASSWD|TOKEN)($|_)", re.IGNORECASE)
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}


@cache
def chart_snapshot() -> dict[str, Any]:
    # A path in the package, not importlib.resources (its imports cost ms), as configgen/knowledge does:
    # configgen is never zipped.
    text = (Path(__file__).parents[2] / "knowledge" / "data" / "litellm_helm_chart.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


# --- helpers ---------------------------------------------------------------------------------------


class Container(NamedTuple):
    obj: YamlDocument
    path: DataPath
    data: dict[str, Any]


def _get(data: Any, *keys: str | int) -> Any:
    for k in keys:
        if isinstance(data, dict) and isinstance(k, str):
            data = data.get(k)
        elif isinstance(data, list) and isinstance(k, int) and 0 <= k < len(data):
            data = data[k]
        else:
            return None
    return data


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _pod_spec_path(obj: YamlDocument) -> DataPath | None:
    kind = obj.data.get("kind")
    if kind not in _WORKLOADS:
        return None
    return ("spec",) if kind == "Pod" else ("spec", "template", "spec")


def litellm_containers(objects: list[YamlDocument]) -> Iterator[Container]:
    """Containers that run LiteLLM: their image names litellm (the proxy's images all do)."""
    for obj in objects:
        base = _pod_spec_path(obj)
        if base is None:
            continue
        containers = _get(obj.data, *base, "containers")
        if not isinstance(containers, list):
            continue
        for i, c in enumerate(containers):
            if isinstance(c, dict) and "litellm" in str(c.get("image", "")).lower():
                yield Container(obj, (*base, "containers", i), c)


def _env_entries(c: Container) -> Iterator[tuple[int, dict[str, Any]]]:
    env = c.data.get("env")
    if isinstance(env, list):
        for i, e in enumerate(env):
            if isinstance(e, dict) and isinstance(e.get("name"), str):
                yield i, e


def _objects_by(objects: list[YamlDocument], kind: str) -> dict[str, YamlDocument]:
    out = {}
    for o in objects:
        name = _get(o.data, "metadata", "name")
        if o.data.get("kind") == kind and isinstance(name, str):
            out[name] = o
    return out


def _refs(config: EmbeddedConfig) -> Iterator[tuple[str, DataPath]]:
    def walk(value: Any, path: DataPath) -> Iterator[tuple[str, DataPath]]:
        if isinstance(value, str):
            m = _OS_ENVIRON.match(value.strip())
            if m:
                yield m.group(1), path
        elif isinstance(value, dict):
            for k, v in value.items():
                yield from walk(v, (*path, k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                yield from walk(v, (*path, i))

    yield from walk(config.doc.data, ())


def _pods(t: K8sFileTarget) -> tuple[int | None, int | None, YamlDocument | None, DataPath]:
    """(fewest pods, most pods, document, path) the file asks for, from replicas and autoscaling."""
    if t.values is not None:
        v = t.values.data
        if _get(v, "autoscaling", "enabled") is True or _get(v, "keda", "enabled") is True:
            section = "autoscaling" if _get(v, "autoscaling", "enabled") is True else "keda"
            lo, hi = _get(v, section, "minReplicas"), _get(v, section, "maxReplicas")
            return (lo if isinstance(lo, int) else 1, hi if isinstance(hi, int) else 100, t.values, (section,))
        n = v.get("replicaCount", 1)
        return (n, n, t.values, ("replicaCount",)) if isinstance(n, int) else (None, None, None, ())
    hpas = [o for o in t.objects if o.data.get("kind") == "HorizontalPodAutoscaler"]
    for hpa in hpas:
        lo, hi = _get(hpa.data, "spec", "minReplicas"), _get(hpa.data, "spec", "maxReplicas")
        return (lo if isinstance(lo, int) else 1, hi if isinstance(hi, int) else None, hpa, ("spec",))
    for c in litellm_containers(t.objects):
        if c.obj.data.get("kind") in ("Deployment", "StatefulSet"):
            n = _get(c.obj.data, "spec", "replicas")
            n = 1 if n is None else n
            return (n, n, c.obj, ("spec", "replicas")) if isinstance(n, int) else (None, None, None, ())
    return (None, None, None, ())


def _host_problem(host: str) -> str:
    h = host.strip("[]").lower()
    if h in _LOOPBACK:
        return "is the pod itself inside Kubernetes"
    if h.endswith(".local") and not h.endswith(".svc.cluster.local"):
        return "is a multicast-DNS name the cluster DNS does not resolve"
    return ""


# --- values files ----------------------------------------------------------------------------------
