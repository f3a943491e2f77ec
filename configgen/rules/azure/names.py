"""Azure model names and versions nobody publishes: a typo (`gpt-4o-mni`) or a version that does not exist."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from configgen.findings import Finding, Severity
from configgen.knowledge.litellm_models import azure_name_in_model_map
from configgen.rules.azure.lifecycle import azure_lists
from configgen.rules.memo import per_values
from configgen.rules.registry import rule
from configgen.rules.targets import AzureUse

_CATALOG_HINT = (
    "if Azure offers it and configgen does not know it yet, declare it in the project's `catalog:` section "
    "(catalog: {models: {NAME: {source: URL, versions: [{version: ...}]}}})"
)


def _nearest(word: str, names: list[str], n: int = 3) -> list[str]:
    return difflib.get_close_matches(word, names, n=n, cutoff=0.6)


@rule(
    "azure-model-unknown",
    Severity.WARNING,
    "a model name or version Azure does not publish (as far as configgen and LiteLLM know)",
    "azure",
)
def model_unknown(use: AzureUse) -> Iterator[Finding]:
    """A model name Azure does not have (`gpt-4o-mni`) cannot be deployed, and a version that does
    not exist (`gpt-4o` `2025-11-13`) is refused by Azure's deployment API (ARM `models` list,
    `az cognitiveservices model list`). In a LiteLLM config, a `base_model` naming no model makes
    LiteLLM's model-map lookup fail, so context window and capabilities are unknown
    (`litellm/utils.py` `get_model_info`). configgen's catalogue lags behind Azure, so this is a
    warning, with the catalogue's nearest names; a LiteLLM `base_model` that LiteLLM's own model map
    knows is not reported, nor a LiteLLM deployment name (chosen by its owner, `azure/gpt-4o-0806`).
    Teach configgen a new model or version with the project's `catalog:`
    section.
    """
    if not isinstance(use.model.value, str) or azure_lists(use):
        return  # with Azure's own model list, azure-model-not-offered decides
    from_litellm = bool(use.path) and use.path[0] == "model_list"
    if from_litellm and use.model.path[-1:] != ("base_model",):
        return  # a deployment name is chosen by its owner (`azure/gpt-4o-0806`), not a model declaration
    version = use.model_version.value if isinstance(use.model_version.value, str) else None
    found = _unknown(use.get_catalog(), use.model.value, version, from_litellm)
    if found is not None:
        of_version, message, hint = found
        where = use.model_version if of_version else use.model
        yield use.finding("azure-model-unknown", Severity.WARNING, where, message, hint)


@per_values  # a pure verdict that a thousand deployments of a few models share
def _unknown(cat: Any, name: str, version: str | None, from_litellm: bool) -> tuple[bool, str, str] | None:
    """(about the version rather than the model, message, hint), or None when both are known."""
    model = cat.model(name)
    if model is None:
        if from_litellm and azure_name_in_model_map(name):
            return None
        near = _nearest(name, sorted(cat.models))
        return (
            False,
            f"`{name}` is not an Azure OpenAI model configgen or LiteLLM knows",
            (f"did you mean {', '.join(f'`{n}`' for n in near)}? " if near else "") + _CATALOG_HINT,
        )
    if version is None or model.version(version) is not None:
        return None
    if from_litellm and azure_name_in_model_map(f"{name}-{version}"):
        return None
    known = [v.version for v in model.versions]
    near = _nearest(version, known) or known[-3:]
    return True, f"{name} has no version `{version}` that configgen knows", f"known versions: {', '.join(near)}; " + _CATALOG_HINT
