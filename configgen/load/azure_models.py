"""Azure's own list of the models a location (or an account) offers, with their lifecycle.

The ARM Models API (Microsoft.CognitiveServices, api-version 2024-10-01, Azure/azure-rest-api-specs
specification/cognitiveservices/resource-manager/Microsoft.CognitiveServices/stable/2024-10-01:
``Models_List`` = ``GET /subscriptions/{sub}/providers/Microsoft.CognitiveServices/locations/{location}/models``,
``AccountModels_List`` = ``GET .../resourceGroups/{rg}/providers/Microsoft.CognitiveServices/accounts/{account}/models``)
answers pages ``{"value": [...], "nextLink": ...}``. A location's items are
``{"kind", "skuName", "model": {"format", "name", "version", "lifecycleStatus", "isDefaultVersion",
"deprecation": {"fineTune", "inference"}, "skus": [{"name", "usageName", "deprecationDate", "capacity"}],
"capabilities", ...}}`` (examples/ListLocationModels.json); an account's items are the model object itself
(examples/ListAccountModels.json). ``az cognitiveservices model list -l LOCATION -o json`` prints the
location items as a JSON list.

Azure stops serving a model version at ``deprecation.inference`` (and a SKU at its ``deprecationDate``):
that is the retirement date per region and subscription, which is why it beats the bundled table.

A *models file* (written by ``configgen catalog fetch`` / ``configgen catalog import``) keeps Azure's items
as Azure sent them, per location::

    {"configgen": "azure-models", "version": 1, "fetched_at": "...", "source": "...",
     "locations": {"eastus": [...items...]}, "resources": {"myres": "eastus"}}

Which models data applies to a check is recorded here (``validate --models FILE``, a resource's
``models:`` key), so that the lifecycle rules can consult it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

MODELS_FILE_TAG = "azure-models"
ARM_MODELS_API_VERSION = "2024-10-01"


class ModelsFileError(Exception):
    """A models file that cannot be read; the message is one line naming the file."""


class SkuLife(NamedTuple):
    name: str
    retires: dt.date | None


class AzureModel(NamedTuple):
    """One model version as Azure lists it."""

    name: str
    version: str
    format: str
    status: str  # lifecycleStatus, e.g. GenerallyAvailable, Preview, Deprecating, Deprecated
    retires: dt.date | None  # deprecation.inference
    skus: tuple[SkuLife, ...]
    is_default: bool

    def sku(self, name: str) -> SkuLife | None:
        for s in self.skus:
            if s.name.lower() == name.lower():
                return s
        return None


class ModelsData(NamedTuple):
    """Azure's model lists, per location (lower-case, no spaces: ``eastus``)."""

    locations: Mapping[str, tuple[AzureModel, ...]]
    resources: Mapping[str, str]  # resource (subdomain) name -> location
    sources: tuple[str, ...]  # files (and when they were fetched), for messages

    def describe(self) -> str:
        return ", ".join(self.sources)

    def applicable(self, location: str | None) -> tuple[str, tuple[AzureModel, ...]] | None:
        """(where, models) for ``location``; every location together when it is unknown and the data
        has only one. None when the data says nothing about that location."""
        if location is not None:
            loc = norm_location(location)
            return (loc, self.locations[loc]) if loc in self.locations else None
        if len(self.locations) == 1:
            ((loc, models),) = self.locations.items()
            return loc, models
        if not self.locations:
            return None
        return "any listed location", tuple(m for ms in self.locations.values() for m in ms)


def norm_location(name: str) -> str:
    """``East US`` / ``eastus`` -> ``eastus`` (ARM location names)."""
    return name.replace(" ", "").lower()


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def parse_item(item: Any) -> AzureModel | None:
    """A location item (``{"kind", "skuName", "model": {...}}``) or an account item (the model itself)."""
    if not isinstance(item, dict):
        return None
    inner = item.get("model")
    model: dict[str, Any] = inner if isinstance(inner, dict) else item
    name, version = model.get("name"), model.get("version")
    if not isinstance(name, str) or not isinstance(version, str):
        return None
    dep_raw = model.get("deprecation")
    dep: dict[str, Any] = dep_raw if isinstance(dep_raw, dict) else {}
    skus = tuple(
        SkuLife(s["name"], _date(s.get("deprecationDate")))
        for s in model.get("skus") or ()
        if isinstance(s, dict) and isinstance(s.get("name"), str)
    )
    return AzureModel(
        name=name,
        version=version,
        format=str(model.get("format") or ""),
        status=str(model.get("lifecycleStatus") or ""),
        retires=_date(dep.get("inference")),
        skus=skus,
        is_default=model.get("isDefaultVersion") is True,
    )


