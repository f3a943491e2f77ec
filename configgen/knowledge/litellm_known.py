"""What LiteLLM 1.110.2 accepts in a proxy config, read from the snapshot in configgen/data.

The snapshot is written by scripts/snapshot_litellm_known.py from the installed litellm (a test keeps
it in sync); reading JSON here keeps `validate` free of litellm's multi-second import.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from pathlib import Path
from typing import Any, NamedTuple


class LiteLLMKnown(NamedTuple):
    version: str
    top_level: frozenset[str]
    general_settings: frozenset[str]
    litellm_settings: frozenset[str]
    router_settings: frozenset[str]
    router_settings_fatal: frozenset[str]
    litellm_params: frozenset[str]
    openai_params: frozenset[str]
    model_info: frozenset[str]
    deployment: frozenset[str]
    routing_strategies: tuple[str, ...]
    #: field -> accepted simple types ("int", "float", "bool", "str") for litellm_params and model_info
    litellm_params_types: dict[str, tuple[str, ...]]
    model_info_types: dict[str, tuple[str, ...]]


#: litellm_params keys LiteLLM handles by name although no list in litellm names them: `extra_body` is
#: the openai SDK's request option, which LiteLLM merges into the request body for Azure and OpenAI
#: (litellm/utils.py `add_provider_specific_params_to_optional_params`: `passed_params.pop("extra_body")`).
EXTRA_LITELLM_PARAMS = frozenset({"extra_body"})
#: model_info keys read by name: `supported_environments` loads a deployment only where LITELLM_ENVIRONMENT
#: is listed (litellm/router_rust/surface/registry.py).
EXTRA_MODEL_INFO = frozenset({"supported_environments"})


@functools.cache
def known() -> LiteLLMKnown:
    raw: dict[str, Any] = json.loads(
        (Path(__file__).parent / "data" / "litellm_known.json").read_text(encoding="utf-8")
    )
    types = raw["field_types"]
    return LiteLLMKnown(
        version=raw["litellm_version"],
        top_level=frozenset(raw["top_level"]),
        general_settings=frozenset(raw["general_settings"]),
        litellm_settings=frozenset(raw["litellm_settings"]),
        router_settings=frozenset(raw["router_settings"]),
        router_settings_fatal=frozenset(raw["router_settings_fatal"]),
        litellm_params=frozenset(raw["litellm_params"]) | EXTRA_LITELLM_PARAMS,
        openai_params=frozenset(raw["openai_params"]),
        model_info=frozenset(raw["model_info"]) | EXTRA_MODEL_INFO,
        deployment=frozenset(raw["deployment"]),
        routing_strategies=tuple(raw["routing_strategies"]),
        litellm_params_types={k: tuple(v) for k, v in types["litellm_params"].items()},
        model_info_types={k: tuple(v) for k, v in types["model_info"].items()},
    )


# pydantic's lax-mode coercions (the mode LiteLLM's models validate in); see
# https://docs.pydantic.dev/latest/concepts/conversion_table/
_BOOL_STRINGS = frozenset({"0", "off", "f", "false", "n", "no", "1", "on", "t", "true", "y", "yes"})
_INT_STRING = re.compile(r"^\s*[+-]?[0-9]+(_[0-9]+)*(\.0+)?\s*$")


def _is_number_string(value: str) -> bool:
    if not value.isascii():  # Python's float() reads other scripts' digits; pydantic does not
        return False
    try:
        float(value)
    except ValueError:
        return False
    return True


def accepts(kind: str, value: object) -> bool:
    """Whether pydantic (lax mode) accepts ``value`` for a field of simple type ``kind``."""
    if kind == "str":
        return isinstance(value, str)
    if kind == "bool":
        if isinstance(value, bool):
            return True
        if isinstance(value, int | float):
            return value in (0, 1)
        return isinstance(value, str) and value.strip().lower() in _BOOL_STRINGS
    if kind == "int":
        if isinstance(value, bool | int):
            return True
        if isinstance(value, float):
            return value.is_integer()
        return isinstance(value, str) and _INT_STRING.match(value) is not None
    if kind == "float":
        if isinstance(value, bool | int | float):
            return True
        return isinstance(value, str) and _is_number_string(value)
    return True


def accepts_any(kinds: tuple[str, ...], value: object) -> bool:
    for kind in kinds:  # noqa: SIM110 - a loop, not any() over a generator: asked for every typed value
        if accepts(kind, value):
            return True
    return False


def type_name(value: object) -> str:
    """How a YAML user would describe the value's type."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dt.date):
        return "a date (YAML reads an unquoted 2024-10-21 as a date)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "null"
    return type(value).__name__
