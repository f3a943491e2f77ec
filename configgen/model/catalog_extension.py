"""The project's `catalog:` section: Pydantic models of what a project may add to the Azure catalogue.

Kept apart from :mod:`configgen.knowledge.azure_catalog` so that validating a project without a ``catalog:`` section,
or a LiteLLM config, never builds these models; :meth:`CatalogExtension.apply`
merges a validated extension into the packaged catalogue.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from configgen.knowledge.azure_catalog import ApiVersion, Catalog, MinApi, Model, ModelKind, ModelVersion, Retirement, RpmRatio


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


def _date_to_str(value: Any) -> Any:
    # YAML reads an unquoted 2024-10-21 as a date; here it is a version *name*, so take it as text.
    return value.isoformat() if isinstance(value, dt.date) else value


#: A version name that YAML may have turned into a date.
VersionStr = Annotated[str, BeforeValidator(_date_to_str)]


class ApiVersionExtension(_Strict):
    name: VersionStr = Field(
        description="The api-version string, e.g. `2026-01-01-preview`.", pattern=r"^\d{4}-\d{2}-\d{2}(-preview)?$"
    )
    status: Literal["ga", "preview"] = Field(description="`ga` for a generally available version, else `preview`.")
    source: str = Field(description="Where this fact comes from (URL or document).", min_length=1)


class ModelVersionExtension(_Strict):
    version: VersionStr = Field(description="Model version as Azure names it, e.g. `2025-08-07`.", min_length=1)
    lifecycle: Literal["ga", "preview"] = Field(default="ga", description="Model lifecycle status.")
    retirement_standard: dt.date | None = Field(
        default=None, strict=False, description="Retirement date for the regional Standard SKU (YYYY-MM-DD)."
    )
    retirement_other: dt.date | None = Field(
        default=None,
        strict=False,
        description="Retirement date for every other SKU; defaults to `retirement_standard`.",
    )
    replacement: str | None = Field(default=None, description="Model Azure recommends instead.")
    min_api_preview: VersionStr | None = Field(
        default=None, description="Oldest dated preview api-version that serves it."
    )
    min_api_ga: VersionStr | None = Field(
        default=None, description="Oldest GA api-version that serves it (none: previews/v1 only)."
    )


class ModelExtension(_Strict):
    kind: ModelKind | None = Field(
        default=None, description="chat, reasoning, embedding, completion, audio, image, other."
    )
    rpm_per_unit: tuple[int, int] | None = Field(
        default=None,
        strict=False,
        description="Quota ratio as [RPM, per TPM], e.g. [6, 1000] for classic chat models.",
    )
    source: str = Field(description="Where these facts come from (URL or document).", min_length=1)
    versions: tuple[ModelVersionExtension, ...] = Field(
        default=(), strict=False, description="Versions to add or override."
    )


class CatalogExtension(_Strict):
    """Additions to configgen's Azure OpenAI catalogue, embedded in a project file as ``catalog:``.

    Shape::

        catalog:
          api_versions:
            - {name: 2026-01-01-preview, status: preview, source: https://...}
          models:
            gpt-6:                       # model name as Azure lists it
              kind: reasoning
              rpm_per_unit: [1, 1000]    # optional: RPM per TPM
              source: https://learn.microsoft.com/...
              versions:
                - version: 2026-05-01
                  retirement_standard: 2027-05-01
                  min_api_preview: 2025-04-01-preview

    Entries override the packaged catalogue's entries of the same name (and version).
    """

    api_versions: tuple[ApiVersionExtension, ...] = Field(
        default=(), strict=False, description="api-versions to add."
    )
    models: dict[str, ModelExtension] = Field(
        default_factory=dict, description="Models (and versions) to add or override."
    )

    def is_empty(self) -> bool:
        return not self.api_versions and not self.models

    def apply(self, catalog: Catalog) -> Catalog:
        """A new catalogue with these additions; known entries may be overridden."""
        if self.is_empty():
            return catalog
        api_versions = dict(catalog.api_versions)
        for av in self.api_versions:
            api_versions[av.name] = ApiVersion(av.name, av.status, av.source, "project")
        models = dict(catalog.models)
        for name, mext in self.models.items():
            old = models.get(name)
            versions = {v.version: v for v in (old.versions if old else ())}
            for vext in mext.versions:
                versions[vext.version] = ModelVersion(
                    model=name,
                    version=vext.version,
                    lifecycle=vext.lifecycle,
                    retirement=Retirement(vext.retirement_standard, vext.retirement_other or vext.retirement_standard),
                    replacement=vext.replacement,
                    min_api=MinApi(vext.min_api_preview, vext.min_api_ga, mext.source)
                    if (vext.min_api_preview or vext.min_api_ga)
                    else None,
                    source=mext.source,
                    checked="project",
                )
            ratio = (
                RpmRatio(mext.rpm_per_unit[0], mext.rpm_per_unit[1])
                if mext.rpm_per_unit
                else (old.rpm_ratio if old else None)
            )
            models[name] = Model(
                name=name,
                kind=mext.kind or (old.kind if old else "chat"),
                rpm_ratio=ratio,
                versions=tuple(versions.values()),
                source=mext.source,
                checked="project",
            )
        return catalog._replace(api_versions=api_versions, models=models)
