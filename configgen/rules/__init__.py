"""Stage 3, checks: rules in one folder per target; :func:`load_all` imports them so that they register."""

from __future__ import annotations

from configgen.rules.registry import REGISTRY, Rule, run_rules

__all__ = ["REGISTRY", "Rule", "load_all", "run_rules"]

#: One folder per rule target (configgen.rules.targets); every module in it registers its rules.
TARGET_FOLDERS = ("azure", "balancer", "bundle", "dotenv", "inventory", "k8s", "litellm", "project", "script")

_loaded = False


def load_all() -> dict[str, Rule]:
    """Import every rule module so that it registers, and return the registry."""
    global _loaded
    if not _loaded:
        import importlib
        import pkgutil
        from pathlib import Path

        here = Path(__file__).parent
        for folder in TARGET_FOLDERS:
            for info in sorted(pkgutil.iter_modules([str(here / folder)]), key=lambda i: i.name):
                if not info.name.startswith("_"):
                    importlib.import_module(f"configgen.rules.{folder}.{info.name}")
        _loaded = True
    return REGISTRY
