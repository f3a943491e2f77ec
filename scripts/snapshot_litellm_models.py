"""Snapshot what LiteLLM 1.110.2 knows about model names into configgen/knowledge/data/litellm_models.json.

    python scripts/snapshot_litellm_models.py          # rewrite the snapshot
    python scripts/snapshot_litellm_models.py --check  # exit 1 if it differs from the installed litellm

Two facts the rules need without importing litellm at run time:

- ``azure``: the Azure deployment names LiteLLM's shipped model map prices and sizes by themselves
  (``azure/<name>`` keys of ``litellm/model_prices_and_context_window_backup.json``), so a deployment
  named after its model needs no ``base_model``;
- ``providers``, ``resolvable`` and ``endpoints``: what ``litellm.get_llm_provider`` accepts
  (``litellm/litellm_core_utils/get_llm_provider_logic.py``): a ``<provider>/`` prefix of
  ``litellm.provider_list``, a model name of the map it resolves without a prefix (run here on every
  key), or an ``api_base`` on one of ``litellm.openai_compatible_endpoints``. Anything else raises
  "LLM Provider NOT provided" and the proxy never creates the deployment.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "configgen" / "knowledge" / "data" / "litellm_models.json"


def build() -> dict[str, Any]:
    os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm
    from litellm.constants import REPLICATE_MODEL_NAME_WITH_ID_LENGTH
    from litellm.litellm_core_utils.fallback_generalizations import _registry

    pkg = Path(litellm.__file__).parent
    cost_map: dict[str, Any] = json.loads((pkg / "model_prices_and_context_window_backup.json").read_text())
    providers = sorted({str(getattr(p, "value", p)) for p in litellm.provider_list})
    # get_llm_provider resolves a bare name through lists such as litellm.anthropic_models, which hold the
    # map's names without their provider prefix: try every key both ways.
    candidates: set[str] = set()
    for key in cost_map:
        if key == "sample_spec":
            continue
        prefix, slash, rest = key.partition("/")
        candidates.add(rest if slash and prefix in providers else key)
    for attr in dir(litellm):  # the per-provider name lists themselves (litellm.anthropic_models, ...)
        value = getattr(litellm, attr, None)
        if attr.endswith("_models") and isinstance(value, (list, set, frozenset, tuple)):
            candidates.update(v for v in value if isinstance(v, str))
    resolvable: list[str] = []
    for name in sorted(candidates):
        if name.split("/", 1)[0] in providers and "/" in name:
            continue  # a provider prefix resolves by itself
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                litellm.get_llm_provider(name)
            except Exception:
                continue
        resolvable.append(name)
    return {
        "litellm_version": _version(),
        "sources": {
            "azure": "azure/<name> keys of litellm/model_prices_and_context_window_backup.json",
            "providers": "litellm.provider_list",
            "resolvable": "model-map keys without a provider prefix that litellm.get_llm_provider resolves",
            "endpoints": "litellm.openai_compatible_endpoints (get_llm_provider infers the provider from api_base)",
            "replicate_id_length": "litellm/constants.py REPLICATE_MODEL_NAME_WITH_ID_LENGTH",
            "routing_rules": "fallback_generalizations routing rules of the model map "
            "(litellm/litellm_core_utils/fallback_generalizations.py match_routing_generalization)",
        },
        "azure": sorted(k.removeprefix("azure/") for k in cost_map if k.startswith("azure/")),
        "providers": providers,
        "resolvable": resolvable,
        "endpoints": sorted(set(litellm.openai_compatible_endpoints)),
        # `":" in model and len(model) > REPLICATE_MODEL_NAME_WITH_ID_LENGTH` is taken for a Replicate version id.
        "replicate_id_length": REPLICATE_MODEL_NAME_WITH_ID_LENGTH,
        # Last resort for unknown names (`claude-*` -> anthropic): case-insensitive regex search, first match.
        "routing_rules": [[r.pattern.pattern, r.provider] for r in _registry.routing_rules],
    }


def _version() -> str:
    from importlib.metadata import version

    return version("litellm")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 on drift")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    text = json.dumps(build(), indent=0) + "\n"
    from snapshot_io import write_or_check  # beside this script (its folder is first on sys.path)

    return write_or_check(args.out, text, args.check, __file__)


if __name__ == "__main__":
    raise SystemExit(main())