def _items(obj: Any) -> list[Any] | None:
    """The items of an ARM page (``{"value": [...]}``) or of ``az ... -o json`` output (a list)."""
    if isinstance(obj, list):
        return obj
    if isinstance(obj, dict) and isinstance(obj.get("value"), list):
        return list(obj["value"])
    return None


def models_document(
    locations: Mapping[str, list[Any]], resources: Mapping[str, str], source: str, fetched_at: str
) -> dict[str, Any]:
    """The JSON document of a models file."""
    return {
        "configgen": MODELS_FILE_TAG,
        "version": 1,
        "fetched_at": fetched_at,
        "source": source,
        "locations": {norm_location(k): v for k, v in sorted(locations.items())},
        "resources": dict(sorted(resources.items())),
    }


def parse_document(obj: Any, label: str, location: str | None = None) -> ModelsData:
    """A models file, or (with ``location``) a raw ARM page / az CLI list for that location."""
    if isinstance(obj, dict) and obj.get("configgen") == MODELS_FILE_TAG:
        locs = obj.get("locations")
        if not isinstance(locs, dict):
            raise ModelsFileError(f"{label}: `locations` is not a mapping of location -> model list")
        parsed: dict[str, tuple[AzureModel, ...]] = {}
        for loc, items in locs.items():
            listed = _items(items)
            if listed is None:
                raise ModelsFileError(f"{label}: locations.{loc} is not a list of models")
            parsed[norm_location(str(loc))] = tuple(m for m in map(parse_item, listed) if m is not None)
        res_raw = obj.get("resources")
        res: dict[str, Any] = res_raw if isinstance(res_raw, dict) else {}
        when = obj.get("fetched_at")
        source = f"{label} (fetched {when})" if isinstance(when, str) and when else label
        return ModelsData(parsed, {str(k): norm_location(str(v)) for k, v in res.items()}, (source,))
    items = _items(obj)
    if items is None:
        raise ModelsFileError(
            f"{label}: not a models file, an ARM models page or `az cognitiveservices model list -o json` output"
        )
    if location is None:
        raise ModelsFileError(f"{label}: Azure's list does not name its location; give --location")
    models = tuple(m for m in map(parse_item, items) if m is not None)
    if items and not models:
        raise ModelsFileError(f"{label}: no item has model.name and model.version")
    return ModelsData({norm_location(location): models}, {}, (label,))


def load_models_file(path: Path, location: str | None = None) -> ModelsData:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ModelsFileError(f"{path}: cannot read: {e.strerror or e}") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        raise ModelsFileError(f"{path}:{e.lineno}:{e.colno}: not JSON: {e.msg}") from None
    return parse_document(obj, str(path), location)


def merge(datas: Iterable[ModelsData]) -> ModelsData | None:
    locations: dict[str, tuple[AzureModel, ...]] = {}
    resources: dict[str, str] = {}
    sources: list[str] = []
    any_data = False
    for d in datas:
        any_data = True
        for loc, models in d.locations.items():
            locations[loc] = locations.get(loc, ()) + models
        resources.update(d.resources)
        sources.extend(d.sources)
    return ModelsData(locations, resources, tuple(sources)) if any_data else None


# ---- which data applies to a check -------------------------------------------------------------

#: Given on the command line (``validate --models FILE``): applies to every deployment checked.
_cli: list[ModelsData | None] = [None]
#: Named by a project resource's ``models:`` key: (project file, resource name) -> data or the error.
_project: dict[tuple[str, str], tuple[ModelsData | ModelsFileError | None, str | None]] = {}


def set_cli_models(data: ModelsData | None) -> None:
    _cli[0] = data


def register_project_models(
    project_file: str, resource: str, data: ModelsData | ModelsFileError | None, region: str | None
) -> None:
    _project[(project_file, resource)] = (data, region)


def project_models_error(project_file: str, resource: str) -> ModelsFileError | None:
    got = _project.get((project_file, resource))
    return got[0] if got is not None and isinstance(got[0], ModelsFileError) else None


def models_for(file: str, path: tuple[Any, ...], resource: str | None) -> tuple[ModelsData, str | None] | None:
    """(data, location) for a deployment at ``path`` of ``file``; None without Azure data."""
    if len(path) > 1 and path[0] == "resources":
        got = _project.get((file, str(path[1])))
        if got is not None and isinstance(got[0], ModelsData):
            return got[0], got[1]
        data = _cli[0]
        return (data, got[1] if got is not None else None) if data is not None else None
    data = _cli[0]
    if data is None:
        return None
    return data, data.resources.get(resource) if resource else None
