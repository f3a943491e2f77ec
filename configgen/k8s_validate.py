"""`validate` for Kubernetes files: one entry point per kind, text in, findings out.

- :func:`check_values_text`: a LiteLLM chart values file (recognised by a top-level `proxy_config:`);
- :func:`check_manifest_text`: a manifest of one or more objects (documents with `apiVersion` and `kind`).

Both run the LiteLLM rules on the config inside (positions in the Kubernetes file) and the
Kubernetes rules of configgen.rules.k8s_manifest on the file.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from configgen.findings import Finding
from configgen.k8s_files import (
    EmbeddedConfig,
    embedded_configs,
    looks_like_manifest,
    looks_like_values,
    parse_manifest,
    values_config,
)
from configgen.yamlsource import YamlDocument, load_yaml_text

K8sKind = Literal["k8s_values", "k8s_manifest"]


def kind_of(text: str, data: object | None) -> K8sKind | None:
    """How `validate FILE` should recognise these files by content.

    ``data`` is the file parsed as one YAML document (None when it has several or did not parse).
    """
    if looks_like_values(data):
        return "k8s_values"
    if isinstance(data, dict) and "apiVersion" in data and "kind" in data:
        return "k8s_manifest"
    if data is None and looks_like_manifest(text):
        return "k8s_manifest"
    return None


def _litellm(configs: list[EmbeddedConfig], as_of: dt.date) -> list[Finding]:
    from configgen.litellm_azure import azure_uses
    from configgen.rules import load_all, run_rules
    from configgen.rules.base import LiteLLMTarget

    load_all()
    out: list[Finding] = []
    for cfg in configs:
        out.extend(run_rules("litellm", LiteLLMTarget(cfg.doc, as_of)))
        for use in azure_uses(cfg.doc, as_of):
            out.extend(run_rules("azure", use))
    return out


def check_values(doc: YamlDocument, as_of: dt.date) -> list[Finding]:
    from configgen.rules.k8s_manifest import K8sFileTarget, run_k8s_rules

    cfg = values_config(doc)
    configs = [cfg] if cfg is not None else []
    return _litellm(configs, as_of) + run_k8s_rules(K8sFileTarget(doc.file, doc, [], configs))


def check_values_text(text: str, name: str, as_of: dt.date) -> list[Finding]:
    doc, problems = load_yaml_text(text, name)
    return problems if doc is None else check_values(doc, as_of)


def check_manifest_text(text: str, name: str, as_of: dt.date) -> list[Finding]:
    from configgen.rules.k8s_manifest import K8sFileTarget, run_k8s_rules

    manifest, problems = parse_manifest(text, name)
    if manifest is None:
        return problems
    configs, bad = embedded_configs(manifest)
    target = K8sFileTarget(name, None, manifest.objects, configs)
    return problems + bad + _litellm(configs, as_of) + run_k8s_rules(target)
