"""Azure OpenAI model lifecycle: retired, retiring and unavailable model versions.

Two sources, and they are judged differently:

- **Azure's own list** (``configgen catalog fetch`` / ``import``, given with ``validate --models FILE`` or
  a resource's ``models:`` key; :mod:`configgen.load.azure_models`): authoritative for its location and
  subscription, so a retired model or SKU is an error and a version the location does not offer is an
  error.
- **The bundled table** (``configgen/knowledge/data/azure_openai.json``, from Microsoft Learn's model retirement
  schedule): Microsoft moved these dates three times in 2026, so a passed date is only a warning that
  names the table's edition and says how to confirm; it is never an error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from configgen.findings import Finding, Severity
from configgen.knowledge.azure_records import ModelVersion
from configgen.load.azure_models import AzureModel, ModelsData, models_for
from configgen.rules.memo import per_values
from configgen.rules.registry import rule
from configgen.rules.targets import AzureUse, Located
from configgen.suggest import did_you_mean

#: How long before a retirement date a deployment is reported as retiring. Azure gives at least 60
#: days' notice for GA models (Microsoft Learn, model-retirements.md); 90 days leaves time to test.
RETIREMENT_WARNING_DAYS = 90

_CONFIRM = (
    "confirm with Azure's own list: `configgen catalog fetch ENV` (or `az cognitiveservices model list -l LOCATION "
    "-o json` and `configgen catalog import`), then `configgen validate --models FILE`"
)


def _strs(use: AzureUse) -> tuple[str, str] | None:
    if not isinstance(use.model.value, str) or not isinstance(use.model_version.value, str):
        return None
    return use.model.value, use.model_version.value


def _model_version(use: AzureUse) -> ModelVersion | None:
    mv = _strs(use)
    if mv is None:
        return None
    found: ModelVersion | None = use.get_catalog().model_version(*mv)
    return found


def _replacement(use: AzureUse, mv: ModelVersion) -> str:
    return _replacement_of(use.get_catalog(), mv, use.as_of)


def _where(use: AzureUse) -> Located:
    return use.model_version if use.model_version.present else use.model


def _azure(use: AzureUse) -> tuple[ModelsData, str, tuple[AzureModel, ...]] | None:
    """Azure's list that applies to this deployment: (data, where, models), or None."""
    found = models_for(use.doc.file, tuple(use.path), use.resource.value if isinstance(use.resource.value, str) else None)
    if found is None:
        return None
    data, location = found
    applicable = data.applicable(location)
    if applicable is None:
        return None
    return data, applicable[0], applicable[1]


def _listed(models: tuple[AzureModel, ...], name: str, version: str) -> list[AzureModel]:
    return [m for m in models if m.name == name and m.version == version]


def _azure_dates(entries: list[AzureModel], sku: str | None) -> list[dt.date]:
    """The dates Azure stops serving this deployment: the version's, and its SKU's when known."""
    dates: list[dt.date] = []
    for e in entries:
        if e.retires is not None:
            dates.append(e.retires)
        s = e.sku(sku) if sku else None
        if s is not None and s.retires is not None:
            dates.append(s.retires)
    return dates


@rule("azure-model-retired", Severity.ERROR, "Azure's own model list says the model version or SKU is retired", "azure")
def model_retired(use: AzureUse) -> Iterator[Finding]:
    """Azure's models list for the deployment's location (the ARM Models API,
    `Microsoft.CognitiveServices/locations/{location}/models`, api-version 2024-10-01, as
    `configgen catalog fetch` or `az cognitiveservices model list` gives it) has a
    `deprecation.inference` date, or the SKU's `deprecationDate`, on or before the date checked
    (`as_of`): Azure no longer serves the deployment and every call fails. Needs `--models FILE` or
    the resource's `models:` key; without Azure's data see `azure-model-retired-per-table`.
    """
    mv = _strs(use)
    azure = _azure(use)
    if mv is None or azure is None:
        return
    data, where, models = azure
    entries = _listed(models, *mv)
    sku = use.sku.value if isinstance(use.sku.value, str) else None
    # Retired when every listing of it says so (several, when the location is unknown and the data has
    # several locations); within one location there is one listing.
    per_entry = [[d for d in _azure_dates([e], sku) if d <= use.as_of] for e in entries]
    if not entries or not all(p or e.status.lower() == "retired" for p, e in zip(per_entry, entries, strict=True)):
        return
    passed = [d for p in per_entry for d in p]
    when = f" since {min(passed).isoformat()}" if passed else ""
    cat_mv = _model_version(use)
    hint = _replacement(use, cat_mv) if cat_mv else "move to a model version Azure still serves"
    yield use.finding(
        "azure-model-retired",
        Severity.ERROR,
        _where(use),
        f"{mv[0]} {mv[1]} is retired in {where}{when} according to Azure's model list ({data.describe()}): "
        "Azure returns errors for it",
        hint,
    )


