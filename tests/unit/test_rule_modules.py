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
