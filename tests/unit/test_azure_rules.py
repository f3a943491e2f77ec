"""azure_uses extraction and Azure rule details the case folders do not pin down."""

from __future__ import annotations

import datetime as dt

from configgen.load.yaml import load_yaml_text
from configgen.rules import load_all, run_rules
from configgen.rules.azure_uses import azure_uses
from configgen.rules.targets import AzureUse, Located

AS_OF = dt.date(2026, 11, 27)

CONFIG = """\
model_list:
  - model_name: a
    litellm_params:
      model: azure/o_series/my-o3
      api_base: https://res1.openai.azure.com
      api_version: 2024-10-21
      reasoning_effort: high
      rpm: 10
    model_info:
      base_model: azure/o3-2025-04-16
  - model_name: b
    litellm_params:
      model: gpt-4o-2024-11-20
      api_base: os.environ/AZURE_API_BASE
      custom_llm_provider: azure
      api_version: os.environ/AZURE_API_VERSION
  - model_name: c
    litellm_params:
      model: chat
      api_base: https://res2.cognitiveservices.azure.com/
  - model_name: d
    litellm_params:
      model: openai/gpt-4o
      api_base: https://api.openai.com/v1
"""


def _uses() -> list[AzureUse]:
    doc, problems = load_yaml_text(CONFIG, "c.yaml")
    assert doc is not None and not problems
    return azure_uses(doc, AS_OF)


def test_extracts_every_azure_deployment_and_skips_others() -> None:
    uses = _uses()
    assert [u.path for u in uses] == [("model_list", 0), ("model_list", 1), ("model_list", 2)]
    a, b, c = uses
    assert a.deployment == Located("my-o3", ("model_list", 0, "litellm_params", "model"))
    assert a.resource.value == "res1"
    assert a.api_version.value == dt.date(2024, 10, 21)
    assert (a.model.value, a.model_version.value) == ("o3", "2025-04-16")
    assert a.model.path == ("model_list", 0, "model_info", "base_model")
    assert set(a.params) == {"reasoning_effort"} and a.rpm.value == 10
    # custom_llm_provider without prefix; model from the deployment name; env refs are not literal values
    assert (b.deployment.value, b.model.value, b.model_version.value) == ("gpt-4o-2024-11-20", "gpt-4o", "2024-11-20")
    assert not b.endpoint.present and not b.api_version.present
    # an Azure host without the azure/ prefix is still an Azure deployment
    assert c.deployment.value == "chat" and c.resource.value == "res2" and not c.model.present


def _findings(rule_ids: set[str]) -> list[tuple[str, int, int, str, str]]:
    load_all()
    out = []
    for use in _uses():
        for f in run_rules("azure", use, only=rule_ids):
            out.append((f.rule, f.line, f.column, f.message, f.hint))
    return out


def test_unquoted_date_says_quote_it() -> None:
    [(_rule, line, col, message, hint)] = _findings({"azure-api-version-unquoted"})
    assert (line, col) == (6, 20) and "date" in message and hint == 'quote it: api_version: "2024-10-21"'


def test_env_refs_are_not_checked_as_values() -> None:
    found = _findings({"azure-api-version-unknown", "azure-endpoint-host", "azure-endpoint-http"})
    assert found == []


def _use(**fields: object) -> AzureUse:
    doc, _ = load_yaml_text("model_list: []\n", "x.yaml")
    assert doc is not None
    located = {k: Located(v, ("model_list", 0, k)) for k, v in fields.items()}
    return AzureUse(doc=doc, path=("model_list", 0), as_of=AS_OF, **located)  # type: ignore[arg-type]


def test_unknown_api_version_suggests_the_closest() -> None:
    load_all()
    [f] = run_rules("azure", _use(api_version="2024-10-01"), only={"azure-api-version-unknown"})
    assert "2024-10-01" in f.message and "2024-10-21" in f.hint
    assert run_rules("azure", _use(api_version="2024-08-06"), only={"azure-api-version-unknown"}) == []