@rule(
    "azure-model-not-offered",
    Severity.ERROR,
    "Azure's own model list for the location does not offer the model, version or SKU",
    "azure",
)
def model_not_offered(use: AzureUse) -> Iterator[Finding]:
    """The deployment names a model, version or SKU that Azure's models list for its location does not
    have (ARM Models API, as `configgen catalog fetch` writes it): Azure refuses to create such a
    deployment, and an existing one is not one Azure serves there. The hint names the closest model
    or version Azure does list.
    """
    mv = _strs(use)
    azure = _azure(use)
    if mv is None or azure is None:
        return
    data, where, models = azure
    name, version = mv
    if not models:
        return
    entries = _listed(models, name, version)
    if entries:
        sku = use.sku.value if isinstance(use.sku.value, str) else None
        listed_skus = sorted({s.name for e in entries for s in e.skus})
        if sku and listed_skus and not any(e.sku(sku) for e in entries):
            yield use.finding(
                "azure-model-not-offered",
                Severity.ERROR,
                use.sku if use.sku.present else _where(use),
                f"{where} does not offer {name} {version} as {sku} (Azure's model list, {data.describe()})",
                f"it offers: {', '.join(listed_skus)}",
            )
        return
    versions = sorted({m.version for m in models if m.name == name})
    if versions:
        best = did_you_mean(version, versions)
        hint = f"did you mean {best!r}?" if best else f"{where} offers {name} versions: {', '.join(versions)}"
        msg = f"{where} does not offer {name} version {version} (Azure's model list, {data.describe()})"
        yield use.finding("azure-model-not-offered", Severity.ERROR, _where(use), msg, hint)
        return
    names = sorted({m.name for m in models})
    best = did_you_mean(name, names)
    hint = f"did you mean {best!r}?" if best else "pick a model the location lists (`configgen catalog show --models FILE`)"
    yield use.finding(
        "azure-model-not-offered",
        Severity.ERROR,
        use.model,
        f"{where} does not offer the model {name} (Azure's model list, {data.describe()})",
        hint,
    )


@rule(
    "azure-model-retired-per-table",
    Severity.WARNING,
    "configgen's bundled table says the model version is retired (confirm with Azure's list)",
    "azure",
)
def model_retired_per_table(use: AzureUse) -> Iterator[Finding]:
    """configgen's bundled table (Microsoft Learn's model retirement schedule, articles/foundry/openai/
    concepts/model-retirement-schedule.md; `configgen catalog` prints its edition) gives a retirement
    date on or before the date checked (`as_of`), or lists the version among the retired models. The
    schedule changes often (Microsoft moved the gpt-4o and gpt-4.1 dates three times in 2026), so this
    is a warning that says how to confirm it against Azure's own list; with that list
    (`--models FILE`) `azure-model-retired` decides instead. When the SKU is unknown, this fires only
    once the version is retired on every SKU.
    """
    mv = _strs(use)
    if mv is None or azure_lists(use):
        return
    found = _retired_per_table(use.get_catalog(), *mv, _sku_str(use), use.as_of)
    if found is not None:
        yield use.finding("azure-model-retired-per-table", Severity.WARNING, _where(use), *found)


def _sku_str(use: AzureUse) -> str | None:
    return use.sku.value if isinstance(use.sku.value, str) else None


def _sku_class_of(cat: Any, sku_name: str | None) -> str | None:
    sku = cat.sku(sku_name) if sku_name is not None else None
    return sku.retirement_class if sku else None


def _replacement_of(cat: Any, mv: ModelVersion, as_of: dt.date) -> str:
    """A replacement that is not itself retired on the date checked (the table's own may be)."""
    name = cat.replacement_for(mv, as_of)
    return f"move to {name}" if name else "move to a current model version"


