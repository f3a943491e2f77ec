"""THE table of outputs: every file `render` can write, and what it is re-checked as.

A new output kind is one row here, its template under ``render/templates/`` and the template's Python
twin in ``render/builtin/``, and (if its language is new) a row in the input kinds table
(:mod:`configgen.load.kinds`) with its rules folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # annotations only: checking hand-written files never imports Pydantic
    from configgen.model.project import Environment, Outputs


class Output(NamedTuple):
    """One file a render produces."""

    kind: str  # the row's name, stable (tests and the JSON plan refer to it)
    relpath: str  # default place, relative to the environment's output folder, POSIX separators
    template: str
    comment: str  # comment leader of the output language (for the generated-file header)
    mode: int
    #: whether an environment gets this file
    when: Callable[[Environment], bool]
    #: the input kind (configgen.load.kinds) the rendered text is re-checked as
    recheck: str
    #: the key of the project's `outputs:` section that moves this file (None: only `outputs.dir` does)
    override: str | None = None
    #: instead of a template: "module:function" building the files of a family from the project and the
    #: bodies rendered before it (kind -> text), returning {relpath: text}; used for Kubernetes objects,
    #: which are built as data and serialised, never laid out as YAML text; each file comes with the
    #: data its text parses to (configgen.load.built.Built), or None
    builder: str | None = None
    #: "module:function" giving, from the template context, the data the *built-in* template's text
    #: parses to (None when only the text can tell): the builders and the re-check use it instead of
    #: parsing the text again; a project's own template is always judged from its text
    data: str | None = None


def _proxied(env: Environment) -> bool:
    return env.proxy is not None


def _on_vms(env: Environment) -> bool:
    """Proxies started on hosts (on Kubernetes the Deployment starts them and the Service balances)."""
    return env.proxy is not None and env.kubernetes is None


def _balanced(kind: str) -> Callable[[Environment], bool]:
    def when(env: Environment) -> bool:
        return _on_vms(env) and env.balancer is not None and env.balancer.kind == kind

    return when


def _scraped(env: Environment) -> bool:
    # On Kubernetes the ServiceMonitor replaces the Prometheus scrape config.
    return _on_vms(env) and env.observability.prometheus


def _k8s(test: Callable[[Any], bool] = lambda k: True) -> Callable[[Environment], bool]:
    def when(env: Environment) -> bool:
        return env.proxy is not None and env.kubernetes is not None and test(env.kubernetes)

    return when


_K8S = "configgen.render.k8s:build"


OUTPUTS: tuple[Output, ...] = (
    Output("litellm_config", "litellm.config.yaml", "litellm.config.yaml.j2", "#", 0o644, _proxied, "litellm",
           "litellm_config", data="configgen.render.litellm_data:litellm_data"),
    Output("env_file", "server/.env", "env.j2", "#", 0o600, lambda env: True, "dotenv", "env_file"),
    Output("env_example", "server/.env.example", "env.example.j2", "#", 0o644, lambda env: True, "dotenv",
           "env_example"),
    Output("nginx", "nginx/litellm.conf", "nginx.conf.j2", "#", 0o644, _balanced("nginx"), "nginx"),
    Output("haproxy", "haproxy/litellm.cfg", "haproxy.cfg.j2", "#", 0o644, _balanced("haproxy"), "haproxy"),
    Output("bicep", "azure/loadbalancer.bicep", "loadbalancer.bicep.j2", "//", 0o644, _balanced("azure"), "bicep"),
    Output("start_script", "proxy/run.sh", "run.sh.j2", "#", 0o755, _on_vms, "script"),
    Output("prometheus", "prometheus/litellm.yml", "prometheus.yml.j2", "#", 0o644, _scraped, "prometheus"),
    # Kubernetes (AKS): a kustomize base configgen owns, a Secret template outside it, chart values.
    Output("k8s_kustomization", "k8s/base/kustomization.yaml", "", "#", 0o644, _k8s(), "k8s_manifest", builder=_K8S),
    Output("k8s_configmap", "k8s/base/configmap.yaml", "", "#", 0o644, _k8s(), "k8s_manifest", builder=_K8S),
    Output("k8s_serviceaccount", "k8s/base/serviceaccount.yaml", "", "#", 0o644, _k8s(), "k8s_manifest", builder=_K8S),
    Output("k8s_deployment", "k8s/base/deployment.yaml", "", "#", 0o644, _k8s(), "k8s_manifest", builder=_K8S),
    Output("k8s_service", "k8s/base/service.yaml", "", "#", 0o644, _k8s(), "k8s_manifest", builder=_K8S),
    Output("k8s_hpa", "k8s/base/hpa.yaml", "", "#", 0o644, _k8s(lambda k: k.autoscaling is not None), "k8s_manifest",
           builder=_K8S),
    Output("k8s_pdb", "k8s/base/pdb.yaml", "", "#", 0o644, _k8s(lambda k: k.pdb is not None), "k8s_manifest", builder=_K8S),
    Output("k8s_servicemonitor", "k8s/base/servicemonitor.yaml", "", "#", 0o644, _k8s(lambda k: k.service_monitor),
           "k8s_manifest", builder=_K8S),
    Output("k8s_ingress", "k8s/base/ingress.yaml", "", "#", 0o644, _k8s(lambda k: k.ingress is not None), "k8s_manifest",
           builder=_K8S),
    Output("k8s_secret_template", "k8s/secret.template.yaml", "", "#", 0o644, _k8s(), "k8s_manifest", builder=_K8S),
    Output("helm_values", "helm/values.yaml", "", "#", 0o644, _k8s(), "k8s_values",
           builder="configgen.render.helm_values:build"),
)


def outputs_for(env: Environment) -> list[Output]:
    """The files an environment needs, in the table's order."""
    return [out for out in OUTPUTS if out.when(env)]


def override(outputs: Outputs, out: Output) -> str | None:
    """The path the project's `outputs:` section gives this output, if it gives one."""
    value = getattr(outputs, out.override) if out.override is not None else None
    return value if isinstance(value, str) else None


def output_path(env_name: str, env: Environment, out: Output, out_dir: Path | None, project_dir: Path) -> Path:
    """Where an output goes: under --out DIR, else where the project's `outputs:` section says."""
    explicit = override(env.outputs, out) if out_dir is None else None
    if explicit is not None:
        return project_dir / explicit.replace("{env}", env_name)
    return output_root(env_name, env, out_dir, project_dir) / PurePosixPath(out.relpath)


def output_root(env_name: str, env: Environment, out_dir: Path | None, project_dir: Path) -> Path:
    """The folder an environment's outputs go to (unless `outputs:` moves one): --out DIR, else `outputs.dir`."""
    return out_dir if out_dir is not None else project_dir / env.outputs.dir.replace("{env}", env_name)
