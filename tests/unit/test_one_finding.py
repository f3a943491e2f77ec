"""One problem, one finding: a pasted key is project-inline-secret only, not also a schema error."""

from __future__ import annotations

from pathlib import Path

from configgen.app import validate_files

CASE = Path(__file__).resolve().parents[1] / "cases" / "project-inline-secret" / "pasted-key-env" / "configgen.yaml"


def test_pasted_key_in_key_env_is_one_finding() -> None:
    found = [(f.rule, f.line, f.column) for f in validate_files([CASE]).findings if f.severity.value == "error"]
    assert sorted(found) == [("project-inline-secret", 7, 36), ("project-inline-secret", 39, 21)]
