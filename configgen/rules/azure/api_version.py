"""Azure OpenAI api-version checks: known, quoted, not a model version, new enough, preview."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from configgen.findings import Finding, Severity
from configgen.rules.memo import per_values
from configgen.rules.registry import rule
from configgen.rules.targets import AzureUse
from configgen.suggest import did_you_mean

_SPECS = "Azure/azure-rest-api-specs specification/cognitiveservices/data-plane/AzureOpenAI/inference/{stable,preview}"


def _version_str(use: AzureUse) -> str | None:
    v = use.api_version.value
    return v if isinstance(v, str) else None


@rule("azure-api-version-unquoted", Severity.ERROR, "api_version is a YAML date or number, not a string", "azure")
def api_version_unquoted(use: AzureUse) -> Iterator[Finding]:
    """`api_version` must be a string; an unquoted `2024-10-21` is read by YAML as a date.

    LiteLLM 1.110.2 then fails every request with `APIConnectionError: 'datetime.date' object has no
    attribute 'split'` (litellm/llms/azure/chat/gpt_transformation.py, `map_openai_params` splits the
    version string). Verified by calling `litellm.completion` with a date against a local server.
    Write `api_version: "2024-10-21"`.
    """
    v = use.api_version.value
    if use.api_version.present and not isinstance(v, str):
        shown = v.isoformat() if isinstance(v, dt.date) else str(v)
        kind = "a date" if isinstance(v, dt.date) else f"a {type(v).__name__}"
        yield use.finding(
            "azure-api-version-unquoted",
            Severity.ERROR,
            use.api_version,
            f"api_version {shown} is read by YAML as {kind}, not a string",
            f'quote it: api_version: "{shown}"',
        )


@rule("azure-api-version-is-model-version", Severity.ERROR, "a model version is used as api_version", "azure")
def api_version_is_model_version(use: AzureUse) -> Iterator[Finding]:
    """A model version (`2024-08-06`, `0613`, `1106-preview`) written where the api-version belongs.

    Azure answers 404 `Resource not found` for an api-version it does not know. Model versions and
    api-versions look alike but are different lists: api-versions are the folders of the published REST
    specs (Azure/azure-rest-api-specs, specification/cognitiveservices/data-plane/AzureOpenAI/inference/
    stable and preview), model versions are listed on Microsoft Learn's model retirement table.
    """
    v = _version_str(use)
    if v is None:
        return
    cat = use.get_catalog()
    if cat.looks_like_model_version(v.strip()):
        yield use.finding(
            "azure-api-version-is-model-version",
            Severity.ERROR,
            use.api_version,
            f"api_version {v!r} is a model version, not an Azure OpenAI api-version",
            (
                "the model version belongs in the deployment's `version:`"
                if use.in_project
                else f'put the model version in model_info.base_model (e.g. "azure/gpt-4o-{v}")'
            )
            + " and use api_version: "
            + cat.recommended_api_version(
                use.model.value if isinstance(use.model.value, str) else None,
                use.model_version.value if isinstance(use.model_version.value, str) else None,
            ),
        )


@rule("azure-api-version-unknown", Severity.ERROR, "api_version is not a known Azure OpenAI api-version", "azure")
def api_version_unknown(use: AzureUse) -> Iterator[Finding]:
    """The api-version is not one Azure OpenAI publishes; Azure answers 404 `Resource not found`.

    Known versions: the folders of the published inference specs (Azure/azure-rest-api-specs,
    specification/cognitiveservices/data-plane/AzureOpenAI/inference/stable/* and preview/*), plus `v1`,
    `latest` and `preview`, which LiteLLM maps to the `/openai/v1/` API
    (litellm/llms/azure/common_utils.py, `is_azure_v1_api_version`; case-sensitive). A version newer than
    configgen's catalogue can be declared in the project's `catalog:` section.
    """
    v = _version_str(use)
    if v is None:
        return
    cat = use.get_catalog()
    if cat.is_known_api_version(v) or cat.looks_like_model_version(v.strip()):
        return
    # Only versions the deployment's model answers on are worth suggesting.
    mins = _model_mins(use, cat)
    names = [n for n in cat.api_version_names() if all(cat.supports(n, m) for m in mins)]
    if not mins and _needs_preview(use, cat):
        names = sorted(cat.v1_aliases)
    best = did_you_mean(v, names)
    hint = f"did you mean {best!r}?" if best else f"use api_version: {_recommended(use, cat)}"
    if v != v.strip() and cat.is_known_api_version(v.strip()):
        hint = "remove the surrounding spaces"
    yield use.finding(
        "azure-api-version-unknown", Severity.ERROR, use.api_version, f"unknown Azure OpenAI api_version {v!r}", hint
    )


@rule("azure-api-version-too-old-for-model", Severity.ERROR, "api_version is older than the model requires", "azure")
def api_version_too_old_for_model(use: AzureUse) -> Iterator[Finding]:
    """Reasoning models only answer on recent api-versions.

    Azure rejects older ones with 400 `Model {m} is enabled only for api versions 2024-12-01-preview and
    later`. Minimums: o1 and o3-mini 2024-12-01-preview, o3 / o4-mini / o3-pro 2025-04-01-preview
    (Microsoft Learn, articles/ai-foundry/openai/how-to/reasoning.md); no dated GA version serves them,
    only previews and the v1 API.
    """
    v = _version_str(use)
    if v is None or not isinstance(use.model.value, str):
        return
    found = _too_old_for_model(use.get_catalog(), v, use.model.value, _model_version_str(use))
    if found is not None:
        yield use.finding("azure-api-version-too-old-for-model", Severity.ERROR, use.api_version, *found)


def _model_version_str(use: AzureUse) -> str | None:
    return use.model_version.value if isinstance(use.model_version.value, str) else None


@per_values  # a pure verdict on values that a thousand deployments of a few models share
def _too_old_for_model(cat: Any, v: str, model_name: str, model_version: str | None) -> tuple[str, str] | None:
    """(message, hint) when ``v`` is older than the model's minimum api-version, else None."""
    if not cat.is_known_api_version(v):
        return None
    model = cat.model(model_name)
    if model is None:
        return None
    version = model.version(model_version) if model_version is not None else None
    candidates = [version] if version is not None else list(model.versions)
    mins = [c.min_api for c in candidates if c.min_api is not None]
    # Unknown version of a known model: only complain when every version needs a newer api-version.
    if not mins or (version is None and len(mins) != len(candidates)):
        return None
    if any(cat.supports(v, m) for m in mins):
        return None
    need = mins[0]
    return (
        f"{model_name} needs api_version {need.describe()} or later; {v!r} is rejected with 400",
        f'use api_version: "{need.preview or cat.latest_preview()}" or "v1"',
    )


def _features_of(use: AzureUse) -> list[tuple[str, str]]:
    """(parameter name, catalogue feature) for each request parameter the config sets."""
    out: list[tuple[str, str]] = []
    for name, loc in use.params.items():
        value = loc.value
        if name == "response_format":
            kind = value.get("type") if isinstance(value, dict) else None
            if kind in ("json_schema", "json_object"):
                out.append((name, f"response_format_{kind}"))
        elif name == "tool_choice" and value == "required":
            out.append((name, "tool_choice_required"))
        elif name in use.get_catalog().features:
            out.append((name, name))
    return out


@rule(
    "azure-api-version-too-old-for-feature",
    Severity.ERROR,
    "a request parameter needs a newer api_version",
    "azure",
)
def api_version_too_old_for_feature(use: AzureUse) -> Iterator[Finding]:
    """A request parameter set in the config is not in the api-version's request schema.

    Minimums, from the createChatCompletionRequest schema of each published spec (Azure/azure-rest-api-specs
    specification/cognitiveservices/data-plane/AzureOpenAI/inference) and Microsoft Learn's
    api-version-lifecycle.md: `tools`, `tool_choice`, `seed`, `response_format: json_object` 2023-12-01-preview
    (GA 2024-02-01); `response_format: json_schema` 2024-08-01-preview (GA 2024-10-21; older versions make
    LiteLLM silently turn it into a forced tool call, litellm/llms/azure/chat/gpt_transformation.py);
    `parallel_tool_calls` 2024-09-01-preview (GA 2024-10-21); `max_completion_tokens`, `stream_options`
    2024-09-01-preview; `reasoning_effort`, `store`, `metadata` 2024-12-01-preview; `prediction`, `audio`,
    `modalities` 2025-01-01-preview. The v1 API (`v1`, `latest`, `preview`) has them all.
    """
    v = _version_str(use)
    if v is None:
        return
    cat = use.get_catalog()
    if not cat.is_known_api_version(v):
        return
    for param, feature in _features_of(use):
        need = cat.features[feature]
        if not cat.supports(v, need):
            label = feature.replace("response_format_", "response_format ").replace("_required", "='required'")
            yield use.finding(
                "azure-api-version-too-old-for-feature",
                Severity.ERROR,
                use.params[param],
                f"{label} needs api_version {need.describe()} or later; {v!r} does not have it",
                f"use api_version: {_recommended(use, cat)}"
                if _needs_preview(use, cat)
                else f'use api_version: "{need.oldest()}" or newer',
            )


def _model_mins(use: AzureUse, cat: Any) -> list[Any]:
    """The recorded api-version minimums of the deployment's model (its version's, else every version's)."""
    if not isinstance(use.model.value, str):
        return []
    model = cat.model(use.model.value)
    if model is None:
        return []
    version = model.version(use.model_version.value) if isinstance(use.model_version.value, str) else None
    return [c.min_api for c in ([version] if version is not None else list(model.versions)) if c.min_api]


def _recommended(use: AzureUse, cat: Any) -> str:
    """An api-version to suggest, never below the deployment's model's own minimum."""
    model = use.model.value if isinstance(use.model.value, str) else None
    version = use.model_version.value if isinstance(use.model_version.value, str) else None
    recommended: str = cat.recommended_api_version(model, version)
    return recommended


def _needs_preview(use: AzureUse, cat: Any) -> bool:
    """True when the deployment's model is served by no dated GA api-version (e.g. gpt-5, o3)."""
    model = use.model.value if isinstance(use.model.value, str) else None
    return _needs_preview_of(cat, model, _model_version_str(use))


def _needs_preview_of(cat: Any, model_name: str | None, model_version: str | None) -> bool:
    if model_name is None:
        return False
    model = cat.model(model_name)
    if model is None:
        return False
    version = model.version(model_version) if model_version is not None else None
    mins = [c.min_api for c in ([version] if version is not None else list(model.versions)) if c.min_api]
    # A reasoning model whose minimum is not recorded: do not advise a GA version it may not answer on.
    return (bool(mins) and all(m.ga is None for m in mins)) or (not mins and model.kind == "reasoning")


@rule("azure-api-version-preview", Severity.INFO, "api_version is a dated preview", "azure")
def api_version_preview(use: AzureUse) -> Iterator[Finding]:
    """A dated preview api-version: fine, but previews are retired on a schedule.

    Microsoft Learn (articles/ai-foundry/openai/api-version-lifecycle.md): only recent previews stay
    supported, `2025-04-01-preview` is the last dated preview, and new features ship in the v1 API. Prefer
    the latest GA version, or `v1`, unless you need a preview-only feature.
    """
    v = _version_str(use)
    if v is None:
        return
    model = use.model.value if isinstance(use.model.value, str) else None
    found = _preview_note(use.get_catalog(), v, model, _model_version_str(use))
    if found is not None:
        yield use.finding("azure-api-version-preview", Severity.INFO, use.api_version, *found)


@per_values
def _preview_note(cat: Any, v: str, model: str | None, model_version: str | None) -> tuple[str, str] | None:
    av = cat.api_version(v)
    if av is None or not av.is_preview:
        return None
    if _needs_preview_of(cat, model, model_version):
        return None  # the model has no GA api-version: the preview is the right choice, not a note
    return f"api_version {v!r} is a preview", f"use {cat.latest_ga()!r} (GA) or 'v1' unless a preview-only feature is needed"
