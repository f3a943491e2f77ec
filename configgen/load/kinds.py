"""THE table of input kinds: how each kind of file is recognised, parsed, checked and bundled.

`configgen validate FILE...` and the re-check of what `render` produces both go through
:func:`configgen.pipeline.check_document` with a row of this table, so a new kind of input is one row
here, its parser, and its rules folder (``configgen/rules/<target>/``).

Recognition: a file name decides the text kinds (``.env``, ``.sh``, nginx ``.conf``, ...); a YAML file
is read first and its top-level keys decide (``model_list`` -> LiteLLM config). LiteLLM itself reads
any file name (``litellm --config proxy_config.yaml``), so YAML kinds are never decided by name.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from configgen.findings import Finding, Severity

if TYPE_CHECKING:
    from configgen.load.yaml import YamlDocument


class InputKind(NamedTuple):
    name: str
    #: what users call it (in messages)
    what: str
    syntax: Literal["yaml", "text"]
    #: rule target the parsed document is checked as (configgen.rules.targets); "project" runs the
    #: whole project pipeline; None: only cross-checked with other files
    target: str | None
    #: the configgen.rules.targets.BundleTarget field the document joins when files are checked together
    slot: str | None
    #: text kinds: "module:function" taking (text, display name) -> document (imported when first used)
    parser: str | None = None
    #: text kinds: recognised by file name
    by_name: Callable[[PurePath], bool] | None = None
    #: YAML kinds: the top-level keys that define the kind (any one of them), also the "did you mean"
    #: candidates when a YAML file matches no kind
    keys: tuple[str, ...] = ()
    #: YAML kinds: a further test on the data when no defining key is present
    content: Callable[[dict[str, Any]], bool] | None = None
    #: YAML kinds with their own parser: a test on the text, made before the one-document YAML parse
    #: (a multi-document Kubernetes manifest is not one YAML document)
    sniff: Callable[[str], bool] | None = None


def _dotenv_name(path: PurePath) -> bool:
    name = path.name
    if name in (".env", "env") or name.startswith(".env.") or name.endswith(".env"):
        return True
    # env.example / env.sample / env.local: the dotenv templates many repositories commit without the dot
    return name.startswith("env.") and path.suffix not in (".yaml", ".yml", ".json", ".py", ".js", ".ts", ".sh", ".toml")


def _nginx_name(path: PurePath) -> bool:
    return path.suffix == ".conf" or "nginx" in path.parts


def _haproxy_name(path: PurePath) -> bool:
    return path.suffix == ".cfg" or "haproxy" in path.parts


def _project_content(data: dict[str, Any]) -> bool:
    return "version" in data and "resources" in data


#: Top-level keys of LiteLLM's Helm chart values (helm/litellm-helm/values.yaml; the full list is
#: configgen/knowledge/data/litellm_helm_chart.json): two of them make a values file without proxy_config.
_CHART_KEYS = frozenset({"masterkeySecretName", "masterkeySecretKey", "environmentSecrets", "environmentConfigMaps",
                         "envVars", "proxyConfigMap", "migrationJob", "numWorkers", "replicaCount", "db"})


def _chart_values(data: dict[str, Any]) -> bool:
    return len(_CHART_KEYS.intersection(data)) >= 2


def _manifest_text(text: str) -> bool:
    from configgen.load.k8s import looks_like_manifest

    return looks_like_manifest(text)


KINDS: tuple[InputKind, ...] = (
    InputKind("project", "configgen project", "yaml", "project", None, keys=("environments",), content=_project_content),
    InputKind("litellm", "LiteLLM proxy config", "yaml", "litellm", "litellm", keys=("model_list",)),
    InputKind("prometheus", "Prometheus config", "yaml", None, "prometheus", keys=("scrape_configs",)),
    InputKind("k8s_manifest", "Kubernetes manifest", "yaml", "k8s", None, "configgen.load.k8s:read_manifest",
              sniff=_manifest_text),
    InputKind("k8s_values", "LiteLLM Helm chart values", "yaml", "k8s", None, keys=("proxy_config",),
              content=_chart_values),
    InputKind("dotenv", ".env file", "text", "dotenv", "dotenv", "configgen.load.dotenv:parse_dotenv", _dotenv_name),
    InputKind("bicep", "Bicep load balancer", "text", "balancer", "balancers", "configgen.load.balancer.bicep:parse_bicep",
              lambda p: p.suffix == ".bicep"),
    InputKind("script", "proxy start script", "text", "script", "scripts", "configgen.load.script:parse_script",
              lambda p: p.suffix in (".sh", ".service")),
    InputKind("nginx", "nginx snippet", "text", "balancer", "balancers", "configgen.load.balancer.nginx:parse_nginx",
              _nginx_name),
    InputKind("haproxy", "HAProxy snippet", "text", "balancer", "balancers", "configgen.load.balancer.haproxy:parse_haproxy",
              _haproxy_name),
)
BY_NAME: dict[str, InputKind] = {k.name: k for k in KINDS}
YAML_SUFFIXES = (".yaml", ".yml")


def kind_by_name(path: PurePath) -> InputKind | Literal["yaml"] | None:
    """The text kind a file name decides, "yaml" for a YAML file (its content decides), None if unknown."""
    for kind in KINDS:
        if kind.by_name is not None and kind.by_name(path):
            return kind
    return "yaml" if path.suffix in YAML_SUFFIXES else None


def kind_by_content(data: Any) -> InputKind | None:
    """The YAML kind of a parsed document: the first row one of whose defining keys it has."""
    if not isinstance(data, dict):
        return None
    for kind in KINDS:
        if kind.syntax == "yaml" and (any(k in data for k in kind.keys) or (kind.content and kind.content(data))):
            return kind
    return None


def kind_by_text(text: str) -> InputKind | None:
    """A YAML kind that its text decides before any YAML parse (see InputKind.sniff)."""
    for kind in KINDS:
        if kind.sniff is not None and kind.sniff(text):
            return kind
    return None


def defining_keys() -> list[str]:
    return [key for kind in KINDS for key in kind.keys]


def parse_text(kind: InputKind, text: str, display: str) -> Any:
    """Parse a text kind's content (the parser module is imported on first use)."""
    assert kind.parser is not None, kind.name
    module, _, func = kind.parser.partition(":")
    parser: Callable[[str, str], Any] = getattr(importlib.import_module(module), func)
    return parser(text, display)


