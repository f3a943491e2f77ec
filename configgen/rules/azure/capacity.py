"""Azure OpenAI quota: LiteLLM rpm/tpm limits against what the deployment can serve."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from configgen.findings import Finding, Severity
from configgen.rules.memo import per_values
from configgen.rules.registry import rule
from configgen.rules.targets import AzureUse


def _int(v: object) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


@rule("azure-rate-limit-exceeds-quota", Severity.WARNING, "rpm/tpm above what the deployment allows", "azure")
def rate_limit_exceeds_quota(use: AzureUse) -> Iterator[Finding]:
    """The router's `rpm`/`tpm` for a deployment are more than Azure will serve, so LiteLLM keeps
    routing to it while Azure answers 429.

    Standard, GlobalStandard and DataZoneStandard capacity counts thousands of TPM; RPM is granted in
    proportion: 6 RPM per 1,000 TPM for classic chat models, 1 per 1,000 for gpt-4.1, o3 and o4-mini,
    1 per 6,000 for o1, 1 per 10,000 for o3-mini and o1-mini (Microsoft Learn,
    articles/ai-foundry/openai/quotas-limits.md). Provisioned SKUs count PTUs and are not checked.
    Where the deployment's capacity is known (a project declares it), exceeding it is a warning: LiteLLM
    sends more than Azure serves and the excess gets 429. Without a capacity (a hand-written LiteLLM
    config), `rpm` is compared with the model's ratio to the configured `tpm`, which is only the
    router's own budget, not necessarily the deployment's capacity: that is advice (info).
    """
    model = use.model.value if isinstance(use.model.value, str) else None
    sku = use.sku.value if isinstance(use.sku.value, str) else None
    verdicts = _exceeds(use.get_catalog(), model, sku, _int(use.capacity.value), _int(use.rpm.value), _int(use.tpm.value))
    for field, severity, message, hint in verdicts:
        yield use.finding("azure-rate-limit-exceeds-quota", severity, use.tpm if field == "tpm" else use.rpm, message, hint)


@per_values  # a pure verdict: a thousand deployments share a few (model, SKU, capacity, limits)
def _exceeds(
    cat: Any, model: str | None, sku: str | None, capacity: int | None, rpm: int | None, tpm: int | None
) -> tuple[tuple[str, Severity, str, str], ...]:
    """(field, severity, message, hint) for each limit above what the deployment can serve."""
    out: list[tuple[str, Severity, str, str]] = []
    _, max_tpm = cat.rpm_tpm(model or "", None, sku, capacity)
    if capacity is not None and max_tpm is None:
        return ()  # provisioned or batch: PTUs have no fixed TPM
    if tpm is not None and max_tpm is not None and tpm > max_tpm:
        out.append(
            (
                "tpm",
                Severity.WARNING,
                f"tpm {tpm} is above the {max_tpm} TPM that capacity {capacity} grants",
                f"set tpm: {max_tpm} or raise the deployment's capacity",
            )
        )
    m = cat.model(model) if model else None
    if rpm is None or m is None or m.rpm_ratio is None:
        return tuple(out)
    basis = max_tpm if max_tpm is not None else tpm
    if basis is None:
        return tuple(out)
    allowed = cat.rpm_for_tpm(m.rpm_ratio, basis)
    if rpm > allowed:
        ratio = f"{m.rpm_ratio.rpm} RPM per {m.rpm_ratio.per_tpm:,} TPM"
        source = f"capacity {capacity}" if max_tpm is not None else f"tpm {tpm}"
        out.append(
            (
                "rpm",
                Severity.WARNING if max_tpm is not None else Severity.INFO,
                f"rpm {rpm} is above the {allowed} RPM Azure grants {model} for {source} ({ratio})",
                f"set rpm: {allowed}",
            )
        )
    return tuple(out)
