"""The rule catalogue. Importing this package registers every rule (explicit list: fast, no scanning)."""

from __future__ import annotations

from configgen.rules.base import REGISTRY, Rule, run_rules

__all__ = ["REGISTRY", "Rule", "load_all", "run_rules"]


def load_all() -> dict[str, Rule]:
    """Import every rule module so that it registers, and return the registry."""
    import importlib
    import pkgutil

    # One module per family of rules (every module here but base); each registers when imported.
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name != "base" and not info.name.startswith("_"):
            importlib.import_module(f"configgen.rules.{info.name}")
    return REGISTRY
