"""run_rules_each (configgen/rules/registry.py): the rules of one target kind run over many targets at
once give exactly what run_rules gives target by target (same findings, same order), and a rule that
crashes on one target is one internal-error finding for that (rule, target) while every other rule and
target still runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from configgen.findings import Finding, Severity
from configgen.load.yaml import load_yaml_text
from configgen.pipeline import check_project
from configgen.rules import load_all
from configgen.rules.azure_uses import azure_uses
from configgen.rules.registry import INTERNAL_ERROR, REGISTRY, Rule, run_rules, run_rules_each
from configgen.rules.targets import AzureUse

AS_OF = dt.date(2026, 6, 1)

# Deployments that trip several Azure rules each (unknown api-version, /openai suffix, http, query,
# preview, bad name), so the order of findings between rules and between targets is visible.
CONFIG = """\
model_list:
  - model_name: a
    litellm_params:
      model: azure/gpt 4o
      api_base: http://one.openai.azure.com/openai
      api_version: "2024-13-01"
  - model_name: b
    litellm_params:
      model: azure/gpt-4o
      api_base: https://two.openai.azure.com/?api-version=2024-10-21
      api_version: "2025-04-01-preview"
      rpm: 100000
      tpm: 10
  - model_name: c
    litellm_params:
      model: azure/o3-mini
      api_base: contoso.openai.azure.com
      api_version: 2024-10-21
    model_info: {base_model: azure/o3-mini-2025-01-31}
"""


def _uses() -> list[AzureUse]:
    load_all()
    doc, problems = load_yaml_text(CONFIG, "litellm.yaml")
    assert doc is not None and not problems
    return azure_uses(doc, AS_OF)


def test_same_findings_in_the_same_order_as_one_target_at_a_time() -> None:
    uses = _uses()
    one_by_one = [f for use in uses for f in run_rules("azure", use)]
    assert len({f.rule for f in one_by_one}) >= 4, "the config must trip several rules"
    assert run_rules_each("azure", uses) == one_by_one


def test_no_targets_no_findings() -> None:
    load_all()
    assert run_rules_each("azure", []) == []


@pytest.fixture
def crashes_on_second() -> Iterator[None]:
    """A rule, registered between the others, that crashes on the second deployment only."""

    def sometimes(use: AzureUse) -> Iterator[Finding]:
        """Crashes on deployment b."""
        yield use.finding("test-sometimes", Severity.INFO, use.deployment, "seen")
        if use.deployment.value == "gpt-4o":
            raise KeyError("boom")  # after a finding: the rule's findings on b are dropped, whole

    load_all()
    REGISTRY["test-sometimes"] = Rule("test-sometimes", Severity.INFO, "crashes on b", "azure", sometimes)
    try:
        yield
    finally:
        del REGISTRY["test-sometimes"]


def test_a_crash_is_one_finding_for_that_rule_and_target(crashes_on_second: None) -> None:
    uses = _uses()
    each = run_rules_each("azure", uses)
    assert each == [f for use in uses for f in run_rules("azure", use)]
    crashes = [f for f in each if f.rule == INTERNAL_ERROR]
    assert len(crashes) == 1 and "rule test-sometimes crashed" in crashes[0].message
    assert crashes[0].message.count("KeyError") == 1
    assert sum(f.rule == "test-sometimes" for f in each) == 2  # targets a and c, not what it yielded on b
    assert [f.line for f in each if f.rule in ("test-sometimes", INTERNAL_ERROR)] == [4, 0, 16]
    # Every other rule still reported on the target it crashed on (b's query string).
    assert any(f.rule == "azure-endpoint-query" for f in each)


def test_a_project_reports_what_it_reported_one_deployment_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "configgen.yaml"
    project.write_text(
        """\
version: 1
name: t
resources:
  r1:
    endpoint: https://r1.openai.azure.com/openai
    region: eastus2
    auth: {type: api_key, key_env: K1}
    api_version: "2024-13-01"
    deployments:
      d1: {model: gpt-4o, version: "2024-08-06", sku: Standard, capacity: 10}
      d2: {model: gpt-4o-mni, version: "2024-07-18", sku: Standard, capacity: 10}
  r2:
    endpoint: https://r2.openai.azure.com
    region: eastus2
    auth: {type: api_key, key_env: K2}
    api_version: "2025-04-01-preview"
    deployments:
      d3: {model: o3-mini, version: "2025-01-31", sku: GlobalStandard, capacity: 5}
environments:
  prod:
    routes:
      - {name: m, deployments: [r1/d1, r1/d2, r2/d3]}
""",
        encoding="utf-8",
    )
    _, each = check_project(project, AS_OF, None)
    import configgen.rules.registry as registry

    def one_at_a_time(kind: str, targets: list[AzureUse]) -> list[Finding]:
        return [f for t in targets for f in run_rules(kind, t)]  # type: ignore[arg-type]

    monkeypatch.setattr(registry, "run_rules_each", one_at_a_time)
    _, before = check_project(project, AS_OF, None)
    assert each == before
    assert any(f.rule.startswith("azure-") for f in each)


def test_a_project_catalog_reaches_every_deployment(tmp_path: Path) -> None:
    """project_azure_uses hands the project's extended catalogue to each deployment it builds."""
    body = """\
version: 1
name: t
resources:
  r1:
    endpoint: https://r1.openai.azure.com
    region: eastus2
    auth: {type: api_key, key_env: K1}
    api_version: "2024-10-21"
    deployments:
      d1: {model: gpt-zz, version: "1", sku: Standard, capacity: 10}
      d2: {model: gpt-zz, version: "1", sku: Standard, capacity: 10}
environments:
  prod:
    routes:
      - {name: m, deployments: [r1/d1, r1/d2]}
"""
    project = tmp_path / "configgen.yaml"
    project.write_text(body, encoding="utf-8")
    _, without = check_project(project, AS_OF, None)
    assert [f.line for f in without if f.rule == "azure-model-unknown"] == [10, 11]
    project.write_text(body + 'catalog: {models: {gpt-zz: {source: "test", versions: [{version: "1"}]}}}\n', encoding="utf-8")
    _, with_catalog = check_project(project, AS_OF, None)
    assert not [f for f in with_catalog if f.rule == "azure-model-unknown"]
