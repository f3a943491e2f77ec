"""Issue 14 items that need the table of input kinds and the grouping of files given together
(configgen/load/kinds.py and configgen/app.py, which the lead is rewriting). They fail today and are
marked xfail(strict=True): when the kinds table lands they pass and the marks must go.
The corpus cases tests/realworld/{az-helm-values,az-k8s-manifest,env-example-nodot,kinds-cross-env}
are the same kind of pending work."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from configgen.app import validate_files
from configgen.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
AS_OF = ["--as-of", "2026-11-27"]
PROD_WITH_BALANCER = """\
    proxy:
      instances:
        - {host: 10.20.0.11, port: 4000}
        - {host: 10.20.0.12, port: 4000}
      redis: {host: 10.20.0.20, password_env: REDIS_PASSWORD}
    balancer: {kind: nginx, host: 10.20.0.10, port: 8080}
"""


def test_first_commit_of_a_valid_project_passes_validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # What the pre-commit hook does on the first commit: every rendered file, given together.
    monkeypatch.chdir(tmp_path)
    run = CliRunner().invoke
    assert run(cli, ["init", "--yes", "--resource", "contoso-dev"], catch_exceptions=False).exit_code == 0
    assert run(cli, ["add", "environment", "staging", *AS_OF], catch_exceptions=False).exit_code == 0
    assert run(cli, ["add", "environment", "prod", "--production", *AS_OF], catch_exceptions=False).exit_code == 0
    project = tmp_path / "configgen.yaml"
    project.write_text(project.read_text() + PROD_WITH_BALANCER)
    assert run(cli, ["render", "dev", "staging", "prod", *AS_OF], catch_exceptions=False).exit_code == 0
    files = [project, *sorted(p for p in (tmp_path / "deploy").rglob("*") if p.is_file())]
    import datetime as dt

    errors = [f for f in validate_files(files, as_of=dt.date(2026, 11, 27)).findings if f.severity.value == "error"]
    assert errors == []


@pytest.mark.parametrize("name", ["config.yaml", "proxy_config.yaml", "deploy/env.example"])
def test_hook_passes_configs_not_named_litellm(name: str) -> None:
    hooks = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    pattern = re.compile(str(next(h for h in hooks if h["id"] == "configgen-validate")["files"]))
    assert pattern.search(name)
