"""Kubernetes rules on the LiteLLM workload: replicas and Redis, disruption budgets, probes, the config it reads."""

from __future__ import annotations

from collections.abc import Iterator

from configgen.findings import Finding, Severity
from configgen.rules.k8s.common import HEALTH_PATHS_NO_KEY, Container, _env_entries, _get, _list, _pods, litellm_containers
from configgen.rules.registry import rule
from configgen.rules.targets import K8sFileTarget


@rule("k8s-redis-required", Severity.WARNING, "several LiteLLM pods without shared Redis", "k8s")
def redis_required(t: K8sFileTarget) -> Iterator[Finding]:
    """Replicas share cooldowns and rpm/tpm counters only through Redis (`router_settings.redis_host`
    or `redis_url`); without it each pod learns alone and limits are exceeded once per pod."""
    _, most, doc, path = _pods(t)
    if doc is None or most is None or most < 2:
        return
    for cfg in t.configs:
        router = cfg.doc.data.get("router_settings")
        if not (isinstance(router, dict) and (router.get("redis_host") or router.get("redis_url"))):
            yield doc.finding(
                "k8s-redis-required", Severity.WARNING, path,
                f"up to {most} LiteLLM pods, but {cfg.where} has no router_settings.redis_host: each pod keeps its "
                "own cooldowns and rate-limit counters",
                "add router_settings.redis_host / redis_port / redis_password (os.environ/...)",
            )


@rule("k8s-pdb-blocks-drain", Severity.ERROR, "a PodDisruptionBudget that no eviction can satisfy", "k8s")
def pdb_blocks_drain(t: K8sFileTarget) -> Iterator[Finding]:
    """A PDB whose minAvailable is at least the replica count (or maxUnavailable 0) refuses every
    eviction: `kubectl drain`, cluster-autoscaler scale-down and AKS node upgrades never finish."""
    fewest, _, _, _ = _pods(t)
    if t.values is not None:
        v = t.values.data
        if _get(v, "pdb", "enabled") is not True:
            return
        m, u = _get(v, "pdb", "minAvailable"), _get(v, "pdb", "maxUnavailable")
        doc, base = t.values, ("pdb",)
    else:
        pdbs = [o for o in t.objects if o.data.get("kind") == "PodDisruptionBudget"]
        if not pdbs:
            return
        doc, base = pdbs[0], ("spec",)
        m, u = _get(doc.data, "spec", "minAvailable"), _get(doc.data, "spec", "maxUnavailable")
    if isinstance(m, int) and not isinstance(m, bool) and m > 0 and fewest is not None and m >= fewest:
        yield doc.finding("k8s-pdb-blocks-drain", Severity.ERROR, (*base, "minAvailable"),
                          f"minAvailable {m} with {fewest} pod(s): no pod can ever be evicted, node drains hang",
                          "use maxUnavailable: 1, or more replicas than minAvailable")
    elif m in (None, 0) and u == 0:
        yield doc.finding("k8s-pdb-blocks-drain", Severity.ERROR, (*base, "maxUnavailable"),
                          "maxUnavailable 0: no pod can ever be evicted, node drains hang", "use maxUnavailable: 1")


# --- manifests -------------------------------------------------------------------------------------


def _arg_list(c: Container) -> list[str]:
    out: list[str] = []
    for part in ("command", "args"):
        value = c.data.get(part)
        if isinstance(value, list):
            out.extend(str(x) for x in value)
    return out


def _arg_value(args: list[str], flag: str) -> str | None:
    for i, a in enumerate(args):
        if a == flag and i + 1 < len(args):
            return args[i + 1]
        if a.startswith(flag + "="):
            return a.split("=", 1)[1]
        if " " in a and flag in a.split():  # sh -c "litellm --config ..."
            words = a.split()
            j = words.index(flag)
            return words[j + 1] if j + 1 < len(words) else None
    return None


