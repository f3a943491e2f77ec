"""The rule catalogue: :func:`load_all` imports every rule module, and each registers its rules."""

from __future__ import annotations

from configgen.rules.base import REGISTRY, Rule, run_rules

__all__ = ["REGISTRY", "Rule", "load_all", "run_rules"]


_loaded = False


def load_all() -> dict[str, Rule]:
    """Import every rule module so that it registers, and return the registry."""
    global _loaded
    if not _loaded:
        import importlib
        import pkgutil

        # One module per family of rules (every module here but base); each registers when imported.
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
            if info.name != "base" and not info.name.startswith("_"):
                importlib.import_module(f"configgen.rules.{info.name}")
        _loaded = True
    return REGISTRY
