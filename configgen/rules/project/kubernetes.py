"""Project rules for environments that run on Kubernetes: a `kubernetes:` section that holds together.

Kubernetes facts (kubernetes.io documentation, "Specifying a Disruption Budget", "Configure Liveness,
Readiness and Startup Probes", "DNS for Services and Pods"): an eviction that would leave fewer than
`minAvailable` (or more than `maxUnavailable`) pods is refused, so `kubectl drain` and AKS node-image
upgrades wait forever; a probe on a port nothing listens on fails, the pod never becomes Ready and
the kubelet restarts it; a pod resolves `<service>.<namespace>.svc.cluster.local` and names the
cluster's DNS forwards, and 127.0.0.1 inside a pod is the pod itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from configgen.findings import Finding, Severity
from configgen.model.k8s_facts import container_port, max_replicas, replicas
from configgen.rules.registry import rule
from configgen.rules.targets import ProjectTarget

_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]", "0.0.0.0"}


def _k8s_envs(t: ProjectTarget) -> Iterator[Any]:
    for env in t.envs.values():
        if env.model.kubernetes is not None:
            yield env


@rule("project-k8s-pdb-blocks-drain", Severity.ERROR, "a PodDisruptionBudget that no eviction can satisfy", "project")
def pdb_blocks_drain(t: ProjectTarget) -> Iterator[Finding]:
    """`pdb.min_available` at or above the (minimum) replica count, or `max_unavailable: 0`, lets no
    pod be evicted: `kubectl drain`, cluster-autoscaler scale-down and AKS node upgrades wait forever
    (AKS fails the upgrade after its drain timeout). Leave one pod of room: `max_unavailable: 1`, or
    more replicas than `min_available`."""
    for env in _k8s_envs(t):
        m = env.model
        k = m.kubernetes
        if k.pdb is None:
            continue
        pods = replicas(m)
        if k.pdb.min_available is not None and k.pdb.min_available >= pods:
            yield t.env_finding(
                env, "project-k8s-pdb-blocks-drain", Severity.ERROR, ("kubernetes", "pdb", "min_available"),
                f"environment {env.name}: PodDisruptionBudget minAvailable {k.pdb.min_available} with "
                f"{pods} replica(s) lets no pod be evicted, so node drains and upgrades never finish",
                f"set `pdb: {{max_unavailable: 1}}` or run more than {k.pdb.min_available} replicas",
            )
        elif k.pdb.min_available is None and k.pdb.max_unavailable == 0:
            yield t.env_finding(
                env, "project-k8s-pdb-blocks-drain", Severity.ERROR, ("kubernetes", "pdb", "max_unavailable"),
                f"environment {env.name}: PodDisruptionBudget maxUnavailable 0 lets no pod be evicted, "
                "so node drains and upgrades never finish",
                "set `pdb: {max_unavailable: 1}`",
            )


@rule("project-k8s-autoscaling-bounds", Severity.ERROR, "autoscaling maximum below its minimum", "project")
def autoscaling_bounds(t: ProjectTarget) -> Iterator[Finding]:
    """A HorizontalPodAutoscaler with `maxReplicas` below `minReplicas` is refused by the API server
    (spec.maxReplicas must be >= minReplicas), so nothing is deployed."""
    for env in _k8s_envs(t):
        a = env.model.kubernetes.autoscaling
        if a is not None and a.max_replicas < a.min_replicas:
            yield t.env_finding(
                env, "project-k8s-autoscaling-bounds", Severity.ERROR, ("kubernetes", "autoscaling", "max_replicas"),
                f"environment {env.name}: autoscaling max_replicas {a.max_replicas} is below "
                f"min_replicas {a.min_replicas}; the API server refuses the HorizontalPodAutoscaler",
                "make max_replicas at least min_replicas",
            )


@rule("project-k8s-probe-port", Severity.ERROR, "health probes on a port the proxy does not listen on", "project")
def probe_port(t: ProjectTarget) -> Iterator[Finding]:
    """The proxy listens only on its container port (`proxy.instances[0].port`, passed as `--port`).
    A probe on any other port is refused: the startup probe fails, the kubelet restarts the pod over
    and over and it never takes traffic."""
    for env in _k8s_envs(t):
        m = env.model
        port = m.kubernetes.probes.port
        if port is not None and port != container_port(m):
            yield t.env_finding(
                env, "project-k8s-probe-port", Severity.ERROR, ("kubernetes", "probes", "port"),
                f"environment {env.name}: probes use port {port} but the proxy listens on "
                f"{container_port(m)}; the pods are restarted forever",
                "remove `probes.port` (the container port is used) or make it the proxy's port",
            )


@rule("project-k8s-single-replica", Severity.WARNING, "a production environment on Kubernetes with one pod", "project")
def single_replica(t: ProjectTarget) -> Iterator[Finding]:
    """With one pod, losing its node (or an eviction during an upgrade) is an outage until the pod is
    rescheduled and has passed its cold start (minutes). Production wants at least two replicas (or
    an autoscaling minimum of two), spread over nodes."""
    for env in _k8s_envs(t):
        m = env.model
        if m.production and replicas(m) < 2:
            where = ("kubernetes", "autoscaling", "min_replicas") if m.kubernetes.autoscaling else ("kubernetes", "replicas")
            yield t.env_finding(
                env, "project-k8s-single-replica", Severity.WARNING, where,
                f"production environment {env.name} runs a single LiteLLM pod: a node failure or upgrade is an outage",
                "set `kubernetes.replicas: 2` or more (or `autoscaling.min_replicas`), and `proxy.redis`",
            )


@rule("project-k8s-redis-missing", Severity.WARNING, "several pods without shared Redis", "project")
def redis_missing(t: ProjectTarget) -> Iterator[Finding]:
    """Replicas are independent LiteLLM instances: they share cooldowns, rpm/tpm counters and
    usage-based routing only through Redis (`router_settings.redis_host`). Without it each pod learns
    alone and rate limits are exceeded once per pod (../shared/FACTS.md)."""
    for env in _k8s_envs(t):
        m = env.model
        if max_replicas(m) > 1 and m.proxy is not None and m.proxy.redis is None:
            where = ("kubernetes", "autoscaling") if m.kubernetes.autoscaling else ("kubernetes", "replicas")
            yield t.env_finding(
                env, "project-k8s-redis-missing", Severity.WARNING, where,
                f"environment {env.name} can run {max_replicas(m)} LiteLLM pods but has no `proxy.redis`",
                "add `proxy.redis: {host: <redis service>.<namespace>.svc.cluster.local, port: 6379, password_env: ...}`",
            )


@rule("project-k8s-host-unresolvable", Severity.WARNING, "a Redis host a pod cannot reach as written", "project")
def host_unresolvable(t: ProjectTarget) -> Iterator[Finding]:
    """Inside a pod, 127.0.0.1 / localhost is the pod itself (no Redis runs there), and `.local`
    names other than `*.svc.cluster.local` are multicast-DNS names the cluster DNS does not answer.
    LiteLLM then logs Redis connection errors and every pod keeps its own cooldowns and counters."""
    for env in _k8s_envs(t):
        m = env.model
        redis = m.proxy.redis if m.proxy is not None else None
        if redis is None:
            continue
        host = redis.host.lower()
        why = ""
        if host in _LOOPBACK:
            why = "is the pod itself inside Kubernetes, where no Redis runs"
        elif host.endswith(".local") and not host.endswith(".svc.cluster.local"):
            why = "is a multicast-DNS name that the cluster DNS does not resolve"
        if why:
            yield t.env_finding(
                env, "project-k8s-host-unresolvable", Severity.WARNING, ("proxy", "redis", "host"),
                f"environment {env.name}: Redis host {redis.host} {why}",
                "use the Redis Service's name (<service>.<namespace>.svc.cluster.local) or its private address",
            )


@rule("project-k8s-servicemonitor-no-metrics", Severity.WARNING, "a ServiceMonitor without Prometheus metrics", "project")
def servicemonitor_no_metrics(t: ProjectTarget) -> Iterator[Finding]:
    """LiteLLM serves /metrics/ only with the prometheus callback (`observability.prometheus: true`);
    without it the ServiceMonitor scrapes a 404 and the target shows as down."""
    for env in _k8s_envs(t):
        m = env.model
        if m.kubernetes.service_monitor and not m.observability.prometheus:
            yield t.env_finding(
                env, "project-k8s-servicemonitor-no-metrics", Severity.WARNING, ("kubernetes", "service_monitor"),
                f"environment {env.name} renders a ServiceMonitor but LiteLLM serves no metrics",
                "set `observability.prometheus: true` or `service_monitor: false`",
            )


@rule("project-k8s-balancer-ignored", Severity.WARNING, "a balancer: section in an environment on Kubernetes", "project")
def balancer_ignored(t: ProjectTarget) -> Iterator[Finding]:
    """On Kubernetes the Service (or the Ingress) balances over the pods, and the app's
    LITELLM_API_BASE points at it; a `balancer:` section is not rendered and would mislead."""
    for env in _k8s_envs(t):
        if env.model.balancer is not None:
            yield t.env_finding(
                env, "project-k8s-balancer-ignored", Severity.WARNING, ("balancer",),
                f"environment {env.name} runs on Kubernetes: its `balancer:` is not used",
                "remove `balancer:` (set it to null over a default), or use `kubernetes.ingress`",
                key=True,
            )
