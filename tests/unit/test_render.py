"""Rendering: golden files for the example, determinism, nothing written on error, file modes."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from dotenv import dotenv_values
from ruamel.yaml import YAML

from configgen import app
from configgen.render import edited_since_generated, split_header

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "chatsheetai" / "configgen.yaml"
GOLDEN = ROOT / "tests" / "golden" / "chatsheetai"
AS_OF = dt.date(2026, 11, 27)
ENVS = ["dev", "staging", "prod", "prod-dr"]


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("env", ENVS)
def test_example_matches_golden_files(env: str, tmp_path: Path) -> None:
    """Golden files are reviewed output; regenerate with CONFIGGEN_UPDATE_GOLDEN=1 and read the diff."""
    result = app.render(EXAMPLE, env, out_dir=tmp_path, as_of=AS_OF)
    assert result.exit_code() == 0, result.findings
    golden = GOLDEN / env
    if os.environ.get("CONFIGGEN_UPDATE_GOLDEN"):
        for rel, data in _tree(tmp_path).items():
            (golden / rel).parent.mkdir(parents=True, exist_ok=True)
            (golden / rel).write_bytes(data)
    assert _tree(tmp_path) == _tree(golden)


def test_rendering_twice_is_byte_identical(tmp_path: Path) -> None:
    for run in ("a", "b"):
        assert app.render(EXAMPLE, "prod", out_dir=tmp_path / run, as_of=AS_OF).exit_code() == 0
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")


def test_second_render_changes_nothing(tmp_path: Path) -> None:
    app.render(EXAMPLE, "staging", out_dir=tmp_path, as_of=AS_OF)
    again = app.render(EXAMPLE, "staging", out_dir=tmp_path, as_of=AS_OF)
    assert again.written == []
    assert {f.action.value for f in again.files} == {"unchanged"}


def test_dotenv_is_private_and_others_are_not(tmp_path: Path) -> None:
    app.render(EXAMPLE, "prod", out_dir=tmp_path, as_of=AS_OF)
    assert stat.S_IMODE((tmp_path / "server" / ".env").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "litellm.config.yaml").stat().st_mode) == 0o644


def test_failed_validation_writes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "configgen.yaml"
    broken.write_text(EXAMPLE.read_text().replace("alias: gpt-4\n", "alias: gpt-5\n"))
    out = tmp_path / "out"
    result = app.render(broken, "prod", out_dir=out, as_of=AS_OF)
    assert result.exit_code() == 1
    [error] = [f for f in result.findings if f.severity.value == "error"]
    assert error.rule == "project-unknown-app-alias"
    assert "environments dev, staging, prod, prod-dr" in error.message
    assert not out.exists()


def test_unknown_environment_is_a_usage_error_with_suggestion(tmp_path: Path) -> None:
    with pytest.raises(app.UsageError, match="did you mean `prod`"):
        app.render(EXAMPLE, "prdo", out_dir=tmp_path, as_of=AS_OF)


def test_litellm_config_says_what_litellm_needs(tmp_path: Path) -> None:
    app.render(EXAMPLE, "prod", out_dir=tmp_path, as_of=AS_OF)
    config = YAML(typ="safe").load((tmp_path / "litellm.config.yaml").read_text())
    first = config["model_list"][0]
    params = first["litellm_params"]
    assert params["model"] == "azure/gpt-51"
    assert params["api_base"] == "https://chatsheet-prod-eastus2.openai.azure.com"
    assert params["api_version"] == "2025-04-01-preview"
    # prod's private-endpoint resources use the proxy hosts' managed identity: no credential per deployment.
    assert not {"api_key", "tenant_id", "client_id", "client_secret"} & set(params)
    assert config["litellm_settings"]["enable_azure_ad_token_refresh"] is True
    assert config["environment_variables"] == {"AZURE_CREDENTIAL": "DeploymentIdentityCredential"}
    assert first["model_info"] == {
        "id": "prod:gpt-4:chatsheet-prod-eastus2/gpt-51",
        "base_model": "azure/gpt-5.1-2025-11-13",
    }
    assert config["general_settings"] == {"master_key": "os.environ/LITELLM_MASTER_KEY"}
    router = config["router_settings"]
    assert router["fallbacks"] == [{"gpt-4": ["gpt-4-spillover"]}]
    assert (router["redis_host"], router["redis_port"], router["redis_password"]) == (
        "10.10.1.20",
        6380,
        "os.environ/REDIS_PASSWORD",
    )
    ids = [m["model_info"]["id"] for m in config["model_list"]]
    assert len(ids) == len(set(ids))


def test_app_env_points_at_the_balancer(tmp_path: Path) -> None:
    app.render(EXAMPLE, "staging", out_dir=tmp_path, as_of=AS_OF)
    env = dotenv_values(tmp_path / "server" / ".env")
    assert env == {"LITELLM_API_BASE": "http://litellm.staging.chatsheet.internal:8080", "LITELLM_MODEL": "gpt-4"}
    example = dotenv_values(tmp_path / "server" / ".env.example")
    assert set(example) >= {"LITELLM_API_KEY", "LITELLM_MASTER_KEY", "REDIS_PASSWORD"}
    assert all(v == "" for v in example.values())


def test_generated_header_hash_detects_hand_edits(tmp_path: Path) -> None:
    app.render(EXAMPLE, "prod", out_dir=tmp_path, as_of=AS_OF)
    path = tmp_path / "litellm.config.yaml"
    text = path.read_text()
    recorded, _ = split_header(text)
    assert recorded is not None and not edited_since_generated(text)
    assert edited_since_generated(text.replace("num_retries: 2", "num_retries: 5"))
