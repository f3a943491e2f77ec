"""LiteLLM config: router settings that stop the proxy or are ignored, and fallbacks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from configgen.findings import DataPath, Finding, Severity
from configgen.knowledge.litellm_known import known, type_name
from configgen.load.yaml import YamlDocument
from configgen.rules.litellm.common import (
    FALLBACK_SETTINGS,
    is_served,
    section,
    served_names,
)
from configgen.rules.registry import rule
from configgen.rules.targets import LiteLLMTarget
from configgen.suggest import hint_for


@rule(
    "litellm-router-fatal-key",
    Severity.ERROR,
    "a health-check setting under router_settings stops the proxy at start",
    "litellm",
)
def router_fatal_key(target: LiteLLMTarget) -> Iterator[Finding]:
    """`health_check_interval` and `health_check_concurrency` are `general_settings` keys; under
    `router_settings` the proxy raises `'health_check_interval' is NOT a valid router_settings
    parameter. Please move it to 'general_settings'.` and does not start
    (`litellm/proxy/proxy_server.py` `load_config`).
    """
    doc = target.doc
    router = section(doc, "router_settings") or {}
    for key in router:
        if key in known().router_settings_fatal:
            yield doc.finding(
                "litellm-router-fatal-key",
                Severity.ERROR,
                ("router_settings", key),
                f"`{key}` under router_settings stops the proxy at start",
                f"move it under `general_settings:` (with `background_health_checks: true` if you want {key} to apply)",
                key=True,
            )


@rule(
    "litellm-routing-strategy",
    Severity.ERROR,
    "router_settings.routing_strategy is not a strategy LiteLLM has: the proxy does not start",
    "litellm",
)
def routing_strategy(target: LiteLLMTarget) -> Iterator[Finding]:
    """An unknown `routing_strategy` raises `Invalid routing_strategy` when the router is built, so
    the proxy does not start (`litellm/litellm_core_utils/routing_groups.py`
    `validate_routing_strategy`). Valid in 1.110.2: simple-shuffle (the default), least-busy,
    usage-based-routing, usage-based-routing-v2, latency-based-routing, cost-based-routing, lar1,
    provider-budget-routing.
    """
    doc = target.doc
    router = section(doc, "router_settings") or {}
    if "routing_strategy" not in router:
        return
    value = router["routing_strategy"]
    valid = known().routing_strategies
    if isinstance(value, str) and value in valid:
        return
    shown = value if isinstance(value, str) else type_name(value)
    yield doc.finding(
        "litellm-routing-strategy",
        Severity.ERROR,
        ("router_settings", "routing_strategy"),
        f"unknown routing_strategy `{shown}`: the proxy does not start",
        hint_for(str(value), valid, "valid: " + ", ".join(valid)),
    )


def _fallback_problems(value: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(relative path, problem) for a fallbacks value that is not `[{group: [target, ...]}, ...]`."""
    if not isinstance(value, list):
        yield (), f"is {type_name(value)}, not a list of `{{model_name: [fallback, ...]}}`"
        return
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            yield (i,), f"entry is {type_name(item)}, not a mapping `{{model_name: [fallback, ...]}}`"
        elif len(item) != 1:
            yield (i,), f"entry has {len(item)} keys; each entry maps exactly one model_name to its fallbacks"
        else:
            ((group, targets),) = item.items()
            if not isinstance(targets, list):
                yield (i, group), f"fallbacks for `{group}` are {type_name(targets)}, not a list"


@rule(
    "litellm-fallbacks-shape",
    Severity.ERROR,
    "router fallbacks that are not a list of {model_name: [fallbacks]}",
    "litellm",
)
def fallbacks_shape(target: LiteLLMTarget) -> Iterator[Finding]:
    """`fallbacks`, `context_window_fallbacks` and `content_policy_fallbacks` take a list of one-key
    mappings: `fallbacks: [{"gpt-4": ["gpt-4o-mini"]}]`. A string is ignored (no fallback ever
    happens); a list entry that is not a one-key mapping, or targets that are not a list, make
    `Router.validate_fallbacks` raise when the proxy starts
    (`litellm/router_rust/surface/fallbacks.py` `refuse_malformed_fallbacks`). `default_fallbacks`
    is a plain list of model names. The same keys under `litellm_settings` become the router's
    defaults (`litellm/router_config.py`) and are checked too. (FACTS.md: "router_settings.fallbacks
    given as a string is ignored".)
    """
    doc = target.doc
    for sec_name in ("router_settings", "litellm_settings"):
        sec = section(doc, sec_name) or {}
        for key in FALLBACK_SETTINGS:
            if key not in sec or sec[key] is None:
                continue
            for rel, problem in _fallback_problems(sec[key]):
                yield _shape(doc, (sec_name, key, *rel), f"{sec_name}.{key}: {problem}")
        if sec.get("default_fallbacks") is not None:
            df = sec["default_fallbacks"]
            if not isinstance(df, list) or not all(isinstance(x, str) for x in df):
                message = f"{sec_name}.default_fallbacks must be a list of model names"
                yield _shape(doc, (sec_name, "default_fallbacks"), message)


def _shape(doc: YamlDocument, path: DataPath, message: str) -> Finding:
    return doc.finding(
        "litellm-fallbacks-shape",
        Severity.ERROR,
        path,
        message,
        'write `fallbacks: [{"gpt-4o": ["gpt-4o-mini"]}]`',
    )


def _fallback_names(sec_name: str, sec: dict[str, Any]) -> Iterator[tuple[DataPath, str]]:
    for key in FALLBACK_SETTINGS:
        value = sec.get(key)
        if not isinstance(value, list):
            continue
        for i, item in enumerate(value):
            if not isinstance(item, dict) or len(item) != 1:
                continue
            ((group, targets),) = item.items()
            if group != "*":
                yield (sec_name, key, i, group), str(group)
            if isinstance(targets, list):
                for j, t in enumerate(targets):
                    name = t.get("model") if isinstance(t, dict) else t
                    if isinstance(name, str):
                        yield (sec_name, key, i, group, j), name
    df = sec.get("default_fallbacks")
    if isinstance(df, list):
        for j, name in enumerate(df):
            if isinstance(name, str):
                yield (sec_name, "default_fallbacks", j), name


@rule(
    "litellm-fallbacks-unknown-model",
    Severity.ERROR,
    "a fallback names a model_name the config does not serve",
    "litellm",
)
def fallbacks_unknown_model(target: LiteLLMTarget) -> Iterator[Finding]:
    """Fallbacks name `model_name` groups of the same config. A group key that no entry serves
    never matches a request, and a fallback target that does not exist fails only when the fallback
    is needed — during an outage (`litellm/router_utils/fallback_event_handlers.py`
    `get_fallback_model_group`). Wildcard model_names (`azure/*`) and
    `router_settings.model_group_alias` aliases count as served.
    """
    doc = target.doc
    served = served_names([doc])
    if not served:
        return
    for sec_name in ("router_settings", "litellm_settings"):
        sec = section(doc, sec_name) or {}
        for path, name in _fallback_names(sec_name, sec):
            if is_served(name, served):
                continue
            is_key = not isinstance(path[-1], int)
            yield doc.finding(
                "litellm-fallbacks-unknown-model",
                Severity.ERROR,
                path,
                f"fallback {'group' if is_key else 'target'} `{name}` is not a model_name of this config",
                hint_for(name, served, "model_names: " + ", ".join(sorted(served))),
                key=is_key,
            )
