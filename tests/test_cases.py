"""Case folders: tests/cases/<rule-id>/<case>/ holds input files and `expected.txt`.

Every file in a case folder except `expected.txt` and `as-of` is given to `validate` together
(the order is sorted by name). `expected.txt` lists, one per line, the findings *of that folder's
rule* as `<file>:<line>:<column>` (file relative to the case folder); an empty or absent file
means the rule must stay silent. Folders under `tests/cases/_clean/` must produce no error and no
warning from any rule. `as-of` holds the date lifecycle rules use (default 2026-11-27).
`azure-models.json` is Azure's model list for the case (as `validate --models FILE` gives it).
Adding a case is adding a folder.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from configgen.app import validate_files
from configgen.findings import Severity
from configgen.load.azure_models import load_models_file, set_cli_models

CASES = Path(__file__).parent / "cases"
DEFAULT_AS_OF = dt.date(2026, 11, 27)
_META = {"expected.txt", "as-of", "README.md", "azure-models.json"}


def _case_dirs() -> list[Path]:
    return sorted(p for p in CASES.glob("*/*") if p.is_dir())


def _inputs(case: Path) -> list[Path]:
    return sorted(p for p in case.iterdir() if p.is_file() and p.name not in _META)


def _as_of(case: Path) -> dt.date:
    f = case / "as-of"
    return dt.date.fromisoformat(f.read_text().strip()) if f.exists() else DEFAULT_AS_OF


@pytest.mark.parametrize("case", _case_dirs(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_case(case: Path) -> None:
    rule_id = case.parent.name
    models = case / "azure-models.json"
    set_cli_models(load_models_file(models) if models.exists() else None)
    try:
        result = validate_files(_inputs(case), as_of=_as_of(case))
    finally:
        set_cli_models(None)
    if rule_id == "_clean":
        bad = [f for f in result.findings if f.severity in (Severity.ERROR, Severity.WARNING)]
        assert bad == [], "\n".join(f"{f.file}:{f.line}:{f.column}: {f.rule}: {f.message}" for f in bad)
        return
    from configgen.rules import load_all

    assert rule_id in load_all(), f"case folder names unknown rule {rule_id}"
    expected_file = case / "expected.txt"
    expected = sorted(
        line.strip() for line in (expected_file.read_text().splitlines() if expected_file.exists() else []) if line.strip()
    )
    got = sorted(
        f"{Path(f.file).relative_to(case)}:{f.line}:{f.column}" for f in result.findings if f.rule == rule_id
    )
    assert got == expected, "\n".join(
        f"{f.file}:{f.line}:{f.column}: {f.rule}: {f.message}" for f in result.findings
    )


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    from configgen.rules import load_all

    missing = []
    for rule_id in load_all():
        folder = CASES / rule_id
        cases = [p for p in folder.iterdir() if p.is_dir()] if folder.is_dir() else []
        failing = [c for c in cases if (c / "expected.txt").exists() and (c / "expected.txt").read_text().strip()]
        passing = [c for c in cases if c not in failing]
        if not failing or not passing:
            missing.append(rule_id)
    assert missing == [], f"rules without both a failing and a passing case: {missing}"
