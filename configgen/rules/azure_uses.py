"""The ``azure`` rule target: every Azure OpenAI deployment a project declares or a LiteLLM proxy config
uses, as :class:`AzureUse` records, so one body of Azure knowledge checks both inputs.

LiteLLM configs:

A ``model_list`` entry is an Azure deployment when its ``litellm_params.model`` starts with ``azure/``
(litellm/litellm_core_utils/get_llm_provider_logic.py), when ``custom_llm_provider: azure`` is set, or
when its ``api_base`` is on an Azure OpenAI host even though the prefix is missing (that config is
broken: LiteLLM then speaks plain OpenAI to Azure and gets 404; the litellm rules report it, the Azure
rules still check the rest).

A ``*`` in ``model`` (``azure/*``) is a wildcard route, not a deployment name: the router turns it into a
regex and fills in the deployment from the request's model (litellm/litellm_core_utils/
pattern_match_deployments.py ``PatternMatchRouter.pattern_to_regex``; docs "provider-specific wildcard
routing"), so no deployment name is recorded for it.

Values written as ``os.environ/NAME`` are resolved by the proxy at start-up, so they are not literal
values here: such fields are left :data:`MISSING`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from configgen.findings import DataPath
from configgen.knowledge.azure_catalog import azure_resource_from_host, load_catalog
from configgen.load.yaml import YamlDocument
from configgen.rules.targets import MISSING, AzureUse, Located

if TYPE_CHECKING:  # annotations only: LiteLLM configs are checked without Pydantic
    from configgen.model.project import Project

#: LiteLLM route markers that may follow ``azure/`` and are not part of the deployment name
#: (litellm/llms/azure/responses/transformation.py strips ``responses/`` and ``o_series/``;
#: litellm/llms/azure/chat/gpt_reasoning_transformation.py strips ``gpt5_series/``).
_ROUTE_PREFIXES = ("o_series/", "gpt5_series/", "responses/")

#: Request parameters that, set in ``litellm_params``, become defaults of every request to Azure.
REQUEST_PARAMS = frozenset(
    {
        "audio",
        "frequency_penalty",
        "function_call",
        "functions",
        "logit_bias",
        "logprobs",
        "max_completion_tokens",
        "max_tokens",
        "metadata",
        "modalities",
        "n",
        "parallel_tool_calls",
        "prediction",
        "presence_penalty",
        "reasoning_effort",
        "response_format",
        "seed",
        "stop",
        "store",
        "stream_options",
        "temperature",
        "tool_choice",
        "tools",
        "top_logprobs",
        "top_p",
        "user",
    }
)

_ENV_PREFIX = "os.environ/"


def is_env_ref(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(_ENV_PREFIX)


def _located(value: Any, path: DataPath) -> Located:
    if value is None or is_env_ref(value):
        return MISSING
    return Located(value, path)


def azure_uses(doc: YamlDocument, as_of: dt.date) -> list[AzureUse]:
    """Every Azure deployment in ``model_list``, with each field located where it was written."""
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("model_list"), list):
        return []
    uses: list[AzureUse] = []
    for i, entry in enumerate(data["model_list"]):
        if isinstance(entry, dict):
            use = _entry_use(doc, as_of, ("model_list", i), entry)
            if use is not None:
                uses.append(use)
    return uses


def _host(api_base: Any) -> str | None:
    if not isinstance(api_base, str) or is_env_ref(api_base):
        return None
    try:
        return urlsplit(api_base.strip()).hostname
    except ValueError:
        return None


def _entry_use(doc: YamlDocument, as_of: dt.date, path: DataPath, entry: dict[str, Any]) -> AzureUse | None:
    lp = entry.get("litellm_params")
    if not isinstance(lp, dict):
        return None
    lpath = (*path, "litellm_params")
    model = lp.get("model")
    api_base = lp.get("api_base")
    host = _host(api_base)
    resource = azure_resource_from_host(host) if host else None
    model_str = model if isinstance(model, str) else ""
    prefixed = model_str.startswith("azure/")
    if model_str.startswith("azure_ai/") or lp.get("custom_llm_provider") == "azure_ai":
        return None  # Azure AI Foundry's own provider (litellm/llms/azure_ai/): not an Azure OpenAI deployment
    if not (prefixed or lp.get("custom_llm_provider") == "azure" or resource is not None):
        return None

    deployment = MISSING
    # `${X}` and other unresolved references are litellm-env-syntax's one finding, not a deployment name.
    if model_str and not is_env_ref(model_str) and "*" not in model_str and "${" not in model_str:
        name = model_str.split("/", 1)[1] if "/" in model_str else model_str
        for route in _ROUTE_PREFIXES:
            name = name.removeprefix(route)
        deployment = Located(name, (*lpath, "model"))

    model_loc, version_loc = _model_and_version(entry, path, deployment)
    params = {k: Located(v, (*lpath, k)) for k, v in lp.items() if k in REQUEST_PARAMS and not is_env_ref(v)}
    return AzureUse(
        doc=doc,
        path=path,
        deployment=deployment,
        endpoint=_located(api_base, (*lpath, "api_base")),
        resource=Located(resource, (*lpath, "api_base")) if resource is not None else MISSING,
        api_version=_located(lp.get("api_version"), (*lpath, "api_version")),
        model=model_loc,
        model_version=version_loc,
        rpm=_located(lp.get("rpm"), (*lpath, "rpm")),
        tpm=_located(lp.get("tpm"), (*lpath, "tpm")),
        params=params,
        as_of=as_of,
    )


#: ``azure/<model>-<YYYY-MM-DD>``: a dated model id, for a model the catalogue does not know (yet).
_DATED_MODEL_ID = re.compile(r"^(?:azure/)?(?P<name>[A-Za-z][A-Za-z0-9.-]*?)-(?P<version>\d{4}-\d{2}-\d{2})$")


def _unknown_model_id(base: str) -> tuple[str, str] | None:
    """(model, version) of a dated ``base_model`` naming a model the catalogue does not know, so the
    lifecycle rules can say that they cannot judge it."""
    m = _DATED_MODEL_ID.match(base.strip())
    return (m.group("name"), m.group("version")) if m else None


def entry_model(entry: dict[str, Any]) -> tuple[str | None, str | None]:
    """(model, version) of a ``model_list`` entry, from base_model or a deployment named after a model."""
    lp = entry.get("litellm_params")
    model = lp.get("model") if isinstance(lp, dict) else None
    dep = MISSING
    if isinstance(model, str) and not is_env_ref(model) and "*" not in model:
        name = model.split("/", 1)[1] if "/" in model else model
        for route in _ROUTE_PREFIXES:
            name = name.removeprefix(route)
        dep = Located(name, ())
    m, v = _model_and_version(entry, (), dep)
    return (m.value if isinstance(m.value, str) else None), (v.value if isinstance(v.value, str) else None)


def _model_and_version(entry: dict[str, Any], path: DataPath, deployment: Located) -> tuple[Located, Located]:
    """From ``model_info.base_model`` (``azure/gpt-4o-2024-08-06``), else from a deployment named after a model."""
    catalog = load_catalog()
    info = entry.get("model_info")
    base = info.get("base_model") if isinstance(info, dict) else None
    if isinstance(base, str) and not is_env_ref(base):
        where = (*path, "model_info", "base_model")
        split = catalog.split_model_id(base) or _unknown_model_id(base)
        if split is not None:
            name, version = split
            return Located(name, where), (Located(version, where) if version else MISSING)
        # A base_model naming no model configgen knows is still the model meant (azure-model-unknown).
        return Located(base.strip().removeprefix("azure/"), where), MISSING
    if isinstance(deployment.value, str):
        split = catalog.split_model_id(deployment.value)
        if split is not None:
            name, version = split
            return Located(name, deployment.path), (Located(version, deployment.path) if version else MISSING)
    return MISSING, MISSING


def project_azure_uses(doc: YamlDocument, project: Project, as_of: dt.date, catalog: Any = None) -> list[AzureUse]:
    """Every deployment the project declares, judged by ``catalog`` (None: the built-in one)."""
    from pathlib import Path

    from configgen.load.azure_models import ModelsData, ModelsFileError, load_models_file, register_project_models

    uses: list[AzureUse] = []
    for res_name, res in project.resources.items():
        # The lifecycle rules find the resource's region and Azure's model list (its `models:` file) here.
        data: ModelsData | ModelsFileError | None = None
        if res.models:
            try:
                data = load_models_file(Path(doc.file).parent / res.models)
            except ModelsFileError as exc:
                data = exc
        register_project_models(doc.file, res_name, data, res.region)
        rpath = ("resources", res_name)
        host = urlsplit(res.endpoint).hostname or ""
        # What every deployment of the resource shares, built once (Located is immutable).
        endpoint = Located(res.endpoint, (*rpath, "endpoint"))
        resource = Located(host.split(".")[0] if host else res_name, endpoint.path)
        res_api_version = Located(res.api_version, (*rpath, "api_version"))
        for dep_name, dep in res.deployments.items():
            dpath = (*rpath, "deployments", dep_name)
            api_version = (
                Located(dep.api_version, (*dpath, "api_version")) if dep.api_version is not None else res_api_version
            )
            uses.append(
                AzureUse(
                    doc=doc,
                    path=dpath,
                    deployment=Located(dep_name, dpath),
                    endpoint=endpoint,
                    resource=resource,
                    api_version=api_version,
                    model=Located(dep.model, (*dpath, "model")),
                    model_version=Located(dep.version, (*dpath, "version")),
                    sku=Located(dep.sku, (*dpath, "sku")),
                    capacity=Located(dep.capacity, (*dpath, "capacity")),
                    rpm=Located(dep.rpm, (*dpath, "rpm")) if dep.rpm is not None else MISSING,
                    tpm=Located(dep.tpm, (*dpath, "tpm")) if dep.tpm is not None else MISSING,
                    as_of=as_of,
                    catalog=catalog,
                )
            )
    return uses