def unknown_yaml(doc: YamlDocument) -> Finding:
    """The finding for a YAML file that is no kind of this table (or a near miss of a defining key)."""
    if not isinstance(doc.data, dict):
        what = "empty" if doc.data is None else f"a {type(doc.data).__name__}, not a mapping"
        return Finding(
            "yaml-not-a-mapping",
            Severity.ERROR,
            f"YAML document is {what}",
            "configgen projects, LiteLLM configs and Prometheus configs are mappings of keys",
            doc.file,
            1,
            1,
        )
    from configgen.suggest import did_you_mean

    # `model_lists:` or `modellist:` is a LiteLLM config whose models LiteLLM would never see.
    for key in doc.data:
        best = did_you_mean(str(key), defining_keys())
        if best is not None:
            return doc.finding(
                "yaml-kind-typo",
                Severity.ERROR,
                (key,),
                f"unknown top-level key `{key}`: without `{best}` this file is not read as intended",
                f"did you mean `{best}`?",
                key=True,
            )
    return Finding(
        "file-kind-unknown",
        Severity.WARNING,
        "YAML file is not a LiteLLM config (no `model_list`), a configgen project or a Prometheus config",
        "configgen checks LiteLLM configs, configgen projects, .env files and balancer snippets",
        doc.file,
        1,
        1,
    )
