"""Loading a project: schema errors are located findings with hints; environments merge with provenance."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

from configgen.app import validate_project_file
from configgen.findings import Finding
from configgen.model.load import load_project
from configgen.model.merge import merge_environment

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "chatsheetai" / "configgen.yaml"
AS_OF = dt.date(2026, 11, 27)

MINIMAL = textwrap.dedent(
    """\
    version: 1
    name: shop
    resources:
      shop-eastus2:
        endpoint: https://shop-eastus2.openai.azure.com
        region: eastus2
        auth: {type: api_key, key_env: AZURE_OPENAI_API_KEY}
        api_version: "2025-04-01-preview"
        deployments:
          gpt-51: {model: gpt-5.1, version: "2025-11-13", sku: GlobalStandard, capacity: 50}
    defaults:
      aliases:
        chat: {deployments: [shop-eastus2/gpt-51]}
      app: {mode: proxy, alias: chat}
      proxy:
        instances: [{host: 127.0.0.1, port: 4000}]
    environments:
      dev: {}
    """
)


def _findings(tmp_path: Path, text: str) -> list[Finding]:
    path = tmp_path / "configgen.yaml"
    path.write_text(text)
    return validate_project_file(path, AS_OF).findings


def _brief(findings: list[Finding]) -> list[tuple[int, int, str]]:
    return [(f.line, f.column, f.rule) for f in findings]


def test_example_project_is_clean() -> None:
    findings = validate_project_file(EXAMPLE, AS_OF).findings
    assert [f for f in findings if f.severity.value != "info"] == []


def test_minimal_project_is_clean(tmp_path: Path) -> None:
    assert _findings(tmp_path, MINIMAL) == []


def test_unknown_key_with_did_you_mean_at_its_line(tmp_path: Path) -> None:
    [f] = _findings(tmp_path, MINIMAL.replace("    region: eastus2\n", "    regoin: eastus2\n").replace(
        "    endpoint:", "    region: eastus2\n    endpoint:"))
    assert (f.rule, f.line, f.column, f.hint) == ("schema-unknown-key", 7, 5, "did you mean `region`?")
    assert f.path_str == "resources.shop-eastus2.regoin"


def test_unquoted_date_says_quote_it(tmp_path: Path) -> None:
    [f] = _findings(tmp_path, MINIMAL.replace('api_version: "2025-04-01-preview"', "api_version: 2024-10-21"))
    assert (f.rule, f.line, f.column) == ("schema-type", 8, 18)
    assert f.hint == 'quote it: "2024-10-21"'


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        MINIMAL.replace("port: 4000", 'port: "4000"')
        .replace("mode: proxy", "mode: proxi")
        .replace("key_env: AZURE_OPENAI_API_KEY", "key_env: AZURE-KEY")
    )
    got = _brief(_findings(tmp_path, text))
    assert got == [(7, 36, "schema-value"), (14, 15, "schema-value"), (16, 41, "schema-type")]


def test_missing_key_points_at_the_parent(tmp_path: Path) -> None:
    # (region and capacity may be left out: project-region-missing / project-capacity-missing say so)
    [f] = _findings(tmp_path, MINIMAL.replace("    endpoint: https://shop-eastus2.openai.azure.com\n", ""))
    assert (f.rule, f.line, f.column) == ("schema-missing-key", 4, 3)
    assert "endpoint" in f.message


def test_error_in_defaults_is_reported_once_not_per_environment(tmp_path: Path) -> None:
    text = MINIMAL.replace("  dev: {}\n", "  dev: {}\n  prod: {}\n").replace("alias: chat}", "alias: chat, colour: red}")
    findings = _findings(tmp_path, text)
    assert _brief(findings) == [(14, 35, "schema-unknown-key")]


def test_environment_override_is_located_in_the_environment(tmp_path: Path) -> None:
    text = MINIMAL.replace("  dev: {}\n", "  dev:\n    proxy:\n      num_retries: many\n")
    [f] = _findings(tmp_path, text)
    assert (f.rule, f.line, f.column, f.path_str) == ("schema-type", 20, 20, "environments.dev.proxy.num_retries")


def test_unsupported_format_version(tmp_path: Path) -> None:
    [f] = _findings(tmp_path, MINIMAL.replace("version: 1", "version: 2"))
    assert (f.rule, f.line, f.column) == ("schema-version", 1, 10)


def test_top_level_not_a_mapping(tmp_path: Path) -> None:
    [f] = _findings(tmp_path, "- just\n- a list\n")
    assert (f.rule, f.line, f.column) == ("schema-type", 1, 1)


def test_secret_in_a_field_that_fails_the_schema_is_not_echoed(tmp_path: Path) -> None:
    key = "0123456789abcdef0123456789abcdef"
    findings = _findings(tmp_path, MINIMAL.replace("key_env: AZURE_OPENAI_API_KEY", f"key_env: {key}"))
    assert {f.rule for f in findings} == {"schema-value", "project-inline-secret"}
    assert all(key not in f.message + f.hint for f in findings)


def test_merge_records_which_layer_set_each_value() -> None:
    defaults = {"proxy": {"num_retries": 2, "instances": [{"host": "a"}]}, "app": {"mode": "proxy"}}
    override = {"proxy": {"num_retries": 5}, "app": None}
    merged = merge_environment(defaults, override, "prod")
    assert merged.data == {"proxy": {"num_retries": 5, "instances": [{"host": "a"}]}}
    assert merged.origin(("proxy", "num_retries")) == ("environments", "prod", "proxy", "num_retries")
    assert merged.origin(("proxy", "instances", 0, "host")) == ("defaults", "proxy", "instances", 0, "host")
    assert merged.layer(("proxy", "num_retries")) == "environment"
    assert merged.layer(("proxy", "instances")) == "defaults"


def test_load_project_exposes_every_environment() -> None:
    loaded = load_project(EXAMPLE)
    assert loaded.ok
    assert list(loaded.envs) == ["dev", "staging", "prod", "aks", "prod-dr"]
    prod = loaded.envs["prod"].model
    assert prod is not None and prod.proxy is not None and len(prod.proxy.instances) == 3
