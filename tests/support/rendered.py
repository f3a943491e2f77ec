"""Projects to render in tests of what render builds as data: the example, bench projects of several
sizes, and bench projects with Kubernetes environments of every option."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from configgen.model.load import LoadedProject
from configgen.pipeline import check_project

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "chatsheetai" / "configgen.yaml"
AS_OF = dt.date(2026, 11, 27)


def bench_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_make_project", ROOT / "bench" / "make_project.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is created
    spec.loader.exec_module(module)
    return module


#: Kubernetes environments appended to a bench project: every optional object and setting once.
K8S_ENVS = """
  aks-a:
    production: true
    proxy:
      num_workers: 2
      redis: {host: redis-master.bench.svc.cluster.local, port: 6379, password_env: REDIS_PASSWORD}
    observability:
      prometheus: true
      json_logs: true
    kubernetes:
      namespace: bench
      autoscaling: {min_replicas: 3, max_replicas: 6}
      pdb: {max_unavailable: 1}
      service_monitor: true
      ingress: {host: litellm.bench.example.internal, tls_secret: litellm-tls}
      workload_identity_client_id: 0b6e2f7c-3a41-4d8e-9c5a-2f1d7e6b8a90
      resources: {cpu_request: 250m, memory_request: 512Mi, cpu_limit: "2", memory_limit: 4Gi}
  aks-b:
    proxy:
      instances:
        - {host: 127.0.0.1, port: 4100}
    observability:
      prometheus: true
      metrics_auth: false
      log_level: debug
    kubernetes:
      namespace: bench-b
      name: proxy
      replicas: 2
      pdb: {min_available: 1}
      probes: {port: 4100, startup_seconds: 45}
      image: ghcr.io/berriai/litellm:main-v1.110.2
      service_port: 8080
"""


def project_file(tmp: Path, deployments: int, *, resources: int = 50, environments: int = 3, k8s: bool = False) -> Path:
    text = bench_module().make_project(deployments, resources, environments)
    path = tmp / f"bench-{deployments}-{resources}-{environments}{'-k8s' if k8s else ''}.yaml"
    path.write_text(text + (K8S_ENVS if k8s else ""))
    return path


def loaded(path: Path) -> LoadedProject:
    project, findings = check_project(path, AS_OF, None)
    assert project.project is not None, [f.message for f in findings]
    return project


def walk(value: Any) -> list[str]:
    """Every string in ``value``, keys included."""
    if isinstance(value, dict):
        return [*value, *(s for v in value.values() for s in walk(v))]
    if isinstance(value, list):
        return [s for v in value for s in walk(v)]
    return [value] if isinstance(value, str) else []


def same(a: Any, b: Any) -> bool:
    """Equal, with the types (True is not 1) and the order of keys."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)
