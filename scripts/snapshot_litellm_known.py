"""Snapshot what the installed LiteLLM accepts in a proxy config into configgen/knowledge/data/litellm_known.json.

configgen must not import litellm at run time (seconds of import for a sub-second validate), so the
lists its rules compare against are read once from the installed package and stored as data:

    python scripts/snapshot_litellm_known.py          # rewrite the snapshot
    python scripts/snapshot_litellm_known.py --check  # exit 1 if the snapshot differs from litellm

Every list names where it comes from (``sources`` in the JSON) so a reviewer can re-derive it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import types
import typing
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "configgen" / "knowledge" / "data" / "litellm_known.json"

# Top-level sections the proxy reads. litellm has no single list of them: each is read by its own
# `config.get("<key>")` in litellm/proxy/proxy_server.py (and `include` by _process_includes), so the
# list is written here and --check proves every entry is still read there.
TOP_LEVEL = (
    "agent_list",
    "agents",
    "assistant_settings",
    "callback_settings",
    "credential_list",
    "default_vertex_config",
    "environment_variables",
    "files_settings",
    "finetune_settings",
    "general_settings",
    "guardrails",
    "include",
    "litellm_settings",
    "mcp_servers",
    "mcp_tools",
    "model_list",
    "policies",
    "policy_attachments",
    "prompts",
    "router_settings",
    "sandbox_tools",
    "search_tools",
    "vector_store_registry",
    "worker_registry",
)

_SIMPLE = {int: "int", float: "float", bool: "bool", str: "str"}


def _simple_types(annotation: Any) -> list[str] | None:
    """``int | None`` -> ["int"]; None when the annotation holds anything but int/float/bool/str."""
    is_union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    args = typing.get_args(annotation) if is_union else (annotation,)
    names: list[str] = []
    for arg in args:
        if arg is type(None):
            continue
        if arg not in _SIMPLE:
            return None
        names.append(_SIMPLE[arg])
    return sorted(names) or None


def _regex_keys(root: Path, section: str) -> set[str]:
    pattern = re.compile(section + r'(?:\.get\(|\[)\s*"([a-z_0-9]+)"')
    found: set[str] = set()
    for path in root.rglob("*.py"):
        found.update(pattern.findall(path.read_text(encoding="utf-8", errors="replace")))
    return found


#: Reads of general_settings keys that do not go through `general_settings.get("x")`: other names for
#: the same mapping (`proxy_settings`, `_general_settings`, `self.general_settings`) and the helpers that
#: take a key name (`_general_setting_enabled("disable_error_logs")` in
#: litellm/proxy/hooks/proxy_track_cost_callback.py).
_GENERAL_READS = (
    re.compile(r"""(?:general_settings|proxy_settings)\w*\s*(?:\.get\(|\[)\s*["']([a-z_0-9]+)["']"""),
    re.compile(r"""_general_setting\w*\(\s*(?:\w+\s*,\s*)?["']([a-z_0-9]+)["']"""),
)
#: litellm_settings keys become module attributes (setattr(litellm, key, value) in load_config); these
#: are read as `getattr(litellm, "timezone", None)` (litellm/proxy/common_utils/timezone_utils.py) or
#: `litellm.<name>` even when the module does not define them.
_MODULE_READS = (
    re.compile(r"""getattr\(\s*litellm\s*,\s*["']([a-z_0-9]+)["']"""),
    re.compile(r"""\blitellm\.([a-z_][a-z0-9_]*)\b(?!\s*\()"""),
)
#: Settings another rule proves are ignored where they are written (litellm-master-key-misplaced).
_NOT_MODULE_SETTINGS = frozenset({"master_key"})


def _reads(root: Path, patterns: tuple[re.Pattern[str], ...]) -> set[str]:
    found: set[str] = set()
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern in patterns:
            found.update(pattern.findall(text))
    return found


def _module_settings(litellm: Any) -> set[str]:
    # load_config applies unknown litellm_settings keys with setattr(litellm, key, value): a key is
    # meaningful only if it names one of the module's plain settings (not a function, class, module
    # or handler object).
    plain = (type(None), bool, int, float, str, list, dict, tuple, set)
    out: set[str] = set()
    for name in dir(litellm):
        if name.startswith("_") or name.isupper():
            continue
        try:
            value = getattr(litellm, name)
        except Exception:
            continue
        if isinstance(value, plain):
            out.add(name)
    return out


def build() -> dict[str, Any]:
    os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm
    import litellm.types.utils as lt_utils
    from litellm.constants import ROUTER_SETTINGS_MANAGED_OUTSIDE_CONFIG
    from litellm.litellm_core_utils.routing_groups import VALID_ROUTING_STRATEGIES
    from litellm.proxy._types import ConfigGeneralSettings
    from litellm.router_api import router_init_args
    from litellm.types.router import Deployment, LiteLLM_Params, ModelInfo

    pkg = Path(litellm.__file__).parent
    proxy_src = (pkg / "proxy" / "proxy_server.py").read_text(encoding="utf-8")
    missing = [k for k in TOP_LEVEL if k != "include" and f'config.get("{k}"' not in proxy_src]
    if missing or "include:" not in proxy_src:
        raise SystemExit(f"top-level keys no longer read by litellm/proxy/proxy_server.py: {missing}")

    # The keys load_config handles by name (`key == "..."`) before falling back to setattr.
    handled = set(re.findall(r'key == "([a-z_0-9]+)"', proxy_src))
    litellm_settings = (
        handled | _module_settings(litellm) | _regex_keys(pkg, "litellm_settings") | _reads(pkg, _MODULE_READS)
    ) - _NOT_MODULE_SETTINGS

    general = set(ConfigGeneralSettings.model_fields) | _regex_keys(pkg, "general_settings") | _reads(pkg, _GENERAL_READS)
    router = sorted(set(router_init_args()) - set(ROUTER_SETTINGS_MANAGED_OUTSIDE_CONFIG))

    openai_params = sorted(set(litellm.OPENAI_CHAT_COMPLETION_PARAMS))
    litellm_params = set(lt_utils.all_litellm_params) | set(LiteLLM_Params.model_fields) | set(openai_params)
    model_info = set(ModelInfo.model_fields) | set(typing.get_type_hints(lt_utils.ModelInfo))

    def types_of(model: Any) -> dict[str, list[str]]:
        # A field with a "before"/"wrap"/"plain" validator takes other values than its annotation says
        # (LiteLLM_Params.coerce_drop_params turns a list into None and keeps the deployment).
        coerced = {
            field
            for dec in model.__pydantic_decorators__.field_validators.values()
            if dec.info.mode in ("before", "wrap", "plain")
            for field in dec.info.fields
        }
        out = {}
        for name, f in model.model_fields.items():
            if name in coerced:
                continue
            simple = _simple_types(f.annotation)
            if simple is not None:
                out[name] = simple
        return dict(sorted(out.items()))

    return {
        "litellm_version": litellm.version if isinstance(getattr(litellm, "version", None), str) else _version(),
        "sources": {
            "top_level": "config.get(...) in litellm/proxy/proxy_server.py (ProxyConfig)",
            "general_settings": "litellm/proxy/_types.py ConfigGeneralSettings"
            " + general_settings.get/[...] in litellm/ + reads through proxy_settings / _general_setting*(...)",
            "litellm_settings": "keys load_config handles by name + plain attributes of the litellm module "
            "(setattr in litellm/proxy/proxy_server.py load_config) + litellm_settings.get/[...] in litellm/ "
            "+ getattr(litellm, ...) / litellm.<name> reads in litellm/, minus master_key",
            "router_settings": "litellm/router_api.py router_init_args() minus "
            "litellm/constants.py ROUTER_SETTINGS_MANAGED_OUTSIDE_CONFIG",
            "litellm_params": "litellm/types/utils.py all_litellm_params + litellm/types/router.py "
            "LiteLLM_Params.model_fields + OPENAI_CHAT_COMPLETION_PARAMS",
            "model_info": "litellm/types/router.py ModelInfo.model_fields + litellm/types/utils.py ModelInfo",
            "deployment": "litellm/types/router.py Deployment.model_fields",
            "routing_strategies": "litellm/litellm_core_utils/routing_groups.py VALID_ROUTING_STRATEGIES",
            "field_types": "int/float/bool/str annotations of LiteLLM_Params and ModelInfo (pydantic, lax mode)",
        },
        "top_level": sorted(TOP_LEVEL),
        "general_settings": sorted(general),
        "litellm_settings": sorted(litellm_settings),
        "router_settings": router,
        # load_config raises for these under router_settings ("move it to general_settings").
        "router_settings_fatal": _router_fatal(proxy_src),
        "litellm_params": sorted(litellm_params),
        "openai_params": openai_params,
        "model_info": sorted(model_info),
        "deployment": sorted(Deployment.model_fields),
        "routing_strategies": sorted(set(VALID_ROUTING_STRATEGIES)),
        "field_types": {
            "litellm_params": types_of(LiteLLM_Params),
            # ModelInfo.__init__ turns an int id into a string before validation.
            "model_info": {**types_of(ModelInfo), "id": ["int", "str"]},
        },
    }


def _router_fatal(proxy_src: str) -> list[str]:
    # load_config: `elif k in {"health_check_interval", ...}: raise ValueError(... move it to general_settings)`
    match = re.search(r"elif k in \{([^}]*)\}:\s*raise ValueError", proxy_src)
    if match is None:
        raise SystemExit("router_settings keys that abort the start are no longer found in proxy_server.py")
    return sorted(re.findall(r'"([a-z_0-9]+)"', match.group(1)))


def _version() -> str:
    from importlib.metadata import version

    return version("litellm")


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 on drift")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    text = render(build())
    from snapshot_io import write_or_check  # beside this script (its folder is first on sys.path)

    return write_or_check(args.out, text, args.check, __file__)


if __name__ == "__main__":
    raise SystemExit(main())
