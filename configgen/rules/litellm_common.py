"""Helpers the LiteLLM, dotenv and bundle rules share (no rules here)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from configgen.catalog import azure_resource_from_host
from configgen.findings import DataPath
from configgen.yamlsource import YamlDocument

ENV_PREFIX = "os.environ/"

#: Fields whose literal value is a credential whatever it looks like.
SECRET_FIELDS = frozenset(
    {
        "api_key",
        "azure_ad_token",
        "client_secret",
        "master_key",
        "redis_password",
        "password",
        "aws_secret_access_key",
        "aws_session_token",
        "salt_key",
    }
)

#: The router settings that take fallback lists (litellm/router.py Router.__init__).
FALLBACK_SETTINGS = ("fallbacks", "context_window_fallbacks", "content_policy_fallbacks")

_SHELL_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-=?+][^}]*)?\}|^\$([A-Za-z_][A-Za-z0-9_]*)$")


def env_ref_name(value: Any) -> str | None:
    """``os.environ/NAME`` -> ``NAME``; None for anything else."""
    if isinstance(value, str) and value.startswith(ENV_PREFIX):
        return value[len(ENV_PREFIX) :]
    return None


def shell_refs(value: str) -> list[str]:
    """Names in shell-style references (``${NAME}``, ``${NAME:-x}``, a whole ``$NAME``) in ``value``."""
    return [a or b for a, b in _SHELL_REF.findall(value)]


def section(doc: YamlDocument, name: str) -> dict[str, Any] | None:
    data = doc.data
    if isinstance(data, dict):
        value = data.get(name)
        if isinstance(value, dict):
            return value
    return None


def model_entries(doc: YamlDocument) -> Iterator[tuple[DataPath, dict[str, Any]]]:
    """Every ``model_list`` entry that is a mapping, with its path."""
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("model_list"), list):
        return
    for i, entry in enumerate(data["model_list"]):
        if isinstance(entry, dict):
            yield ("model_list", i), entry


def litellm_params(entry: dict[str, Any]) -> dict[str, Any]:
    lp = entry.get("litellm_params")
    return lp if isinstance(lp, dict) else {}


def walk_strings(data: Any, path: DataPath = ()) -> Iterator[tuple[DataPath, str]]:
    """Every string value (not key) in ``data`` with its path."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from walk_strings(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from walk_strings(v, (*path, i))


def served_names(docs: Iterable[YamlDocument]) -> set[str]:
    """Every ``model_name`` (and ``router_settings.model_group_alias`` alias) the configs serve."""
    names: set[str] = set()
    for doc in docs:
        for _path, entry in model_entries(doc):
            name = entry.get("model_name")
            if isinstance(name, str):
                names.add(name)
        router = section(doc, "router_settings") or {}
        aliases = router.get("model_group_alias")
        if isinstance(aliases, dict):
            names.update(str(k) for k in aliases)
    return names


def is_served(name: str, served: set[str]) -> bool:
    """Exact match, or a wildcard ``model_name`` such as ``azure/*``.

    A ``*`` matches anything, as in litellm/litellm_core_utils/pattern_match_deployments.py.
    """
    if name in served:
        return True
    return any("*" in pattern and re.fullmatch(re.escape(pattern).replace(r"\*", "(.*)"), name) for pattern in served)


def azure_host(api_base: Any) -> bool:
    if not isinstance(api_base, str) or env_ref_name(api_base) is not None:
        return False
    try:
        host = urlsplit(api_base.strip()).hostname
    except ValueError:
        return False
    return bool(host) and azure_resource_from_host(host or "") is not None


def is_azure_entry(lp: dict[str, Any]) -> bool:
    """Azure by prefix, by ``custom_llm_provider``, or by its api_base host."""
    model = lp.get("model")
    return (
        (isinstance(model, str) and model.startswith("azure/"))
        or lp.get("custom_llm_provider") == "azure"
        or azure_host(lp.get("api_base"))
    )
