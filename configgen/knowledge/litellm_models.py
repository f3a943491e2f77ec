"""What LiteLLM 1.110.2 knows about model names, read from configgen/knowledge/data/litellm_models.json.

Written by scripts/snapshot_litellm_models.py from the installed litellm (tests/unit/test_litellm_models.py
keeps it in sync), so `validate` never imports litellm.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

#: Route markers LiteLLM strips after `azure/` before the deployment name (configgen.rules.azure_uses).
AZURE_ROUTES = ("responses/", "o_series/", "gpt5_series/")


class LiteLLMModels(NamedTuple):
    version: str
    azure: frozenset[str]
    providers: frozenset[str]
    resolvable: frozenset[str]
    endpoints: tuple[str, ...]
    replicate_id_length: int
    routing_rules: tuple[tuple[re.Pattern[str], str], ...]


@functools.cache
def models() -> LiteLLMModels:
    raw: dict[str, Any] = json.loads((Path(__file__).parent / "data" / "litellm_models.json").read_text("utf-8"))
    return LiteLLMModels(
        version=raw["litellm_version"],
        azure=frozenset(raw["azure"]),
        providers=frozenset(raw["providers"]),
        resolvable=frozenset(raw["resolvable"]),
        endpoints=tuple(raw["endpoints"]),
        replicate_id_length=int(raw["replicate_id_length"]),
        routing_rules=tuple((re.compile(pat, re.IGNORECASE), prov) for pat, prov in raw["routing_rules"]),
    )


def azure_name_in_model_map(name: str) -> bool:
    """Whether LiteLLM's model map has `azure/<name>` (route markers such as `responses/` removed)."""
    for route in AZURE_ROUTES:
        name = name.removeprefix(route)
    return name in models().azure


def _on_endpoint(api_base: str) -> bool:
    # litellm/litellm_core_utils/get_llm_provider_logic.py _endpoint_matches_api_base: same host, and the
    # api_base path starts with the endpoint's path on a segment boundary.
    def parse(value: str) -> tuple[str, str]:
        u = urlsplit(value if "://" in value else f"https://{value}")
        return (u.hostname or "").lower(), u.path.rstrip("/")

    try:
        host, path = parse(api_base.strip())
        for endpoint in models().endpoints:
            e_host, e_path = parse(endpoint)
            if e_host == host and (not e_path or path == e_path or path.startswith(e_path + "/")):
                return True
    except ValueError:
        return False
    return False


def provider_inferable(model: str, api_base: str | None, custom: Iterable[str] = ()) -> bool:
    """Whether `litellm.get_llm_provider` finds a provider for `model` (with `api_base`), given the
    providers a `custom_provider_map` registers."""
    prefix, slash, _ = model.partition("/")
    known = models()
    if slash and (prefix in known.providers or prefix in set(custom)):
        return True
    if model in known.resolvable or "*" in model:
        return True
    if ":" in model and len(model) > known.replicate_id_length:
        return True  # taken for a Replicate version id
    if model.startswith(("gpt-image", "amazon_nova")):
        return True  # get_llm_provider's name-prefix branches (openai, bedrock)
    if any(pattern.search(model) for pattern, _provider in known.routing_rules):
        return True
    return isinstance(api_base, str) and _on_endpoint(api_base)
