"""What configgen knows about Azure OpenAI: api-versions, models, request features and SKUs.

The facts live in ``configgen/knowledge/data/azure_openai.json`` (package data, JSON so that reading it on the
``validate`` path costs about a millisecond); every entry names its source and the date it was checked.
This module turns that file into immutable records and answers the questions the ``azure-*`` rules ask.

A project can teach the catalogue models or versions it does not know yet with a ``catalog:`` section
(:class:`configgen.model.catalog_extension.CatalogExtension`); its ``apply`` returns a new catalogue with
those merged in (the facts here know nothing of the project's models).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal, NamedTuple

ApiStatus = Literal["ga", "preview", "v1"]
ModelKind = Literal["chat", "reasoning", "embedding", "completion", "audio", "image", "other"]
CapacityUnit = Literal["tpm_thousands", "ptu", "batch_tokens"]

_DATED = re.compile(r"^(\d{4}-\d{2}-\d{2})(-preview)?$")
# Model versions as Azure names them: dates (2024-08-06), MMDD snapshots (0613, 1106-preview),
# and the odd named ones (turbo-2024-04-09, vision-preview).
_MODEL_VERSION = re.compile(r"^(\d{4}-\d{2}-\d{2}|\d{4}(-preview)?|turbo-\d{4}-\d{2}-\d{2}|vision-preview)$")
# Shapes no api-version ever had; a bare date counts only when it is a known model version.
_SNAPSHOT_VERSION = re.compile(r"^(\d{4}(-preview)?|turbo-\d{4}-\d{2}-\d{2}|vision-preview)$")


#: Hostname suffixes of Azure OpenAI data-plane endpoints (FACTS.md; Azure OpenAI REST reference:
#: ``https://{resource}.openai.azure.com``; AI Services / Foundry resources use the other two; ``.azure.us``
#: is Azure Government). A private endpoint keeps the public hostname, so these hold there too.
AZURE_OPENAI_HOST_SUFFIXES: tuple[str, ...] = (
    ".openai.azure.com",
    ".cognitiveservices.azure.com",
    ".services.ai.azure.com",
    ".openai.azure.us",
)


def azure_resource_from_host(host: str) -> str | None:
    """``myres.openai.azure.com`` -> ``myres``; None when the host is not an Azure OpenAI host."""
    h = host.lower().rstrip(".")
    for suffix in AZURE_OPENAI_HOST_SUFFIXES:
        if h.endswith(suffix):
            return host[: len(h) - len(suffix)]
    return None


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


class Catalog(NamedTuple):
    api_versions: Mapping[str, ApiVersion]
    v1_aliases: frozenset[str]
    features: Mapping[str, MinApi]
    models: Mapping[str, Model]
    skus: Mapping[str, Sku]
    #: lower-cased SKU name -> SKU name, for case-insensitive lookups
    lower_skus: Mapping[str, str]
    checked: str = ""
    #: Where the retirement dates come from and that page's own date (``sources.retirement_schedule``).
    schedule_source: str = ""
    schedule_date: str = ""

    # ---- api-versions -------------------------------------------------------------------------

    def api_version(self, name: str) -> ApiVersion | None:
        if name in self.v1_aliases:
            return ApiVersion(name, "v1", "v1 API alias", self.checked)
        return self.api_versions.get(name)

    def is_known_api_version(self, name: str) -> bool:
        return self.api_version(name) is not None

    def is_v1(self, name: str) -> bool:
        return name in self.v1_aliases

    def latest_ga(self) -> str:
        return max(v.name for v in self.api_versions.values() if v.status == "ga")

    def latest_preview(self) -> str:
        return max(v.name for v in self.api_versions.values() if v.status == "preview")

    def api_version_names(self) -> list[str]:
        return sorted(self.api_versions) + sorted(self.v1_aliases)

    def recommended_api_version(self, model: str | None, version: str | None) -> str:
        """A quoted api-version to suggest for a deployment of ``model``: never older than the model's own
        minimum. ``"v1"`` for models no dated GA version serves (reasoning models, gpt-5.x), else the
        latest GA."""
        m = self.models.get(model) if model else None
        if m is None:
            return f'"{self.latest_ga()}" (latest GA)'
        mv = m.version(version) if version else None
        mins = [c.min_api for c in ([mv] if mv else m.versions) if c.min_api is not None]
        if (mins and all(x.ga is None for x in mins)) or (not mins and m.kind == "reasoning"):
            return f'"v1" (no dated GA api-version serves {model})'
        floor = max((x.ga for x in mins if x.ga), default=None)
        latest = self.latest_ga()
        return f'"{max(floor, latest) if floor else latest}" (latest GA)'

    def looks_like_model_version(self, s: str) -> bool:
        """True for strings shaped like a *model* version rather than an api-version.

        ``2024-08-06``, ``0613``, ``1106-preview`` and ``turbo-2024-04-09`` are model versions; a known
        api-version (``2024-10-21``) is not, even though it has the same shape.
        """
        if self.is_known_api_version(s):
            return False
        if _SNAPSHOT_VERSION.match(s):
            return True
        return any(m.version(s) is not None for m in self.models.values())

    def supports(self, api_version: str, need: str | MinApi | None) -> bool:
        """Whether ``api_version`` accepts a feature (by name) or a model's minimum.

        ``v1``/``latest``/``preview`` select the v1 API, which carries every feature: treated as newest.
        An unknown feature name or ``None`` is supported (there is nothing to hold against it).
        Unknown dated versions are compared by their date.
        """
        req = self.features.get(need) if isinstance(need, str) else need
        if req is None or api_version in self.v1_aliases:
            return True
        m = _DATED.match(api_version)
        if m is None:
            return True  # not a dated version at all: another rule reports that
        if m.group(2):  # preview
            # A preview dated on/after the GA minimum also has the feature (previews run ahead of GA).
            floors = [f for f in (req.preview, req.ga) if f is not None]
        else:
            floors = [req.ga] if req.ga is not None else []
        return any(_date_part(api_version) >= _date_part(f) for f in floors)

    # ---- models -------------------------------------------------------------------------------

    def model(self, name: str) -> Model | None:
        return self.models.get(name)

    def model_version(self, name: str, version: str) -> ModelVersion | None:
        m = self.models.get(name)
        return m.version(version) if m else None

    def split_model_id(self, s: str) -> tuple[str, str | None] | None:
        """``gpt-4o-2024-08-06`` -> (``gpt-4o``, ``2024-08-06``); ``gpt-4o`` -> (``gpt-4o``, None).

        Also accepts LiteLLM's ``azure/`` prefix and OpenAI's dotted ``gpt-3.5`` spelling. None when
        no known model name is a prefix.
        """
        name = s.strip()
        for prefix in ("azure/", "azure_ai/"):
            name = name.removeprefix(prefix)
        name = name.replace("gpt-3.5", "gpt-35")
        if name in self.models:
            return name, None
        # Longest model name first so that gpt-4o-mini wins over gpt-4o.
        for model_name in sorted(self.models, key=len, reverse=True):
            if name.startswith(model_name + "-"):
                rest = name[len(model_name) + 1 :]
                if self.models[model_name].version(rest) is not None or _MODEL_VERSION.match(rest):
                    return model_name, rest
        return None

    def fully_retired(self, name: str, as_of: dt.date) -> bool:
        """True when every version of model ``name`` the table knows is retired on ``as_of``."""
        m = self.models.get(name)
        if m is None or not m.versions:
            return False
        for v in m.versions:
            last = v.retirement.last
            if not v.retirement.retired and (last is None or as_of < last):
                return False
        return True

    def replacement_for(self, mv: ModelVersion, as_of: dt.date) -> str | None:
        """The table's replacement for ``mv``, following replacements of replacements, skipping any
        model that is itself retired on ``as_of``; None when no current one is known."""
        seen = {mv.model}
        name = mv.replacement
        while name is not None and name not in seen:
            if not self.fully_retired(name, as_of):
                return name
            seen.add(name)
            m = self.models.get(name)
            nexts = [v.replacement for v in (m.versions if m else ()) if v.replacement]
            name = nexts[-1] if nexts else None
        return None

    # ---- SKUs and quota -----------------------------------------------------------------------

    def sku(self, name: str) -> Sku | None:
        return self.skus.get(name) or self.skus.get(self.lower_skus.get(name.lower(), ""))

    def rpm_tpm(
        self, model: str, version: str | None, sku: str | None, capacity: int | None
    ) -> tuple[int | None, int | None]:
        """(RPM, TPM) that a deployment of ``capacity`` units grants; None where it cannot be said.

        Standard-family SKUs count capacity in thousands of TPM; RPM follows the model's ratio
        (quotas-limits.md). Provisioned SKUs count PTUs, which have no fixed TPM: (None, None).
        """
        if capacity is None:
            return None, None
        s = self.sku(sku) if sku else None
        if s is not None and s.capacity_unit != "tpm_thousands":
            return None, None
        tpm = capacity * 1000
        m = self.models.get(model)
        if m is None or m.rpm_ratio is None:
            return None, tpm
        return self.rpm_for_tpm(m.rpm_ratio, tpm), tpm

    @staticmethod
    def rpm_for_tpm(ratio: RpmRatio, tpm: int) -> int:
        # Azure grants whole requests; a non-zero allocation never rounds down to zero RPM.
        rpm = math.floor(tpm * ratio.rpm / ratio.per_tpm)
        return max(rpm, 1) if tpm > 0 else 0


def _date_part(version: str) -> str:
    return version[:10]


# ---- loading ------------------------------------------------------------------------------------


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else None


def _min_api(d: Mapping[str, Any] | None) -> MinApi | None:
    if not d:
        return None
    return MinApi(d.get("min_preview"), d.get("min_ga"), d.get("source", ""), d.get("note", ""))


def _sources(data: Mapping[str, Any]) -> Callable[[str], str]:
    """``@name`` in a source stands for ``sources.<name>.source`` (written once, not per entry)."""
    named = {f"@{k}": v.get("source", "") for k, v in data.get("sources", {}).items()}
    if not named:
        return lambda s: s

    def expand(s: str) -> str:
        if "@" not in s:
            return s
        for key, text in named.items():
            s = s.replace(key, text)
        return s

    return expand


def catalog_from_data(data: Mapping[str, Any]) -> Catalog:
    """Build a catalogue from the JSON document's shape (used by tests with small hand-made data)."""
    src = _sources(data)
    api_versions = {
        e["name"]: ApiVersion(e["name"], e["status"], e["source"], e["checked"], e.get("note", ""))
        for e in data["api_versions"]
    }
    features = {
        name: MinApi(f["min_preview"], f["min_ga"], f["source"], f.get("note", ""))
        for name, f in data["features"].items()
    }
    models: dict[str, Model] = {}
    for name, m in data["models"].items():
        versions = tuple(
            ModelVersion(
                model=name,
                version=v["version"],
                lifecycle=v.get("lifecycle", "ga"),
                retirement=Retirement(
                    _date(v["retirement"].get("standard")), _date(v["retirement"].get("other")), bool(v.get("retired"))
                ),
                replacement=v.get("replacement"),
                min_api=_min_api(v.get("min_api")),
                source=src(v["source"]),
                checked=v["checked"],
            )
            for v in m["versions"]
        )
        r = m.get("rpm_ratio")
        models[name] = Model(
            name, m["kind"], RpmRatio(r["rpm"], r["per_tpm"]) if r else None, versions, src(m["source"]), m["checked"]
        )
    skus = {
        name: Sku(name, s["capacity_unit"], s["retirement_class"], s["source"], s["checked"])
        for name, s in data["skus"].items()
    }
    return Catalog(
        api_versions=api_versions,
        v1_aliases=frozenset(data["v1_aliases"]["names"]),
        features=features,
        models=models,
        skus=skus,
        lower_skus={k.lower(): k for k in skus},
        checked=data.get("checked", ""),
        schedule_source=data.get("sources", {}).get("retirement_schedule", {}).get("source", ""),
        schedule_date=data.get("sources", {}).get("retirement_schedule", {}).get("date", ""),
    )


@functools.cache
def load_catalog() -> Catalog:
    """The packaged catalogue, read once per process."""
    # A path next to this module, not importlib.resources (1.5 ms of imports): configgen is never zipped.
    text = (Path(__file__).parent / "data" / "azure_openai.json").read_text(encoding="utf-8")
    return catalog_from_data(json.loads(text))
