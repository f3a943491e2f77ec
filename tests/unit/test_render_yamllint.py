"""Rendered YAML passes yamllint's default configuration, so repositories that lint their whole tree
accept generated files (the real yamllint, its own `default` configuration)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from yamllint import linter
from yamllint.config import YamlLintConfig

from configgen.cli.main import cli
from configgen.render.header import split_header

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "chatsheetai" / "configgen.yaml"
DEFAULT = YamlLintConfig("extends: default")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("rendered")
    result = CliRunner().invoke(
        cli, ["render", "--all", "-p", str(EXAMPLE), "-o", str(out), "--as-of", "2026-11-27"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    files = sorted(p for p in out.rglob("*") if p.suffix in (".yaml", ".yml"))
    # LiteLLM and Prometheus configs, the Kubernetes objects and chart values
    assert {"litellm.config.yaml", "litellm.yml", "deployment.yaml", "values.yaml"} <= {p.name for p in files}
    return files


def _problems(text: str) -> list[str]:
    return [f"{p.line}:{p.column} {p.rule}: {p.desc}" for p in linter.run(text, DEFAULT)]


def test_rendered_yaml_bodies_pass_yamllint_default(rendered: list[Path]) -> None:
    for path in rendered:
        _, body = split_header(path.read_text(encoding="utf-8"))
        assert _problems(body) == [], path


def test_rendered_yaml_files_pass_yamllint_default_header_included(rendered: list[Path]) -> None:
    for path in rendered:
        assert _problems(path.read_text(encoding="utf-8")) == [], path
