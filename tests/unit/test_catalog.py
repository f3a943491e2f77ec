"""The packaged Azure OpenAI catalogue: shape, provenance and the questions rules ask."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from configgen.knowledge.azure_catalog import azure_resource_from_host, load_catalog
from configgen.model.catalog_extension import CatalogExtension


def _raw() -> dict[str, object]:
    return json.loads(resources.files("configgen").joinpath("knowledge/data/azure_openai.json").read_text())  # type: ignore[no-any-return]


def test_every_entry_names_source_and_check_date() -> None:
    data = _raw()
    entries: list[dict[str, object]] = list(data["api_versions"])  # type: ignore[call-overload]
    entries += list(data["features"].values())  # type: ignore[attr-defined]
    entries += list(data["skus"].values())  # type: ignore[attr-defined]
    for m in data["models"].values():  # type: ignore[attr-defined]
        entries.append(m)
        entries += m["versions"]
    for e in entries:
        assert e["source"], e
        dt.date.fromisoformat(str(e["checked"]))


def test_api_versions() -> None:
    c = load_catalog()
    assert c.latest_ga() == "2024-10-21"
    assert c.latest_preview() == "2025-04-01-preview"
    assert c.is_known_api_version("2024-02-15-preview") and c.is_known_api_version("v1")
    assert not c.is_known_api_version("2024-10-12")
    assert c.api_version("2024-06-01").status == "ga"  # type: ignore[union-attr]


@pytest.mark.parametrize("s", ["2024-08-06", "0613", "1106-preview", "turbo-2024-04-09"])
def test_model_versions_are_recognised(s: str) -> None:
    assert load_catalog().looks_like_model_version(s)


@pytest.mark.parametrize("s", ["2024-10-21", "2025-04-01-preview", "v1", "2024-10-12"])
def test_api_versions_are_not_model_versions(s: str) -> None:
    assert not load_catalog().looks_like_model_version(s)


@pytest.mark.parametrize(
    ("version", "feature", "ok"),
    [
        ("2024-06-01", "response_format_json_schema", False),
        ("2024-08-01-preview", "response_format_json_schema", True),
        ("2024-10-21", "response_format_json_schema", True),
        ("2024-10-21", "max_completion_tokens", False),  # not in the 2024-10-21 GA spec
        ("2024-09-01-preview", "max_completion_tokens", True),
        ("2024-10-21", "reasoning_effort", False),
        ("2024-12-01-preview", "reasoning_effort", True),
        ("2023-05-15", "tools", False),
        ("2024-02-01", "tools", True),
        ("2024-02-15-preview", "tools", True),
        ("v1", "prediction", True),
        ("latest", "reasoning_effort", True),
    ],
)
def test_supports(version: str, feature: str, ok: bool) -> None:
    assert load_catalog().supports(version, feature) is ok


def test_model_minimum_api_version() -> None:
    c = load_catalog()
    o3 = c.model_version("o3", "2025-04-16")
    assert o3 is not None and o3.min_api is not None
    assert not c.supports("2024-12-01-preview", o3.min_api)
    assert c.supports("2025-04-01-preview", o3.min_api)
    assert not c.supports("2024-10-21", o3.min_api)  # no GA version serves o-series


def test_retirement_per_sku_class() -> None:
    mv = load_catalog().model_version("gpt-4o", "2024-08-06")
    assert mv is not None
    # The schedule of 2026-09-02 gives one date for every SKU.
    assert mv.retirement.date_for("standard") == mv.retirement.date_for("other") == dt.date(2027, 4, 14)
    assert mv.replacement == "gpt-5.1"
    assert load_catalog().model_version("gpt-35-turbo", "0613").retirement.retired  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("model", "sku", "capacity", "expected"),
    [
        ("gpt-4o", "GlobalStandard", 10, (60, 10_000)),
        ("gpt-4.1", "Standard", 10, (10, 10_000)),
        ("o1", "DataZoneStandard", 60, (10, 60_000)),
        ("o3-mini", "GlobalStandard", 100, (10, 100_000)),
        ("o3", "GlobalStandard", 5, (5, 5_000)),
        ("gpt-4o", "ProvisionedManaged", 50, (None, None)),
        ("gpt-4o", "GlobalStandard", None, (None, None)),
        ("text-embedding-3-small", "Standard", 10, (None, 10_000)),
    ],
)
def test_rpm_tpm(model: str, sku: str, capacity: int | None, expected: tuple[int | None, int | None]) -> None:
    assert load_catalog().rpm_tpm(model, None, sku, capacity) == expected


def test_split_model_id() -> None:
    c = load_catalog()
    assert c.split_model_id("azure/gpt-4o-mini-2024-07-18") == ("gpt-4o-mini", "2024-07-18")
    assert c.split_model_id("gpt-4o") == ("gpt-4o", None)
    assert c.split_model_id("gpt-3.5-turbo-0125") == ("gpt-35-turbo", "0125")
    assert c.split_model_id("my-deployment") is None


def test_hosts() -> None:
    assert azure_resource_from_host("MyRes.openai.azure.com") == "MyRes"
    assert azure_resource_from_host("r.services.ai.azure.com") == "r"
    assert azure_resource_from_host("api.openai.com") is None


def test_extension_adds_models_and_versions() -> None:
    ext = CatalogExtension.model_validate(
        {
            "api_versions": [{"name": dt.date(2026, 1, 1), "status": "ga", "source": "release notes"}],
            "models": {
                "gpt-6": {
                    "kind": "reasoning",
                    "rpm_per_unit": [1, 1000],
                    "source": "https://learn.microsoft.com/",
                    "versions": [{"version": dt.date(2026, 5, 1), "retirement_standard": "2027-05-01"}],
                }
            },
        }
    )
    base = load_catalog()
    c = ext.apply(base)
    assert c.latest_ga() == "2026-01-01" and base.latest_ga() == "2024-10-21"
    mv = c.model_version("gpt-6", "2026-05-01")
    assert mv is not None and mv.retirement.date_for("other") == dt.date(2027, 5, 1)
    assert c.rpm_tpm("gpt-6", None, "Standard", 2) == (2, 2000)
    assert c.model_version("gpt-4o", "2024-08-06") is not None


def test_extension_is_strict() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        CatalogExtension.model_validate({"modles": {}})
    with pytest.raises(ValidationError):
        CatalogExtension.model_validate({"models": {"x": {"versions": []}}})  # source is required


def test_loading_the_catalogue_does_not_import_pydantic() -> None:
    code = "import sys, configgen.knowledge.azure_catalog as c; c.load_catalog(); print('pydantic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "False"


_CATALOG_PROJECT = """version: 1
name: t
resources:
  r1:
    endpoint: https://r1.openai.azure.com
    region: eastus2
    auth: {type: api_key, key_env: K1}
    api_version: "2024-10-21"
    deployments:
      d1: {model: gpt-zz, version: "1", sku: Standard, capacity: 10}