def test_retirement_depends_on_sku() -> None:
    from configgen.knowledge.azure_catalog import load_catalog
    from configgen.model.catalog_extension import CatalogExtension

    load_all()
    ext = CatalogExtension.model_validate(
        {"models": {"gpt-x": {"source": "test", "versions": [
            {"version": "1", "retirement_standard": "2026-03-31", "retirement_other": "2026-10-01"}]}}}
    )
    cat = ext.apply(load_catalog())
    ids = {"azure-model-retired", "azure-model-retired-per-table", "azure-model-retiring"}
    on = dt.date(2026, 5, 1)  # after the Standard date (2026-03-31), before the others (2026-10-01)

    def rules_for(**kw: object) -> list[tuple[str, str]]:
        use = _use(model="gpt-x", model_version="1", **kw)._replace(as_of=on, catalog=cat)
        return [(f.rule, f.severity.value) for f in run_rules("azure", use, only=ids)]

    # The bundled table alone never makes a retirement an error.
    assert rules_for(sku="Standard") == [("azure-model-retired-per-table", "warning")]
    assert rules_for(sku="GlobalStandard") == []
    assert rules_for() == [("azure-model-retiring", "warning")]


def test_table_dates_of_the_2026_09_02_schedule() -> None:
    """The six most deployed versions are not retired on 2026-12-01; gpt-5 warns with its date."""
    load_all()
    on = dt.date(2026, 12, 1)
    lifecycle = {"azure-model-retired", "azure-model-retired-per-table", "azure-model-retiring"}
    for model, version in [
        ("gpt-4.1", "2025-04-14"), ("gpt-4.1-mini", "2025-04-14"), ("gpt-4.1-nano", "2025-04-14"),
        ("gpt-4o", "2024-08-06"), ("gpt-4o", "2024-11-20"), ("gpt-4o-mini", "2024-07-18"),
    ]:
        use = _use(model=model, model_version=version)._replace(as_of=on)
        assert run_rules("azure", use, only=lifecycle) == [], (model, version)
    [f] = run_rules("azure", _use(model="gpt-5", model_version="2025-08-07")._replace(as_of=on), only=lifecycle)
    assert (f.rule, f.severity.value) == ("azure-model-retiring", "warning") and "2027-02-09" in f.message


def test_table_retirement_is_a_warning_naming_the_edition_and_how_to_confirm() -> None:
    load_all()
    use = _use(model="gpt-4o", model_version="2024-05-13")._replace(as_of=dt.date(2026, 12, 1))
    [f] = run_rules("azure", use, only={"azure-model-retired", "azure-model-retired-per-table"})
    assert f.severity.value == "warning" and "2026-10-01" in f.message and "2026-09-02" in f.message
    assert "configgen catalog fetch" in f.hint and "gpt-5.1" in f.hint


def test_replacement_hint_never_names_a_retired_model() -> None:
    """o3-mini's table replacement o4-mini is retired itself (2026-10-16): the hint does not name it."""
    load_all()
    use = _use(model="o3-mini", model_version="2025-01-31")._replace(as_of=dt.date(2026, 12, 1))
    [f] = run_rules("azure", use, only={"azure-model-retired-per-table"})
    assert "o4-mini" not in f.hint
    # gpt-5-chat -> gpt-chat-latest, whose versions all retire by 2026-12-02
    use = _use(model="gpt-5-chat", model_version="2025-08-07")._replace(as_of=dt.date(2026, 12, 3))
    [f] = run_rules("azure", use, only={"azure-model-retired-per-table"})
    assert "gpt-chat-latest" not in f.hint


def test_capacity_bounds_tpm_and_rpm() -> None:
    load_all()
    use = _use(model="gpt-4o", sku="GlobalStandard", capacity=10, tpm=20_000, rpm=70)
    got = [(f.path[-1], f.message) for f in run_rules("azure", use, only={"azure-rate-limit-exceeds-quota"})]
    assert [p for p, _ in got] == ["tpm", "rpm"]
    assert "60 RPM" in got[1][1]
    ptu = _use(model="gpt-4o", sku="ProvisionedManaged", capacity=10, tpm=10**9, rpm=10**6)
    assert run_rules("azure", ptu, only={"azure-rate-limit-exceeds-quota"}) == []
