"""Every Azure deployment a project declares, as :class:`AzureUse`, so the `azure-*` rules that check
hand-written LiteLLM configs check the project too (one body of Azure knowledge, two inputs)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

from configgen.azure_models import ModelsData, ModelsFileError, load_models_file, register_project_models
from configgen.model import Project
from configgen.rules.base import MISSING, AzureUse, Located
from configgen.yamlsource import YamlDocument


def project_azure_uses(doc: YamlDocument, project: Project, as_of: dt.date) -> list[AzureUse]:
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
        for dep_name, dep in res.deployments.items():
            dpath = (*rpath, "deployments", dep_name)
            api_version = (
                Located(dep.api_version, (*dpath, "api_version"))
                if dep.api_version is not None
                else Located(res.api_version, (*rpath, "api_version"))
            )
            uses.append(
                AzureUse(
                    doc=doc,
                    path=dpath,
                    deployment=Located(dep_name, dpath),
                    endpoint=Located(res.endpoint, (*rpath, "endpoint")),
                    resource=Located(host.split(".")[0] if host else res_name, (*rpath, "endpoint")),
                    api_version=api_version,
                    model=Located(dep.model, (*dpath, "model")),
                    model_version=Located(dep.version, (*dpath, "version")),
                    sku=Located(dep.sku, (*dpath, "sku")),
                    capacity=Located(dep.capacity, (*dpath, "capacity")),
                    rpm=Located(dep.rpm, (*dpath, "rpm")) if dep.rpm is not None else MISSING,
                    tpm=Located(dep.tpm, (*dpath, "tpm")) if dep.tpm is not None else MISSING,
                    as_of=as_of,
                )
            )
    return uses
