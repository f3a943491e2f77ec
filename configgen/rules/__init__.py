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

        for module in rule_modules():
            importlib.import_module(module)
        _loaded = True
    return REGISTRY


def rule_modules() -> list[str]:
    """Every rule module: each ``*.py`` of a target folder not starting with ``_``, by folder then name.

    A directory listing, not pkgutil.iter_modules (which imports pkgutil and asks inspect about every
    file); tests/unit/test_rule_modules.py checks that both find the same modules.
    """
    from pathlib import Path

    here = Path(__file__).parent
    found: list[str] = []
    for folder in TARGET_FOLDERS:
        names = sorted(p.name[:-3] for p in (here / folder).iterdir() if p.name.endswith(".py"))
        found.extend(f"configgen.rules.{folder}.{name}" for name in names if not name.startswith("_"))
    return found
