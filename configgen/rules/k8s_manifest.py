"""Rules for hand-written Kubernetes files: LiteLLM chart values files and manifests.

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
eviction that would break a PDB is refused. The chart: configgen/data/litellm_helm_chart.json.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from importlib import resources
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from configgen.findings import DataPath, Finding, Severity
from configgen.k8s_files import EmbeddedConfig, object_name
from configgen.suggest import did_you_mean
from configgen.yamlsource import YamlDocument

HEALTH_PATHS_NO_KEY = ("/health/liveliness", "/health/liveness", "/health/readiness")
_WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "Pod"}
_OS_ENVIRON = re.compile(r"^os\.environ/([A-Za-z_][A-Za-z0-9_]*)$")
_SHELL_VAR = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}")
_K8S_REF = re.compile(r"^\$\([A-Za-z_][A-Za-z0-9_]*\)$")
_SECRET_NAME = re.compile(r"(^|_)(API_?KEY|MASTER_KEY|SECRET|PASSWORD|PASSWD|TOKEN)($|_)", re.IGNORECASE)
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}


class K8sFileTarget(NamedTuple):
    """One Kubernetes file: a chart values document, or the objects of a manifest; and its configs."""

    file: str
    values: YamlDocument | None
    objects: list[YamlDocument]
    configs: list[EmbeddedConfig]


class K8sRule(NamedTuple):
    id: str
    severity: Severity
    summary: str
    func: Callable[[K8sFileTarget], Iterable[Finding]]


K8S_RULES: dict[str, K8sRule] = {}


def k8s_rule(
    id: str, severity: Severity, summary: str
) -> Callable[[Callable[[K8sFileTarget], Iterable[Finding]]], Callable[[K8sFileTarget], Iterable[Finding]]]:
    def register(func: Callable[[K8sFileTarget], Iterable[Finding]]) -> Callable[[K8sFileTarget], Iterable[Finding]]:
        if id in K8S_RULES or not func.__doc__:
            raise RuntimeError(f"k8s rule {id} registered twice or without a docstring")
        K8S_RULES[id] = K8sRule(id, severity, summary, func)
        return func

    return register


def run_k8s_rules(target: K8sFileTarget) -> list[Finding]:
    """Every rule on one file; a rule that crashes becomes an internal-error finding."""
    out: list[Finding] = []
    for r in K8S_RULES.values():
        try:
            out.extend(r.func(target))
        except Exception as exc:  # a crashing check is a finding, and the run goes on
            out.append(Finding("internal-error", Severity.ERROR, f"rule {r.id} failed: {type(exc).__name__}: {exc}",
                               "", target.file, 1, 1))
    return out


@cache
def chart_snapshot() -> dict[str, Any]:
    text = resources.files("configgen").joinpath("data/litellm_helm_chart.json").read_text(encoding="utf-8")
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


@k8s_rule("k8s-values-unknown-key", Severity.WARNING, "a chart values key LiteLLM's chart never reads")
def values_unknown_key(t: K8sFileTarget) -> Iterator[Finding]:
    """Helm passes unknown values keys through silently: a misspelt `replicaCont` or
    `masterKeySecretName` changes nothing and the chart's default applies (for the master key: a new
    random key on every render). Keys are those the chart's templates read, from the snapshot in
    configgen/data/litellm_helm_chart.json (chart version and commits recorded there)."""
    if t.values is None or not isinstance(t.values.data, dict):
        return
    snap = chart_snapshot()
    top = set(snap["top_level"])
    for key, value in t.values.data.items():
        if key not in top:
            best = did_you_mean(str(key), top)
            yield t.values.finding(
                "k8s-values-unknown-key", Severity.WARNING, (key,),
                f"LiteLLM's chart (version {snap['chart_version']}) never reads `{key}`; it is ignored",
                f"did you mean `{best}`?" if best else "remove it, or check the chart's values.yaml", key=True,
            )
        elif key in snap["nested"] and isinstance(value, dict):
            known = set(snap["nested"][key])
            for sub in value:
                if sub not in known:
                    best = did_you_mean(str(sub), known)
                    yield t.values.finding(
                        "k8s-values-unknown-key", Severity.WARNING, (key, sub),
                        f"LiteLLM's chart (version {snap['chart_version']}) never reads `{key}.{sub}`; it is ignored",
                        f"did you mean `{key}.{best}`?" if best else f"known keys: {', '.join(sorted(known))}", key=True,
                    )


@k8s_rule("k8s-values-master-key", Severity.WARNING, "the chart's master key and the config's disagree")
def values_master_key(t: K8sFileTarget) -> Iterator[Finding]:
    """The chart always puts the master key in PROXY_MASTER_KEY (from `masterkeySecretName` /
    `masterkeySecretKey`), but LiteLLM reads `general_settings.master_key` or LITELLM_MASTER_KEY.
    A config that reads another variable for the key gets a different key than the one the chart's
    Secret and ServiceMonitor use (no key at all is litellm-master-key-missing). Without
    `masterkeySecretName` the chart renders a new random key on every `helm upgrade`, so every
    client key breaks."""
    if t.values is None or not isinstance(t.values.data, dict):
        return
    v = t.values.data
    general = _get(v, "proxy_config", "general_settings")
    mk = general.get("master_key") if isinstance(general, dict) else None
    # A missing master_key is litellm-master-key-missing (the LiteLLM rules run on proxy_config too).
    if isinstance(mk, str):
        m = _OS_ENVIRON.match(mk.strip())
        if m and m.group(1) != "PROXY_MASTER_KEY":
            yield t.values.finding(
                "k8s-values-master-key", Severity.WARNING, ("proxy_config", "general_settings", "master_key"),
                f"the proxy's master key is {m.group(1)} but the chart puts masterkeySecretName into PROXY_MASTER_KEY "
                "(and scrapes /metrics/ with it): the two keys can differ",
                "write `master_key: os.environ/PROXY_MASTER_KEY`",
            )
    if not v.get("masterkeySecretName"):
        path: DataPath = ("masterkeySecretName",) if "masterkeySecretName" in v else ()
        yield t.values.finding(
            "k8s-values-master-key", Severity.WARNING, path,
            "no masterkeySecretName: the chart generates a new random master key on every render, so clients' "
            "keys stop working at the next `helm upgrade`",
            "create a Secret with the key and set masterkeySecretName / masterkeySecretKey", key=bool(path),
        )


@k8s_rule("k8s-values-bundled-db", Severity.WARNING, "the chart deploys its bundled Postgres by default")
def values_bundled_db(t: K8sFileTarget) -> Iterator[Finding]:
    """`db.deployStandalone` defaults to true: the chart deploys a Bitnami PostgreSQL whose password is
    the chart's published default unless overridden, and `migrationJob.enabled` (default true) runs a
    migration Job. Set `db.deployStandalone: false` (and `migrationJob.enabled: false`) unless the
    proxy is meant to have that database, or `db.useExisting: true` for your own."""
    if t.values is None or not isinstance(t.values.data, dict):
        return
    v = t.values.data
    if _get(v, "db", "useExisting") is True or _get(v, "db", "deployStandalone") is False:
        return
    path: DataPath = ("db", "deployStandalone") if _get(v, "db", "deployStandalone") is not None else ()
    yield t.values.finding(
        "k8s-values-bundled-db", Severity.WARNING, path,
        "db.deployStandalone is true (the chart's default): a bundled PostgreSQL with the chart's default password "
        "and a migration Job are deployed",
        "set `db: {deployStandalone: false}` and `migrationJob: {enabled: false}`, or `db.useExisting: true`",
        key=bool(path),
    )


# --- both kinds ------------------------------------------------------------------------------------


@k8s_rule("k8s-redis-required", Severity.WARNING, "several LiteLLM pods without shared Redis")
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


@k8s_rule("k8s-pdb-blocks-drain", Severity.ERROR, "a PodDisruptionBudget that no eviction can satisfy")
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


@k8s_rule("k8s-probe-mismatch", Severity.ERROR, "probes or ports that do not match where the proxy listens")
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


@k8s_rule("k8s-config-not-passed", Severity.ERROR, "a LiteLLM container that never reads the mounted config")
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


@k8s_rule("k8s-env-not-supplied", Severity.ERROR, "an os.environ/ name the pod does not get")
def env_not_supplied(t: K8sFileTarget) -> Iterator[Finding]:
    """Each `os.environ/NAME` in the config must be a variable of the container (env, or envFrom of a
    Secret/ConfigMap that has the key). LiteLLM turns a missing one into None and fails only at request
    time (HTTP 500 after retries). Not checked when envFrom names an object outside the file."""
    if t.values is not None:
        v = t.values.data
        if v.get("environmentSecrets") or v.get("environmentConfigMaps"):
            return
        supplied: set[str] = {"PROXY_MASTER_KEY", "HOST", "PORT"}
        if isinstance(v.get("envVars"), dict):
            supplied |= set(v["envVars"])
        if isinstance(v.get("extraEnvVars"), list):
            supplied |= {str(e.get("name")) for e in v["extraEnvVars"] if isinstance(e, dict)}
        if _get(v, "redis", "enabled") is True:
            supplied |= {"REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD"}
        for cfg in t.configs:
            for name, path in _refs(cfg):
                if name not in supplied:
                    yield cfg.doc.finding("k8s-env-not-supplied", Severity.ERROR, path,
                                          f"os.environ/{name} is not set in the pod: no environmentSecrets, envVars or "
                                          "extraEnvVars provide it", "add a Secret with it to environmentSecrets")
        return
    secrets, maps = _objects_by(t.objects, "Secret"), _objects_by(t.objects, "ConfigMap")
    for c in litellm_containers(t.objects):
        supplied = {e["name"] for _, e in _env_entries(c)}
        unknown = False
        env_from = _list(c.data.get("envFrom"))
        for src in env_from:
            if not isinstance(src, dict):
                continue
            ref, pool = (src.get("secretRef"), secrets) if "secretRef" in src else (src.get("configMapRef"), maps)
            obj = pool.get(str(ref.get("name"))) if isinstance(ref, dict) else None
            if obj is None:
                unknown = True
                continue
            prefix = str(src.get("prefix", ""))
            for section in ("data", "stringData"):
                if isinstance(obj.data.get(section), dict):
                    supplied |= {prefix + str(k) for k in obj.data[section]}
        if unknown:
            continue
        for cfg in t.configs:
            for name, path in _refs(cfg):
                if name not in supplied:
                    yield cfg.doc.finding("k8s-env-not-supplied", Severity.ERROR, path,
                                          f"os.environ/{name} is not a variable of container "
                                          f"{c.data.get('name')} in {object_name(c.obj)}",
                                          "add an env entry with valueFrom.secretKeyRef, or the key to its envFrom Secret")


@k8s_rule("k8s-unexpanded-reference", Severity.ERROR, "${VAR} or os.environ/ where nothing expands it")
def unexpanded_reference(t: K8sFileTarget) -> Iterator[Finding]:
    """Kubernetes expands only `$(VAR)` (of variables defined earlier) in `env` values; `${VAR}` reaches
    the process literally, as in a ConfigMap's data. `os.environ/NAME` is resolved by LiteLLM only
    inside its config (and for LITELLM_MASTER_KEY); elsewhere the variable holds that text (warning)."""
    for c in litellm_containers(t.objects):
        for i, e in _env_entries(c):
            value = e.get("value")
            if not isinstance(value, str):
                continue
            where = (*c.path, "env", i, "value")
            if _SHELL_VAR.search(value):
                yield c.obj.finding("k8s-unexpanded-reference", Severity.ERROR, where,
                                    f"{e['name']} holds a literal ${{...}}: Kubernetes expands only $(VAR)",
                                    "use $(VAR) of a variable defined above, or valueFrom.secretKeyRef")
            elif _OS_ENVIRON.match(value.strip()) and e["name"] != "LITELLM_MASTER_KEY":
                yield c.obj.finding("k8s-unexpanded-reference", Severity.WARNING, where,
                                    f"{e['name']} holds the text {value.strip()}: only LiteLLM's config resolves os.environ/",
                                    "use valueFrom.secretKeyRef for the variable itself")
    for obj in t.objects:
        if obj.data.get("kind") != "ConfigMap" or not isinstance(obj.data.get("data"), dict):
            continue
        for key, value in obj.data["data"].items():
            if isinstance(value, str) and "\n" not in value and _SHELL_VAR.search(value):
                yield obj.finding("k8s-unexpanded-reference", Severity.ERROR, ("data", key),
                                  f"ConfigMap value {key} holds a literal ${{...}}: nothing expands it",
                                  "put the real value here, or the secret in a Secret")


def _inline_secret(name: str, value: str) -> str:
    """Why this literal env value is a secret written inline ('' when it is not)."""
    if _K8S_REF.match(value.strip()) or not value.strip():
        return ""
    if "://" in value:
        parts = urlsplit(value.strip())
        if parts.password and not _K8S_REF.match(parts.password) and "$(" not in parts.password:
            return "a password inside the URL"
        return ""
    if _SECRET_NAME.search(name) and not name.upper().endswith(("_FILE", "_PATH", "_ENV", "_NAME", "_HEADER")):
        return "a secret value"
    return ""


@k8s_rule("k8s-inline-secret", Severity.ERROR, "a secret written into a Deployment or values file")
def inline_secret(t: K8sFileTarget) -> Iterator[Finding]:
    """Pod specs and Helm values are stored in the API server, `kubectl get -o yaml`, Helm's release
    Secret and Git in clear text: a password in DATABASE_URL or a key in `env` is exposed. Use
    `valueFrom.secretKeyRef` (or `$(VAR)` of such a variable inside the URL)."""
    for c in litellm_containers(t.objects):
        for i, e in _env_entries(c):
            value = e.get("value")
            why = _inline_secret(e["name"], value) if isinstance(value, str) else ""
            if why:
                yield c.obj.finding("k8s-inline-secret", Severity.ERROR, (*c.path, "env", i, "value"),
                                    f"{e['name']} holds {why} in clear text", "use valueFrom.secretKeyRef")
    if t.values is not None and isinstance(t.values.data.get("envVars"), dict):
        for name, value in t.values.data["envVars"].items():
            why = _inline_secret(str(name), value) if isinstance(value, str) else ""
            if why:
                yield t.values.finding("k8s-inline-secret", Severity.ERROR, ("envVars", name),
                                       f"envVars.{name} holds {why} in clear text",
                                       "put it in a Secret listed in environmentSecrets")


@k8s_rule("k8s-host-unresolvable", Severity.WARNING, "a Redis or database host a pod cannot reach as written")
def host_unresolvable(t: K8sFileTarget) -> Iterator[Finding]:
    """Inside a pod 127.0.0.1 / localhost is the pod itself, and `.local` names other than
    `*.svc.cluster.local` are not answered by the cluster DNS: Redis errors (each pod then keeps its
    own counters) or a proxy that cannot reach its database."""
    for cfg in t.configs:
        host = _get(cfg.doc.data, "router_settings", "redis_host")
        if isinstance(host, str) and not host.startswith("os.environ/") and _host_problem(host):
            yield cfg.doc.finding("k8s-host-unresolvable", Severity.WARNING, ("router_settings", "redis_host"),
                                  f"Redis host {host} {_host_problem(host)}",
                                  "use <service>.<namespace>.svc.cluster.local or a private address")
    for c in litellm_containers(t.objects):
        for i, e in _env_entries(c):
            value = e.get("value")
            if not isinstance(value, str):
                continue
            host = urlsplit(value).hostname if "://" in value else (value if e["name"] == "REDIS_HOST" else None)
            if e["name"] in ("REDIS_HOST", "DATABASE_URL", "REDIS_URL") and host and _host_problem(host):
                yield c.obj.finding("k8s-host-unresolvable", Severity.WARNING, (*c.path, "env", i, "value"),
                                    f"{e['name']} names {host}, which {_host_problem(host)}",
                                    "use <service>.<namespace>.svc.cluster.local or a private address")
