"""The records of the Azure catalogue: api-versions, minimum api-versions, retirements, models, SKUs.

Plain NamedTuples (configgen.knowledge.azure_catalog builds them from package data and answers
questions about them; a project's `catalog:` section builds more of them).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, NamedTuple

ApiStatus = Literal["ga", "preview", "v1"]
ModelKind = Literal["chat", "reasoning", "embedding", "completion", "audio", "image", "other"]
CapacityUnit = Literal["tpm_thousands", "ptu", "batch_tokens"]

class ApiVersion(NamedTuple):
    name: str
    status: ApiStatus
    source: str
    checked: str
    note: str = ""

    @property
    def is_preview(self) -> bool:
        return self.status == "preview"


class MinApi(NamedTuple):
    """The oldest api-version that accepts something, per channel.

    ``ga is None`` means no dated GA version accepts it (only previews and the v1 API do); ``preview is
    None`` likewise for dated previews.
    """

    preview: str | None
    ga: str | None
    source: str = ""
    note: str = ""

    def describe(self) -> str:
        parts = []
        if self.ga:
            parts.append(f"GA {self.ga}")
        if self.preview:
            parts.append(f"preview {self.preview}")
        parts.append("v1")
        return " / ".join(parts)

    def oldest(self) -> str:
        """The version to recommend: the GA one when there is one."""
        return self.ga or self.preview or "v1"


class Retirement(NamedTuple):
    """Retirement dates per SKU class: the regional ``Standard`` SKU, and every other SKU."""

    standard: dt.date | None = None
    other: dt.date | None = None
    retired: bool = False  # already retired, exact date not recorded (legacy models)

    def date_for(self, sku_class: str | None) -> dt.date | None:
        if sku_class == "standard":
            return self.standard
        if sku_class == "other":
            return self.other
        return None

    @property
    def first(self) -> dt.date | None:
        dates = [d for d in (self.standard, self.other) if d is not None]
        return min(dates) if dates else None

    @property
    def last(self) -> dt.date | None:
        dates = [d for d in (self.standard, self.other) if d is not None]
        return max(dates) if dates else None


class RpmRatio(NamedTuple):
    """Quota: ``rpm`` requests per minute for every ``per_tpm`` tokens per minute."""

    rpm: int
    per_tpm: int


class ModelVersion(NamedTuple):
    model: str
    version: str
    lifecycle: Literal["ga", "preview"]
    retirement: Retirement
    replacement: str | None
    min_api: MinApi | None
    source: str
    checked: str


class Model(NamedTuple):
    name: str
    kind: ModelKind
    rpm_ratio: RpmRatio | None
    versions: tuple[ModelVersion, ...]
    source: str
    checked: str

    def version(self, version: str) -> ModelVersion | None:
        for v in self.versions:
            if v.version == version:
                return v
        return None


class Sku(NamedTuple):
    name: str
    capacity_unit: CapacityUnit
    retirement_class: Literal["standard", "other"]
    source: str
    checked: str

    @property
    def provisioned(self) -> bool:
        return self.capacity_unit == "ptu"