@rule("k8s-probe-mismatch", Severity.ERROR, "probes or ports that do not match where the proxy listens", "k8s")
def probe_mismatch(t: K8sFileTarget) -> Iterator[Finding]:
    """The kubelet probes the pod's port; the proxy listens on `--port` (or PORT, default 4000). A
    probe on another port, on `/health` (needs the master key: 401) or an unknown /health/ path
    fails: the pod never becomes Ready, or is restarted forever."""
    for c in litellm_containers(t.objects):
        ports = _list(c.data.get("ports"))
        numbers = {p.get("containerPort") for p in ports if isinstance(p, dict)}
        names = {p.get("name") for p in ports if isinstance(p, dict) and p.get("name")}
        args = _arg_list(c)
        listen = _arg_value(args, "--port")
        env_port = next((e.get("value") for _, e in _env_entries(c) if e["name"] == "PORT"), None)
        listen = listen or env_port or "4000"
        if listen.isdigit() and numbers and int(listen) not in numbers:
            yield c.obj.finding("k8s-probe-mismatch", Severity.ERROR, (*c.path, "ports"),
                                f"the proxy listens on {listen} but the container declares port(s) "
                                f"{', '.join(str(n) for n in sorted(x for x in numbers if isinstance(x, int)))}",
                                "make containerPort and --port the same", key=True)
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            get = _get(c.data, probe, "httpGet")
            if not isinstance(get, dict):
                continue
            port, path = get.get("port"), get.get("path", "/")
            where = (*c.path, probe, "httpGet")
            if isinstance(port, int) and listen.isdigit() and port != int(listen):
                yield c.obj.finding("k8s-probe-mismatch", Severity.ERROR, (*where, "port"),
                                    f"{probe} uses port {port} but the proxy listens on {listen}",
                                    "probe the container's http port")
            elif isinstance(port, str) and not port.isdigit() and port not in names:
                yield c.obj.finding("k8s-probe-mismatch", Severity.ERROR, (*where, "port"),
                                    f"{probe} names port `{port}`, which the container does not declare",
                                    f"declared: {', '.join(sorted(str(n) for n in names)) or 'none'}")
            if isinstance(path, str) and (path == "/health" or path.startswith("/health/")) and \
                    path.rstrip("/") not in HEALTH_PATHS_NO_KEY:
                yield c.obj.finding("k8s-probe-mismatch", Severity.ERROR, (*where, "path"),
                                    f"{probe} on {path}: "
                                    + ("/health needs the master key and calls every deployment (401 here)"
                                       if path.rstrip("/") == "/health" else "LiteLLM serves no such health path"),
                                    "use /health/liveliness (liveness) and /health/readiness (startup, readiness)")


@rule("k8s-config-not-passed", Severity.ERROR, "a LiteLLM container that never reads the mounted config", "k8s")
def config_not_passed(t: K8sFileTarget) -> Iterator[Finding]:
    """LiteLLM reads its config from `--config PATH` or the CONFIG_FILE_PATH variable only. Without
    either the proxy starts with no models (every request: 400 "Invalid model name"); a PATH that no
    volume is mounted at does not exist in the container; a command that does not run litellm
    (or the image's entrypoint) does not start the proxy at all."""
    for c in litellm_containers(t.objects):
        args = _arg_list(c)
        command = c.data.get("command")
        if isinstance(command, list) and command and not any("litellm" in a or "entrypoint" in a for a in args):
            yield c.obj.finding("k8s-config-not-passed", Severity.ERROR, (*c.path, "command"),
                                f"command {' '.join(str(x) for x in command)[:60]!r} does not start the LiteLLM proxy",
                                "use command: [litellm] (or leave the image's entrypoint) with args: [--config, ...]")
            continue
        path = _arg_value(args, "--config")
        env_path = next((e.get("value") for _, e in _env_entries(c) if e["name"] == "CONFIG_FILE_PATH"), None)
        path = path or (env_path if isinstance(env_path, str) else None)
        if path is None:
            yield c.obj.finding("k8s-config-not-passed", Severity.ERROR, c.path,
                                "the LiteLLM container gets neither --config nor CONFIG_FILE_PATH: it starts with no models",
                                "add args: [--config, /etc/litellm/config.yaml] and mount the ConfigMap there")
            continue
        mounts = _list(c.data.get("volumeMounts"))
        mounted: list[str] = [m["mountPath"] for m in mounts if isinstance(m, dict) and isinstance(m.get("mountPath"), str)]
        if not any(path == m or path.startswith(m.rstrip("/") + "/") for m in mounted):
            yield c.obj.finding("k8s-config-not-passed", Severity.ERROR, (*c.path, "args"),
                                f"the config path {path} is not under any volumeMount of the container",
                                "mount the ConfigMap holding config.yaml at that path", key=True)
