"""load_all finds rule modules by listing the target folders: the same modules pkgutil finds, in order."""

from __future__ import annotations

import pkgutil
from pathlib import Path

import configgen.rules as rules


def test_the_listing_is_what_pkgutil_finds() -> None:
    here = Path(rules.__file__).parent
    expected = [
        f"configgen.rules.{folder}.{info.name}"
        for folder in rules.TARGET_FOLDERS
        for info in sorted(pkgutil.iter_modules([str(here / folder)]), key=lambda i: i.name)
        if not info.name.startswith("_")
    ]
    assert rules.rule_modules() == expected
    assert len(expected) > 40


def test_every_module_that_defines_a_rule_is_listed() -> None:
    registry = rules.load_all()
    assert {r.func.__module__ for r in registry.values()} <= set(rules.rule_modules())


def _ids(target: str) -> list[str]:
    from configgen.rules.registry import rules_for

    return [r.id for r in rules_for(target)]  # type: ignore[arg-type]


def test_the_per_target_index_follows_every_change_to_the_registry() -> None:
    from configgen.findings import Severity
    from configgen.rules.registry import REGISTRY, Rule

    registry = rules.load_all()
    before = dict(REGISTRY)
    expected = [r.id for r in registry.values() if r.target == "script"]
    assert _ids("script") == expected  # builds the index

    def extra(name: str) -> Rule:
        return Rule(name, Severity.INFO, "t", "script", lambda t: [])

    try:
        REGISTRY["t-set"] = extra("t-set")
        assert _ids("script") == [*expected, "t-set"]
        REGISTRY.update({"t-update": extra("t-update")})
        assert _ids("script")[-1] == "t-update"
        REGISTRY.setdefault("t-default", extra("t-default"))
        assert _ids("script")[-1] == "t-default"
        REGISTRY |= {"t-or": extra("t-or")}
        assert _ids("script")[-1] == "t-or"
        del REGISTRY["t-or"]
        REGISTRY.pop("t-default")
        assert _ids("script") == [*expected, "t-set", "t-update"]
        REGISTRY.popitem()
        assert _ids("script") == [*expected, "t-set"]
        REGISTRY.clear()
        assert _ids("script") == []
    finally:
        REGISTRY.clear()
        REGISTRY.update(before)
    assert _ids("script") == expected


def test_loading_every_rule_imports_no_reader_of_other_file_kinds() -> None:
    """`configgen validate litellm.config.yaml` loads all rules; the .env, balancer and script readers
    are imported by the rules that need them, when their file kind is checked."""
    import subprocess
    import sys

    code = (
        "import sys, configgen.rules as r; r.load_all(); "
        "print(sorted(m for m in sys.modules if m.startswith(('configgen.load.dotenv', "
        "'configgen.load.balancer', 'configgen.load.script'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
