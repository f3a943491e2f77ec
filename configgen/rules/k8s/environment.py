"""Kubernetes rules on what a LiteLLM pod gets from its environment: variables, secrets, hosts."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from configgen.findings import Finding, Severity
from configgen.load.k8s import object_name
from configgen.rules.k8s.common import (
    _K8S_REF,
    _OS_ENVIRON,
    _SECRET_NAME,
    _SHELL_VAR,
    _env_entries,
    _get,
    _host_problem,
    _list,
    _objects_by,
    _refs,
    litellm_containers,
)
from configgen.rules.registry import rule
from configgen.rules.targets import K8sFileTarget


@rule("k8s-env-not-supplied", Severity.ERROR, "an os.environ/ name the pod does not get", "k8s")
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


@rule("k8s-unexpanded-reference", Severity.ERROR, "${VAR} or os.environ/ where nothing expands it", "k8s")
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


@rule("k8s-inline-secret", Severity.ERROR, "a secret written into a Deployment or values file", "k8s")
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


@rule("k8s-host-unresolvable", Severity.WARNING, "a Redis or database host a pod cannot reach as written", "k8s")
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
