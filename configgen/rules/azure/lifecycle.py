"""Azure OpenAI model lifecycle: retired and soon-retiring model versions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from configgen.findings import Finding, Severity
from configgen.knowledge.azure_catalog import ModelVersion
from configgen.rules.registry import rule
from configgen.rules.targets import AzureUse, Located

#: How long before a retirement date a deployment is reported as retiring. Azure gives at least 60
#: days' notice for GA models (Microsoft Learn, model-retirements.md); 90 days leaves time to test.
RETIREMENT_WARNING_DAYS = 90


def _model_version(use: AzureUse) -> ModelVersion | None:
    if not isinstance(use.model.value, str) or not isinstance(use.model_version.value, str):
        return None
    found: ModelVersion | None = use.get_catalog().model_version(use.model.value, use.model_version.value)
    return found


def _sku_class(use: AzureUse) -> str | None:
    if not isinstance(use.sku.value, str):
        return None
    sku = use.get_catalog().sku(use.sku.value)
    return sku.retirement_class if sku else None


def _replacement(mv: ModelVersion) -> str:
    return f"move to {mv.replacement}" if mv.replacement else "move to a current model version"


def _where(use: AzureUse) -> Located:
    return use.model_version if use.model_version.present else use.model


@rule("azure-model-retired", Severity.ERROR, "the model version is retired", "azure")
def model_retired(use: AzureUse) -> Iterator[Finding]:
    """The deployment's model version is retired on the date checked (`as_of`): every call fails.

    Dates come from Microsoft Learn's model retirement table
    (articles/ai-foundry/openai/includes/retirement/models.md) and retired-models page; some versions
    retire earlier on the regional `Standard` SKU than on the others. When the SKU is unknown, this fires
    only once the version is retired on every SKU (`azure-model-retiring` covers the rest). gpt-35-turbo
    and gpt-4 (incl. turbo) are retired.
    """
    mv = _model_version(use)
    if mv is None:
        return
    ret = mv.retirement
    sku_class = _sku_class(use)
    date = ret.date_for(sku_class) if sku_class else ret.last
    if ret.retired or (date is not None and use.as_of >= date):
        when = f" since {date.isoformat()}" if date and not ret.retired else ""
        yield use.finding(
            "azure-model-retired",
            Severity.ERROR,
            _where(use),
            f"{mv.model} {mv.version} is retired{when}: Azure returns errors for it",
            _replacement(mv),
        )


@rule("azure-model-retiring", Severity.WARNING, "the model version retires soon", "azure")
def model_retiring(use: AzureUse) -> Iterator[Finding]:
    """The model version retires within `RETIREMENT_WARNING_DAYS` (90) days of `as_of`, or is already
    retired on some SKUs while the config does not say which SKU it uses.

    Source: Microsoft Learn, articles/ai-foundry/openai/includes/retirement/models.md (retirement dates
    and replacement models); GA models get at least 60 days' notice (model-retirements.md).
    """
    mv = _model_version(use)
    if mv is None or mv.retirement.retired:
        return
    ret = mv.retirement
    sku_class = _sku_class(use)
    dates = [ret.date_for(sku_class)] if sku_class else [ret.first, ret.last]
    final = dates[-1]
    if final is None or use.as_of >= final:
        return  # unknown, or fully retired: azure-model-retired says so
    first = dates[0]
    if first is not None and use.as_of >= first:
        msg = (
            f"{mv.model} {mv.version} is already retired on the Standard SKU ({first.isoformat()}); "
            f"other SKUs retire {final.isoformat()}"
        )
    elif use.as_of + dt.timedelta(days=RETIREMENT_WARNING_DAYS) >= (first or final):
        soon = first or final
        days = (soon - use.as_of).days
        msg = f"{mv.model} {mv.version} retires on {soon.isoformat()} ({days} days after {use.as_of.isoformat()})"
    else:
        return
    yield use.finding("azure-model-retiring", Severity.WARNING, _where(use), msg, _replacement(mv))