@per_values  # a pure verdict of the bundled table that a thousand deployments of a few models share
def _retired_per_table(cat: Any, model: str, version: str, sku: str | None, as_of: dt.date) -> tuple[str, str] | None:
    """(message, hint) when the bundled table says the model version is retired on ``as_of``."""
    mv: ModelVersion | None = cat.model_version(model, version)
    if mv is None:
        return None
    ret = mv.retirement
    sku_class = _sku_class_of(cat, sku)
    date = ret.date_for(sku_class) if sku_class else ret.last
    if not (ret.retired or (date is not None and as_of >= date)):
        return None
    when = f" on {date.isoformat()}" if date and not ret.retired else ""
    edition = f"the retirement schedule of {cat.schedule_date}" if cat.schedule_date else "Microsoft Learn"
    return (
        f"{mv.model} {mv.version} retired{when} according to configgen's bundled table ({edition}); Microsoft moves these dates",
        f"{_CONFIRM}; if it is retired, {_replacement_of(cat, mv, as_of)}",
    )


def azure_lists(use: AzureUse) -> bool:
    """True when Azure's own list covers this deployment's model and version (it then decides)."""
    mv = _strs(use)
    azure = _azure(use)
    return mv is not None and azure is not None and bool(azure[2])


@rule("azure-model-retiring", Severity.WARNING, "the model version retires soon", "azure")
def model_retiring(use: AzureUse) -> Iterator[Finding]:
    """The model version retires within `RETIREMENT_WARNING_DAYS` (90) days of `as_of`, or is already
    retired on some SKUs while the config does not say which SKU it uses.

    Dates come from Azure's own models list when one is given (`deprecation.inference`, the SKU's
    `deprecationDate`), else from the bundled table (Microsoft Learn's model retirement schedule); GA
    models get at least 60 days' notice (model-retirements.md).
    """
    azure = _azure(use)
    mv_strs = _strs(use)
    if azure is not None and mv_strs is not None and azure[2]:
        data, where, models = azure
        sku = use.sku.value if isinstance(use.sku.value, str) else None
        dates = _azure_dates(_listed(models, *mv_strs), sku)
        if not dates or min(dates) <= use.as_of:
            return  # unknown, or retired: azure-model-retired says so
        soon = min(dates)
        if use.as_of + dt.timedelta(days=RETIREMENT_WARNING_DAYS) >= soon:
            days = (soon - use.as_of).days
            cat_mv = _model_version(use)
            yield use.finding(
                "azure-model-retiring",
                Severity.WARNING,
                _where(use),
                f"{mv_strs[0]} {mv_strs[1]} retires in {where} on {soon.isoformat()} ({days} days after "
                f"{use.as_of.isoformat()}; Azure's model list, {data.describe()})",
                _replacement(use, cat_mv) if cat_mv else "move to a current model version",
            )
        return
    if mv_strs is None:
        return
    found = _retiring_per_table(use.get_catalog(), *mv_strs, _sku_str(use), use.as_of)
    if found is not None:
        yield use.finding("azure-model-retiring", Severity.WARNING, _where(use), *found)


@per_values
def _retiring_per_table(cat: Any, model: str, version: str, sku: str | None, as_of: dt.date) -> tuple[str, str] | None:
    """(message, hint) when the bundled table says the model version retires soon (or on some SKUs)."""
    mv: ModelVersion | None = cat.model_version(model, version)
    if mv is None or mv.retirement.retired:
        return None
    ret = mv.retirement
    sku_class = _sku_class_of(cat, sku)
    dates_t = [ret.date_for(sku_class)] if sku_class else [ret.first, ret.last]
    final = dates_t[-1]
    if final is None or as_of >= final:
        return None  # unknown, or fully retired: azure-model-retired-per-table says so
    first = dates_t[0]
    edition = cat.schedule_date
    src = f"bundled table, retirement schedule of {edition}" if edition else "bundled table"
    if first is not None and as_of >= first:
        msg = (
            f"{mv.model} {mv.version} is already retired on the Standard SKU ({first.isoformat()}); "
            f"other SKUs retire {final.isoformat()} ({src})"
        )
    elif as_of + dt.timedelta(days=RETIREMENT_WARNING_DAYS) >= (first or final):
        soon = first or final
        days = (soon - as_of).days
        msg = f"{mv.model} {mv.version} retires on {soon.isoformat()} ({days} days after {as_of.isoformat()}; {src})"
    else:
        return None
    return msg, _replacement_of(cat, mv, as_of)