catalog: CATALOG
environments:
  prod:
    aliases: {m: {deployments: [r1/d1]}}
    app: {mode: proxy, alias: m}
    proxy: {instances: [{host: 10.0.0.1}]}
"""


@pytest.mark.parametrize(
    ("catalog", "rule", "message", "column"),
    [
        ('{models: {gpt-zz: {versions: [{version: "1"}]}}}', "schema-missing-key",
         "missing required key `source` in `catalog.models.gpt-zz`", 20),
        ('{models: {gpt-zz: {sorce: x, source: y}}}', "schema-unknown-key", "unknown key `sorce`", 29),
        ("{models: {gpt-zz: {source: x, kind: chatt}}}", "schema-value", "`kind`: 'chatt' is not allowed", 46),
    ],
)
def test_a_wrong_catalog_section_is_a_located_schema_error_not_a_crash(
    tmp_path: Path, catalog: str, rule: str, message: str, column: int
) -> None:
    from configgen.pipeline import validate_project

    path = tmp_path / "configgen.yaml"
    path.write_text(_CATALOG_PROJECT.replace("CATALOG", catalog))
    findings = validate_project(path, dt.date(2026, 12, 1))
    errors = [f for f in findings if f.severity.value == "error"]
    assert [(f.rule, f.line, f.column) for f in errors] == [(rule, 11, column)], findings
    assert message in errors[0].message


def test_the_unknown_model_hint_is_a_catalog_entry_that_validates(tmp_path: Path) -> None:
    """azure-model-unknown's hint names the shape to declare; filling it in must give a clean project."""
    from configgen.pipeline import validate_project

    path = tmp_path / "configgen.yaml"
    path.write_text(_CATALOG_PROJECT.replace("catalog: CATALOG\n", ""))
    [unknown] = [f for f in validate_project(path, dt.date(2026, 12, 1)) if f.rule == "azure-model-unknown"]
    shape = unknown.hint[unknown.hint.index("(catalog: ") + len("(catalog: ") : -1]
    filled = shape.replace("NAME", "gpt-zz").replace("URL", "'https://example.invalid/gpt-zz'").replace("...", '"1"')
    path.write_text(_CATALOG_PROJECT.replace("CATALOG", filled))
    assert [f for f in validate_project(path, dt.date(2026, 12, 1)) if f.severity.value == "error"] == []
