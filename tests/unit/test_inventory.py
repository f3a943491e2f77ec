"""Inventory parsing (positions, shapes, bad input) and the checks against projects and LiteLLM configs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from configgen.app import validate_files
from configgen.findings import Severity
from configgen.load.inventory import load_inventory, parse_inventory

HERE = Path(__file__).parent.parent / "inventory"
INV = HERE / "chatsheet-prod-eastus2.json"
AS_OF = dt.date(2026, 11, 27)


def test_az_output_is_read_with_positions_and_per_minute_limits() -> None:
    inv, problems = load_inventory(INV)
    assert problems == [] and inv is not None
    assert inv.account == "chatsheet-prod-eastus2"
    assert inv.names == ["gpt-51", "gpt-5-mini", "gpt-4o", "text-embedding-3-large", "o4-mini-canary"]
    d = inv.get("text-embedding-3-large")
    assert d is not None and d.line == 156 and d.column == 13
    # 120 requests per 10 s and 120,000 tokens per 60 s
    assert (d.rpm, d.tpm, d.capacity, d.sku, d.version) == (720, 120000, 120, "Standard", "1")
    failed = inv.get("gpt-4o")
    assert failed is not None and failed.state == "Failed" and not failed.succeeded
    assert failed.resource_group == "rg-chatsheet-prod"


def test_arm_list_response_shape_is_read_too() -> None:
    items = json.loads(INV.read_text())
    inv, problems = parse_inventory(json.dumps({"value": items[:2], "nextLink": None}), "page.json")
    assert problems == [] and inv is not None and inv.names == ["gpt-51", "gpt-5-mini"]


def test_bad_json_is_a_located_finding() -> None:
    inv, problems = parse_inventory('[\n  {"name": "x",,}\n]', "bad.json")
    assert inv is None
    assert [(f.rule, f.line, f.column) for f in problems] == [("inventory-invalid", 2, 16)]


def test_wrong_types_and_nameless_entries_are_reported_at_their_lines() -> None:
    text = '[\n  {"name": "a", "sku": {"name": "Standard", "capacity": "lots"}},\n  {"sku": {}}\n]'
    inv, problems = parse_inventory(text, "odd.json")
    assert inv is not None and inv.names == ["a"] and inv.get("a") is not None
    assert sorted((f.line, f.message) for f in problems) == [
        (2, "`sku.capacity` has the wrong type (str)"),
        (3, "deployment without a `name`"),
    ]


def test_not_a_list_is_refused() -> None:
    inv, problems = parse_inventory('{"name": "gpt-4o"}', "one.json")
    assert inv is None and problems[0].rule == "inventory-invalid"


def test_litellm_config_findings_land_on_its_lines() -> None:
    result = validate_files([HERE / "litellm.config.yaml"], AS_OF, [INV])
    got = sorted((f.rule, Path(f.file).name, f.line) for f in result.findings if f.rule.startswith("inventory-"))
    assert got == [
        ("inventory-deployment-missing", "litellm.config.yaml", 15),
        ("inventory-deployment-missing", "litellm.config.yaml", 31),
        ("inventory-deployment-not-succeeded", "litellm.config.yaml", 23),
        ("inventory-deployment-unused", "chatsheet-prod-eastus2.json", 60),
        ("inventory-deployment-unused", "chatsheet-prod-eastus2.json", 156),
        ("inventory-deployment-unused", "chatsheet-prod-eastus2.json", 209),
        ("inventory-rate-limit-exceeded", "litellm.config.yaml", 9),
    ]
    misnamed = next(f for f in result.findings if f.rule == "inventory-deployment-missing" and f.line == 15)
    assert misnamed.hint == "did you mean `gpt-5-mini`?" and misnamed.severity is Severity.ERROR


def test_env_ref_api_base_is_judged_by_the_only_inventory(tmp_path: Path) -> None:
    cfg = tmp_path / "litellm.yaml"
    cfg.write_text(
        "model_list:\n  - model_name: a\n    litellm_params:\n      model: azure/nope\n"
        "      api_base: os.environ/AZURE_API_BASE\n      api_key: os.environ/K\n      api_version: '2024-10-21'\n"
    )
    result = validate_files([cfg], AS_OF, [INV])
    assert [(f.rule, f.line) for f in result.findings if f.rule == "inventory-deployment-missing"] == [
        ("inventory-deployment-missing", 4)
    ]


def test_inventory_of_another_account_is_unmatched(tmp_path: Path) -> None:
    cfg = tmp_path / "litellm.yaml"
    cfg.write_text(
        "model_list:\n  - model_name: a\n    litellm_params:\n      model: azure/x\n"
        "      api_base: https://other.openai.azure.com\n      api_key: os.environ/K\n      api_version: '2024-10-21'\n"
    )
    result = validate_files([cfg], AS_OF, [INV])
    rules = {f.rule for f in result.findings if f.rule.startswith("inventory-")}
    assert rules == {"inventory-unmatched"}


def test_project_naming_a_missing_inventory_points_at_that_line(tmp_path: Path) -> None:
    from configgen.app import validate_project_file

    src = Path(__file__).parent.parent / "cases" / "inventory-deployment-missing" / "present" / "configgen.yaml"
    project = tmp_path / "configgen.yaml"
    project.write_text(src.read_text().replace("deployments.json", "gone.json"))
    result = validate_project_file(project, AS_OF)
    bad = [f for f in result.findings if f.rule == "inventory-invalid"]
    assert [(f.line, f.column) for f in bad] == [(10, 16)] and "not found" in bad[0].message


def test_project_mismatch_and_derived_rate_limits(tmp_path: Path) -> None:
    from configgen.app import validate_project_file

    case = Path(__file__).parent.parent / "cases" / "inventory-deployment-missing" / "present"
    items = json.loads((case / "deployments.json").read_text())
    items[0]["properties"]["model"]["version"] = "2025-08-07"
    items[0]["properties"]["rateLimits"][1]["count"] = 10000.0  # Azure grants 10k TPM, capacity 50 says 50k
    (tmp_path / "deployments.json").write_text(json.dumps(items, indent=2))
    (tmp_path / "configgen.yaml").write_text((case / "configgen.yaml").read_text())
    result = validate_project_file(tmp_path / "configgen.yaml", AS_OF)
    got = sorted((f.rule, f.line, f.message) for f in result.findings if f.rule.startswith("inventory-"))
    assert got == [
        (
            "inventory-deployment-mismatch",
            14,
            "version is 2025-11-13 here, but Azure reports 2025-08-07 for deployment gpt-51",
        ),
        (
            "inventory-rate-limit-exceeded",
            16,
            "tpm 50000 (derived from capacity 50) is above the 10000 TPM Azure grants deployment gpt-51",
        ),
    ]
