"""Auth kinds rendered the way LiteLLM 1.110.2 reads them, and the rules for contradictory auth."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dotenv import dotenv_values
from ruamel.yaml import YAML

from configgen import app

AS_OF = dt.date(2026, 12, 1)

PROJECT = """\
version: 1
name: idp
resources:
  res-a:
    endpoint: https://res-a.openai.azure.com
    region: swedencentral
    auth: {auth_a}
    api_version: "2025-04-01-preview"
    deployments:
      gpt-51: {{model: gpt-5.1, version: "2025-11-13", sku: GlobalStandard, capacity: 10}}
  res-b:
    endpoint: https://res-b.openai.azure.com
    region: eastus2
    auth: {auth_b}
    api_version: "2025-04-01-preview"
    deployments:
      gpt-51: {{model: gpt-5.1, version: "2025-11-13", sku: GlobalStandard, capacity: 10}}
environments:
  prod:
    aliases:
      chat: {{deployments: [res-a/gpt-51, res-b/gpt-51]}}
    app: {{mode: proxy, alias: chat}}
    proxy: {{instances: [{{host: 10.0.0.4, port: 4000}}]}}
"""

KEY_B = "{type: api_key, key_env: AZURE_OPENAI_API_KEY_B}"


def _write(tmp_path: Path, auth_a: str, auth_b: str = KEY_B) -> Path:
    p = tmp_path / "configgen.yaml"
    p.write_text(PROJECT.format(auth_a=auth_a, auth_b=auth_b))
    return p


@pytest.mark.parametrize(
    ("kind", "credential", "proxy_vars"),
    [
        ("managed_identity", "DeploymentIdentityCredential", set()),
        ("user_assigned_identity", "ManagedIdentityCredential", {"AZURE_CLIENT_ID"}),
        ("workload_identity", "WorkloadIdentityCredential",
         {"AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE"}),
    ],
)
def test_identity_kinds_render_what_litellm_reads(tmp_path: Path, kind: str, credential: str, proxy_vars: set[str]) -> None:
    project = _write(tmp_path, f"{{type: {kind}}}")
    result = app.render(project, "prod", out_dir=tmp_path / "out", as_of=AS_OF)
    assert result.exit_code() == 0, result.findings
    config = YAML(typ="safe").load((tmp_path / "out" / "litellm.config.yaml").read_text())
    a, b = (e["litellm_params"] for e in config["model_list"])
    assert not {"api_key", "tenant_id", "client_id", "client_secret"} & set(a)
    assert b["api_key"] == "os.environ/AZURE_OPENAI_API_KEY_B"  # a key resource beside it keeps its key
    assert config["litellm_settings"]["enable_azure_ad_token_refresh"] is True
    assert config["environment_variables"] == {"AZURE_CREDENTIAL": credential}
    example = set(dotenv_values(tmp_path / "out" / "server" / ".env.example"))
    assert example == {"LITELLM_API_BASE", "LITELLM_MODEL", "LITELLM_API_KEY", "LITELLM_MASTER_KEY",
                       "AZURE_OPENAI_API_KEY_B", *proxy_vars}
    run_sh = (tmp_path / "out" / "proxy" / "run.sh").read_text()
    for var in ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_CLIENT_SECRET"):
        assert (f"${{{var}:?must be set}}" in run_sh) == (var in proxy_vars), var


def test_key_and_entra_render_no_token_refresh(tmp_path: Path) -> None:
    sp = "{type: entra, client_id_env: SP_CLIENT_ID, tenant_id_env: SP_TENANT, client_secret_env: SP_SECRET}"
    project = _write(tmp_path, sp)
    assert app.render(project, "prod", out_dir=tmp_path / "out", as_of=AS_OF).exit_code() == 0
    config = YAML(typ="safe").load((tmp_path / "out" / "litellm.config.yaml").read_text())
    assert "enable_azure_ad_token_refresh" not in config["litellm_settings"]
    assert "environment_variables" not in config
    assert config["model_list"][0]["litellm_params"]["client_secret"] == "os.environ/SP_SECRET"


def _rules(project: Path) -> list[tuple[str, int]]:
    found = app.validate_project_file(project, AS_OF).findings
    return [(f.rule, f.line) for f in found if f.rule.startswith("project-identity")]


def test_one_proxy_cannot_hold_two_identities(tmp_path: Path) -> None:
    assert _rules(_write(tmp_path, "{type: managed_identity}", "{type: user_assigned_identity}")) == [
        ("project-identity-mixed", 14)
    ]
    assert _rules(_write(tmp_path, "{type: managed_identity}", "{type: managed_identity}")) == []


def test_a_fallback_key_variable_or_shared_sp_variables_contradict_the_identity(tmp_path: Path) -> None:
    # AZURE_OPENAI_API_KEY is what LiteLLM fills a missing api_key from: the identity would never be used.
    assert _rules(_write(tmp_path, "{type: managed_identity}", "{type: api_key, key_env: AZURE_OPENAI_API_KEY}")) == [
        ("project-identity-contradicted", 14)
    ]
    # The default Entra variables are the ones the identity credential reads.
    assert _rules(_write(tmp_path, "{type: user_assigned_identity}", "{type: entra}")) == [
        ("project-identity-contradicted", 14)
    ]
    assert _rules(_write(tmp_path, "{type: user_assigned_identity}", KEY_B)) == []
